"""VPC networks: read only. The patterns attach to networks that exist; they never create one."""

from __future__ import annotations

from crpatterns.kinds.compute import ComputeKind
from crpatterns.kinds.keys import KindKey


class Networks(ComputeKind):
    key = KindKey.NETWORKS
    client_class = "NetworksClient"
    message = "Network"
    name_arg = "network"
    segment = "networks"
    regional = False
    marker_in = "none"
