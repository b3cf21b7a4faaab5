"""backendServices (global) and regionBackendServices, with the rules for serverless NEG backends.

Sources: docs/google-behaviour.md, "Compute: backend services", and the public error reports quoting
Google: `Invalid value for field 'resource.healthChecks': ''. A backend service cannot have a healthcheck
...`, `Invalid value for field 'resource.timeoutSec': '300'. Timeout sec is not supported ...`,
`Invalid value for field 'resource.portName': 'https'. Port name is not supported ...` (gcloud's
`--protocol=HTTPS` fills portName https, and a later add-backend of a serverless NEG fails),
`Invalid value for field 'resource.backends[0].maxUtilization': '0.8'. Max utilization is not supported
for Serverless network endpoint groups.`

Read-modify-write: gcloud `backend-services add-backend` GETs the resource and PUTs it back whole, and
`gcloud iap web enable` PATCHes back everything it read, so values the server itself returns
(timeoutSec 30, portName http, balancingMode UTILIZATION) must pass the serverless rules when sent back.
"""

from __future__ import annotations

import hashlib
from typing import Any

from crpatterns.emulator.compute import backend_service_iam, field_rules
from crpatterns.emulator.compute.collection import Collection, invalid_field, required_field
from crpatterns.emulator.compute.network_endpoint_groups import is_serverless_neg
from crpatterns.emulator.compute.queries import canonical_path
from crpatterns.emulator.compute.store import ComputeState, self_link, split_path
from crpatterns.emulator.core.errors import ApiError, bad_request
from crpatterns.emulator.core.routing import ApiRequest, Route

DEFAULT_TIMEOUT_SEC = 30
DEFAULT_PORT_NAME = "http"
SCHEMES = {
    # discovery compute.v1 BackendService.loadBalancingScheme, by scope.
    False: ("EXTERNAL", "EXTERNAL_MANAGED", "INTERNAL_SELF_MANAGED", "INTERNAL_MANAGED"),
    True: ("INTERNAL", "INTERNAL_MANAGED", "EXTERNAL_MANAGED", "EXTERNAL"),
}
# Global INTERNAL_MANAGED is the cross-region internal Application Load Balancer, which takes serverless NEGs
# of any region (https://cloud.google.com/load-balancing/docs/l7-internal/setting-up-l7-cross-reg-serverless;
# docs/google-behaviour.md, "Compute: cross-region internal Application Load Balancers").
SERVERLESS_SCHEMES = {False: ("EXTERNAL", "EXTERNAL_MANAGED", "INTERNAL_MANAGED"),
                      True: ("EXTERNAL_MANAGED", "INTERNAL_MANAGED")}
SERVERLESS_PROTOCOLS = ("HTTP", "HTTPS", "HTTP2")
# Backend capacity fields that serverless NEGs do not take, with the words Google uses for them.
CAPACITY_FIELDS = {
    "maxUtilization": "Max utilization",
    "maxRate": "Max rate",
    "maxRatePerInstance": "Max rate per instance",
    "maxRatePerEndpoint": "Max rate per endpoint",
    "maxConnections": "Max connections",
    "maxConnectionsPerInstance": "Max connections per instance",
    "maxConnectionsPerEndpoint": "Max connections per endpoint",
}


class _BackendServices(Collection):
    kind = "compute#backendService"
    snake = "backend_service"
    verbs = ("insert", "get", "list", "delete", "patch", "update")

    def validate(
        self, request: ApiRequest, resource: dict[str, Any], project: str, region: str | None,
        existing: dict[str, Any] | None,
    ) -> None:
        regional = region is not None
        resource.pop("usedBy", None)  # output only
        scheme = resource.setdefault("loadBalancingScheme", "INTERNAL" if regional else "EXTERNAL")
        if scheme not in SCHEMES[regional]:
            # UNCONFIRMED wording.
            raise invalid_field("resource.loadBalancingScheme", scheme,
                                f"Load balancing scheme {scheme} is not supported for "
                                f"{'regional' if regional else 'global'} backend services.")
        resource.setdefault("protocol", "HTTP")
        serverless = self.check_backends(resource, project, region)
        if serverless:
            self.check_serverless(resource, regional, existing)
        if resource.get("healthChecks"):
            resource["healthChecks"] = [
                self.link(check, f"resource.healthChecks[{i}]", project, region,
                          ("regions/healthChecks", "global/healthChecks") if regional else ("global/healthChecks",))
                for i, check in enumerate(resource["healthChecks"])
            ]
        self.check_iap(resource, existing)
        for field, value in (("timeoutSec", DEFAULT_TIMEOUT_SEC), ("sessionAffinity", "NONE"),
                             ("affinityCookieTtlSec", 0)):
            resource.setdefault(field, value)
        if resource["protocol"] in SERVERLESS_PROTOCOLS:
            # Returned by Google for HTTP-family backend services, even when not sent (UNCONFIRMED for
            # the managed schemes); the deprecated `port` follows portName.
            resource.setdefault("portName", DEFAULT_PORT_NAME)
            resource.setdefault("port", 80)
        resource.setdefault("connectionDraining", {"drainingTimeoutSec": 0})
        if not regional:
            resource.setdefault("enableCDN", False)
        if existing is not None:
            check_rules_behind(self.state, canonical_path(self.state, existing["selfLink"]), scheme)

    def rule_context(self, resource: dict[str, Any], region: str | None) -> field_rules.Context:
        """The scheme the backend service will have: INTERNAL regional, EXTERNAL global when not given."""
        default = "INTERNAL" if region is not None else "EXTERNAL"
        return field_rules.Context(resource.get("loadBalancingScheme") or default, region is not None)

    # -- backends -----------------------------------------------------------------------------

    def check_backends(self, resource: dict[str, Any], project: str, region: str | None) -> bool:
        """Resolves every backend group (404 when missing); returns whether any is a serverless NEG."""
        serverless = False
        seen: set[str] = set()
        for i, backend in enumerate(resource.get("backends") or []):
            field = f"resource.backends[{i}].group"
            if not backend.get("group"):
                raise required_field(field)
            # Only NEGs are modelled: instance groups live in zones the emulator does not serve.
            group = self.state.resolve(backend["group"], field, project, region, ("regions/networkEndpointGroups",))
            _, group_region, _, _ = split_path(group)
            if region is not None and group_region != region:
                # Google answers 400 for a NEG of another region; wording UNCONFIRMED.
                raise invalid_field(field, backend["group"], "Network endpoint group must be in the same region "
                                    "as the backend service.")
            if group in seen:
                raise invalid_field(field, backend["group"], "Duplicate backend group.")  # wording UNCONFIRMED
            seen.add(group)
            backend["group"] = self_link(group)
            if is_serverless_neg(self.state.get(group)):
                serverless = True
                self.check_serverless_backend(backend, i, region is not None)
        return serverless

    @staticmethod
    def check_serverless_backend(backend: dict[str, Any], index: int, regional: bool) -> None:
        prefix = f"resource.backends[{index}]"
        mode = backend.get("balancingMode")
        # UTILIZATION is the API's default and what Google returns; Terraform sends it for every backend
        # and serverless backends still work, so only another mode is refused.
        if mode not in (None, "UTILIZATION"):
            raise invalid_field(f"{prefix}.balancingMode", mode,
                                "Balancing mode is not supported for Serverless network endpoint groups.")
        for field, words in CAPACITY_FIELDS.items():
            if backend.get(field) is not None:
                raise invalid_field(f"{prefix}.{field}", backend[field],
                                    f"{words} is not supported for Serverless network endpoint groups.")
        if regional and backend.get("capacityScaler") is not None:
            # Backend.capacityScaler: "Not available with ... regional serverless NEGs"; wording UNCONFIRMED.
            raise invalid_field(f"{prefix}.capacityScaler", backend["capacityScaler"],
                                "Capacity scaler is not supported for regional Serverless network endpoint groups.")
        backend.setdefault("balancingMode", "UTILIZATION")
        if not regional:
            backend.setdefault("capacityScaler", 1.0)  # returned by Google for global backends (UNCONFIRMED)

    @staticmethod
    def check_serverless(resource: dict[str, Any], regional: bool, existing: dict[str, Any] | None) -> None:
        """docs/google-behaviour.md, "Compute: backend services", in Google's words."""
        scheme = resource["loadBalancingScheme"]
        if scheme not in SERVERLESS_SCHEMES[regional]:
            if regional:
                raise bad_request("Invalid load balancing scheme for regional backend service with Serverless "
                                  "network endpoint group.")
            # The global counterpart of the regional message: wording UNCONFIRMED.
            raise bad_request("Invalid load balancing scheme for global backend service with Serverless "
                              "network endpoint group.")
        if resource.get("healthChecks"):
            raise invalid_field("resource.healthChecks", "", "A backend service cannot have a healthcheck with "
                                "Serverless network endpoint group backends.")
        timeout = resource.get("timeoutSec")
        # Any explicit value on insert; on update/patch the default the server returned (30) is sent back
        # by read-modify-write clients and passes, another value does not.
        if timeout is not None and (existing is None or timeout != DEFAULT_TIMEOUT_SEC):
            raise invalid_field("resource.timeoutSec", timeout, "Timeout sec is not supported for a backend "
                                "service with Serverless network endpoint groups.")
        port_name = resource.get("portName")
        if port_name not in (None, DEFAULT_PORT_NAME):
            raise invalid_field("resource.portName", port_name, "Port name is not supported for a backend "
                                "service with Serverless network endpoint groups.")
        if resource["protocol"] not in SERVERLESS_PROTOCOLS:
            # Serverless NEGs serve only Application Load Balancers; wording UNCONFIRMED.
            raise invalid_field("resource.protocol", resource["protocol"], "Protocol is not supported for a "
                                "backend service with Serverless network endpoint groups.")

    # -- IAP ----------------------------------------------------------------------------------

    @staticmethod
    def check_iap(resource: dict[str, Any], existing: dict[str, Any] | None) -> None:
        """iap {enabled, oauth2ClientId, oauth2ClientSecret (input only), oauth2ClientSecretSha256 (output)}.

        No client given: the Google-managed OAuth client (docs/google-behaviour.md, "Compute: backend services").
        A request without the secret keeps the stored hash while the client id is unchanged, so a
        read-modify-write (which cannot read the secret back) does not drop it.
        """
        iap = resource.get("iap")
        if iap is None:
            return
        iap.pop("oauth2ClientSecretSha256", None)
        secret = iap.pop("oauth2ClientSecret", None)
        client_id = iap.get("oauth2ClientId")
        before = (existing or {}).get("iap") or {}
        if secret:
            iap["oauth2ClientSecretSha256"] = hashlib.sha256(secret.encode()).hexdigest()
        elif client_id and client_id == before.get("oauth2ClientId") and before.get("oauth2ClientSecretSha256"):
            iap["oauth2ClientSecretSha256"] = before["oauth2ClientSecretSha256"]
        if client_id and "oauth2ClientSecretSha256" not in iap:
            # wording UNCONFIRMED
            raise invalid_field("resource.iap.oauth2ClientSecret", "", "OAuth2 client secret is required when "
                                "an OAuth2 client id is given.")
        if secret and not client_id:
            raise invalid_field("resource.iap.oauth2ClientId", "", "OAuth2 client id is required when an "
                                "OAuth2 client secret is given.")  # wording UNCONFIRMED
        iap.setdefault("enabled", False)
        if iap["enabled"] and resource.get("enableCDN"):
            # UNCONFIRMED (no public source found): IAP cannot be combined with Cloud CDN; refused meanwhile.
            raise invalid_field("resource.enableCDN", True, "Cloud CDN cannot be enabled on a backend service "
                                "with IAP enabled.")

    def on_deleted(self, path: str, resource: dict[str, Any]) -> None:
        """Google deletes a resource's IAM policy with it: the IAP policy of the backend service goes too
        (as the run module drops a service's direct-IAP policy). The key follows iap/resources.py."""
        project_id, region, _, name = split_path(path)
        project = self.state.world.find_project(project_id)
        if project is not None:
            scope = f"compute-{region}" if region else "compute"
            key = f"//iap.googleapis.com/projects/{project.number}/iap_web/{scope}/services/{name}"
            self.state.world.iam.drop(key)
        self.state.world.iam.drop(backend_service_iam.policy_key(path))

    def extra_routes(self) -> list[Route]:
        return backend_service_iam.routes(self)


class BackendServices(_BackendServices):
    name = "backendServices"
    verbs = (*_BackendServices.verbs, "aggregatedList")


class RegionBackendServices(_BackendServices):
    name = "regionBackendServices"


def scheme_mismatch(rule_scheme: str, backend_scheme_name: str) -> ApiError:
    """Forwarding rule vs backend (docs/google-behaviour.md, "Compute: backend services")."""
    return bad_request(
        f"Load balancing scheme {rule_scheme} does not match the backend service load balancing scheme "
        f"{backend_scheme_name}."
    )


LB_KINDS = ("compute#urlMap", "compute#targetHttpProxy", "compute#targetHttpsProxy")


def check_rules_behind(state: ComputeState, path: str, scheme: str | None) -> None:
    """The forwarding rules that reach `path` (a backend service, URL map or proxy) through URL maps and
    proxies must keep `scheme`: a change that would break a running load balancer is refused."""
    frontier, seen = [path], {path}
    while scheme and frontier:
        for user in state.users_of(frontier.pop()):
            if user in seen:
                continue
            seen.add(user)
            resource = state.get(user) or {}
            if resource.get("kind") == "compute#forwardingRule" and resource.get("loadBalancingScheme") != scheme:
                raise scheme_mismatch(resource.get("loadBalancingScheme", ""), scheme)
            if resource.get("kind") in LB_KINDS:
                frontier.append(user)


def backend_scheme(state: Any, backend_link: str) -> str | None:
    """The load balancing scheme of the backend service at `backend_link` (None if it is gone)."""
    backend = state.get(canonical_path(state, backend_link))
    return backend.get("loadBalancingScheme") if backend else None


COLLECTIONS = [BackendServices, RegionBackendServices]
