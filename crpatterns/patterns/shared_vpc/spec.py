"""What shared-vpc is asked to do (enable, disable) and what the host side looks like beforehand."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crpatterns.patterns.base import Spec
from crpatterns.patterns.common import run_agent

PATTERN_NAME = "shared-vpc"
APIS = ("run.googleapis.com", "compute.googleapis.com")
XPN_ADMIN_ROLE = "roles/compute.xpnAdmin"
PREVIOUS_INGRESS = "crpatterns.dev/previous-ingress"
HOST_GRANTS = "crpatterns.dev/host-grants"
CONNECTED_LABEL = "crpatterns-shared-vpc"  # value: the host project; says "connected by crpatterns"
INGRESS = {
    "internal": "INGRESS_TRAFFIC_INTERNAL_ONLY",
    "internal-and-cloud-load-balancing": "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER",
}
EGRESS = {"all-traffic": "ALL_TRAFFIC", "private-ranges-only": "PRIVATE_RANGES_ONLY"}
KNOWN_INGRESS = ("INGRESS_TRAFFIC_ALL", "INGRESS_TRAFFIC_INTERNAL_ONLY", "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER",
                 "INGRESS_TRAFFIC_NONE")
DEFAULT_INGRESS = "INGRESS_TRAFFIC_ALL"  # what Google reports when none was set
SUBNET_PURPOSES = ("", "PRIVATE", "PRIVATE_RFC_1918")  # regular subnets; Direct VPC egress needs one


@dataclass(frozen=True)
class HostFacts:
    """The host side as it is before enable."""

    xpn_status: str  # the host's Compute Project.xpnProjectStatus: HOST or UNSPECIFIED_XPN_PROJECT_STATUS
    attached_to: str | None  # the host the service project is attached to, if any
    subnet: dict[str, Any] | None  # the Compute Subnetwork, or None when it does not exist
    agent_is_subnet_user: bool = False  # unconditional roles/compute.networkUser on the subnet
    agent_is_host_viewer: bool = False  # unconditional roles/compute.networkViewer on the host project


@dataclass(frozen=True, kw_only=True)
class EnableSpec(Spec):
    host: str
    network: str
    subnet: str
    image: str = ""
    egress: str = "ALL_TRAFFIC"
    ingress: str = "INGRESS_TRAFFIC_INTERNAL_ONLY"
    tags: tuple[str, ...] = ()
    invokers: tuple[str, ...] = ()
    attach: bool = False

    @property
    def network_path(self) -> str:
        return f"projects/{self.host}/global/networks/{self.network}"

    @property
    def subnet_path(self) -> str:
        return f"projects/{self.host}/regions/{self.region}/subnetworks/{self.subnet}"

    @property
    def agent(self) -> str:
        return f"serviceAccount:{run_agent(self.project_number)}"


@dataclass(frozen=True, kw_only=True)
class DisableSpec(Spec):
    revoke: bool = False
    delete_service: bool = False  # only a service `enable --image` created (is_tool_created)

    @property
    def agent(self) -> str:
        return f"serviceAccount:{run_agent(self.project_number)}"


