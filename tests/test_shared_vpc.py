"""`crpatterns shared-vpc` through the CLI against the emulator, with two projects: demo-host (the Shared
VPC host, built here through the Compute API) and demo-service (where the Cloud Run service runs).
Issue 6, "Done means"."""

from __future__ import annotations

from typing import Any

import pytest
from google.cloud import compute_v1, run_v2

from crpatterns.errors import ExitCode
from tests.cli import run
from tests.emulator.clients import compute, run_services
from tests.emulator.networking import create_network, create_subnet
from tests.emulator.serverless import attach, enable_xpn_host, grant_on_subnet

HOST, SERVICE_PROJECT, REGION = "demo-host", "demo-service", "us-central1"
PARENT = f"projects/{SERVICE_PROJECT}/locations/{REGION}"
AGENT = "serviceAccount:service-100000000003@serverless-robot-prod.iam.gserviceaccount.com"
SUBNET = f"projects/{HOST}/regions/{REGION}/subnetworks/run-egress"
NETWORK = f"projects/{HOST}/global/networks/shared"
IMAGE = "us-docker.pkg.dev/demo/app/api:1"
FOREIGN = "group:network-admins@example.com"


def enable(*extra: str, name: str = "api") -> list[str]:
    return ["shared-vpc", "enable", name, "--region", REGION, "--host-project", HOST, "--network", "shared",
            "--subnet", "run-egress", "--project", SERVICE_PROJECT, *extra]


def disable(*extra: str, name: str = "api") -> list[str]:
    return ["shared-vpc", "disable", name, "--region", REGION, "--project", SERVICE_PROJECT, *extra]


def host_network(emulator: Any, xpn_host: bool = True, attached: bool = True) -> None:
    """The host's network and subnet (Private Google Access off), Shared VPC on, the service project
    attached, as the test asks."""
    create_network(emulator, "shared", project=HOST)
    create_subnet(emulator, "run-egress", "shared", "10.8.0.0/24", project=HOST, private_ip_google_access=False)
    if xpn_host:
        enable_xpn_host(emulator, HOST)
    if attached:
        attach(emulator, SERVICE_PROJECT, HOST)


def existing_service(emulator: Any, name: str = "api") -> run_v2.Service:
    """A service made by someone else: env vars, scaling, a foreign label, public ingress."""
    template = run_v2.RevisionTemplate(
        containers=[run_v2.Container(image="us-docker.pkg.dev/team/app/api:7",
                                     env=[run_v2.EnvVar(name="MODE", value="prod"),
                                          run_v2.EnvVar(name="LEVEL", value="3")])],
        scaling=run_v2.RevisionScaling(min_instance_count=1, max_instance_count=7),
        max_instance_request_concurrency=40)
    service = run_v2.Service(template=template, labels={"team": "payments"},
                             ingress=run_v2.IngressTraffic.INGRESS_TRAFFIC_ALL)
    return run_services(emulator).create_service(parent=PARENT, service_id=name, service=service).result(timeout=30)


def get_service(emulator: Any, name: str = "api") -> run_v2.Service:
    return run_services(emulator).get_service(name=f"{PARENT}/services/{name}")


def subnet_policy(emulator: Any) -> dict[str, set[str]]:
    policy = compute(emulator, "SubnetworksClient").get_iam_policy(project=HOST, region=REGION, resource="run-egress")
    return {b.role: set(b.members) for b in policy.bindings}


def raw_host_policy(emulator: Any) -> dict[str, Any]:
    status, policy = emulator.call("POST", f"v3/projects/{HOST}:getIamPolicy", {})
    assert status == 200, policy
    return policy


def host_policy(emulator: Any) -> dict[str, set[str]]:
    return {b["role"]: set(b["members"]) for b in raw_host_policy(emulator).get("bindings", [])}


def subnet(emulator: Any) -> compute_v1.Subnetwork:
    return compute(emulator, "SubnetworksClient").get(project=HOST, region=REGION, subnetwork="run-egress")


def unchanged_parts(service: run_v2.Service) -> dict[str, Any]:
    """Everything enable must leave alone: the template without vpcAccess, and the foreign labels."""
    template = run_v2.RevisionTemplate.to_dict(service.template)
    template.pop("vpc_access", None)
    template.pop("revision", None)
    labels = {k: v for k, v in service.labels.items() if not k.startswith("crpatterns")}
    return {"template": template, "labels": labels, "launch_stage": service.launch_stage}


# -- enable ---------------------------------------------------------------------------------------


def test_enable_on_an_existing_service_changes_only_what_it_must(emulator: Any) -> None:
    host_network(emulator)
    before = existing_service(emulator)
    outcome = run(*enable("--network-tag", "api", "--yes"))
    assert outcome.exit_code == 0, outcome
    after = get_service(emulator)
    assert unchanged_parts(after) == unchanged_parts(before)
    assert after.template.containers[0].image == "us-docker.pkg.dev/team/app/api:7"
    assert [(e.name, e.value) for e in after.template.containers[0].env] == [("MODE", "prod"), ("LEVEL", "3")]
    assert after.labels["team"] == "payments"
    interface = after.template.vpc_access.network_interfaces[0]
    assert (interface.network, interface.subnetwork, list(interface.tags)) == (NETWORK, SUBNET, ["api"])
    assert after.template.vpc_access.egress == run_v2.VpcAccess.VpcEgress.ALL_TRAFFIC
    assert after.ingress == run_v2.IngressTraffic.INGRESS_TRAFFIC_INTERNAL_ONLY
    assert after.latest_ready_revision == after.latest_created_revision != before.latest_created_revision
    # Not created by the tool: no ownership labels, only the tool's own label and annotations.
    assert "managed-by" not in after.labels and after.labels["crpatterns-shared-vpc"] == HOST
    assert after.annotations["crpatterns.dev/previous-ingress"] == "INGRESS_TRAFFIC_ALL"
    assert AGENT in subnet_policy(emulator)["roles/compute.networkUser"]
    assert AGENT in host_policy(emulator)["roles/compute.networkViewer"]
    assert subnet(emulator).private_ip_google_access
    emulator.clear_requests()
    again = run(*enable("--network-tag", "api", "--yes"))
    assert again.exit_code == 0, again
    assert "No changes." in again.stdout
    assert emulator.mutating_requests() == []


def test_enable_with_image_creates_a_missing_service(emulator: Any) -> None:
    host_network(emulator)
    missing = run(*enable("--yes"))
    assert missing.exit_code == 1 and "does not exist" in missing.stderr and "--image" in missing.stderr
    outcome = run(*enable("--image", IMAGE, "--ingress", "internal-and-cloud-load-balancing",
                          "--egress", "private-ranges-only", "--yes"))
    assert outcome.exit_code == 0, outcome
    created = get_service(emulator)
    assert created.template.containers[0].image == IMAGE
    assert created.labels["managed-by"] == "crpatterns" and created.labels["crpatterns-pattern"] == "shared-vpc"
    assert created.ingress == run_v2.IngressTraffic.INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER
    assert created.template.vpc_access.egress == run_v2.VpcAccess.VpcEgress.PRIVATE_RANGES_ONLY
    assert created.latest_ready_revision
    emulator.clear_requests()
    assert "No changes." in run(*enable("--image", IMAGE, "--ingress", "internal-and-cloud-load-balancing",
                                        "--egress", "private-ranges-only", "--yes")).stdout
    assert emulator.mutating_requests() == []


def test_a_host_that_is_not_a_shared_vpc_host_is_an_error_and_nothing_changes(emulator: Any) -> None:
    host_network(emulator, xpn_host=False, attached=False)
    existing_service(emulator)
    emulator.clear_requests()
    outcome = run(*enable("--attach", "--yes"))
    assert outcome.exit_code == 1, outcome
    assert f"Project {HOST} is not a Shared VPC host project" in outcome.stderr
    assert "Traceback" not in outcome.stderr
    assert emulator.mutating_requests() == []


def test_not_attached_needs_attach(emulator: Any) -> None:
    host_network(emulator, attached=False)
    existing_service(emulator)
    emulator.clear_requests()
    refused = run(*enable("--yes"))
    assert refused.exit_code == 1
    assert "not attached" in refused.stderr and "--attach" in refused.stderr
    assert "roles/compute.xpnAdmin" in refused.stderr
    assert emulator.mutating_requests() == []
    outcome = run(*enable("--attach", "--yes"))
    assert outcome.exit_code == 0, outcome
    attached = compute(emulator, "ProjectsClient").get_xpn_host(project=SERVICE_PROJECT)
    assert attached.name == HOST
    assert get_service(emulator).latest_ready_revision


def test_a_foreign_binding_on_the_subnet_survives_enable_and_disable(emulator: Any) -> None:
    host_network(emulator)
    existing_service(emulator)
    grant_on_subnet(emulator, FOREIGN, host=HOST)
    grant_on_subnet(emulator, FOREIGN, host=HOST, role="roles/compute.networkViewer")
    assert run(*enable("--yes")).exit_code == 0
    policy = subnet_policy(emulator)
    assert policy["roles/compute.networkUser"] == {FOREIGN, AGENT}
    assert policy["roles/compute.networkViewer"] == {FOREIGN}
    outcome = run(*disable("--revoke-host-access", "--yes"))
    assert outcome.exit_code == 0, outcome
    assert subnet_policy(emulator) == {"roles/compute.networkUser": {FOREIGN},
                                       "roles/compute.networkViewer": {FOREIGN}}


def test_an_etag_conflict_on_the_subnet_policy_is_retried(emulator: Any) -> None:
    host_network(emulator)
    existing_service(emulator)
    grant_on_subnet(emulator, FOREIGN, host=HOST)
    emulator.fault(method="POST", path="subnetworks/.*/setIamPolicy", status=409, count=1, grpcStatus="ABORTED")
    emulator.clear_requests()
    outcome = run(*enable("--yes"))
    assert outcome.exit_code == 0, outcome
    assert subnet_policy(emulator)["roles/compute.networkUser"] == {FOREIGN, AGENT}
    attempts = [r for r in emulator.requests() if r["method"] == "POST" and r["path"].endswith("/setIamPolicy")
                and "subnetworks" in r["path"]]
    assert len(attempts) == 2


def test_the_emulator_refuses_the_update_while_the_grant_is_missing(emulator: Any) -> None:
    """Why the grants come first: an update to Direct VPC egress on the host's subnet fails without them."""
    from google.api_core import exceptions

    host_network(emulator)
    service = existing_service(emulator)
    service.template.vpc_access = run_v2.VpcAccess(
        network_interfaces=[run_v2.VpcAccess.NetworkInterface(network=NETWORK, subnetwork=SUBNET)],
        egress=run_v2.VpcAccess.VpcEgress.ALL_TRAFFIC)
    client = run_services(emulator)
    with pytest.raises(exceptions.GoogleAPICallError) as refused:
        client.update_service(service=service).result(timeout=30)
    assert AGENT.removeprefix("serviceAccount:") in refused.value.message
    assert "roles/compute.networkUser" in refused.value.message
    assert get_service(emulator).terminal_condition.state == run_v2.Condition.State.CONDITION_FAILED
    # The tool repairs it: grants first, then the service.
    outcome = run(*enable("--yes"))
    assert outcome.exit_code == 0, outcome
    repaired = get_service(emulator)
    assert repaired.terminal_condition.state == run_v2.Condition.State.CONDITION_SUCCEEDED


def test_the_grants_are_made_before_the_service_update(emulator: Any) -> None:
    host_network(emulator)
    existing_service(emulator)
    emulator.clear_requests()
    assert run(*enable("--yes")).exit_code == 0
    writes = [r["path"] for r in emulator.mutating_requests()]
    patch = next(i for i, path in enumerate(writes) if "/services/api" in path)
    grants = [i for i, path in enumerate(writes) if path.endswith(":setIamPolicy") or path.endswith("/setIamPolicy")]
    assert len(grants) == 2 and max(grants) < patch


# -- disable --------------------------------------------------------------------------------------


def test_disable_restores_the_ingress_and_removes_the_connection(emulator: Any) -> None:
    host_network(emulator)
    before = existing_service(emulator)
    assert run(*enable("--yes")).exit_code == 0
    outcome = run(*disable("--yes"))
    assert outcome.exit_code == 0, outcome
    after = get_service(emulator)
    assert after.ingress == run_v2.IngressTraffic.INGRESS_TRAFFIC_ALL
    assert not after.template.vpc_access.network_interfaces
    assert unchanged_parts(after) == unchanged_parts(before)
    assert "crpatterns-shared-vpc" not in after.labels
    assert "crpatterns.dev/previous-ingress" not in after.annotations
    assert after.latest_ready_revision == after.latest_created_revision
    # Host grants stay without --revoke-host-access.
    assert AGENT in subnet_policy(emulator)["roles/compute.networkUser"]
    emulator.clear_requests()
    assert "No changes." in run(*disable("--yes")).stdout
    assert emulator.mutating_requests() == []


def test_revoke_removes_only_the_bindings_the_tool_added(emulator: Any) -> None:
    host_network(emulator)
    existing_service(emulator)
    # The agent was a network viewer of the host before: that grant is not the tool's.
    policy = raw_host_policy(emulator)
    policy.setdefault("bindings", []).append({"role": "roles/compute.networkViewer", "members": [AGENT]})
    assert emulator.call("POST", f"v3/projects/{HOST}:setIamPolicy", {"policy": policy})[0] == 200
    assert run(*enable("--yes")).exit_code == 0
    outcome = run(*disable("--revoke-host-access", "--yes"))
    assert outcome.exit_code == 0, outcome
    assert AGENT not in subnet_policy(emulator).get("roles/compute.networkUser", set())
    assert AGENT in host_policy(emulator)["roles/compute.networkViewer"]
    assert "crpatterns.dev/host-grants" not in get_service(emulator).annotations


def test_revoke_keeps_the_grants_while_another_service_uses_the_subnet(emulator: Any) -> None:
    host_network(emulator)
    existing_service(emulator, "api")
    existing_service(emulator, "billing")
    assert run(*enable("--yes", name="api")).exit_code == 0
    assert run(*enable("--yes", name="billing")).exit_code == 0
    outcome = run(*disable("--revoke-host-access", "--yes", name="api"))
    assert outcome.exit_code == 0, outcome
    assert "billing still use" in outcome.stdout
    assert AGENT in subnet_policy(emulator)["roles/compute.networkUser"]
    assert AGENT in host_policy(emulator)["roles/compute.networkViewer"]
    # Once billing is off the subnet, revoking on api again removes what the tool added for api.
    assert run(*disable("--yes", name="billing")).exit_code == 0
    again = run(*disable("--revoke-host-access", "--yes", name="api"))
    assert again.exit_code == 0, again
    assert AGENT not in subnet_policy(emulator).get("roles/compute.networkUser", set())
    assert AGENT not in host_policy(emulator).get("roles/compute.networkViewer", set())


# -- dry run --------------------------------------------------------------------------------------


def test_dry_run_shows_every_step_and_makes_no_mutating_call(emulator: Any) -> None:
    host_network(emulator, attached=False)
    existing_service(emulator)
    emulator.clear_requests()
    outcome = run(*enable("--attach", "--invoker", "serviceAccount:caller@demo-service.iam.gserviceaccount.com",
                          "--dry-run"))
    assert outcome.exit_code == 0, outcome
    for expected in ("compute.projects.xpnHost demo-service", "compute.subnetworks.iamPolicy run-egress",
                     "cloudresourcemanager.projects.iamPolicy demo-host", "compute.subnetworks run-egress",
                     "run.services api", "run.services.iamPolicy api", "[shared: not created by crpatterns]",
                     "Private Google Access", "template.vpcAccess"):
        assert expected in outcome.stdout, outcome.stdout
    assert "Plan: 3 to add, 3 to change" in outcome.stdout
    assert emulator.mutating_requests() == []
    document = run(*enable("--attach", "--dry-run", "--format", "json")).json()
    assert [a["role"] for a in document["actions"]] == ["attachment", "network-user", "network-viewer", "subnet",
                                                         "service", "invoker"]
    assert emulator.mutating_requests() == []
    assert run(*enable("--attach", "--dry-run", "--detailed-exitcode")).exit_code == 2
    assert run(*disable("--revoke-host-access", "--dry-run")).exit_code == 0
    assert emulator.mutating_requests() == []


def test_bad_input_is_one_sentence_with_exit_64_and_no_call(emulator: Any) -> None:
    emulator.clear_requests()
    outcome = run(*enable("--egress", "everything"))
    assert outcome.exit_code == ExitCode.USAGE
    assert "--egress must be all-traffic or private-ranges-only" in outcome.stderr
    same = run("shared-vpc", "enable", "api", "--region", REGION, "--host-project", SERVICE_PROJECT, "--network",
               "shared", "--subnet", "run-egress", "--project", SERVICE_PROJECT)
    assert same.exit_code == ExitCode.USAGE and "--host-project must be the Shared VPC host" in same.stderr
    assert emulator.mutating_requests() == []
