"""URL maps, target proxies and SSL certificates through google-cloud-compute."""

from __future__ import annotations

from typing import Any

import pytest
from google.cloud import compute_v1

from tests.emulator.clients import compute
from tests.emulator.lb import (
    assert_refused,
    backend_service,
    done,
    global_,
    http_proxy,
    https_proxy,
    link,
    managed_certificate,
    regional,
    self_managed_certificate,
    self_signed,
    serverless_neg,
    url_map,
)
from tests.emulator.networking import PROJECT, REGION, expect_error
from tests.support import EmulatorProcess

BACKEND = regional("backend", "backendServices")
GLOBAL_BACKEND = global_("backend", "backendServices")
REDIRECT = {"httpsRedirect": True, "redirectResponseCode": "MOVED_PERMANENTLY_DEFAULT"}
EXACTLY_ONE = ("Exactly one of defaultService, defaultUrlRedirect or defaultRouteAction.weightedBackendServices "
               "must be set.")


def backends(emulator: EmulatorProcess) -> None:
    """A regional INTERNAL_MANAGED backend and a global EXTERNAL_MANAGED one, both named `backend`."""
    neg = serverless_neg(emulator)
    backend_service(emulator, "backend", [neg.self_link])
    backend_service(emulator, "backend", [neg.self_link], region=None, scheme="EXTERNAL_MANAGED")


def post(emulator: EmulatorProcess, collection: str, body: dict[str, Any], region: str | None = REGION,
         verb: str = "") -> tuple[int, Any]:
    scope = f"regions/{region}" if region else "global"
    return emulator.call("POST", f"compute/v1/projects/{PROJECT}/{scope}/{collection}{verb}", body)


# -- URL maps ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"defaultService": BACKEND, "defaultUrlRedirect": REDIRECT},
        {"defaultService": BACKEND, "defaultRouteAction": {"weightedBackendServices": [
            {"backendService": BACKEND, "weight": 100}]}},
    ],
)
def test_url_map_needs_exactly_one_default(emulator: EmulatorProcess, fields: dict[str, Any]) -> None:
    backends(emulator)
    assert_refused(post(emulator, "urlMaps", {"name": "urlmap", **fields}), EXACTLY_ONE)


def test_url_map_backend_must_exist_and_match_its_scope(emulator: EmulatorProcess) -> None:
    assert_refused(post(emulator, "urlMaps", {"name": "urlmap", "defaultService": BACKEND}),
                   f"The resource '{BACKEND}' was not found", 404)
    backends(emulator)
    assert_refused(post(emulator, "urlMaps", {"name": "urlmap", "defaultService": GLOBAL_BACKEND}),
                   "The backend service must be in region 'us-central1', like the URL map.")
    assert_refused(post(emulator, "urlMaps", {"name": "urlmap", "defaultService": BACKEND}, region=None),
                   "The backend service must be global, like the URL map.")
    # The scope is checked before the lookup.
    other = regional("backend", "backendServices", region="us-east1")
    assert_refused(post(emulator, "urlMaps", {"name": "urlmap", "defaultService": other}),
                   "The backend service must be in region 'us-central1', like the URL map.")


def test_url_map_fields_and_fingerprint(emulator: EmulatorProcess) -> None:
    backends(emulator)
    neg = regional("neg", "networkEndpointGroups")
    backend_service(emulator, "backend2", [neg])
    created = url_map(emulator, "urlmap", default_service=BACKEND,
                      host_rules=[compute_v1.HostRule(hosts=["api.internal"], path_matcher="api")],
                      path_matchers=[compute_v1.PathMatcher(name="api", default_service=regional(
                          "backend2", "backendServices"))])
    # References are stored as Google's selfLinks, whatever form was sent.
    assert created.default_service == link(BACKEND)
    assert created.path_matchers[0].default_service == link(regional("backend2", "backendServices"))
    client = compute(emulator, "RegionUrlMapsClient")
    stale = compute_v1.UrlMap(fingerprint="AAAAAAAAAAA=", default_service=BACKEND)
    with expect_error(412, reason="conditionNotMet"):
        client.patch(project=PROJECT, region=REGION, url_map="urlmap", url_map_resource=stale)
    patch = compute_v1.UrlMap(fingerprint=created.fingerprint, default_service=regional("backend2",
                                                                                           "backendServices"))
    done(emulator, client.patch(project=PROJECT, region=REGION, url_map="urlmap", url_map_resource=patch), REGION)
    assert client.get(project=PROJECT, region=REGION, url_map="urlmap").default_service == link(
        regional("backend2", "backendServices"))
    # A host rule naming a path matcher that does not exist.
    current = client.get(project=PROJECT, region=REGION, url_map="urlmap")
    current.host_rules[0].path_matcher = "missing"
    with expect_error(400, "The path matcher is not defined in this URL map."):
        client.update(project=PROJECT, region=REGION, url_map="urlmap", url_map_resource=current)


def test_url_map_in_use_by_a_proxy(emulator: EmulatorProcess) -> None:
    backends(emulator)
    um = url_map(emulator, "urlmap", default_service=BACKEND)
    http_proxy(emulator, "proxy", um.self_link)
    with expect_error(400, f"The url_map resource '{regional('urlmap', 'urlMaps')}' is already being used by "
                           f"'{regional('proxy', 'targetHttpProxies')}'", "resourceInUseByAnotherResource"):
        compute(emulator, "RegionUrlMapsClient").delete(project=PROJECT, region=REGION, url_map="urlmap")


def test_https_redirect_only_behind_http_proxies(emulator: EmulatorProcess) -> None:
    redirect = url_map(emulator, "redirect", region=None,
                       default_url_redirect=compute_v1.HttpRedirectAction(**{
                           "https_redirect": True, "redirect_response_code": "MOVED_PERMANENTLY_DEFAULT"}))
    assert redirect.default_url_redirect.https_redirect is True
    http_proxy(emulator, "http", redirect.self_link, region=None)
    pem = self_signed("app.example.com")
    cert = self_managed_certificate(emulator, "cert", pem)
    assert_refused(post(emulator, "targetHttpsProxies", {"name": "https", "urlMap": redirect.self_link,
                                                         "sslCertificates": [cert.self_link]}, region=None),
                   "A URL map with defaultUrlRedirect.httpsRedirect set can only be used by a target HTTP proxy.")


# -- target proxies -------------------------------------------------------------------------------


def test_https_proxy_certificates(emulator: EmulatorProcess) -> None:
    backends(emulator)
    um = url_map(emulator, "urlmap", region=None, default_service=GLOBAL_BACKEND)
    body = {"name": "proxy", "urlMap": um.self_link}
    assert_refused(post(emulator, "targetHttpsProxies", body, region=None),
                   "At least one SSL certificate must be specified.")
    pem = self_signed("app.example.com")
    regional_cert = self_managed_certificate(emulator, "regional-cert", pem, region=REGION)
    assert_refused(post(emulator, "targetHttpsProxies", {**body, "sslCertificates": [regional_cert.self_link]},
                        region=None), "This target HTTPS proxy takes global SSL certificates.")
    certs = [self_managed_certificate(emulator, f"cert-{i}", pem).self_link for i in range(16)]
    assert_refused(post(emulator, "targetHttpsProxies", {**body, "sslCertificates": certs}, region=None),
                   "At most 15 SSL certificates can be specified.")
    proxy = https_proxy(emulator, "proxy", um.self_link, certs[:15])
    assert len(proxy.ssl_certificates) == 15
    assert proxy.quic_override == "NONE"


def test_regional_https_proxy(emulator: EmulatorProcess) -> None:
    backends(emulator)
    um = url_map(emulator, "urlmap", default_service=BACKEND)
    pem = self_signed("api.internal.example")
    global_cert = self_managed_certificate(emulator, "cert", pem)
    assert_refused(post(emulator, "targetHttpsProxies", {"name": "proxy", "urlMap": um.self_link,
                                                         "sslCertificates": [global_cert.self_link]}),
                   "This target HTTPS proxy takes regional SSL certificates of region 'us-central1'.")
    cert = self_managed_certificate(emulator, "cert", pem, region=REGION)
    proxy = https_proxy(emulator, "proxy", um.self_link, [cert.self_link], region=REGION)
    assert proxy.ssl_certificates == [link(regional("cert", "sslCertificates"))]
    # A regional proxy takes a URL map of its own region.
    global_map = url_map(emulator, "global-map", region=None, default_service=GLOBAL_BACKEND)
    assert_refused(post(emulator, "targetHttpProxies", {"name": "http", "urlMap": global_map.self_link}),
                   "The target proxy must reference a regional URL map in region 'us-central1'.")
    assert_refused(post(emulator, "targetHttpProxies", {"name": "http"}),
                   "Required field 'resource.urlMap' not specified")


def test_certificate_rotation_through_set_ssl_certificates(emulator: EmulatorProcess) -> None:
    """Changing domains without downtime: add the new certificate, then drop and delete the old one."""
    backends(emulator)
    um = url_map(emulator, "urlmap", region=None, default_service=GLOBAL_BACKEND)
    old = managed_certificate(emulator, "old", ["old.example.com"])
    https_proxy(emulator, "proxy", um.self_link, [old.self_link])
    certificates = compute(emulator, "SslCertificatesClient")
    with expect_error(400, f"The ssl_certificate resource '{global_('old', 'sslCertificates')}' is already being "
                           f"used by '{global_('proxy', 'targetHttpsProxies')}'", "resourceInUseByAnotherResource"):
        certificates.delete(project=PROJECT, ssl_certificate="old")
    new = managed_certificate(emulator, "new", ["new.example.com"])
    proxies = compute(emulator, "TargetHttpsProxiesClient")

    def set_certificates(*links: str) -> None:
        request = compute_v1.TargetHttpsProxiesSetSslCertificatesRequest(ssl_certificates=list(links))
        done(emulator, proxies.set_ssl_certificates(
            project=PROJECT, target_https_proxy="proxy",
            target_https_proxies_set_ssl_certificates_request_resource=request))

    set_certificates(old.self_link, new.self_link)
    set_certificates(new.self_link)
    assert proxies.get(project=PROJECT, target_https_proxy="proxy").ssl_certificates == [new.self_link]
    done(emulator, certificates.delete(project=PROJECT, ssl_certificate="old"))


def test_set_url_map(emulator: EmulatorProcess) -> None:
    backends(emulator)
    first = url_map(emulator, "first", default_service=BACKEND)
    second = url_map(emulator, "second", default_service=BACKEND)
    http_proxy(emulator, "proxy", first.self_link)
    proxies = compute(emulator, "RegionTargetHttpProxiesClient")
    done(emulator, proxies.set_url_map(project=PROJECT, region=REGION, target_http_proxy="proxy",
                                       url_map_reference_resource=compute_v1.UrlMapReference(
                                           url_map=regional("second", "urlMaps"))), REGION)
    assert proxies.get(project=PROJECT, region=REGION, target_http_proxy="proxy").url_map == second.self_link
    done(emulator, compute(emulator, "RegionUrlMapsClient").delete(project=PROJECT, region=REGION,
                                                                   url_map="first"), REGION)
    # Discovery has no regionTargetHttpProxies.patch.
    status, _ = emulator.call("PATCH", f"compute/v1/{regional('proxy', 'targetHttpProxies')}", {})
    assert status == 404


# -- SSL certificates -----------------------------------------------------------------------------


def test_managed_certificate_turns_active_when_every_domain_is_dns_ready(emulator: EmulatorProcess) -> None:
    cert = managed_certificate(emulator, "cert", ["app.example.com", "www.example.com"])
    assert cert.managed.status == "PROVISIONING"
    assert dict(cert.managed.domain_status) == {"app.example.com": "PROVISIONING", "www.example.com": "PROVISIONING"}
    assert list(cert.subject_alternative_names) == ["app.example.com", "www.example.com"]
    assert not cert.expire_time
    client = compute(emulator, "SslCertificatesClient")
    emulator.dns_ready("app.example.com")
    cert = client.get(project=PROJECT, ssl_certificate="cert")
    assert cert.managed.status == "PROVISIONING"
    assert dict(cert.managed.domain_status) == {"app.example.com": "ACTIVE", "www.example.com": "PROVISIONING"}
    emulator.dns_ready("www.example.com")
    cert = client.get(project=PROJECT, ssl_certificate="cert")
    assert cert.managed.status == "ACTIVE"
    assert set(cert.managed.domain_status.values()) == {"ACTIVE"}
    assert cert.expire_time


@pytest.mark.parametrize(
    ("managed", "message"),
    [
        ({}, "Required field 'resource.managed.domains' not specified"),
        ({"domains": [f"d{i}.example.com" for i in range(101)]}, "A managed SSL certificate takes at most 100 "
                                                                   "domains."),
        ({"domains": ["*.example.com"]}, "The domain is not a valid fully qualified domain name."),
        ({"domains": ["localhost"]}, "The domain is not a valid fully qualified domain name."),
    ],
)
def test_managed_certificate_domains(emulator: EmulatorProcess, managed: dict[str, Any], message: str) -> None:
    assert_refused(post(emulator, "sslCertificates", {"name": "cert", "type": "MANAGED", "managed": managed},
                        region=None), message)


def test_self_managed_certificate(emulator: EmulatorProcess) -> None:
    pem = self_signed("app.example.com", "www.example.com", days=30)
    cert = self_managed_certificate(emulator, "cert", pem)
    assert cert.type_ == "SELF_MANAGED"
    assert cert.certificate == pem.certificate
    assert not cert.private_key
    assert list(cert.subject_alternative_names) == ["app.example.com", "www.example.com"]
    assert cert.expire_time
    _, raw = emulator.call("GET", f"compute/v1/{global_('cert', 'sslCertificates')}")
    assert "privateKey" not in raw


def test_self_managed_certificate_errors(emulator: EmulatorProcess) -> None:
    pem, other = self_signed("a.example.com"), self_signed("b.example.com")
    body = {"name": "cert", "certificate": pem.certificate, "privateKey": pem.key}
    assert_refused(post(emulator, "sslCertificates", {**body, "certificate": "-----BEGIN CERTIFICATE-----\nxx"},
                        region=None), "The SSL certificate could not be parsed.")
    assert_refused(post(emulator, "sslCertificates", {**body, "privateKey": "garbage"}, region=None),
                   "The SSL key could not be parsed.")
    assert_refused(post(emulator, "sslCertificates", {**body, "privateKey": other.key}, region=None),
                   "The SSL certificate and key do not match.")
    assert_refused(post(emulator, "sslCertificates", {"name": "cert", "certificate": pem.certificate},
                        region=None), "Required field 'resource.privateKey' not specified")


def test_regional_certificates_are_self_managed_only(emulator: EmulatorProcess) -> None:
    assert_refused(post(emulator, "sslCertificates", {"name": "cert", "type": "MANAGED",
                                                      "managed": {"domains": ["api.example.com"]}}),
                   "Google-managed SSL certificates are not supported for regional SSL certificates; use "
                   "Certificate Manager.")
    cert = self_managed_certificate(emulator, "cert", self_signed("api.example.com"), region=REGION)
    assert cert.region == link(f"projects/{PROJECT}/regions/{REGION}")
