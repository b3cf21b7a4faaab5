"""The promises an adversarial test broke (issue 11), kept as permanent tests: ownership is per pattern,
not per name; a certificate swap keeps HTTPS serving and converges after a failed delete; a key in a
certificate bundle never leaves the machine; status tells the truth about a broken app and create
repairs it; the last user of a proxy-only subnet crpatterns made deletes it."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from crpatterns.errors import ExitCode
from tests.cli import inventory_items, run
from tests.pattern_cases import IMAGE, enable_xpn_host
from tests.test_web_app import DOMAIN, create, one, status

PROJECT, REGION = "demo-project", "us-central1"
SERVICES = "projects/demo-project/locations/us-central1/services"


def api(name: str, *extra: str) -> list[str]:
    return ["internal-api", "create", name, "--image", IMAGE, "--region", REGION, "--network", "default",
            "--subnet", "default", "--no-invoker-iam", "--project", PROJECT, *extra]


def api_destroy(name: str) -> list[str]:
    return ["internal-api", "destroy", name, "--region", REGION, "--project", PROJECT, "--yes"]


def services(emulator: Any, project: str = PROJECT) -> list[str]:
    return [s["name"].rsplit("/", 1)[-1] for s in emulator.inventory()["run"]["services"]
            if s["name"].startswith(f"projects/{project}/")]


# -- ownership is per pattern ---------------------------------------------------------------------------


def test_a_destroy_of_another_pattern_never_deletes_an_app_of_the_same_name(emulator: Any) -> None:
    assert run(*create("--iap-mode", "direct", "--yes", domains=())).exit_code == 0
    gone = run("internal-api", "destroy", "hello", "--region", REGION, "--project", PROJECT, "--yes")
    assert gone.exit_code == 0, gone
    assert "No changes." in gone.stdout
    assert services(emulator) == ["hello"]

    enable_xpn_host(emulator)
    shared = ["shared-vpc", "enable", "payments", "--image", IMAGE, "--region", REGION, "--host-project",
              "demo-host", "--network", "default", "--subnet", "default", "--attach", "--project", "demo-service",
              "--yes"]
    assert run(*shared).exit_code == 0
    other = run("web-app", "destroy", "payments", "--region", REGION, "--project", "demo-service", "--yes")
    assert other.exit_code == 0 and "No changes." in other.stdout
    assert services(emulator, "demo-service") == ["payments"]


def test_another_patterns_app_of_the_same_name_is_refused_even_with_adopt(emulator: Any) -> None:
    assert run(*api("orders", "--yes")).exit_code == 0
    before = emulator.inventory()
    emulator.clear_requests()
    for extra in ((), ("--adopt",)):
        taken = run(*create("--yes", *extra, name="orders"))
        assert taken.exit_code == 1, taken
        assert "belongs to crpatterns internal-api app 'orders'" in taken.stderr
        assert "Traceback" not in taken.stderr and taken.stderr.count("\n") == 1
    assert emulator.mutating_requests() == []
    assert emulator.inventory()["run"] == before["run"]

    assert run(*create("--yes", name="shop")).exit_code == 0
    reverse = run(*api("shop", "--dry-run"))
    assert reverse.exit_code == 1 and "belongs to crpatterns web-app app 'shop'" in reverse.stderr


# -- certificates -----------------------------------------------------------------------------------------


def certificate(directory: Path, host: str, *, days: int = 90, start: int = -1, key_type: str = "ec256",
                bundle: bool = False) -> tuple[str, str]:
    """A self-signed certificate for `host` and its key as PEM files (the key file private to the user)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(65537, 1024) if key_type == "rsa1024" else ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now + datetime.timedelta(days=start))
            .not_valid_after(now + datetime.timedelta(days=days))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
            .sign(key, hashes.SHA256()))
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    cert_file, key_file = directory / f"{host}-{key_type}.pem", directory / f"{host}-{key_type}.key"
    cert_file.write_bytes(cert_pem + key_pem if bundle else cert_pem)
    key_file.write_bytes(key_pem)
    key_file.chmod(0o600)
    return str(cert_file), str(key_file)


def test_a_key_in_a_certificate_bundle_is_never_printed_nor_uploaded(emulator: Any, tmp_path: Path) -> None:
    cert, key = certificate(tmp_path, DOMAIN, bundle=True)
    outcome = run(*create("--certificate-file", cert, "--private-key-file", key, "--yes", "-v"))
    assert outcome.exit_code == 0, outcome
    assert "PRIVATE KEY" not in outcome.stdout + outcome.stderr
    assert "only its certificates are used" in outcome.stderr
    uploaded = one(emulator, "global/sslCertificates", "hello-cert")
    assert "BEGIN CERTIFICATE" in uploaded["certificate"] and "PRIVATE KEY" not in uploaded["certificate"]


def test_certificates_google_would_refuse_are_refused_before_any_call(emulator: Any, tmp_path: Path) -> None:
    cases = [
        (certificate(tmp_path, DOMAIN, days=-1, start=-30), "expired on"),
        (certificate(tmp_path, "other.example.com"), "does not cover --domain hello.example.com"),
        (certificate(tmp_path, DOMAIN, key_type="rsa1024"), "is an RSA-1024 key"),
    ]
    for index, ((cert, key), words) in enumerate(cases):
        renamed = tmp_path / f"case{index}.pem"
        Path(cert).rename(renamed)
        emulator.clear_requests()
        outcome = run(*create("--certificate-file", str(renamed), "--private-key-file", key, "--yes"))
        assert outcome.exit_code == ExitCode.USAGE, outcome
        assert words in outcome.stderr and outcome.stderr.count("\n") == 1
        assert emulator.requests() == []
    future = certificate(tmp_path, DOMAIN, start=2)
    assert "is not valid before" in run(*create("--certificate-file", future[0], "--private-key-file", future[1]
                                                )).stderr
    key_file = Path(future[1])
    key_file.chmod(0o644)
    valid = certificate(tmp_path, DOMAIN)
    Path(valid[1]).chmod(0o644)
    warned = run(*create("--certificate-file", valid[0], "--private-key-file", valid[1], "--dry-run"))
    assert warned.exit_code == 0 and "can be read by other users of this machine" in warned.stderr


def test_direct_iap_without_the_default_url_is_refused(emulator: Any) -> None:
    outcome = run(*create("--iap-mode", "direct", "--disable-default-url", "--yes", domains=()))
    assert outcome.exit_code == ExitCode.USAGE
    assert "--disable-default-url with --iap-mode direct leaves no way in" in outcome.stderr
    assert emulator.requests() == []


def proxy_certificates(emulator: Any) -> list[str]:
    proxy = one(emulator, "global/targetHttpsProxies", "hello-https-proxy")
    return [url.rsplit("/", 1)[-1] for url in proxy["sslCertificates"]]


def test_a_domain_change_keeps_the_active_certificate_until_the_new_one_is_active(emulator: Any) -> None:
    assert run(*create("--yes")).exit_code == 0
    emulator.dns_ready(DOMAIN)
    new_domain = "www.example.com"
    changed = run(*create("--yes", domains=(new_domain,)))
    assert changed.exit_code == 0, changed
    assert "keeps serving until the new certificate" in changed.stdout
    certificates = proxy_certificates(emulator)
    assert len(certificates) == 2 and "hello-cert" in certificates  # the ACTIVE one still serves
    again = run(*create("--yes", domains=(new_domain,)))
    assert "No changes." in again.stdout and "keeps serving" in again.stdout

    emulator.dns_ready(new_domain)
    (new,) = [c for c in certificates if c != "hello-cert"]
    # The old certificate's delete fails for a while: the run fails, and the next run finishes the swap.
    emulator.fault(method="DELETE", path="/global/sslCertificates/hello-cert$", status=503, count=30)
    failed = run(*create("--yes", domains=(new_domain,)))
    assert failed.exit_code == 1, failed
    assert proxy_certificates(emulator) == [new]
    emulator.clear_faults()
    plan = run(*create("--dry-run", "--format", "json", domains=(new_domain,))).json()
    assert [(a["action"], a["name"]) for a in plan["actions"] if a["action"] != "noop"] == [
        ("delete", "hello-cert")]
    assert run(*create("--yes", domains=(new_domain,))).exit_code == 0
    assert [c["name"] for c in inventory_items(emulator, "global/sslCertificates")] == [new]
    assert "No changes." in run(*create("--yes", domains=(new_domain,))).stdout


# -- status tells the truth, create repairs it ------------------------------------------------------------


def compute_call(emulator: Any, method: str, path: str, body: Any = None) -> dict[str, Any]:
    answer, found = emulator.call(method, f"compute/v1/projects/{PROJECT}/{path}", body)
    assert answer == 200, found
    if found and found.get("kind") == "compute#operation":
        emulator.call("POST", f"compute/v1/{found['selfLink'].split('/compute/v1/')[1]}/wait")
    return found


def findings(emulator: Any) -> list[str]:
    report = run(*status("--format", "json"))
    assert report.exit_code == 1, report
    return report.json()["findings"]


def repaired(emulator: Any) -> None:
    outcome = run(*create("--yes"))
    assert outcome.exit_code == 0, outcome
    clean = run(*status())
    assert clean.exit_code == 0, clean


def test_status_finds_a_broken_load_balancer_and_create_repairs_it(emulator: Any) -> None:
    assert run(*create("--yes")).exit_code == 0
    url_map = one(emulator, "global/urlMaps", "hello-urlmap")
    compute_call(emulator, "PUT", "global/urlMaps/hello-urlmap", {
        "name": "hello-urlmap", "fingerprint": url_map["fingerprint"], "description": url_map["description"],
        "defaultUrlRedirect": {"hostRedirect": "evil.example.com", "redirectResponseCode": "FOUND"}})
    assert any("compute.urlMaps hello-urlmap: defaultService" in f for f in findings(emulator))
    repaired(emulator)
    assert not one(emulator, "global/urlMaps", "hello-urlmap").get("defaultUrlRedirect")

    backend = one(emulator, "global/backendServices", "hello-backend")
    compute_call(emulator, "PATCH", "global/backendServices/hello-backend",
                 {"backends": [], "fingerprint": backend["fingerprint"]})
    assert any("hello-backend: backends" in f for f in findings(emulator))
    repaired(emulator)

    for path in ("global/forwardingRules/hello-https", "global/targetHttpsProxies/hello-https-proxy",
                 "global/urlMaps/hello-urlmap"):
        compute_call(emulator, "DELETE", path)
    found = findings(emulator)
    for missing in ("hello-https is missing", "hello-https-proxy is missing", "hello-urlmap is missing"):
        assert any(missing in f for f in found), found
    repaired(emulator)


def test_status_finds_public_access_and_a_cut_off_load_balancer(emulator: Any) -> None:
    from google.cloud import run_v2
    from google.protobuf import field_mask_pb2

    from tests.emulator.clients import iap_admin, run_services

    assert run(*create("--yes")).exit_code == 0
    run_services(emulator).update_service(
        service=run_v2.Service(name=f"{SERVICES}/hello", ingress=run_v2.IngressTraffic.INGRESS_TRAFFIC_INTERNAL_ONLY),
        update_mask=field_mask_pb2.FieldMask(paths=["ingress"])).result()
    resource = "projects/100000000001/iap_web/compute/services/hello-backend"
    client = iap_admin(emulator)
    policy = client.get_iam_policy(request={"resource": resource})
    policy.bindings.add(role="roles/iap.httpsResourceAccessor", members=["allUsers"])
    client.set_iam_policy(request={"resource": resource, "policy": policy})
    found = findings(emulator)
    assert any("the load balancer cannot reach the service" in f for f in found), found
    assert any("IAP lets allUsers in" in f for f in found), found
    repaired(emulator)


def test_internal_api_and_shared_vpc_remove_public_invokers(emulator: Any) -> None:
    from tests.emulator.clients import run_services

    def grant_all_users(project: str, name: str) -> None:
        client = run_services(emulator)
        resource = f"projects/{project}/locations/{REGION}/services/{name}"
        policy = client.get_iam_policy(request={"resource": resource})
        policy.bindings.add(role="roles/run.invoker", members=["allUsers"])
        client.set_iam_policy(request={"resource": resource, "policy": policy})

    def public(project: str, name: str) -> bool:
        key = f"//run.googleapis.com/projects/{project}/locations/{REGION}/services/{name}"
        policy = emulator.inventory()["iam"].get(key, {})
        return any("allUsers" in b["members"] for b in policy.get("bindings", []))

    assert run(*api("orders", "--yes")).exit_code == 0
    grant_all_users(PROJECT, "orders")
    api_status = run("internal-api", "status", "orders", "--region", REGION, "--project", PROJECT)
    assert api_status.exit_code == 1 and "allUsers" in api_status.stdout
    assert run(*api("orders", "--yes")).exit_code == 0 and not public(PROJECT, "orders")

    enable_xpn_host(emulator)
    shared = ["shared-vpc", "enable", "payments", "--image", IMAGE, "--region", REGION, "--host-project",
              "demo-host", "--network", "default", "--subnet", "default", "--attach", "--project", "demo-service",
              "--yes"]
    assert run(*shared).exit_code == 0
    grant_all_users("demo-service", "payments")
    vpc_status = run("shared-vpc", "status", "payments", "--region", REGION, "--project", "demo-service")
    assert vpc_status.exit_code == 1 and "roles/run.invoker to allUsers" in vpc_status.stdout
    assert run(*shared).exit_code == 0 and not public("demo-service", "payments")
    assert run("shared-vpc", "status", "payments", "--region", REGION, "--project", "demo-service").exit_code == 0


def test_disable_after_an_enable_that_found_the_grants_in_place(emulator: Any) -> None:
    enable_xpn_host(emulator)
    shared = ["shared-vpc", "enable", "{name}", "--image", IMAGE, "--region", REGION, "--host-project", "demo-host",
              "--network", "default", "--subnet", "default", "--attach", "--project", "demo-service", "--yes"]
    assert run(*[a.format(name="first") for a in shared]).exit_code == 0
    # The second service finds the agent's grants in place: it records none, and has no annotation to edit.
    assert run(*[a.format(name="second") for a in shared]).exit_code == 0
    off = run("shared-vpc", "disable", "second", "--region", REGION, "--project", "demo-service", "--yes")
    assert off.exit_code == 0, off


# -- the proxy-only subnet's last user deletes it ---------------------------------------------------------


def test_the_last_app_on_a_proxy_only_subnet_deletes_it(emulator: Any) -> None:
    assert run(*api("first", "--yes")).exit_code == 0
    assert run(*api("second", "--yes")).exit_code == 0
    (subnet,) = [s["name"] for s in inventory_items(emulator, "regions/subnetworks")
                 if s.get("purpose") == "REGIONAL_MANAGED_PROXY"]
    assert subnet == "first-proxy-only"
    kept = run(*api_destroy("first"))
    assert kept.exit_code == 0
    assert "kept: forwarding rule second-rule still runs on this proxy-only subnet" in kept.stdout
    assert [s for s in inventory_items(emulator, "regions/subnetworks") if s["name"] == subnet]
    last = run(*api_destroy("second"))
    assert last.exit_code == 0, last
    assert "created by crpatterns app 'first', which is gone" in last.stdout
    assert not [s for s in inventory_items(emulator, "regions/subnetworks") if s["name"] == subnet]
    assert not [r for r in emulator.mutating_requests() if r["status"] >= 400]  # Google never had to refuse


# -- a replaced forwarding rule keeps its IP --------------------------------------------------------------


def test_a_global_access_change_keeps_the_rules_ip_whatever_happens_between_delete_and_create(
        emulator: Any) -> None:
    assert run(*api("orders", "--yes")).exit_code == 0
    (rule,) = [r for r in inventory_items(emulator, "regions/forwardingRules") if r["name"] == "orders-rule"]
    ip = rule["IPAddress"]
    # The new rule's insert fails after the old one is deleted; meanwhile someone wants that very IP.
    emulator.fault(method="POST", path="/regions/us-central1/forwardingRules$", status=503, count=30)
    failed = run(*api("orders", "--global-access", "--yes"))
    assert failed.exit_code == 1, failed
    assert "reserves the rule's IP" in failed.stdout
    emulator.clear_faults()
    answer, body = emulator.call("POST", f"compute/v1/projects/{PROJECT}/regions/{REGION}/addresses", {
        "name": "squatter", "addressType": "INTERNAL", "address": ip,
        "subnetwork": f"projects/{PROJECT}/regions/{REGION}/subnetworks/default"})
    assert answer == 400 and "already being used" in body["error"]["message"]
    assert run(*api("orders", "--global-access", "--yes")).exit_code == 0
    (rule,) = [r for r in inventory_items(emulator, "regions/forwardingRules") if r["name"] == "orders-rule"]
    assert rule["IPAddress"] == ip and rule["allowGlobalAccess"] is True
    assert "No changes." in run(*api("orders", "--global-access", "--yes")).stdout
    assert run(*api_destroy("orders")).exit_code == 0
    assert not [a for a in inventory_items(emulator, "regions/addresses") if a["name"].startswith("orders")]


def test_shared_vpc_never_changes_a_service_another_pattern_made(emulator: Any) -> None:
    assert run(*create("--yes")).exit_code == 0
    enable_xpn_host(emulator)
    emulator.clear_requests()
    refused = run("shared-vpc", "enable", "hello", "--region", REGION, "--host-project", "demo-host", "--network",
                  "default", "--subnet", "default", "--attach", "--project", PROJECT, "--yes")
    assert refused.exit_code == 1, refused
    assert "belongs to crpatterns web-app app 'hello'" in refused.stderr
    assert emulator.mutating_requests() == []


def test_adopting_never_deletes_what_crpatterns_did_not_create(emulator: Any) -> None:
    answer, body = emulator.call("POST", f"compute/v1/projects/{PROJECT}/regions/{REGION}/networkEndpointGroups", {
        "name": "orders-neg", "networkEndpointType": "SERVERLESS", "description": "made by the platform team",
        "cloudRun": {"service": "someone-elses-service"}})
    assert answer == 200, body
    emulator.clear_requests()
    adopted = run(*api("orders", "--adopt", "--yes"))
    assert adopted.exit_code == 1, adopted
    assert "exists outside crpatterns and differs in cloudRun" in adopted.stderr
    assert "adopting it would delete it" in adopted.stderr
    assert emulator.mutating_requests() == []
    assert [n["name"] for n in inventory_items(emulator, "regions/networkEndpointGroups")] == ["orders-neg"]
