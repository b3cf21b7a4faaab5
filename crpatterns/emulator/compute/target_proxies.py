"""targetHttpProxies, targetHttpsProxies (global), regionTargetHttpProxies, regionTargetHttpsProxies.

Rules (docs/google-behaviour.md, "Compute: URL maps and target proxies"):
the URL map must exist and share the proxy's scope and region; HTTPS proxies carry at least one
certificate (discovery compute.v1 TargetHttpsProxy.sslCertificates: "At least one SSL certificate must
be specified. Currently, you may specify up to 15 SSL certificates."; Google's error text UNCONFIRMED),
global certificates on global proxies and regional ones of the same region on regional proxies; a URL
map with `defaultUrlRedirect.httpsRedirect` only behind an HTTP proxy. Methods as discovery lists them:
setUrlMap on all four, setSslCertificates on the HTTPS ones, patch where it exists (not on
regionTargetHttpProxies). Deleting a proxy a forwarding rule uses: resourceInUseByAnotherResource.
"""

from __future__ import annotations

from typing import Any, ClassVar

from crpatterns.emulator.compute.backend_services import check_rules_behind
from crpatterns.emulator.compute.collection import Collection, invalid_field, required_field
from crpatterns.emulator.compute.queries import canonical_path
from crpatterns.emulator.compute.url_maps import (
    https_redirect,
    https_redirect_on_https_proxy,
    url_map_scheme,
)
from crpatterns.emulator.core.routing import ApiRequest, Route

MAX_GLOBAL_CERTIFICATES = 15
# A global URL map whose backend service is INTERNAL_MANAGED serves a cross-region internal Application Load
# Balancer, which takes Certificate Manager certificates only (docs/google-behaviour.md, "Compute: cross-region
# internal Application Load Balancers").
CROSS_REGION_SCHEME = "INTERNAL_MANAGED"


def proxy_scheme(state: Any, proxy_link: str) -> str | None:
    """The backend load balancing scheme behind a target proxy: proxy -> URL map -> default backend."""
    proxy = state.get(canonical_path(state, proxy_link))
    return url_map_scheme(state, proxy["urlMap"]) if proxy and proxy.get("urlMap") else None


class _TargetProxies(Collection):
    https: ClassVar[bool] = False

    def validate(
        self, request: ApiRequest, resource: dict[str, Any], project: str, region: str | None,
        existing: dict[str, Any] | None,
    ) -> None:
        if not resource.get("urlMap"):
            raise required_field("resource.urlMap")
        resource["urlMap"] = self.link_url_map(resource["urlMap"], "resource.urlMap", project, region)
        if self.https:
            # A Certificate Manager map (global proxies only) stands in for certificates.
            if resource.get("sslCertificates") or not (resource.get("certificateMap") and region is None):
                resource["sslCertificates"] = self.link_certificates(
                    resource.get("sslCertificates"), "resource.sslCertificates", project, region)
            resource.setdefault("quicOverride", "NONE")
            self.check_cross_region_certificates(resource["urlMap"], resource.get("sslCertificates") or [], region,
                                                 "resource.sslCertificates")
        if existing is not None:
            self.check_rules(canonical_path(self.state, existing["selfLink"]), resource["urlMap"])

    def link_url_map(self, reference: Any, field: str, project: str, region: str | None) -> str:
        # Scope rule: docs/google-behaviour.md, "Compute: URL maps and target proxies"; wording UNCONFIRMED.
        where = f"a regional URL map in region '{region}'" if region else "a global URL map"
        link = self.link_in_scope(reference, field, project, region, ("regions/urlMaps", "global/urlMaps"),
                                  f"The target proxy must reference {where}.")
        if self.https and https_redirect(self.state.require(canonical_path(self.state, link))):
            raise https_redirect_on_https_proxy(reference)
        return link

    def check_cross_region_certificates(self, url_map_link: str, certificates: list[str], region: str | None,
                                        field: str) -> None:
        """Classic SSL certificates (Compute sslCertificates) serve global external, classic and regional
        Application Load Balancers, not cross-region internal ones (discovery compute.v1 SslCertificate: "The
        global SSL certificates (sslCertificates) are used by: Global external Application Load Balancers,
        Classic Application Load Balancers, Proxy Network Load Balancers"; the regional ones by regional
        Application Load Balancers), which take Certificate Manager certificates
        (https://cloud.google.com/load-balancing/docs/l7-internal/setting-up-l7-cross-reg-internal, "Set up an
        SSL certificate resource"). The emulator serves no Certificate Manager, so such a proxy cannot be made
        here. UNCONFIRMED: Google's wording, and whether it refuses at the proxy or at the forwarding rule."""
        if not (self.https and region is None and certificates):
            return
        if url_map_scheme(self.state, url_map_link) == CROSS_REGION_SCHEME:
            raise invalid_field(f"{field}[0]", certificates[0], "Compute Engine SSL certificates are not supported "
                                "by cross-region internal Application Load Balancers; use Certificate Manager "
                                "certificates.")

    def link_certificates(self, certificates: Any, field: str, project: str, region: str | None) -> list[str]:
        if not certificates:
            raise invalid_field(field, "", "At least one SSL certificate must be specified.")  # wording UNCONFIRMED
        if region is None and len(certificates) > MAX_GLOBAL_CERTIFICATES:
            raise invalid_field(field, "", f"At most {MAX_GLOBAL_CERTIFICATES} SSL certificates can be specified.")
        # docs/google-behaviour.md, "Compute: URL maps and target proxies": global certificates for global
        # proxies, same-region ones for regional proxies;
        # wording UNCONFIRMED.
        where = f"regional SSL certificates of region '{region}'" if region else "global SSL certificates"
        return [
            self.link_in_scope(reference, f"{field}[{i}]", project, region,
                               ("regions/sslCertificates", "global/sslCertificates"),
                               f"This target HTTPS proxy takes {where}.")
            for i, reference in enumerate(certificates)
        ]

    def check_rules(self, proxy_path: str, url_map_link: str) -> None:
        """A new URL map must keep the forwarding rules on this proxy valid (same backend scheme)."""
        check_rules_behind(self.state, proxy_path, url_map_scheme(self.state, url_map_link))

    # -- setUrlMap, setSslCertificates --------------------------------------------------------

    def extra_routes(self) -> list[Route]:
        routes = [self.route("setUrlMap", self.set_url_map, body_root="url_map_reference_resource")]
        if self.https:
            root = ("region_" if self.regional else "") + "target_https_proxies_set_ssl_certificates_request_resource"
            routes.append(self.route("setSslCertificates", self.set_ssl_certificates, body_root=root))
        return routes

    def set_url_map(self, request: ApiRequest) -> dict[str, Any]:
        path, resource = self.target(request)
        project, region = self.scope(request)
        reference = (request.body or {}).get("urlMap")
        if not reference:
            raise required_field("urlMap")
        link = self.link_url_map(reference, "urlMap", project, region)
        self.check_cross_region_certificates(link, resource.get("sslCertificates") or [], region,
                                             "sslCertificates")
        self.check_rules(path, link)

        def commit() -> None:
            resource["urlMap"] = link
            self.refresh_fingerprints(resource)

        return self.operation(request, "setUrlMap", path, resource, commit)

    def set_ssl_certificates(self, request: ApiRequest) -> dict[str, Any]:
        path, resource = self.target(request)
        project, region = self.scope(request)
        links = self.link_certificates((request.body or {}).get("sslCertificates"), "sslCertificates",
                                       project, region)

        def commit() -> None:
            resource["sslCertificates"] = links
            self.refresh_fingerprints(resource)

        return self.operation(request, "setSslCertificates", path, resource, commit)


class TargetHttpProxies(_TargetProxies):
    name = "targetHttpProxies"
    kind = "compute#targetHttpProxy"
    snake = "target_http_proxy"
    verbs = ("insert", "get", "list", "delete", "patch", "aggregatedList")


class RegionTargetHttpProxies(_TargetProxies):
    name = "regionTargetHttpProxies"
    kind = "compute#targetHttpProxy"
    snake = "target_http_proxy"
    verbs = ("insert", "get", "list", "delete")  # no patch in discovery


class TargetHttpsProxies(_TargetProxies):
    name = "targetHttpsProxies"
    kind = "compute#targetHttpsProxy"
    snake = "target_https_proxy"
    verbs = ("insert", "get", "list", "delete", "patch", "aggregatedList")
    https = True


class RegionTargetHttpsProxies(_TargetProxies):
    name = "regionTargetHttpsProxies"
    kind = "compute#targetHttpsProxy"
    snake = "target_https_proxy"
    verbs = ("insert", "get", "list", "delete", "patch")
    https = True


COLLECTIONS = [TargetHttpProxies, RegionTargetHttpProxies, TargetHttpsProxies, RegionTargetHttpsProxies]
