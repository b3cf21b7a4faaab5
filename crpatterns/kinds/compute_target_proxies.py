"""Target HTTP(S) proxies, global and regional. They have no general update: the URL map changes
through setUrlMap and the certificates through setSslCertificates.

Certificates change add-first: the new certificate is attached next to the old one, then the old one
is detached, so the proxy is never without a certificate that serves
(https://cloud.google.com/load-balancing/docs/ssl-certificates/google-managed-certs, "Replace an
existing certificate"; terraform-google-modules/terraform-google-lb-http#207).
"""

from __future__ import annotations

from typing import Any

from crpatterns.engine.model import Actual, Change
from crpatterns.gcp.lazy_import import compute_types
from crpatterns.kinds.compute import ComputeKind
from crpatterns.kinds.keys import KindKey


class _TargetProxies(ComputeKind):
    immutable = ("quicOverride", "proxyBind")
    marker_mutable = False  # no method changes a target proxy's description (discovery compute.v1)

    def update(self, actual: Actual, body: dict[str, Any], changes: tuple[Change, ...]) -> None:
        compute_v1 = compute_types()

        fields = {c.field.split(".")[0] for c in changes}
        if "urlMap" in fields:
            self.operate(actual.name, actual.scope, "setUrlMap", "set_url_map",
                         **{self.name_arg: actual.name,
                            "url_map_reference_resource": compute_v1.UrlMapReference(url_map=body["urlMap"])})
        if "sslCertificates" in fields:
            before = list(actual.body.get("sslCertificates", []))
            after = list(body["sslCertificates"])
            both = before + [c for c in after if c not in before]
            if both != after:
                self.set_certificates(actual, both)
            self.set_certificates(actual, after)
        unknown = fields - {"urlMap", "sslCertificates", "description"}
        if unknown:
            raise AssertionError(f"{self.key} cannot change {sorted(unknown)} in place")

    def set_certificates(self, actual: Actual, certificates: list[str]) -> None:
        raise AssertionError(f"{self.key} has no certificates")


class TargetHttpProxies(_TargetProxies):
    key = KindKey.TARGET_HTTP_PROXIES
    client_class = "TargetHttpProxiesClient"
    message = "TargetHttpProxy"
    name_arg = "target_http_proxy"
    segment = "targetHttpProxies"
    regional = False


class RegionTargetHttpProxies(TargetHttpProxies):
    key = KindKey.REGION_TARGET_HTTP_PROXIES
    client_class = "RegionTargetHttpProxiesClient"
    regional = True


class TargetHttpsProxies(_TargetProxies):
    key = KindKey.TARGET_HTTPS_PROXIES
    client_class = "TargetHttpsProxiesClient"
    message = "TargetHttpsProxy"
    name_arg = "target_https_proxy"
    segment = "targetHttpsProxies"
    regional = False

    def set_certificates(self, actual: Actual, certificates: list[str]) -> None:
        compute_v1 = compute_types()

        request = compute_v1.TargetHttpsProxiesSetSslCertificatesRequest(ssl_certificates=certificates)
        self.operate(actual.name, actual.scope, "setSslCertificates", "set_ssl_certificates",
                     target_https_proxy=actual.name,
                     target_https_proxies_set_ssl_certificates_request_resource=request)


class RegionTargetHttpsProxies(TargetHttpsProxies):
    key = KindKey.REGION_TARGET_HTTPS_PROXIES
    client_class = "RegionTargetHttpsProxiesClient"
    regional = True

    def set_certificates(self, actual: Actual, certificates: list[str]) -> None:
        compute_v1 = compute_types()

        request = compute_v1.RegionTargetHttpsProxiesSetSslCertificatesRequest(ssl_certificates=certificates)
        self.operate(actual.name, actual.scope, "setSslCertificates", "set_ssl_certificates",
                     target_https_proxy=actual.name,
                     region_target_https_proxies_set_ssl_certificates_request_resource=request)
