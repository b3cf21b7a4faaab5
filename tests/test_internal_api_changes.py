"""`crpatterns internal-api create` run again with other flags: HTTPS on port 443, a static IP, global
access (replaces the forwarding rule), invokers added and removed, --no-invoker-iam (issue 5)."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from tests.cli import inventory_items, run
from tests.test_internal_api import PROJECT, PROXY_RANGE, REGION, create, invokers, marked, one


def self_signed(directory: Path, host: str = "api.internal.example") -> tuple[str, str]:
    """A self-signed certificate and its key as PEM files."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=90))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(cert_file), str(key_file)


def api(*extra: str) -> list[str]:
    return create("--proxy-subnet-range", PROXY_RANGE, *extra)


def no_changes(emulator: Any, *args: str) -> None:
    emulator.clear_requests()
    outcome = run(*args)
    assert outcome.exit_code == 0, outcome
    assert "No changes." in outcome.stdout, outcome
    assert emulator.mutating_requests() == []


def test_port_443_serves_a_regional_self_managed_certificate(emulator: Any, tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)
    args = api("--port", "443", "--certificate-file", cert, "--private-key-file", key, "--no-invoker-iam", "--yes")
    outcome = run(*args)
    assert outcome.exit_code == 0, outcome
    assert "BEGIN PRIVATE KEY" not in outcome.stdout + outcome.stderr
    certificate = one(emulator, "regions/sslCertificates", "api-cert")
    assert certificate["type"] == "SELF_MANAGED" and "privateKey" not in certificate
    proxy = one(emulator, "regions/targetHttpsProxies", "api-https-proxy")
    assert proxy["sslCertificates"] == [certificate["selfLink"]]
    assert proxy["urlMap"] == one(emulator, "regions/urlMaps", "api-urlmap")["selfLink"]
    rule = one(emulator, "regions/forwardingRules", "api-rule")
    assert rule["portRange"] == "443-443" and rule["target"] == proxy["selfLink"]
    assert inventory_items(emulator, "regions/targetHttpProxies") == []
    no_changes(emulator, *args)
    status = run("internal-api", "status", "api", "--region", REGION, "--project", PROJECT)
    assert f"curl https://{rule['IPAddress']}/" in status.stdout


def test_a_port_change_replaces_the_rule_keeping_its_ip_and_drops_the_http_proxy(emulator: Any,
                                                                                 tmp_path: Path) -> None:
    assert run(*api("--no-invoker-iam", "--yes")).exit_code == 0
    ip = one(emulator, "regions/forwardingRules", "api-rule")["IPAddress"]
    cert, key = self_signed(tmp_path)
    args = api("--port", "443", "--certificate-file", cert, "--private-key-file", key, "--no-invoker-iam", "--yes")
    outcome = run(*args)
    assert outcome.exit_code == 0, outcome
    assert "-/+ compute.forwardingRules api-rule (us-central1)  [delete-before-create]" in outcome.stdout
    assert '- compute.regionTargetHttpProxies api-http-proxy' in outcome.stdout
    assert "--port changed" in outcome.stdout
    rule = one(emulator, "regions/forwardingRules", "api-rule")
    assert (rule["IPAddress"], rule["portRange"]) == (ip, "443-443")
    assert rule["target"].endswith("/targetHttpsProxies/api-https-proxy")
    assert inventory_items(emulator, "regions/targetHttpProxies") == []
    no_changes(emulator, *args)


def test_a_static_ip_is_reserved_moved_and_released(emulator: Any) -> None:
    outcome = run(*api("--ip", "10.128.0.50", "--no-invoker-iam", "--yes"))
    assert outcome.exit_code == 0, outcome
    address = one(emulator, "regions/addresses", "api-ip")
    assert (address["addressType"], address["address"], address["purpose"]) == ("INTERNAL", "10.128.0.50",
                                                                                 "GCE_ENDPOINT")
    assert address["subnetwork"].endswith(f"/regions/{REGION}/subnetworks/default")
    assert one(emulator, "regions/forwardingRules", "api-rule")["IPAddress"] == "10.128.0.50"
    no_changes(emulator, *api("--ip", "10.128.0.50", "--no-invoker-iam", "--yes"))

    moved = run(*api("--ip", "10.128.0.60", "--no-invoker-iam", "--yes"))
    assert moved.exit_code == 0, moved
    assert "Plan: 0 to add, 0 to change, 2 to replace, 0 to destroy." in moved.stdout
    (address,) = inventory_items(emulator, "regions/addresses")
    assert address["address"] == "10.128.0.60"
    assert one(emulator, "regions/forwardingRules", "api-rule")["IPAddress"] == "10.128.0.60"
    no_changes(emulator, *api("--ip", "10.128.0.60", "--no-invoker-iam", "--yes"))

    released = run(*api("--no-invoker-iam", "--yes"))
    assert released.exit_code == 0, released
    assert "--ip dropped" in released.stdout
    assert inventory_items(emulator, "regions/addresses") == []
    assert one(emulator, "regions/forwardingRules", "api-rule")["IPAddress"] != "10.128.0.60"
    no_changes(emulator, *api("--no-invoker-iam", "--yes"))


def test_a_global_access_change_replaces_the_rule_and_the_plan_says_so(emulator: Any) -> None:
    assert run(*api("--no-invoker-iam", "--yes")).exit_code == 0
    ip = one(emulator, "regions/forwardingRules", "api-rule")["IPAddress"]
    plan = run(*api("--no-invoker-iam", "--global-access", "--dry-run", "--format", "json")).json()
    pinned, action = [a for a in plan["actions"] if a["action"] != "noop"]
    # The rule's ephemeral IP is reserved first, so the replaced rule gets it back whatever happens between
    # the delete and the create (issue 11); the rule takes it from that address.
    assert (pinned["action"], pinned["role"], pinned["name"]) == ("create", "rule-ip", "api-rule-ip")
    assert action["dependsOn"] == [plan["actions"].index(pinned)]
    assert action["action"] == "replace" and action["strategy"] == "delete-before-create"
    assert action["changes"] == [{"field": "allowGlobalAccess", "before": False, "after": True,
                                  "forcesReplacement": True}]
    assert any("--global-access changed" in n for n in action["notes"])
    outcome = run(*api("--no-invoker-iam", "--global-access", "--yes"))
    assert outcome.exit_code == 0, outcome
    assert "allowGlobalAccess: false -> true  # forces replacement" in outcome.stdout
    rule = one(emulator, "regions/forwardingRules", "api-rule")
    assert rule["allowGlobalAccess"] is True and rule["IPAddress"] == ip
    no_changes(emulator, *api("--no-invoker-iam", "--global-access", "--yes"))


def test_invokers_are_added_and_removed_leaving_other_grants(emulator: Any) -> None:
    from tests.emulator.clients import run_services

    assert run(*api("--invoker", "user:a@example.com", "--yes")).exit_code == 0
    client = run_services(emulator)
    name = f"projects/{PROJECT}/locations/{REGION}/services/api"
    policy = client.get_iam_policy(request={"resource": name})
    policy.bindings.add(role="roles/run.invoker", members=["user:someone@example.com"])
    client.set_iam_policy(request={"resource": name, "policy": policy})

    added = run(*api("--invoker", "user:a@example.com", "--invoker", "user:b@example.com", "--yes"))
    assert added.exit_code == 0, added
    assert invokers(emulator) == ["user:a@example.com", "user:b@example.com", "user:someone@example.com"]
    removed = run(*api("--invoker", "user:b@example.com", "--invoker", "user:someone@example.com", "--yes"))
    assert removed.exit_code == 0, removed
    assert "removes invokers this tool granted" in removed.stdout
    assert invokers(emulator) == ["user:b@example.com", "user:someone@example.com"]
    no_changes(emulator, *api("--invoker", "user:b@example.com", "--invoker", "user:someone@example.com", "--yes"))

    # someone@ held the role before the tool was asked for it: dropping the flag leaves their grant.
    dropped = run(*api("--yes"))
    assert dropped.exit_code == 0, dropped
    assert "No --invoker given" in dropped.stdout
    assert invokers(emulator) == ["user:someone@example.com"]


def test_no_invoker_iam_turns_the_check_off_and_keeps_ingress_internal(emulator: Any) -> None:
    assert run(*api("--invoker", "user:a@example.com", "--yes")).exit_code == 0
    outcome = run(*api("--no-invoker-iam", "--yes"))
    assert outcome.exit_code == 0, outcome
    (service,) = emulator.inventory()["run"]["services"]
    assert service["invokerIamDisabled"] is True
    assert service["ingress"] == "INGRESS_TRAFFIC_INTERNAL_ONLY"
    assert invokers(emulator) == []
    assert "No --invoker given" not in outcome.stdout
    no_changes(emulator, *api("--no-invoker-iam", "--yes"))
    status = run("internal-api", "status", "api", "--region", REGION, "--project", PROJECT, "--format", "json")
    assert status.exit_code == 0 and status.json()["invokerIamDisabled"] is True
    assert status.json()["call"].startswith("curl http://")
    assert len(marked(emulator, "api")) == 7


def test_an_image_change_updates_the_service_in_place(emulator: Any) -> None:
    assert run(*api("--no-invoker-iam", "--yes")).exit_code == 0
    newer = [a if a != create()[4] else "us-docker.pkg.dev/demo/api/hello:2" for a in api("--no-invoker-iam", "--yes")]
    outcome = run(*newer)
    assert outcome.exit_code == 0, outcome
    assert "~ run.services api (us-central1)" in outcome.stdout
    assert "Plan: 0 to add, 1 to change, 0 to replace, 0 to destroy." in outcome.stdout
    (service,) = emulator.inventory()["run"]["services"]
    assert service["template"]["containers"][0]["image"] == "us-docker.pkg.dev/demo/api/hello:2"
    no_changes(emulator, *newer)
