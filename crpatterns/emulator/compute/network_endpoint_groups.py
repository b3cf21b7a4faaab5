"""regionNetworkEndpointGroups: serverless NEGs, the backends that put Cloud Run behind a load balancer.

Rules (docs/google-behaviour.md, "Compute: serverless NEGs"): methods insert/get/list/delete only (no patch: a NEG is
immutable, a change means a replacement); `networkEndpointType: SERVERLESS` carries exactly one of
cloudRun / appEngine / cloudFunction, and those blocks exist only for SERVERLESS; cloudRun needs
`service` or `urlMask`; service and tag are 1-63 character RFC 1035 labels; `network` and `defaultPort`
must not be set for SERVERLESS; deleting a NEG a backend service uses answers
resourceInUseByAnotherResource (the generic delete, through the backend's `backends[].group`).
"""

from __future__ import annotations

import re
from typing import Any

from crpatterns.emulator.compute.collection import Collection, invalid_field
from crpatterns.emulator.compute.store import COMPUTE
from crpatterns.emulator.core import discovery
from crpatterns.emulator.core.routing import ApiRequest, Route

# RFC 1035 label, 1-63 characters: Cloud Run service names and revision tags.
RFC1035 = r"[a-z]([-a-z0-9]{0,61}[a-z0-9])?"
_RFC1035 = re.compile(rf"^{RFC1035}$")
SERVERLESS_BLOCKS = ("cloudRun", "appEngine", "cloudFunction")
# Regional NEG types (discovery compute.v1, NetworkEndpointGroup.networkEndpointType, regional scope).
REGIONAL_TYPES = ("SERVERLESS", "PRIVATE_SERVICE_CONNECT", "INTERNET_FQDN_PORT", "INTERNET_IP_PORT",
                  "GCE_VM_IP_PORTMAP")


def is_serverless_neg(resource: dict[str, Any] | None) -> bool:
    return bool(resource) and resource.get("kind") == "compute#networkEndpointGroup" and (
        resource.get("networkEndpointType") == "SERVERLESS"
    )


class RegionNetworkEndpointGroups(Collection):
    name = "regionNetworkEndpointGroups"
    kind = "compute#networkEndpointGroup"
    snake = "network_endpoint_group"
    fingerprinted = False  # NetworkEndpointGroup has no fingerprint (discovery compute.v1)

    def validate(
        self, request: ApiRequest, resource: dict[str, Any], project: str, region: str | None,
        existing: dict[str, Any] | None,
    ) -> None:
        resource.pop("size", None)  # output only
        kind = resource.get("networkEndpointType", "GCE_VM_IP_PORT")
        if kind not in REGIONAL_TYPES:
            # The message Google gives for SERVERLESS in zonal scope, mirrored (UNCONFIRMED for this case).
            raise invalid_field("resource.networkEndpointType", kind,
                                f"Network endpoint of type {kind} is only allowed in zonal scope.")
        given = [block for block in SERVERLESS_BLOCKS if block in resource]
        if kind != "SERVERLESS":
            if given:
                # UNCONFIRMED wording; the rule is documented (serverless blocks only for SERVERLESS).
                raise invalid_field(f"resource.{given[0]}", "",
                                    f"{given[0]} can only be set for network endpoint groups of type SERVERLESS.")
            return
        if len(given) != 1:
            # UNCONFIRMED wording.
            raise invalid_field("resource", "", "Exactly one of cloudRun, appEngine or cloudFunction must be "
                                "set for a network endpoint group of type SERVERLESS.")
        for field in ("network", "subnetwork", "defaultPort"):
            if resource.get(field) not in (None, "", 0):
                # UNCONFIRMED wording; rule from discovery NetworkEndpointGroup.network / defaultPort.
                raise invalid_field(f"resource.{field}", resource[field],
                                    f"{field} must not be set for network endpoint groups of type SERVERLESS.")
        if "cloudRun" in resource:
            self.check_cloud_run(resource["cloudRun"])
        if "cloudFunction" in resource:
            function = resource["cloudFunction"] or {}
            if not function.get("function") and not function.get("urlMask"):
                # Seen by the Terraform team in API Explorer (magic-modules #3807); wording UNCONFIRMED.
                raise invalid_field("resource.cloudFunction", "", "Either function or urlMask must be set.")
        # Whether the Cloud Run service (or function, or App Engine service) must already exist when the
        # NEG is created is UNCONFIRMED (docs/google-behaviour.md, "Compute: serverless NEGs"): URL masks
        # name services that may not exist yet, so the emulator does not require it.

    @staticmethod
    def check_cloud_run(cloud_run: dict[str, Any]) -> None:
        if not cloud_run.get("service") and not cloud_run.get("urlMask"):
            # Seen by the Terraform team in API Explorer (magic-modules #3807); wording UNCONFIRMED.
            raise invalid_field("resource.cloudRun", "", "Either service or urlMask must be set.")
        for field in ("service", "tag"):
            value = cloud_run.get(field)
            if value is not None and not _RFC1035.match(value):
                raise invalid_field(f"resource.cloudRun.{field}", value, f"Must be a match of regex '{RFC1035}'")

    def extra_routes(self) -> list[Route]:
        """networkEndpointGroups.aggregatedList (the zonal collection's method) lists the regional NEGs
        too, under "regions/R": `gcloud compute network-endpoint-groups list` calls it."""
        method_id = "compute.networkEndpointGroups.aggregatedList"
        method = discovery.method(COMPUTE.discovery, method_id)
        return [Route(COMPUTE, method["httpMethod"], "compute/v1/" + method["path"], method_id,
                      self.aggregated_list, mutating=False)]

    def server_fields(self, resource: dict[str, Any], project: str, region: str | None) -> None:
        resource.setdefault("networkEndpointType", "GCE_VM_IP_PORT")
        resource["size"] = 0  # serverless NEGs hold no endpoints


COLLECTIONS = [RegionNetworkEndpointGroups]
