"""Subnetworks: the proxy-only subnet the internal load balancer needs (created only when the region
has no ACTIVE one), and Private Google Access on a Shared VPC subnet the tool does not own, changed
through setPrivateIpGoogleAccess.

A proxy-only subnet powers every envoy-based load balancer (INTERNAL_MANAGED, regional EXTERNAL_MANAGED)
of its network and region (https://cloud.google.com/load-balancing/docs/proxy-only-subnets), so it is
deleted only after those forwarding rules are: Google refuses to delete it while one uses it
("Delete a proxy-only subnet", same page)."""

from __future__ import annotations

import re
import time
from typing import Any

from crpatterns.engine.diff import as_reference
from crpatterns.engine.model import Actual, Change, Scope
from crpatterns.errors import ApiCallError
from crpatterns.gcp.lazy_import import compute_types
from crpatterns.gcp.load_balancing import (
    ACTIVE_ROLE,
    GLOBAL_PROXY_PURPOSE,
    REGIONAL_PROXY_PURPOSES,
    is_proxy_only,
    needs_proxy_subnet,
)
from crpatterns.kinds.compute import ComputeKind, to_dict
from crpatterns.kinds.keys import KindKey

# How long a concurrent creator's proxy-only subnet may take to appear (a subnet insert takes seconds).
RACE_WAIT_SECONDS = 60.0
GLOBAL_PROXY_PURPOSES = (GLOBAL_PROXY_PURPOSE,)
# Compute's overlap refusal names the subnet in the way (quoted in crpatterns/emulator/compute/subnetworks.py).
CONFLICT = re.compile(r"conflicts with existing subnetwork '([a-z0-9-]+)'")


class Subnetworks(ComputeKind):
    key = KindKey.SUBNETWORKS
    client_class = "SubnetworksClient"
    message = "Subnetwork"
    name_arg = "subnetwork"
    segment = "subnetworks"
    immutable = ("network", "ipCidrRange", "purpose", "stackType", "description")
    marker_mutable = False  # Subnetwork.description: "This field can be set only at resource creation time."

    def create(self, scope: Scope, name: str, body: dict[str, Any]) -> None:
        """A proxy-only subnet is shared by the region's load balancers, and only one may be ACTIVE. If
        another creator (a concurrent crpatterns run for another app, say) made one between our plan and
        our insert, the insert is refused; theirs serves our load balancer as well, so use it."""
        try:
            super().create(scope, name, body)
        except ApiCallError as error:
            # Refusals that mean "another proxy-only subnet is in the way": already exists (409), a range
            # overlap naming the subnet, or one ACTIVE per network and region (wording UNCONFIRMED:
            # crpatterns/emulator/compute/subnetworks.py).
            raced = (error.status == 409 or CONFLICT.search(str(error)) is not None
                     or (error.status == 400 and "already" in str(error) and "ACTIVE" in str(error)))
            if not (is_proxy_only(body) and body.get("role") == ACTIVE_ROLE and raced):
                raise
            self.wait_for_concurrent_creator(scope, body, error)

    def wait_for_concurrent_creator(self, scope: Scope, body: dict[str, Any], error: ApiCallError) -> None:
        """The plan saw no proxy-only subnet, so the one in the way may be being created right now (it
        becomes visible when its insert operation is done). A conflict with a subnet that is visible and
        not an ACTIVE proxy-only one is a real conflict: raised at once, never waited on."""
        named = CONFLICT.search(str(error))
        deadline = time.monotonic() + RACE_WAIT_SECONDS
        while self.active_proxy_subnet(scope, body) is None:
            if named is not None:
                other = self.read(scope, named.group(1))
                if other is not None and not (is_proxy_only(other) and other.get("role") == ACTIVE_ROLE):
                    raise error
            if time.monotonic() > deadline:
                raise error
            time.sleep(0.5)

    def active_proxy_subnet(self, scope: Scope, body: dict[str, Any]) -> dict[str, Any] | None:
        """The ACTIVE proxy-only subnet of the same kind as `body` (regional, or GLOBAL_MANAGED_PROXY) in the
        network and region: one of each may be ACTIVE."""
        network = as_reference(body.get("network"))
        family = GLOBAL_PROXY_PURPOSES if body.get("purpose") in GLOBAL_PROXY_PURPOSES else REGIONAL_PROXY_PURPOSES
        active = [s for s in self.list(scope) if s.get("purpose") in family and s.get("role") == ACTIVE_ROLE]
        return next((s for s in active if as_reference(s.get("network")) == network), None)

    def usable(self, project: str) -> list[dict[str, Any]]:
        """listUsable: the subnets the caller may use in the project, its Shared VPC host's among them (those
        shared with the caller through compute.subnetworks.use: docs/google-behaviour.md, "Compute:
        cross-project references"); each {"subnetwork": URL, "network": URL, "ipCidrRange", "purpose", ...}."""

        def listing() -> list[dict[str, Any]]:
            return [to_dict(item) for item in self.client.list_usable(project=project)]

        return self.call(f"(usable subnets of {project})", "listUsable", listing)

    def must_outlive(self, body: dict[str, Any], other: Actual) -> bool:
        """A proxy-only subnet goes after the forwarding rules running on it: regional rules of its region, and
        for a GLOBAL_MANAGED_PROXY subnet the global rules whose subnetwork is in its region."""
        return other.kind in (KindKey.FORWARDING_RULES, KindKey.GLOBAL_FORWARDING_RULES) and needs_proxy_subnet(
            other.body, body, other.scope.region)

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
