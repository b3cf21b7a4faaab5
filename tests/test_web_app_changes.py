"""`crpatterns web-app create` in other modes and run again with other flags (issue 4, "Done means"): direct
IAP, a self-managed certificate, no HTTPS redirect, a domain change (the proxy never without a certificate),
a member removed, a new image, --disable-default-url, an existing reserved address, a custom OAuth client.
Each plans exactly the expected actions (JSON dry-run), applies them, and then plans "No changes"."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from tests.cli import inventory_items, run
from tests.test_engine import marked
from tests.test_internal_api_changes import no_changes, self_signed
from tests.test_web_app import (
    DOMAIN,
    IAP_AGENT,
    IMAGE,
    MEMBERS,
    NUMBER,
    PROJECT,
    REGION,
    SERVICE,
    create,
    destroy,
    iap_members,
    no_public_member_anywhere,
    one,
    planned,
    run_invokers,
    status,
)

DIRECT_IAP_RESOURCE = f"projects/{NUMBER}/iap_web/cloud_run-{REGION}/services/hello"


def applied(emulator: Any, args: list[str], expected: list[tuple[str, str]]) -> str:
    """Checks the plan, applies it, checks the rerun is a no-op; returns the apply's output."""
    assert planned(emulator, args) == sorted(expected)
    outcome = run(*args, "--yes")
    assert outcome.exit_code == 0, outcome
    no_changes(emulator, *args, "--yes")
    return outcome.stdout + outcome.stderr


def direct(*extra: str, members: tuple[str, ...] = MEMBERS, image: str = IMAGE) -> list[str]:
    args = ["web-app", "create", "hello", "--image", image, "--region", REGION, "--project", PROJECT,
            "--iap-mode", "direct"]
    for member in members:
        args += ["--member", member]
    return [*args, *extra]


def test_direct_mode_enables_iap_on_the_service_without_a_load_balancer(emulator: Any) -> None:
    emulator.clear_requests()
    applied(emulator, direct(), [("create", "service"), ("create", "invoker"), ("create", "iap-access")])
    (service,) = emulator.inventory()["run"]["services"]
    assert service["iapEnabled"] is True and service["launchStage"] == "BETA"
    assert service["ingress"] == "INGRESS_TRAFFIC_ALL"  # IAP guards the run.app URL itself
    assert iap_members(emulator, DIRECT_IAP_RESOURCE) == sorted(MEMBERS)
    assert run_invokers(emulator) == [f"serviceAccount:{IAP_AGENT}"]
    no_public_member_anywhere(emulator)
    for collection in ("global/addresses", "global/backendServices", "global/forwardingRules",
                       "regions/networkEndpointGroups", "global/sslCertificates"):
        assert inventory_items(emulator, collection) == [], collection

    report = run(*status("--format", "json"))
    assert report.exit_code == 0, report
    document = report.json()
    assert (document["mode"], document["iapEnabled"], document["findings"]) == ("direct", True, [])
    assert "ip" not in document
    text = run(*status())
    assert f"URL: {service['uri']}" in text.stdout and "mode: direct" in text.stdout

    # One member fewer: only the IAP policy changes, and the member's binding goes.
    applied(emulator, direct(members=MEMBERS[:1]), [("update", "iap-access")])
    assert iap_members(emulator, DIRECT_IAP_RESOURCE) == [MEMBERS[0]]

    gone = run(*destroy())
    assert gone.exit_code == 0, gone
    assert emulator.inventory()["run"]["services"] == [] and emulator.inventory()["iam"] == {}


def test_direct_mode_iap_turned_off_is_a_finding_and_create_turns_it_on(emulator: Any) -> None:
    from google.cloud import run_v2
    from google.protobuf import field_mask_pb2

    from tests.emulator.clients import run_services

    assert run(*direct("--yes")).exit_code == 0
    run_services(emulator).update_service(
        service=run_v2.Service(name=SERVICE, iap_enabled=False, launch_stage="BETA"),
        update_mask=field_mask_pb2.FieldMask(paths=["iap_enabled", "launch_stage"])).result()
    report = run(*status("--format", "json"))
    assert report.exit_code == 1, report
    assert report.json()["mode"] == "direct"
    assert [f for f in report.json()["findings"] if "IAP is off" in f]
    assert planned(emulator, direct()) == [("update", "service")]
    assert run(*direct("--yes")).exit_code == 0
    assert run(*status()).exit_code == 0


def test_a_self_managed_certificate_is_uploaded_and_its_key_never_shown(emulator: Any, tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path, DOMAIN)
    key_body = Path(key).read_text().splitlines()[1]
    args = create("--certificate-file", cert, "--private-key-file", key)
    plan = run(*args, "--dry-run")
    assert "privateKey: (sensitive)" in plan.stdout, plan
    output = applied(emulator, args, [("create", role) for role in (
        "service", "invoker", "address", "neg", "backend", "url-map", "certificate", "https-proxy", "https-rule",
        "iap-access", "redirect-url-map", "http-proxy", "http-rule")])
    assert "PRIVATE KEY" not in output and key_body not in output
    certificate = one(emulator, "global/sslCertificates", "hello-cert")
    assert certificate["type"] == "SELF_MANAGED" and "privateKey" not in certificate
    assert certificate["certificate"].strip() == Path(cert).read_text().strip()
    assert one(emulator, "global/targetHttpsProxies", "hello-https-proxy")["sslCertificates"] == [
        certificate["selfLink"]]
    text = run(*status())
    assert text.exit_code == 0 and f"DNS: {DOMAIN} A " in text.stdout and "certificate: ACTIVE" in text.stdout
    verbose = run(*args, "--dry-run", "-v", "--format", "json")
    assert "PRIVATE KEY" not in verbose.stdout + verbose.stderr and key_body not in verbose.stdout + verbose.stderr


def test_moving_to_a_self_managed_certificate_replaces_it_next_to_the_old(emulator: Any, tmp_path: Path) -> None:
    assert run(*create("--yes")).exit_code == 0
    cert, key = self_signed(tmp_path, DOMAIN)
    args = create("--certificate-file", cert, "--private-key-file", key)
    emulator.clear_requests()
    document = run(*args, "--dry-run", "--format", "json").json()
    (replace,) = [a for a in document["actions"] if a["action"] == "replace"]
    assert replace["strategy"] == "create-before-destroy" and replace["replaces"] == "hello-cert"
    assert {"field": "privateKey", "before": None, "after": "(sensitive)", "forcesReplacement": True} in \
        replace["changes"]
    assert "PRIVATE KEY" not in str(document)
    output = applied(emulator, args, [("replace", "certificate"), ("update", "https-proxy")])
    assert "PRIVATE KEY" not in output
    (certificate,) = inventory_items(emulator, "global/sslCertificates")
    assert certificate["type"] == "SELF_MANAGED" and certificate["name"] != "hello-cert"


def test_no_https_redirect_removes_the_port_80_chain_and_keeps_the_address(emulator: Any) -> None:
    assert run(*create("--yes")).exit_code == 0
    ip = one(emulator, "global/addresses", "hello-ip")["address"]
    applied(emulator, create("--no-https-redirect"),
            [("delete", "redirect-url-map"), ("delete", "http-proxy"), ("delete", "http-rule")])
    assert inventory_items(emulator, "global/targetHttpProxies") == []
    assert [r["name"] for r in inventory_items(emulator, "global/forwardingRules")] == ["hello-https"]
    assert [u["name"] for u in inventory_items(emulator, "global/urlMaps")] == ["hello-urlmap"]
    assert one(emulator, "global/addresses", "hello-ip")["address"] == ip
    # And back: the redirect chain is created on the same address.
    applied(emulator, create(), [("create", "redirect-url-map"), ("create", "http-proxy"), ("create", "http-rule")])
    assert one(emulator, "global/forwardingRules", "hello-http")["IPAddress"] == ip


def test_created_without_redirect_from_the_start(emulator: Any) -> None:
    applied(emulator, create("--no-https-redirect"), [("create", role) for role in (
        "service", "invoker", "address", "neg", "backend", "url-map", "certificate", "https-proxy", "https-rule",
        "iap-access")])
    assert len(marked(emulator)) == 8


def test_a_domain_change_attaches_the_new_certificate_before_detaching_the_old(emulator: Any) -> None:
    assert run(*create("--yes")).exit_code == 0
    old = one(emulator, "global/sslCertificates", "hello-cert")
    args = create(domains=("www.example.com",))
    assert planned(emulator, args) == [("replace", "certificate"), ("update", "https-proxy")]
    emulator.clear_requests()
    outcome = run(*args, "--yes")
    assert outcome.exit_code == 0, outcome
    calls = [(r["methodId"], r["path"]) for r in emulator.mutating_requests()]
    methods = [m for m, _ in calls]
    assert methods == ["compute.sslCertificates.insert", "compute.targetHttpsProxies.setSslCertificates",
                       "compute.targetHttpsProxies.setSslCertificates", "compute.sslCertificates.delete"]
    # Two setSslCertificates: first [old, new] (never without a serving certificate), then [new]; the old
    # certificate is deleted only once detached (the emulator refuses deleting one in use).
    assert calls[-1][1].endswith("/global/sslCertificates/hello-cert")
    (new,) = inventory_items(emulator, "global/sslCertificates")
    assert new["name"].startswith("hello-cert-") and new["managed"]["domains"] == ["www.example.com"]
    assert new["id"] != old["id"]
    assert one(emulator, "global/targetHttpsProxies", "hello-https-proxy")["sslCertificates"] == [new["selfLink"]]
    no_changes(emulator, *args, "--yes")
    text = run(*status())
    assert "DNS: www.example.com A" in text.stdout and DOMAIN not in text.stdout
    # Adding a domain is one more certificate change of the same kind.
    assert planned(emulator, create(domains=("www.example.com", DOMAIN))) == [
        ("replace", "certificate"), ("update", "https-proxy")]


def test_a_member_removed_loses_its_binding_and_others_stay(emulator: Any) -> None:
    from tests.emulator.clients import iap_admin

    assert run(*create("--yes")).exit_code == 0
    # Someone grants another role on the same IAP resource: it is not the tool's role, so it stays.
    client = iap_admin(emulator)
    resource = f"projects/{NUMBER}/iap_web/compute/services/hello-backend"
    policy = client.get_iam_policy(request={"resource": resource})
    policy.bindings.add(role="roles/iap.admin", members=["user:admin@example.com"])
    client.set_iam_policy(request={"resource": resource, "policy": policy})
    applied(emulator, create(members=MEMBERS[:1]), [("update", "iap-access")])
    assert iap_members(emulator) == [MEMBERS[0]]
    roles = {b.role: list(b.members) for b in client.get_iam_policy(request={"resource": resource}).bindings}
    assert roles["roles/iap.admin"] == ["user:admin@example.com"]
    assert run_invokers(emulator) == [f"serviceAccount:{IAP_AGENT}"]


def test_an_image_change_updates_the_service_in_place(emulator: Any) -> None:
    assert run(*create("--yes")).exit_code == 0
    (before,) = emulator.inventory()["run"]["services"]
    applied(emulator, create(image="us-docker.pkg.dev/demo/app/hello:2"), [("update", "service")])
    (after,) = emulator.inventory()["run"]["services"]
    assert after["template"]["containers"][0]["image"] == "us-docker.pkg.dev/demo/app/hello:2"
    assert after["uid"] == before["uid"] and after["ingress"] == "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER"


def test_disable_default_url(emulator: Any) -> None:
    assert run(*create("--yes")).exit_code == 0
    applied(emulator, create("--disable-default-url"), [("update", "service")])
    (service,) = emulator.inventory()["run"]["services"]
    assert service["defaultUriDisabled"] is True
    applied(emulator, create(), [("update", "service")])
    assert not emulator.inventory()["run"]["services"][0].get("defaultUriDisabled")


def reserve(emulator: Any, name: str) -> str:
    from google.cloud import compute_v1

    from tests.emulator.clients import compute, wait

    wait(emulator, compute(emulator, "GlobalAddressesClient").insert(
        project=PROJECT, address_resource=compute_v1.Address(name=name)), PROJECT)
    return one(emulator, "global/addresses", name)["address"]


def test_an_existing_reserved_address_is_used_and_kept(emulator: Any) -> None:
    ip = reserve(emulator, "reserved-ip")
    args = create("--address", "reserved-ip")
    plan = run(*args, "--dry-run")
    assert "note: uses the existing address reserved-ip" in plan.stdout
    applied(emulator, args, [("create", role) for role in (
        "service", "invoker", "neg", "backend", "url-map", "certificate", "https-proxy", "https-rule",
        "iap-access", "redirect-url-map", "http-proxy", "http-rule")])
    assert [a["name"] for a in inventory_items(emulator, "global/addresses")] == ["reserved-ip"]
    assert {r["IPAddress"] for r in inventory_items(emulator, "global/forwardingRules")} == {ip}
    assert f"load balancer IP: {ip}" in run(*status()).stdout
    assert run(*destroy()).exit_code == 0
    assert [a["name"] for a in inventory_items(emulator, "global/addresses")] == ["reserved-ip"]
    assert inventory_items(emulator, "global/forwardingRules") == []


def test_moving_onto_a_reserved_address_releases_the_apps_own(emulator: Any) -> None:
    assert run(*create("--yes")).exit_code == 0
    ip = reserve(emulator, "reserved-ip")
    applied(emulator, create("--address", "reserved-ip"),
            [("delete", "address"), ("replace", "https-rule"), ("replace", "http-rule")])
    assert [a["name"] for a in inventory_items(emulator, "global/addresses")] == ["reserved-ip"]
    assert {r["IPAddress"] for r in inventory_items(emulator, "global/forwardingRules")} == {ip}
    assert run(*create("--address", "nope-ip", "--dry-run")).stderr.startswith(
        "Error: compute.globalAddresses nope-ip (demo-project/global) does not exist.")


def test_a_custom_oauth_client_secret_is_never_printed(emulator: Any, tmp_path: Path) -> None:
    secret = "GOCSPX-very-secret-value"
    secret_file = tmp_path / "secret"
    secret_file.write_text(secret + "\n")
    client_id = "1234-abc.apps.googleusercontent.com"
    args = create("--oauth-client-id", client_id, "--oauth-client-secret-file", str(secret_file))
    for shown in (run(*args, "--dry-run", "-v"), run(*args, "--dry-run", "-v", "--format", "json")):
        assert shown.exit_code == 0, shown
        assert secret not in shown.stdout + shown.stderr
    assert "iap.oauth2ClientSecret: (sensitive)" in run(*args, "--dry-run").stdout
    assert "Google-managed OAuth client" not in run(*args, "--dry-run").stdout
    assert run(*create("--yes")).exit_code == 0
    document = run(*args, "--dry-run", "--format", "json").json()
    (backend,) = [a for a in document["actions"] if a["role"] == "backend"]
    assert backend["action"] == "update"
    assert {"field": "iap.oauth2ClientSecret", "before": None, "after": "(sensitive)"} in backend["changes"]
    outcome = run(*args, "--yes", "-v")
    assert outcome.exit_code == 0, outcome
    assert secret not in outcome.stdout + outcome.stderr
    iap = one(emulator, "global/backendServices", "hello-backend")["iap"]
    assert iap["oauth2ClientId"] == client_id and "oauth2ClientSecret" not in iap
    assert iap["oauth2ClientSecretSha256"] == hashlib.sha256(secret.encode()).hexdigest()
    no_changes(emulator, *args, "--yes")
    # A new secret in the file is a change, still shown only as (sensitive).
    secret_file.write_text("GOCSPX-rotated\n")
    rotated = run(*args, "--yes")
    assert rotated.exit_code == 0 and "(sensitive)" in rotated.stdout and "GOCSPX" not in rotated.stdout
    # Back to the Google-managed client.
    applied(emulator, create(), [("update", "backend")])
    assert not one(emulator, "global/backendServices", "hello-backend")["iap"].get("oauth2ClientId")
