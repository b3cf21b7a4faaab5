"""urlMaps (global) and regionUrlMaps.

Rules (docs/google-behaviour.md, "Compute: URL maps and target proxies"):
exactly one of defaultService / defaultUrlRedirect / defaultRouteAction.weightedBackendServices (the
documented rule, discovery compute.v1 UrlMap.defaultService: "Only one of defaultService,
defaultUrlRedirect, or defaultRouteAction.weightedBackendService must be set"; Google's error text
UNCONFIRMED); every backend service named must exist (404) and share the URL map's scope: a regional
URL map takes backend services of its own region, a global one global backend services (error text
UNCONFIRMED); the backend services of one URL map share a load balancing scheme (UNCONFIRMED text);
`defaultUrlRedirect.httpsRedirect` only on URL maps used by target HTTP proxies; update/patch need the
current fingerprint (412). Deleting one a target proxy uses: resourceInUseByAnotherResource.
"""

from __future__ import annotations

from typing import Any

from crpatterns.emulator.compute import field_rules
from crpatterns.emulator.compute.backend_services import backend_scheme, check_rules_behind
from crpatterns.emulator.compute.collection import Collection, invalid_field
from crpatterns.emulator.compute.queries import canonical_path
from crpatterns.emulator.compute.store import ComputeState
from crpatterns.emulator.core.routing import ApiRequest

# Keys whose string values name a backend service anywhere inside a URL map.
_SERVICE_KEYS = ("defaultService", "service", "backendService")


def https_redirect(url_map: dict[str, Any]) -> bool:
    return bool((url_map.get("defaultUrlRedirect") or {}).get("httpsRedirect"))


def default_backend(url_map: dict[str, Any]) -> str | None:
    """The backend service a URL map sends unmatched requests to (None for a redirect)."""
    if url_map.get("defaultService"):
        return url_map["defaultService"]
    weighted = (url_map.get("defaultRouteAction") or {}).get("weightedBackendServices") or []
    return weighted[0].get("backendService") if weighted else None


def url_map_scheme(state: ComputeState, url_map_link: str) -> str | None:
    """The load balancing scheme of the URL map's default backend service (None: a redirect-only map)."""
    url_map = state.get(canonical_path(state, url_map_link))
    backend = default_backend(url_map) if url_map else None
    return backend_scheme(state, backend) if backend else None


class _UrlMaps(Collection):
    kind = "compute#urlMap"
    snake = "url_map"
    verbs = ("insert", "get", "list", "delete", "patch", "update")

    def validate(
        self, request: ApiRequest, resource: dict[str, Any], project: str, region: str | None,
        existing: dict[str, Any] | None,
    ) -> None:
        resource.pop("status", None)  # output only
        weighted = (resource.get("defaultRouteAction") or {}).get("weightedBackendServices")
        defaults = [bool(resource.get("defaultService")), "defaultUrlRedirect" in resource, bool(weighted)]
        if sum(defaults) != 1:
            # Rule documented in discovery (UrlMap.defaultService); Google's wording UNCONFIRMED.
            raise invalid_field("resource.defaultService", resource.get("defaultService", ""),
                                "Exactly one of defaultService, defaultUrlRedirect or "
                                "defaultRouteAction.weightedBackendServices must be set.")
        schemes: dict[str, str] = {}
        self.link_services(resource, "resource", project, region, schemes)
        if len(set(schemes.values())) > 1:
            field = sorted(schemes)[-1]
            # UNCONFIRMED wording: a URL map serves one load balancer, so one scheme.
            raise invalid_field(field, "", "All backend services of a URL map must have the same load balancing "
                                f"scheme; found {', '.join(sorted(set(schemes.values())))}.")
        self.check_path_matchers(resource)
        if existing is not None:
            self.check_users(resource, existing, schemes)

    def rule_context(self, resource: dict[str, Any], region: str | None) -> field_rules.Context:
        """A URL map has no scheme of its own: its backend services' (None for a redirect-only map)."""
        backend = default_backend(resource)
        return field_rules.Context(backend_scheme(self.state, backend) if backend else None, region is not None)

    def link_services(self, value: Any, field: str, project: str, region: str | None,
                      schemes: dict[str, str]) -> None:
        """Resolves every backend service reference in place (404 if missing, 400 on a scope mismatch)."""
        if isinstance(value, list):
            for i, item in enumerate(value):
                self.link_services(item, f"{field}[{i}]", project, region, schemes)
            return
        if not isinstance(value, dict):
            return
        for key, item in value.items():
            sub = f"{field}.{key}"
            if key in _SERVICE_KEYS and isinstance(item, str):
                # Scope rule: docs/google-behaviour.md, "Compute: URL maps and target proxies"; wording
                # UNCONFIRMED.
                where = f"in region '{region}'" if region else "global"
                value[key] = self.link_in_scope(item, sub, project, region, ("regions/backendServices",
                                                                             "global/backendServices"),
                                                f"The backend service must be {where}, like the URL map.")
                service = self.state.require(canonical_path(self.state, value[key]))
                schemes[sub] = service.get("loadBalancingScheme", "")
            else:
                self.link_services(item, sub, project, region, schemes)

    @staticmethod
    def check_path_matchers(resource: dict[str, Any]) -> None:
        names = [matcher.get("name") for matcher in resource.get("pathMatchers") or []]
        for i, rule in enumerate(resource.get("hostRules") or []):
            if rule.get("pathMatcher") not in names:
                # UNCONFIRMED wording.
                raise invalid_field(f"resource.hostRules[{i}].pathMatcher", rule.get("pathMatcher", ""),
                                    "The path matcher is not defined in this URL map.")

    def check_users(self, resource: dict[str, Any], existing: dict[str, Any], schemes: dict[str, str]) -> None:
        """An update must keep the load balancers that use this URL map valid."""
        path = canonical_path(self.state, existing["selfLink"])
        for proxy_path in self.state.users_of(path):
            proxy = self.state.get(proxy_path) or {}
            if https_redirect(resource) and proxy.get("kind") == "compute#targetHttpsProxy":
                raise https_redirect_on_https_proxy(existing["selfLink"])
        check_rules_behind(self.state, path, next(iter(schemes.values()), None))


def https_redirect_on_https_proxy(url_map_link: str) -> Exception:
    # HttpRedirectAction.httpsRedirect: "This must only be set for URL maps used in TargetHttpProxys."
    # Wording UNCONFIRMED.
    return invalid_field("resource.urlMap", url_map_link, "A URL map with defaultUrlRedirect.httpsRedirect "
                         "set can only be used by a target HTTP proxy.")


class UrlMaps(_UrlMaps):
    name = "urlMaps"
    verbs = (*_UrlMaps.verbs, "aggregatedList")


class RegionUrlMaps(_UrlMaps):
    name = "regionUrlMaps"


COLLECTIONS = [UrlMaps, RegionUrlMaps]
