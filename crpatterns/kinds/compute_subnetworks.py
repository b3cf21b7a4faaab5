"""Subnetworks: the proxy-only subnet the internal load balancer needs (created only when the region
has no ACTIVE one), and Private Google Access on a Shared VPC subnet the tool does not own, changed
through setPrivateIpGoogleAccess."""

from __future__ import annotations

from typing import Any

from crpatterns.engine.model import Actual, Change
from crpatterns.kinds.compute import ComputeKind


class Subnetworks(ComputeKind):
    key = "compute.subnetworks"
    client_class = "SubnetworksClient"
    message = "Subnetwork"
    name_arg = "subnetwork"
    segment = "subnetworks"
    immutable = ("network", "ipCidrRange", "purpose", "stackType", "description")

    def update(self, actual: Actual, body: dict[str, Any], changes: tuple[Change, ...]) -> None:
        from google.cloud import compute_v1

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
