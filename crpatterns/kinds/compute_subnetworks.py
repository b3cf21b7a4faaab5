"""Subnetworks: the proxy-only subnet the internal load balancer needs (created only when the region
has no ACTIVE one), and Private Google Access on a Shared VPC subnet the tool does not own, changed
through setPrivateIpGoogleAccess.

A proxy-only subnet powers every envoy-based load balancer (INTERNAL_MANAGED, regional EXTERNAL_MANAGED)
of its network and region (https://cloud.google.com/load-balancing/docs/proxy-only-subnets), so it is
deleted only after those forwarding rules are (whether Google refuses the delete before: UNCONFIRMED)."""

from __future__ import annotations

import time
from typing import Any

from crpatterns.engine.diff import as_reference
from crpatterns.engine.model import Actual, Change, Scope
from crpatterns.errors import ApiCallError
from crpatterns.gcp.lazy_import import compute_types
from crpatterns.kinds.compute import ComputeKind

# Purposes of proxy-only subnets (discovery compute.v1, Subnetwork.purpose; INTERNAL_HTTPS_LOAD_BALANCER
# is REGIONAL_MANAGED_PROXY's deprecated name).
PROXY_ONLY_PURPOSES = ("REGIONAL_MANAGED_PROXY", "INTERNAL_HTTPS_LOAD_BALANCER")
# Load balancing schemes whose regional forwarding rules run on the region's proxy-only subnet.
ENVOY_SCHEMES = ("INTERNAL_MANAGED", "EXTERNAL_MANAGED")
RACE_WAIT_SECONDS = 120.0


def is_proxy_only(body: dict[str, Any]) -> bool:
    return body.get("purpose") in PROXY_ONLY_PURPOSES


def needs_proxy_subnet(rule: dict[str, Any], subnet: dict[str, Any], rule_region: str | None) -> bool:
    """Whether a regional forwarding rule runs on this proxy-only subnet: same network, same region,
    an envoy-based scheme."""
    subnet_region = (subnet.get("region") or "").rsplit("/", 1)[-1]
    return (
        is_proxy_only(subnet)
        and rule_region is not None
        and rule_region == subnet_region
        and rule.get("loadBalancingScheme") in ENVOY_SCHEMES
        and as_reference(rule.get("network")) is not None
        and as_reference(rule.get("network")) == as_reference(subnet.get("network"))
    )


class Subnetworks(ComputeKind):
    key = "compute.subnetworks"
    client_class = "SubnetworksClient"
    message = "Subnetwork"
    name_arg = "subnetwork"
    segment = "subnetworks"
    immutable = ("network", "ipCidrRange", "purpose", "stackType", "description")

    def create(self, scope: Scope, name: str, body: dict[str, Any]) -> None:
        """A proxy-only subnet is shared by the region's load balancers, and only one may be ACTIVE. If
        another creator (a concurrent crpatterns run for another app, say) made one between our plan and
        our insert, the insert is refused; theirs serves our load balancer as well, so use it."""
        try:
            super().create(scope, name, body)
        except ApiCallError as error:
            raced = error.status == 409 or "conflicts with existing subnetwork" in str(error)
            if not (is_proxy_only(body) and body.get("role") == "ACTIVE" and raced):
                raise
            # The plan saw no proxy-only subnet, so the one in the way is being created right now; it
            # becomes visible when its insert operation is done.
            deadline = time.monotonic() + RACE_WAIT_SECONDS
            while self.active_proxy_subnet(scope, body) is None:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)

    def active_proxy_subnet(self, scope: Scope, body: dict[str, Any]) -> dict[str, Any] | None:
        network = as_reference(body.get("network"))
        active = [s for s in self.list(scope) if is_proxy_only(s) and s.get("role") == "ACTIVE"]
        return next((s for s in active if as_reference(s.get("network")) == network), None)

    def must_outlive(self, body: dict[str, Any], other: Actual) -> bool:
        return other.kind == "compute.forwardingRules" and needs_proxy_subnet(other.body, body, other.scope.region)

    def update(self, actual: Actual, body: dict[str, Any], changes: tuple[Change, ...]) -> None:
        compute_v1 = compute_types()

        fields = {c.field.split(".")[0] for c in changes}
        if "privateIpGoogleAccess" in fields:
            request = compute_v1.SubnetworksSetPrivateIpGoogleAccessRequest(
                private_ip_google_access=bool(body["privateIpGoogleAccess"]))
            self.operate(actual.name, actual.scope, "setPrivateIpGoogleAccess", "set_private_ip_google_access",
                         subnetwork=actual.name,
                         subnetworks_set_private_ip_google_access_request_resource=request)
            fields.discard("privateIpGoogleAccess")
        if fields:
            self.patch(actual, {f: body[f] for f in fields if f in body})
