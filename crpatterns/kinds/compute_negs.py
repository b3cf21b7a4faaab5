"""Serverless network endpoint groups (regionNetworkEndpointGroups): no update method, so any change
replaces them, create-before-destroy under a new name while the backend service is re-pointed
(docs/google-behaviour.md, "Compute: serverless NEGs"; replacing an in-use NEG is what users trip on
with other tools: terraform-google-modules/terraform-google-lb-http#159, #213)."""

from __future__ import annotations

from typing import Any

from crpatterns.kinds.compute import ImmutableComputeKind
from crpatterns.kinds.keys import KindKey


class RegionNetworkEndpointGroups(ImmutableComputeKind):
    key = KindKey.REGION_NEGS
    client_class = "RegionNetworkEndpointGroupsClient"
    message = "NetworkEndpointGroup"
    name_arg = "network_endpoint_group"
    segment = "networkEndpointGroups"

    def references(self, body: dict[str, Any]) -> list[str]:
        found = super().references(body)
        service = (body.get("cloudRun") or {}).get("service")
        region = (body.get("region") or "").rsplit("/", 1)[-1]
        project = (body.get("selfLink") or "").split("/projects/")[-1].split("/")[0]
        if service and region and project:
            found.append(f"projects/{project}/locations/{region}/services/{service}")
        return found
