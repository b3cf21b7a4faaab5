"""The web-app pattern as pure functions: desired resources from a spec and what the proxy serves, the
status findings and the next steps. No server, no CLI."""

from __future__ import annotations

from typing import Any

from crpatterns.engine.model import Ownership, Ref
from crpatterns.patterns.base import StatusReport
from crpatterns.patterns.web_app import desired as pattern
from crpatterns.patterns.web_app import status
from crpatterns.patterns.web_app.spec import Names, WebAppSpec

AGENT = "serviceAccount:service-42@gcp-sa-iap.iam.gserviceaccount.com"
SERVERLESS_REFUSED = ("healthChecks", "timeoutSec", "portName", "port")


def spec(**fields: Any) -> WebAppSpec:
    values: dict[str, Any] = dict(name="hello", project="proj", project_number="42", region="us-central1",
                                  image="gcr.io/p/i:1", domains=("hello.example.com",),
                                  members=("group:g@example.com",))
    values.update(fields)
    return WebAppSpec(**values)


def by_role(s: WebAppSpec, facts: pattern.WebAppFacts | None = None) -> dict[str, Any]:
    return {d.role: d for d in pattern.decide(s, facts or pattern.WebAppFacts()).desired}


# -- desired ----------------------------------------------------------------------------------------


def test_lb_mode_wants_the_whole_chain_behind_iap() -> None:
    desired = by_role(spec())
    assert set(desired) == {"service", "invoker", "iap-access", "address", "neg", "backend", "url-map", "certificate",
                            "https-proxy", "https-rule", "redirect-url-map", "http-proxy", "http-rule"}
    service = desired["service"].body
    assert service["ingress"] == "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER" and service["iapEnabled"] is False
    assert "launchStage" not in service
    backend = desired["backend"].body
    assert (backend["loadBalancingScheme"], backend["protocol"], backend["iap"]["enabled"]) == (
        "EXTERNAL_MANAGED", "HTTPS", True)
    assert not set(SERVERLESS_REFUSED) & set(backend)
    assert backend["backends"] == [{"group": Ref("neg")}]  # no balancingMode or capacity fields
    assert desired["neg"].body == {"networkEndpointType": "SERVERLESS", "cloudRun": {"service": "hello"}}
    assert desired["certificate"].body == {"type": "MANAGED", "managed": {"domains": ["hello.example.com"]}}
    for rule, port, proxy in (("https-rule", "443-443", "https-proxy"), ("http-rule", "80-80", "http-proxy")):
        body = desired[rule].body
        assert body["IPAddress"] == Ref("address", "address") and body["portRange"] == port
        assert body["target"] == Ref(proxy) and body["loadBalancingScheme"] == "EXTERNAL_MANAGED"
    assert desired["redirect-url-map"].body["defaultUrlRedirect"]["httpsRedirect"] is True
    # exactly one of defaultService and defaultUrlRedirect: the other is cleared if someone set it
    assert desired["url-map"].body == {"defaultService": Ref("backend"), "defaultUrlRedirect": None}
    assert desired["http-proxy"].body == {"urlMap": Ref("redirect-url-map")}
    assert desired["https-proxy"].body == {"urlMap": Ref("url-map"), "sslCertificates": [Ref("certificate")]}


def test_the_iap_agent_is_the_only_invoker_and_public_members_are_refused() -> None:
    invoker = by_role(spec())["invoker"]
    assert invoker.ownership is Ownership.BINDING
    assert invoker.body["role"] == "roles/run.invoker" and invoker.body["members"] == [AGENT]
    assert invoker.body["mode"] == "additive" and invoker.body["agents"] == ["iap.googleapis.com"]
    assert set(invoker.body["refusedMembers"]) == {"allUsers", "allAuthenticatedUsers"}


def test_members_are_authoritative_on_the_apps_own_iap_resource() -> None:
    access = by_role(spec(members=("user:a@example.com", "group:g@example.com")))["iap-access"]
    assert access.ownership is Ownership.BINDING and access.body["mode"] == "authoritative"
    assert access.name == "projects/42/iap_web/compute/services/hello-backend"
    assert access.body == {"role": "roles/iap.httpsResourceAccessor", "mode": "authoritative",
                           "members": ["user:a@example.com", "group:g@example.com"]}
    assert access.depends_on == ("backend",)


def test_direct_mode_has_no_load_balancer() -> None:
    desired = by_role(spec(iap_mode="direct", domains=()))
    assert set(desired) == {"service", "invoker", "iap-access"}
    service = desired["service"].body
    assert service["iapEnabled"] is True and service["launchStage"] == "BETA"
    assert service["ingress"] == "INGRESS_TRAFFIC_ALL"
    assert desired["iap-access"].name == "projects/42/iap_web/cloud_run-us-central1/services/hello"
    assert desired["iap-access"].depends_on == ("service",)
    assert desired["service"].notes == (pattern.DIRECT_OAUTH_NOTE,)


def test_the_managed_oauth_note_goes_with_the_managed_client_only() -> None:
    assert by_role(spec())["backend"].notes == (pattern.MANAGED_OAUTH_NOTE,)
    custom = by_role(spec(oauth_client_id="1.apps.googleusercontent.com", oauth_client_secret="s"))["backend"]
    assert custom.notes == ()
    assert custom.body["iap"] == {"enabled": True, "oauth2ClientId": "1.apps.googleusercontent.com",
                                  "oauth2ClientSecret": "s"}
    assert custom.sensitive == ("iap.oauth2ClientSecret",)


def test_self_managed_certificate_and_existing_address() -> None:
    desired = by_role(spec(certificate_pem="CERT", private_key_pem="KEY", address="my-ip"))
    certificate = desired["certificate"]
    assert certificate.body == {"type": "SELF_MANAGED", "certificate": "CERT", "privateKey": "KEY"}
    assert certificate.sensitive == ("privateKey",)
    address = desired["address"]
    assert (address.name, address.ownership, address.body) == ("my-ip", Ownership.EXTERNAL, {})


def test_no_https_redirect_and_default_url() -> None:
    desired = by_role(spec(https_redirect=False, disable_default_url=True))
    assert not {"redirect-url-map", "http-proxy", "http-rule"} & set(desired)
    assert desired["service"].body["defaultUriDisabled"] is True


def test_desired_is_pure_and_repeatable() -> None:
    assert pattern.decide(spec(), pattern.WebAppFacts()) == pattern.decide(spec(), pattern.WebAppFacts())




def test_every_derived_compute_name_fits_for_the_longest_service_name() -> None:
    names = Names.of("a" * 49)
    assert max(len(n) for n in vars(names).values()) <= 63


# -- findings and next steps -------------------------------------------------------------------------


def healthy(**fields: Any) -> dict[str, Any]:
    report = {"exists": True, "mode": "lb",
              "ingress": "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER", "iapEnabled": True, "iapAgent": AGENT,
              "invokers": [AGENT], "iapMembers": ["group:g@example.com"], "ip": "34.1.2.3",
              "domains": ["a.example.com", "b.example.com"], "certificateType": "MANAGED",
              "certificateStatus": {"a.example.com": "ACTIVE", "b.example.com": "PROVISIONING"},
              "uri": "https://hello-xyz-uc.a.run.app"}
    report.update(fields)
    return report


def findings(report: dict[str, Any]) -> list[str]:
    return status.findings("hello", "us-central1", report)


def test_findings() -> None:
    assert findings(healthy()) == []
    assert findings(healthy(mode="direct", ingress="INGRESS_TRAFFIC_ALL")) == []
    assert status.findings("x", "r", {"exists": False}) == ["Cloud Run service x does not exist in r."]
    found = findings(healthy(ingress="INGRESS_TRAFFIC_ALL", invokers=["allAuthenticatedUsers", "allUsers"],
                             iapEnabled=False))
    assert len(found) == 4
    assert "allAuthenticatedUsers, allUsers" in found[0] and "Ingress is ALL" in found[1]
    assert "IAP is off" in found[2] and "not an invoker" in found[3]


def test_public_iap_access_and_an_ingress_that_cuts_off_the_load_balancer_are_findings() -> None:
    found = findings(healthy(iapMembers=["allUsers", "group:g@example.com"], ingress="INGRESS_TRAFFIC_INTERNAL_ONLY"))
    assert any("IAP lets allUsers in" in f for f in found)
    assert any("Ingress is INGRESS_TRAFFIC_INTERNAL_ONLY: the load balancer cannot reach the service" in f
               for f in found)


def text(report: dict[str, Any], found: list[str]) -> str:
    return StatusReport("web-app", "hello", "proj", "us-central1", True, lines=status.text_lines(report),
                        findings=found, healthy=status.HEALTHY, repair="crpatterns web-app create").text()


def test_status_text() -> None:
    shown = text(healthy(), [])
    assert "DNS: a.example.com A 34.1.2.3   certificate: ACTIVE" in shown
    assert "DNS: b.example.com A 34.1.2.3   certificate: PROVISIONING" in shown
    assert shown.endswith("OK: the app is reachable only through IAP.")
    shown = text(healthy(mode="direct", ip=None), ["IAP is off: nobody is checked."])
    assert "URL: https://hello-xyz-uc.a.run.app" in shown and "DNS:" not in shown
    assert "FINDING: IAP is off" in shown and "1 finding(s)" in shown


def next_steps(report: dict[str, Any]) -> list[str]:
    return status.next_steps("hello", "us-central1", "proj", report)


def test_next_steps() -> None:
    lines = next_steps(healthy())
    assert lines[:2] == ["Create a DNS A record: a.example.com -> 34.1.2.3",
                         "Create a DNS A record: b.example.com -> 34.1.2.3"]
    assert "turns ACTIVE once DNS" in lines[2] and "--region us-central1 --project proj" in lines[2]
    assert len(next_steps(healthy(certificateType="SELF_MANAGED"))) == 2
    assert next_steps(healthy(ip=None)) == []
    assert next_steps(healthy(mode="direct"))[0].startswith("Open https://hello-xyz-uc.a.run.app")


def test_the_certificate_kind_says_a_replacement_uploads_a_new_key() -> None:
    from crpatterns.kinds.compute_ssl_certificates import SslCertificates

    kind = SslCertificates.__new__(SslCertificates)  # diff is pure: no clients needed
    desired = {"type": "SELF_MANAGED", "certificate": "NEW\n", "privateKey": "KEY"}
    changes = kind.diff(desired, {"type": "SELF_MANAGED", "certificate": "OLD"})
    key = [c for c in changes if c.field == "privateKey"]
    assert key and key[0].sensitive and key[0].forces_replace
    assert kind.diff(desired, {"type": "SELF_MANAGED", "certificate": "NEW"}) == []
