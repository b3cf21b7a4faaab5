"""`crpatterns web-app` through the CLI against the emulator (issue 4, "Done means"): create in lb mode
with every field checked, re-run, dry-run, status (healthy, then broken behind the tool's back, then
repaired by create), destroy, bad input, and the next steps printed on a terminal.
Changes to a running app (modes, certificates, domains, members, image, address, OAuth) are in
test_web_app_changes.py."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import threading
from typing import Any

from crpatterns.errors import ExitCode
from tests.cli import inventory_items, run
from tests.test_engine import marked
from tests.test_internal_api_changes import no_changes

PROJECT = "demo-project"
NUMBER = "100000000001"
REGION = "us-central1"
IMAGE = "us-docker.pkg.dev/demo/app/hello:1"
DOMAIN = "hello.example.com"
MEMBERS = ("group:staff@example.com", "user:alice@example.com")
IAP_AGENT = f"service-{NUMBER}@gcp-sa-iap.iam.gserviceaccount.com"
COMPUTE = f"https://www.googleapis.com/compute/v1/projects/{PROJECT}"
SERVICE = f"projects/{PROJECT}/locations/{REGION}/services/hello"
LB_IAP_RESOURCE = f"projects/{NUMBER}/iap_web/compute/services/hello-backend"
# Every resource an lb-mode create makes, by plan role.
LB_ROLES = ["service", "invoker", "address", "neg", "backend", "url-map", "certificate", "https-proxy", "https-rule",
            "iap-access", "redirect-url-map", "http-proxy", "http-rule"]


def create(*extra: str, name: str = "hello", image: str = IMAGE, domains: tuple[str, ...] = (DOMAIN,),
           members: tuple[str, ...] = MEMBERS) -> list[str]:
    args = ["web-app", "create", name, "--image", image, "--region", REGION, "--project", PROJECT]
    for domain in domains:
        args += ["--domain", domain]
    for member in members:
        args += ["--member", member]
    return [*args, *extra]


def destroy(name: str = "hello", *extra: str) -> list[str]:
    return ["web-app", "destroy", name, "--region", REGION, "--project", PROJECT, "--yes", *extra]


def status(*extra: str, name: str = "hello") -> list[str]:
    return ["web-app", "status", name, "--region", REGION, "--project", PROJECT, *extra]


def one(emulator: Any, collection: str, name: str) -> dict[str, Any]:
    (found,) = [item for item in inventory_items(emulator, collection) if item["name"] == name]
    return found


def policy_members(emulator: Any, key: str, role: str) -> list[str]:
    """Members of `role` in the policy the emulator holds under `key` ("//run.googleapis.com/...")."""
    policy = emulator.inventory()["iam"].get(key, {})
    return sorted(m for b in policy.get("bindings", []) if b["role"] == role for m in b["members"])


def run_invokers(emulator: Any) -> list[str]:
    return policy_members(emulator, f"//run.googleapis.com/{SERVICE}", "roles/run.invoker")


def iap_members(emulator: Any, resource: str = LB_IAP_RESOURCE) -> list[str]:
    return policy_members(emulator, f"//iap.googleapis.com/{resource}", "roles/iap.httpsResourceAccessor")


def no_public_member_anywhere(emulator: Any) -> None:
    for key, policy in emulator.inventory()["iam"].items():
        for binding in policy.get("bindings", []):
            assert not {"allUsers", "allAuthenticatedUsers"} & set(binding["members"]), (key, binding)


def test_create_in_lb_mode_builds_every_resource_with_its_fields(emulator: Any) -> None:
    outcome = run(*create("--yes"))
    assert outcome.exit_code == 0, outcome
    assert "Plan: 13 to add, 0 to change, 0 to replace, 0 to destroy." in outcome.stdout

    (service,) = emulator.inventory()["run"]["services"]
    assert service["name"] == SERVICE and service["template"]["containers"][0]["image"] == IMAGE
    assert service["ingress"] == "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER"
    assert not service.get("iapEnabled") and not service.get("defaultUriDisabled")

    address = one(emulator, "global/addresses", "hello-ip")
    assert (address["addressType"], address["ipVersion"], address["networkTier"]) == ("EXTERNAL", "IPV4", "PREMIUM")
    neg = one(emulator, "regions/networkEndpointGroups", "hello-neg")
    assert (neg["networkEndpointType"], neg["cloudRun"]) == ("SERVERLESS", {"service": "hello"})
    assert neg["region"].endswith(f"/regions/{REGION}")

    backend = one(emulator, "global/backendServices", "hello-backend")
    assert (backend["loadBalancingScheme"], backend["protocol"]) == ("EXTERNAL_MANAGED", "HTTPS")
    assert backend["iap"]["enabled"] is True and not backend["iap"].get("oauth2ClientId")
    assert [b["group"] for b in backend["backends"]] == [neg["selfLink"]]
    # The emulator refuses healthChecks, an explicit timeoutSec, portName and balancingMode on a backend
    # service with a serverless NEG (docs/google-behaviour.md, "Compute: backend services"): the create
    # succeeding shows none was sent. What is there now are the values Google itself returns (timeoutSec
    # 30, portName http, UTILIZATION).
    assert not backend.get("healthChecks")
    assert (backend["timeoutSec"], backend["portName"]) == (30, "http")

    url_map = one(emulator, "global/urlMaps", "hello-urlmap")
    assert url_map["defaultService"] == backend["selfLink"]
    certificate = one(emulator, "global/sslCertificates", "hello-cert")
    assert (certificate["type"], certificate["managed"]["domains"]) == ("MANAGED", [DOMAIN])
    https_proxy = one(emulator, "global/targetHttpsProxies", "hello-https-proxy")
    assert https_proxy["urlMap"] == url_map["selfLink"]
    assert https_proxy["sslCertificates"] == [certificate["selfLink"]]
    https_rule = one(emulator, "global/forwardingRules", "hello-https")
    assert (https_rule["portRange"], https_rule["IPProtocol"], https_rule["loadBalancingScheme"],
            https_rule["networkTier"]) == ("443-443", "TCP", "EXTERNAL_MANAGED", "PREMIUM")
    assert https_rule["IPAddress"] == address["address"] and https_rule["target"] == https_proxy["selfLink"]

    redirect = one(emulator, "global/urlMaps", "hello-redirect")
    assert redirect["defaultUrlRedirect"]["httpsRedirect"] is True
    assert redirect["defaultUrlRedirect"]["redirectResponseCode"] == "MOVED_PERMANENTLY_DEFAULT"
    assert not redirect.get("defaultService")
    http_proxy = one(emulator, "global/targetHttpProxies", "hello-http-proxy")
    assert http_proxy["urlMap"] == redirect["selfLink"]
    http_rule = one(emulator, "global/forwardingRules", "hello-http")
    assert (http_rule["portRange"], http_rule["loadBalancingScheme"]) == ("80-80", "EXTERNAL_MANAGED")
    assert http_rule["IPAddress"] == address["address"] and http_rule["target"] == http_proxy["selfLink"]

    assert iap_members(emulator) == sorted(MEMBERS)
    assert run_invokers(emulator) == [f"serviceAccount:{IAP_AGENT}"]  # the only invoker added
    assert IAP_AGENT in emulator.inventory()["serviceAgents"]  # generated before it was granted
    no_public_member_anywhere(emulator)
    assert len(marked(emulator)) == 11  # 13 planned minus the two IAM policies

    no_changes(emulator, *create("--yes"))


def planned(emulator: Any, args: list[str]) -> list[tuple[str, str]]:
    """The (action, role) pairs a JSON dry-run plans, leaving out unchanged resources; no mutating call."""
    emulator.clear_requests()
    outcome = run(*args, "--dry-run", "--format", "json")
    assert outcome.exit_code == 0, outcome
    assert emulator.mutating_requests() == []
    return sorted((a["action"], a["role"]) for a in outcome.json()["actions"] if a["action"] != "noop")


def test_dry_run_on_an_empty_project_lists_every_resource_and_changes_nothing(emulator: Any) -> None:
    assert planned(emulator, create()) == sorted(("create", role) for role in LB_ROLES)
    text = run(*create("--dry-run"))
    assert text.exit_code == 0, text
    for label in ("run.services hello", "run.services.iamPolicy hello", "compute.globalAddresses hello-ip",
                  "compute.regionNetworkEndpointGroups hello-neg", "compute.backendServices hello-backend",
                  "compute.urlMaps hello-urlmap", "compute.sslCertificates hello-cert",
                  "compute.targetHttpsProxies hello-https-proxy", "compute.globalForwardingRules hello-https",
                  f"iap.webIamPolicy {LB_IAP_RESOURCE}", "compute.urlMaps hello-redirect",
                  "compute.targetHttpProxies hello-http-proxy", "compute.globalForwardingRules hello-http"):
        assert f"+ {label} " in text.stdout, label
    assert emulator.mutating_requests() == []
    assert emulator.inventory()["run"]["services"] == []


def test_the_plan_says_the_google_managed_oauth_client_serves_only_the_organization(emulator: Any) -> None:
    note = "Google-managed OAuth client: only users inside your Google Cloud organization can sign in"
    lb = run(*create("--dry-run"))
    assert note in lb.stdout and "--oauth-client-id for others" in lb.stdout
    direct = run("web-app", "create", "hello", "--image", IMAGE, "--region", REGION, "--project", PROJECT,
                 "--member", MEMBERS[0], "--iap-mode", "direct", "--dry-run")
    assert note in direct.stdout, direct


def test_status_of_a_healthy_app_shows_the_ip_the_dns_records_and_the_certificate(emulator: Any) -> None:
    assert run(*create("--yes", domains=(DOMAIN, "www.example.com"))).exit_code == 0
    ip = one(emulator, "global/addresses", "hello-ip")["address"]
    text = run(*status())
    assert text.exit_code == 0, text
    assert f"load balancer IP: {ip}" in text.stdout
    assert f"DNS: {DOMAIN} A {ip}   certificate: PROVISIONING" in text.stdout
    assert f"DNS: www.example.com A {ip}   certificate: PROVISIONING" in text.stdout
    assert "ingress: INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER" in text.stdout
    assert f"IAP: on; members: {', '.join(sorted(MEMBERS))}" in text.stdout
    assert f"invokers: serviceAccount:{IAP_AGENT}" in text.stdout
    assert "OK: the app is reachable only through IAP." in text.stdout

    emulator.dns_ready(DOMAIN)
    emulator.dns_ready("www.example.com")
    report = run(*status("--format", "json"))
    assert report.exit_code == 0, report
    document = report.json()
    assert (document["mode"], document["ip"], document["iapEnabled"]) == ("lb", ip, True)
    assert document["domains"] == [DOMAIN, "www.example.com"]
    assert document["certificateStatus"] == {DOMAIN: "ACTIVE", "www.example.com": "ACTIVE"}
    assert document["invokers"] == [f"serviceAccount:{IAP_AGENT}"] and document["findings"] == []
    assert f"DNS: {DOMAIN} A {ip}   certificate: ACTIVE" in run(*status()).stdout


def break_it_behind_the_tools_back(emulator: Any) -> None:
    """Ingress ALL, and allUsers (plus bob, a third party's legitimate grant) as invokers."""
    from google.cloud import run_v2
    from google.protobuf import field_mask_pb2

    from tests.emulator.clients import run_services

    client = run_services(emulator)
    client.update_service(service=run_v2.Service(name=SERVICE, ingress=run_v2.IngressTraffic.INGRESS_TRAFFIC_ALL),
                          update_mask=field_mask_pb2.FieldMask(paths=["ingress"])).result()
    policy = client.get_iam_policy(request={"resource": SERVICE})
    policy.bindings.add(role="roles/run.invoker", members=["allUsers", "user:bob@example.com"])
    client.set_iam_policy(request={"resource": SERVICE, "policy": policy})


def test_status_flags_ingress_all_and_public_invokers_and_create_repairs_both(emulator: Any) -> None:
    assert run(*create("--yes")).exit_code == 0
    break_it_behind_the_tools_back(emulator)

    text = run(*status())
    assert text.exit_code == 1, text
    assert "FINDING: The service grants roles/run.invoker to allUsers: it is public." in text.stdout
    assert "FINDING: Ingress is ALL: the run.app URL bypasses IAP" in text.stdout
    assert "2 finding(s)" in text.stdout
    report = run(*status("--format", "json"))
    assert report.exit_code == 1 and len(report.json()["findings"]) == 2

    plan = run(*create("--dry-run", "--format", "json")).json()
    assert [(a["action"], a["role"]) for a in plan["actions"] if a["action"] != "noop"] == [
        ("update", "service"), ("update", "invoker")]
    repaired = run(*create("--yes"))
    assert repaired.exit_code == 0, repaired
    (service,) = emulator.inventory()["run"]["services"]
    assert service["ingress"] == "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER"
    assert run_invokers(emulator) == [f"serviceAccount:{IAP_AGENT}", "user:bob@example.com"]
    no_public_member_anywhere(emulator)
    assert run(*status()).exit_code == 0
    no_changes(emulator, *create("--yes"))


def test_status_flags_iap_turned_off_and_the_agent_missing(emulator: Any) -> None:
    from tests.emulator.clients import run_services

    assert run(*create("--yes")).exit_code == 0
    client = run_services(emulator)
    policy = client.get_iam_policy(request={"resource": SERVICE})
    del policy.bindings[:]
    client.set_iam_policy(request={"resource": SERVICE, "policy": policy})
    backend = one(emulator, "global/backendServices", "hello-backend")
    answer, body = emulator.call("PATCH", f"compute/v1/projects/{PROJECT}/global/backendServices/hello-backend",
                                 {"iap": {"enabled": False}, "fingerprint": backend["fingerprint"]})
    assert answer == 200, body
    report = run(*status("--format", "json"))
    assert report.exit_code == 1, report
    findings = report.json()["findings"]
    assert any("IAP is off" in f for f in findings) and any("not an invoker" in f for f in findings)
    assert run(*create("--yes")).exit_code == 0
    assert run(*status()).exit_code == 0


def test_status_of_an_app_that_does_not_exist_exits_1(emulator: Any) -> None:
    outcome = run(*status(name="nothing"))
    assert outcome.exit_code == 1
    assert "not found" in outcome.stdout and "does not exist" in outcome.stdout


def test_destroy_removes_what_it_created_and_nothing_else(emulator: Any) -> None:
    from google.cloud import compute_v1

    from tests.emulator.clients import compute, run_services, wait

    wait(emulator, compute(emulator, "GlobalAddressesClient").insert(
        project=PROJECT, address_resource=compute_v1.Address(name="unrelated-ip")), PROJECT)
    assert run(*create("--yes")).exit_code == 0
    client = run_services(emulator)
    policy = client.get_iam_policy(request={"resource": SERVICE})
    policy.bindings.add(role="roles/run.invoker", members=["user:bob@example.com"])
    client.set_iam_policy(request={"resource": SERVICE, "policy": policy})

    emulator.clear_requests()
    dry = run(*destroy("hello", "--dry-run"))
    assert "Plan: 0 to add, 0 to change, 0 to replace, 11 to destroy." in dry.stdout, dry
    assert emulator.mutating_requests() == []

    outcome = run(*destroy())
    assert outcome.exit_code == 0, outcome
    calls = [r["methodId"] for r in emulator.mutating_requests()]
    # Nobody's binding is edited on the way: the service's policy goes with the service, deleted last.
    assert not [c for c in calls if c.endswith("setIamPolicy")]
    assert calls[-1] == "run.projects.locations.services.delete"
    assert marked(emulator) == []
    inventory = emulator.inventory()
    assert inventory["run"]["services"] == []
    assert inventory["iam"] == {}  # the service's and the backend's IAP policy went with them
    assert [a["name"] for a in inventory_items(emulator, "global/addresses")] == ["unrelated-ip"]
    assert f"{COMPUTE}/global/networks/default" in [n["selfLink"] for n in inventory_items(emulator, "global/networks")]
    no_changes(emulator, *destroy())


def test_a_third_party_binding_survives_until_the_service_goes(emulator: Any) -> None:
    from tests.emulator.clients import run_services

    assert run(*create("--yes")).exit_code == 0
    client = run_services(emulator)
    policy = client.get_iam_policy(request={"resource": SERVICE})
    policy.bindings.add(role="roles/run.invoker", members=["user:bob@example.com"])
    client.set_iam_policy(request={"resource": SERVICE, "policy": policy})
    # The IAP service agent's binding is the tool's; a rerun with other members keeps bob's.
    assert run(*create("--yes", members=("group:staff@example.com",))).exit_code == 0
    assert run_invokers(emulator) == [f"serviceAccount:{IAP_AGENT}", "user:bob@example.com"]
    # A failure between the load balancer's deletion and the service's: bob's binding is still there.
    emulator.fault(method="DELETE", path="/services/hello$", status=400, message="Injected failure", count=1)
    failed = run(*destroy())
    assert failed.exit_code == 1, failed
    assert "user:bob@example.com" in run_invokers(emulator)
    assert run(*destroy()).exit_code == 0
    assert emulator.inventory()["run"]["services"] == []


# -- bad input ------------------------------------------------------------------------------------


def bad(emulator: Any, *args: str) -> str:
    """The command fails with exit 64 (bad input), one sentence, no traceback and no API call at all."""
    emulator.clear_requests()
    outcome = run(*args)
    assert outcome.exit_code == ExitCode.USAGE, outcome
    assert "Traceback" not in outcome.stderr and "uncaught" not in outcome.stderr
    lines = outcome.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), outcome
    assert emulator.requests() == []
    return lines[0]


def test_bad_input_is_one_sentence_exit_64_and_no_call(emulator: Any, tmp_path: Any) -> None:
    not_pem = tmp_path / "not.pem"
    not_pem.write_text("hello\n")
    from tests.test_internal_api_changes import self_signed

    cert, key = self_signed(tmp_path, DOMAIN)
    direct = ["web-app", "create", "hello", "--image", IMAGE, "--region", REGION, "--project", PROJECT,
              "--member", MEMBERS[0], "--iap-mode", "direct"]
    # NAME: Cloud Run's service-id rule (fewer than 50 characters) keeps every derived Compute name,
    # the longest being NAME-https-proxy, within 63: a 49-character name is accepted.
    assert "fewer than 50 characters" in bad(emulator, *create(name="a" * 50))
    assert run(*create("--dry-run", name="a" * 49)).exit_code == 0
    assert "NAME" in bad(emulator, *create(name="hello-"))
    assert "NAME" in bad(emulator, *destroy("9lives"))
    assert "NAME" in bad(emulator, *status(name="UPPER"))
    for domain in ("*.example.com", "localhost", "app.example.com:443", "https://app.example.com", "a_b.example.com",
                   "app.example.123"):
        assert bad(emulator, *create(domains=(domain,))).startswith(
            "Error: --domain must be a fully qualified host name"), domain
    assert "--domain is required with --iap-mode lb" in bad(emulator, *create(domains=()))
    assert "--domain applies to --iap-mode lb only" in bad(emulator, *direct, "--domain", DOMAIN)
    assert "--certificate-file applies to --iap-mode lb only" in bad(
        emulator, *direct, "--certificate-file", cert, "--private-key-file", key)
    assert "--address applies to --iap-mode lb only" in bad(emulator, *direct, "--address", "some-ip")
    assert "--no-https-redirect applies to --iap-mode lb only" in bad(emulator, *direct, "--no-https-redirect")
    for member in ("allUsers", "allAuthenticatedUsers"):
        assert f"--member {member} is refused: it would make the service public" in bad(
            emulator, *create(members=(member,)))
    for member, words in [("bob@example.com", "must start with user:, group:, domain:, serviceAccount:, "
                                              "principal:// or principalSet://"),
                          ("user:bob", "needs an email address"), ("serviceAccount:robot", "needs an email address"),
                          ("domain:example", "needs a domain name"),
                          ("principal://example.com/subject/x", "must name an IAM principal"),
                          ("principalSet://pools/x", "must name an IAM principal")]:
        assert words in bad(emulator, *create(members=(member,))), member
    assert "--member is required" in bad(emulator, *create(members=()))
    assert "--image is required" in bad(emulator, *create(image=""))
    assert "--region is required" in bad(emulator, "web-app", "status", "hello", "--project", PROJECT)
    assert "--iap-mode must be lb or direct" in bad(emulator, *create("--iap-mode", "both"))
    assert "is not a PEM certificate" in bad(emulator, *create("--certificate-file", str(not_pem),
                                                               "--private-key-file", key))
    assert "is not an unencrypted PEM private key" in bad(emulator, *create("--certificate-file", cert,
                                                                            "--private-key-file", str(not_pem)))
    assert "is not an unencrypted PEM private key" in bad(emulator, *create("--certificate-file", cert,
                                                                            "--private-key-file", cert))
    assert "go together" in bad(emulator, *create("--certificate-file", cert))
    assert "does not exist or is not a file" in bad(emulator, *create("--certificate-file", "/nonexistent.pem",
                                                                      "--private-key-file", key))
    assert "--oauth-client-id and --oauth-client-secret-file go together" in bad(
        emulator, *create("--oauth-client-id", "1.apps.googleusercontent.com"))
    empty = tmp_path / "empty"
    empty.write_text("\n")
    assert "is empty" in bad(emulator, *create("--oauth-client-id", "1.apps.googleusercontent.com",
                                               "--oauth-client-secret-file", str(empty)))
    assert "--address must be a Compute resource name" in bad(emulator, *create("--address", "Bad_Name"))


def test_principal_members_are_accepted(emulator: Any) -> None:
    members = ("principal://iam.googleapis.com/locations/global/workforcePools/staff/subject/alice",
               "principalSet://iam.googleapis.com/locations/global/workforcePools/staff/group/eng")
    outcome = run(*create("--dry-run", "--format", "json", members=members))
    assert outcome.exit_code == 0, outcome
    (access,) = [a for a in outcome.json()["actions"] if a["role"] == "iap-access"]
    assert access["action"] == "create"


# -- next steps, on a terminal ----------------------------------------------------------------------


def test_outputs_and_next_steps_are_printed_always_on_stderr_when_stdout_is_not_a_terminal(emulator: Any) -> None:
    plain = run(*create("--yes"))
    ip = one(emulator, "global/addresses", "hello-ip")["address"]
    assert plain.exit_code == 0 and "Next steps" not in plain.stdout and "Next steps:" in plain.stderr
    assert f"dns = {DOMAIN} A {ip}" in plain.stderr
    assert run(*destroy()).exit_code == 0

    stdout, stderr, code = run_with_terminal_stderr(emulator, create("--yes"))
    assert code == 0, stderr
    ip = one(emulator, "global/addresses", "hello-ip")["address"]
    assert "Next steps:" in stderr and "Next steps" not in stdout, stderr
    assert f"Create a DNS A record: {DOMAIN} -> {ip}" in stderr
    assert "turns ACTIVE once DNS for every domain points at this IP" in stderr
    assert f"crpatterns web-app status hello --region {REGION} --project {PROJECT}" in stderr


def run_with_terminal_stderr(emulator: Any, args: list[str]) -> tuple[str, str, int]:
    """Runs the CLI in a subprocess whose stderr is a pseudo-terminal (stdout stays a pipe)."""
    leader, follower = pty.openpty()
    chunks: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                data = os.read(leader, 4096)
            except OSError:
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    process = subprocess.run([sys.executable, "-m", "crpatterns", *args], stdout=subprocess.PIPE,
                             stderr=follower, stdin=subprocess.DEVNULL, env=emulator.env(), timeout=120)
    os.close(follower)
    reader.join(5)
    os.close(leader)
    return process.stdout.decode(), b"".join(chunks).decode(errors="replace"), process.returncode
