"""`crpatterns internal-api` through the CLI against the emulator: create, re-run, dry-run, the
proxy-only subnet (created, or reused untouched), destroy, status, bad input (issue 5, "Done means").
Changes to a running API (port, IP, global access, invokers) are in test_internal_api_changes.py."""

from __future__ import annotations

from typing import Any

from crpatterns.errors import ExitCode
from tests.cli import inventory_items, run
from tests.emulator.networking import create_network, create_subnet
from tests.test_engine import marked

PROJECT = "demo-project"
REGION = "us-central1"
IMAGE = "us-docker.pkg.dev/demo/api/hello:1"
# The seeded `default` network is auto mode: its own subnets use 10.128.0.0/9, so the proxy-only
# subnet the tool creates there needs a range outside it.
PROXY_RANGE = "10.2.0.0/23"
COMPUTE = "https://www.googleapis.com/compute/v1/projects/demo-project"


def create(*extra: str, name: str = "api", network: str = "default", subnet: str = "default") -> list[str]:
    return ["internal-api", "create", name, "--image", IMAGE, "--region", REGION, "--network", network,
            "--subnet", subnet, "--project", PROJECT, *extra]


def destroy(name: str = "api", *extra: str) -> list[str]:
    return ["internal-api", "destroy", name, "--region", REGION, "--project", PROJECT, "--yes", *extra]


def one(emulator: Any, collection: str, name: str) -> dict[str, Any]:
    (found,) = [item for item in inventory_items(emulator, collection) if item["name"] == name]
    return found


def invokers(emulator: Any, name: str = "api") -> list[str]:
    from tests.emulator.clients import run_services

    policy = run_services(emulator).get_iam_policy(
        request={"resource": f"projects/{PROJECT}/locations/{REGION}/services/{name}"})
    return sorted(m for b in policy.bindings if b.role == "roles/run.invoker" for m in b.members)


def custom_network_with_proxy_subnet(emulator: Any) -> None:
    """Network `vpc` with subnet `app` (10.0.0.0/24) and someone's proxy-only subnet `proxy`."""
    create_network(emulator, "vpc")
    create_subnet(emulator, "app", "vpc", "10.0.0.0/24")
    create_subnet(emulator, "proxy", "vpc", "10.9.0.0/23", purpose="REGIONAL_MANAGED_PROXY", role="ACTIVE")


def test_create_makes_a_proxy_subnet_when_none_is_active_and_every_field_is_set(emulator: Any) -> None:
    outcome = run(*create("--proxy-subnet-range", PROXY_RANGE, "--invoker", "group:callers@example.com", "--yes"))
    assert outcome.exit_code == 0, outcome
    assert "Plan: 8 to add, 0 to change, 0 to replace, 0 to destroy." in outcome.stdout
    proxy = one(emulator, "regions/subnetworks", "api-proxy-only")
    assert (proxy["purpose"], proxy["role"], proxy["ipCidrRange"]) == ("REGIONAL_MANAGED_PROXY", "ACTIVE", PROXY_RANGE)
    assert proxy["network"] == f"{COMPUTE}/global/networks/default"
    (service,) = emulator.inventory()["run"]["services"]
    assert service["ingress"] == "INGRESS_TRAFFIC_INTERNAL_ONLY"
    assert not service.get("invokerIamDisabled")
    assert invokers(emulator) == ["group:callers@example.com"]
    neg = one(emulator, "regions/networkEndpointGroups", "api-neg")
    assert (neg["networkEndpointType"], neg["cloudRun"]["service"]) == ("SERVERLESS", "api")
    backend = one(emulator, "regions/backendServices", "api-backend")
    assert (backend["loadBalancingScheme"], backend["protocol"]) == ("INTERNAL_MANAGED", "HTTP")
    assert not backend.get("healthChecks") and backend["backends"][0]["group"] == neg["selfLink"]
    url_map = one(emulator, "regions/urlMaps", "api-urlmap")
    assert url_map["defaultService"] == backend["selfLink"]
    proxy_ = one(emulator, "regions/targetHttpProxies", "api-http-proxy")
    assert proxy_["urlMap"] == url_map["selfLink"]
    rule = one(emulator, "regions/forwardingRules", "api-rule")
    assert (rule["loadBalancingScheme"], rule["IPProtocol"], rule["portRange"], rule["networkTier"]) == (
        "INTERNAL_MANAGED", "TCP", "80-80", "PREMIUM")
    assert "ports" not in rule  # Application Load Balancers take portRange (discovery, ForwardingRule.ports)
    assert rule["network"] == f"{COMPUTE}/global/networks/default"
    assert rule["subnetwork"] == f"{COMPUTE}/regions/{REGION}/subnetworks/default"
    assert rule["target"] == proxy_["selfLink"] and not rule.get("allowGlobalAccess")
    assert rule["IPAddress"].startswith("10.128.")
    assert len(marked(emulator, "api")) == 7  # 8 resources minus the IAM policy

    emulator.clear_requests()
    again = run(*create("--proxy-subnet-range", PROXY_RANGE, "--invoker", "group:callers@example.com", "--yes"))
    assert again.exit_code == 0, again
    assert "No changes." in again.stdout
    assert emulator.mutating_requests() == []


def test_on_the_auto_mode_default_network_the_default_range_moves_to_a_free_block(emulator: Any) -> None:
    outcome = run(*create("--no-invoker-iam", "--yes"))
    assert outcome.exit_code == 0, outcome
    assert "the default range 10.129.0.0/23 is taken in network default: uses 10.0.0.0/23" in outcome.stdout
    assert one(emulator, "regions/subnetworks", "api-proxy-only")["ipCidrRange"] == "10.0.0.0/23"
    emulator.clear_requests()
    assert "No changes." in run(*create("--no-invoker-iam", "--yes")).stdout
    assert emulator.mutating_requests() == []


def test_an_active_proxy_subnet_is_reused_untouched_and_destroy_keeps_it(emulator: Any) -> None:
    custom_network_with_proxy_subnet(emulator)
    before = one(emulator, "regions/subnetworks", "proxy")
    emulator.clear_requests()
    outcome = run(*create("--invoker", "user:dev@example.com", "--yes", network="vpc", subnet="app"))
    assert outcome.exit_code == 0, outcome
    assert ("reuses the active proxy-only subnet proxy (10.9.0.0/23), created outside crpatterns"
            in outcome.stdout)
    assert not [r for r in emulator.mutating_requests() if "subnetworks" in r.get("methodId", "")]
    assert one(emulator, "regions/subnetworks", "proxy") == before

    emulator.clear_requests()
    again = run(*create("--invoker", "user:dev@example.com", "--yes", network="vpc", subnet="app"))
    assert "No changes." in again.stdout and "reuses the active proxy-only subnet proxy" in again.stdout
    assert emulator.mutating_requests() == []

    gone = run(*destroy())
    assert gone.exit_code == 0, gone
    assert "kept: this app reused the proxy-only subnet, which was created outside crpatterns" in gone.stdout
    assert "Plan: 0 to add, 0 to change, 0 to replace, 6 to destroy." in gone.stdout
    assert marked(emulator, "api") == []
    assert one(emulator, "regions/subnetworks", "proxy") == before


def test_destroy_keeps_a_proxy_subnet_another_apps_rule_still_needs(emulator: Any) -> None:
    assert run(*create("--proxy-subnet-range", PROXY_RANGE, "--no-invoker-iam", "--yes")).exit_code == 0
    second = run(*create("--no-invoker-iam", "--yes", name="other"))
    assert second.exit_code == 0, second
    assert "reuses the active proxy-only subnet api-proxy-only (10.2.0.0/23), created by crpatterns app 'api'" \
        in second.stdout

    first_gone = run(*destroy("api"))
    assert first_gone.exit_code == 0, first_gone
    assert "kept: forwarding rule other-rule still runs on this proxy-only subnet" in first_gone.stdout
    assert marked(emulator, "api") == ["regions/subnetworks/api-proxy-only"]
    # The last load balancer on it goes: its destroy deletes the subnet its creator left (issue 11).
    last = run(*destroy("other"))
    assert last.exit_code == 0, last
    assert "created by crpatterns app 'api', which is gone" in last.stdout
    assert marked(emulator, "other") == [] and marked(emulator, "api") == []
    assert "No changes." in run(*destroy("api")).stdout


def test_a_proxy_subnet_is_deleted_only_after_the_apps_rule(emulator: Any) -> None:
    assert run(*create("--proxy-subnet-range", PROXY_RANGE, "--no-invoker-iam", "--yes")).exit_code == 0
    outcome = run(*destroy("api", "--format", "json"))
    assert outcome.exit_code == 0, outcome
    document = outcome.json()
    assert document["summary"]["delete"] == 7
    order = [step["name"] for step in document["result"]["done"]]
    assert order.index("api-rule") < order.index("api-proxy-only")
    assert marked(emulator, "api") == []


def test_dry_run_on_an_empty_project_plans_everything_and_changes_nothing(emulator: Any) -> None:
    emulator.clear_requests()
    outcome = run(*create("--proxy-subnet-range", PROXY_RANGE, "--dry-run", "--format", "json"))
    assert outcome.exit_code == 0, outcome
    document = outcome.json()
    assert document["summary"] == {"create": 7, "update": 0, "replace": 0, "delete": 0}
    assert sorted(a["role"] for a in document["actions"] if a["action"] == "create") == sorted(
        ["proxy-subnet", "service", "neg", "backend", "url-map", "http-proxy", "rule"])
    assert "No --invoker given" in document["warnings"][0]
    assert emulator.mutating_requests() == []
    assert run(*create("--proxy-subnet-range", PROXY_RANGE, "--dry-run", "--detailed-exitcode")).exit_code == 2


def test_status_reports_how_to_call_it_and_flags_public_access(emulator: Any) -> None:
    from google.cloud import run_v2
    from google.protobuf import field_mask_pb2

    from tests.emulator.clients import run_services

    assert run(*create("--proxy-subnet-range", PROXY_RANGE, "--invoker", "user:dev@example.com", "--yes")
               ).exit_code == 0
    text = run("internal-api", "status", "api", "--region", REGION, "--project", PROJECT)
    assert text.exit_code == 0, text
    ip = one(emulator, "regions/forwardingRules", "api-rule")["IPAddress"]
    assert f"internal address: {ip} port 80" in text.stdout
    assert f'curl -H "Authorization: Bearer $(gcloud auth print-identity-token)" http://{ip}/' in text.stdout
    assert "proxy-only subnet: api-proxy-only (10.2.0.0/23, created by this app)" in text.stdout
    assert "global access: off" in text.stdout and "invokers: user:dev@example.com" in text.stdout

    client = run_services(emulator)
    name = f"projects/{PROJECT}/locations/{REGION}/services/api"
    client.update_service(service=run_v2.Service(name=name, ingress=run_v2.IngressTraffic.INGRESS_TRAFFIC_ALL),
                          update_mask=field_mask_pb2.FieldMask(paths=["ingress"])).result()
    policy = client.get_iam_policy(request={"resource": name})
    policy.bindings.add(role="roles/run.invoker", members=["allUsers"])
    client.set_iam_policy(request={"resource": name, "policy": policy})
    report = run("internal-api", "status", "api", "--region", REGION, "--project", PROJECT, "--format", "json")
    assert report.exit_code == 1, report
    document = report.json()
    assert document["ip"] == ip and document["port"] == 80 and document["globalAccess"] is False
    assert document["proxyOnlySubnet"]["name"] == "api-proxy-only"
    assert len(document["findings"]) == 2
    assert any("Ingress is ALL" in f for f in document["findings"])
    assert any("allUsers" in f for f in document["findings"])


def bad(emulator: Any, *args: str, code: int = ExitCode.USAGE) -> str:
    """The command fails with `code` (64: the flags alone are wrong; 1: what the project holds refuses them),
    one sentence, no traceback and no mutating call; returns the sentence."""
    emulator.clear_requests()
    outcome = run(*args)
    assert outcome.exit_code == code, outcome
    assert "Traceback" not in outcome.stderr and "uncaught" not in outcome.stderr
    lines = outcome.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), outcome
    assert emulator.mutating_requests() == []
    return lines[0]


def test_bad_input_is_one_sentence_exit_64_or_1_and_no_change(emulator: Any) -> None:
    custom_network_with_proxy_subnet(emulator)
    assert bad(emulator, *create(network="vpc", subnet="nope"), code=1) == (
        "Error: --subnet nope does not exist in network vpc in us-central1; subnets there: app, proxy.")
    assert bad(emulator, *create(network="nope"), code=1) == (
        "Error: --network nope does not exist in project demo-project; networks there: default, vpc.")
    assert bad(emulator, *create("--ip", "10.1.0.5", network="vpc", subnet="app"), code=1) == (
        "Error: --ip 10.1.0.5 is outside subnet app's range 10.0.0.0/24; give a free address inside it.")
    assert bad(emulator, *create(network="vpc", subnet="proxy"), code=1).startswith(
        "Error: --subnet proxy is a proxy-only subnet (REGIONAL_MANAGED_PROXY)")
    assert bad(emulator, *create("--proxy-subnet-range", "10.128.0.0/23"), code=1).startswith(
        "Error: --proxy-subnet-range 10.128.0.0/23 overlaps subnet default (10.128.0.0/20) in us-central1")
    assert "lies in 10.128.0.0/9, which auto mode network default keeps" in bad(
        emulator, *create("--proxy-subnet-range", "10.129.0.0/23"), code=1)
    assert "--invoker allUsers is refused" in bad(emulator, *create("--invoker", "allUsers"))
