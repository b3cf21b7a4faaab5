"""The web-app pattern as pure functions: desired resources from a spec, the input checks, the status
findings and the next steps. No server."""

from __future__ import annotations

from typing import Any

import pytest

from crpatterns.cli import web_app_run as cli
from crpatterns.engine.model import Ownership, Ref
from crpatterns.errors import UsageError
from crpatterns.patterns import validation as check
from crpatterns.patterns import web_app as pattern

AGENT = "serviceAccount:service-42@gcp-sa-iap.iam.gserviceaccount.com"
SERVERLESS_REFUSED = ("healthChecks", "timeoutSec", "portName", "port")


def spec(**fields: Any) -> pattern.WebAppSpec:
    values: dict[str, Any] = dict(name="hello", project="proj", project_number="42", region="us-central1",
                                  image="gcr.io/p/i:1", domains=("hello.example.com",),
                                  members=("group:g@example.com",))
    values.update(fields)
    return pattern.WebAppSpec(**values)


def by_role(s: pattern.WebAppSpec) -> dict[str, Any]:
    return {d.role: d for d in pattern.desired(s)}


def inputs(**fields: Any) -> cli.Inputs:
    values: dict[str, Any] = dict(name="hello", image="gcr.io/p/i:1", region="us-central1",
                                  domains=("hello.example.com",), members=("group:g@example.com",), iap_mode="lb",
                                  certificate_file=None, private_key_file=None, address=None, https_redirect=True,
                                  oauth_client_id=None, oauth_client_secret_file=None, disable_default_url=False)
    values.update(fields)
    return cli.Inputs(**values)


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
    assert desired["neg"].body == {"networkEndpointType": "SERVERLESS", "cloudRun": {"service": Ref("service", "name")}}
    assert desired["certificate"].body == {"type": "MANAGED", "managed": {"domains": ["hello.example.com"]}}
    for rule, port, proxy in (("https-rule", "443-443", "https-proxy"), ("http-rule", "80-80", "http-proxy")):
        body = desired[rule].body
        assert body["IPAddress"] == Ref("address", "address") and body["portRange"] == port
        assert body["target"] == Ref(proxy) and body["loadBalancingScheme"] == "EXTERNAL_MANAGED"
    assert desired["redirect-url-map"].body["defaultUrlRedirect"]["httpsRedirect"] is True
    assert desired["http-proxy"].body == {"urlMap": Ref("redirect-url-map")}


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
    assert pattern.desired(spec()) == pattern.desired(spec())


# -- validation -------------------------------------------------------------------------------------


def test_validate_returns_the_spec_fields() -> None:
    fields = cli.validate(inputs(domains=("Hello.Example.COM.", "hello.example.com"),
                                 members=("user:b@example.com", "group:g@example.com", "user:b@example.com")))
    assert fields["domains"] == ("hello.example.com",)
    assert fields["members"] == ("group:g@example.com", "user:b@example.com")
    assert pattern.WebAppSpec(project="p", project_number="1", **fields).https_redirect is True


@pytest.mark.parametrize(("changes", "words"), [
    ({"name": "a" * 50}, "fewer than 50 characters"),
    ({"name": "Hello"}, "NAME must be a Cloud Run service name"),
    ({"region": ""}, "--region is required"),
    ({"region": "mars-north1"}, "--region must be a Cloud Run region"),
    ({"image": ""}, "--image is required"),
    ({"image": "Not An Image"}, "--image must be a container image reference"),
    ({"iap_mode": "both"}, "--iap-mode must be lb or direct"),
    ({"members": ()}, "--member is required"),
    ({"members": ("allUsers",)}, "--member allUsers is refused"),
    ({"members": ("alice@example.com",)}, "--member must start with user:"),
    ({"members": ("principal://sts.example.com/x",)}, "principal:// must name an IAM principal"),
    ({"domains": ()}, "--domain is required with --iap-mode lb"),
    ({"domains": ("*.example.com",)}, "--domain must be a fully qualified host name"),
    ({"domains": tuple(f"d{i}.example.com" for i in range(101))}, "at most 100 times"),
    ({"iap_mode": "direct"}, "--domain applies to --iap-mode lb only"),
    ({"iap_mode": "direct", "domains": (), "https_redirect": False}, "--no-https-redirect applies to --iap-mode lb"),
    ({"iap_mode": "direct", "domains": (), "oauth_client_id": "x"}, "--oauth-client-id applies to --iap-mode lb"),
    ({"oauth_client_id": "x"}, "go together"),
    ({"address": "My_IP"}, "--address must be a Compute resource name"),
    ({"certificate_file": "/nonexistent.pem", "private_key_file": "/nonexistent.key"}, "does not exist"),
])
def test_bad_input_is_one_sentence_naming_the_flag(changes: dict[str, Any], words: str) -> None:
    with pytest.raises(UsageError) as raised:
        cli.validate(inputs(**changes))
    message = str(raised.value)
    assert words in message and "\n" not in message


def test_every_derived_compute_name_fits_for_the_longest_service_name() -> None:
    names = pattern.Names.of("a" * 49)
    check.compute_names({k: v for k, v in vars(names).items() if k != "service"})
    assert max(len(n) for n in vars(names).values()) <= 63
    with pytest.raises(UsageError, match="too long or malformed for the https_proxy name"):
        check.compute_names({"https_proxy": "a" * 60 + "-https-proxy"})


# -- findings and next steps -------------------------------------------------------------------------


def healthy(**fields: Any) -> dict[str, Any]:
    report = {"name": "hello", "project": "proj", "region": "us-central1", "exists": True, "mode": "lb",
              "ingress": "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER", "iapEnabled": True, "iapAgent": AGENT,
              "invokers": [AGENT], "iapMembers": ["group:g@example.com"], "ip": "34.1.2.3",
              "domains": ["a.example.com", "b.example.com"], "certificateType": "MANAGED",
              "certificateStatus": {"a.example.com": "ACTIVE", "b.example.com": "PROVISIONING"},
              "uri": "https://hello-xyz-uc.a.run.app"}
    report.update(fields)
    return report


def test_findings() -> None:
    assert cli.findings(healthy()) == []
    assert cli.findings(healthy(mode="direct", ingress="INGRESS_TRAFFIC_ALL")) == []
    assert cli.findings({"name": "x", "region": "r", "exists": False}) == ["Cloud Run service x does not exist in r."]
    found = cli.findings(healthy(ingress="INGRESS_TRAFFIC_ALL", invokers=["allAuthenticatedUsers", "allUsers"],
                                 iapEnabled=False))
    assert len(found) == 4
    assert "allAuthenticatedUsers, allUsers" in found[0] and "Ingress is ALL" in found[1]
    assert "IAP is off" in found[2] and "not an invoker" in found[3]


def test_status_text() -> None:
    report = healthy()
    report["findings"] = []
    text = cli.render_status(report)
    assert "DNS: a.example.com A 34.1.2.3   certificate: ACTIVE" in text
    assert "DNS: b.example.com A 34.1.2.3   certificate: PROVISIONING" in text
    assert text.endswith("OK: the app is reachable only through IAP.")
    direct = healthy(mode="direct", ip=None, findings=["IAP is off: nobody is checked."])
    text = cli.render_status(direct)
    assert "URL: https://hello-xyz-uc.a.run.app" in text and "DNS:" not in text
    assert "FINDING: IAP is off" in text and "1 finding(s)" in text


def test_next_steps() -> None:
    lines = cli.next_step_lines(healthy())
    assert lines[:3] == ["Next steps:", "  Create a DNS A record: a.example.com -> 34.1.2.3",
                         "  Create a DNS A record: b.example.com -> 34.1.2.3"]
    assert "turns ACTIVE once DNS" in lines[3] and "--region us-central1 --project proj" in lines[3]
    assert len(cli.next_step_lines(healthy(certificateType="SELF_MANAGED"))) == 3
    assert cli.next_step_lines(healthy(ip=None)) == []
    direct = cli.next_step_lines(healthy(mode="direct"))
    assert direct[1].startswith("  Open https://hello-xyz-uc.a.run.app")


def test_the_certificate_kind_says_a_replacement_uploads_a_new_key() -> None:
    from crpatterns.kinds.compute_ssl_certificates import SslCertificates

    kind = SslCertificates.__new__(SslCertificates)  # diff is pure: no clients needed
    desired = {"type": "SELF_MANAGED", "certificate": "NEW\n", "privateKey": "KEY"}
    changes = kind.diff(desired, {"type": "SELF_MANAGED", "certificate": "OLD"})
    key = [c for c in changes if c.field == "privateKey"]
    assert key and key[0].sensitive and key[0].forces_replace
    assert kind.diff(desired, {"type": "SELF_MANAGED", "certificate": "NEW"}) == []
