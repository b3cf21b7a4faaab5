"""What an internal API is asked to be, what the pattern reads before deciding, and the names of its parts."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any

from crpatterns.gcp.load_balancing import region_of
from crpatterns.patterns.base import Spec

PATTERN_NAME = "internal-api"
APIS = ("run.googleapis.com", "compute.googleapis.com")
DEFAULT_PROXY_RANGE = "10.129.0.0/23"  # Google's examples use a /23 (proxy-only subnets page)
SMALLEST_PROXY_PREFIX = 26  # "at least /26" (https://cloud.google.com/load-balancing/docs/proxy-only-subnets)
HTTP_PORT = 80
HTTPS_PORT = 443
PORTS = (HTTP_PORT, HTTPS_PORT)
PROXY_ROLE = "proxy-subnet"
RULE_ROLE = "rule"
ADDRESS_ROLE = "address"  # the address --ip reserves
PINNED_ROLE = "rule-ip"  # the rule's ephemeral IP, reserved before a replacement so the rule keeps it
INVOKERS_ANNOTATION = "crpatterns.dev/invokers"
# Auto mode networks keep 10.128.0.0/9 for their own subnets (https://cloud.google.com/vpc/docs/
# subnets#ip-ranges: "Auto mode VPC networks ... 10.128.0.0/9").
AUTO_MODE_BLOCK = ipaddress.IPv4Network("10.128.0.0/9")


@dataclass(frozen=True, kw_only=True)
class InternalApiSpec(Spec):
    image: str
    network: str
    subnet: str
    port: int = HTTP_PORT
    certificate_pem: str | None = None
    private_key_pem: str | None = None
    ip: str | None = None  # a static internal IP the tool reserves in the subnet
    global_access: bool = False
    invokers: tuple[str, ...] = ()
    invoker_iam_disabled: bool = False
    proxy_subnet_range: str | None = None  # None: the default, or the first free block when it does not fit
    # Several regions (a cross-region internal load balancer): the subnet, and the range of a proxy-only subnet
    # to create, of the regions that do not take `subnet` and `proxy_subnet_range`, as (region, value) pairs.
    region_subnets: tuple[tuple[str, str], ...] = ()
    region_proxy_ranges: tuple[tuple[str, str], ...] = ()
    failover: bool = False  # Cloud Run service health (crpatterns/patterns/failover.py)
    readiness_path: str = "/"
    # Across projects (crpatterns/patterns/internal_api/projects.py): the Shared VPC host of the network, the
    # project of the load balancer's frontend and who manages it there, and whether a proxy-only subnet may be
    # created in the host. Empty: the app's own project.
    network_project: str = ""
    frontend_project: str = ""
    frontend_admins: tuple[str, ...] = ()
    create_proxy_subnet: bool = False

    @property
    def https(self) -> bool:
        return self.port == HTTPS_PORT

    @property
    def cross_region(self) -> bool:
        """Several regions: one global (cross-region) internal load balancer instead of a regional one."""
        return len(self.regions) > 1

    def subnet_in(self, region: str) -> str:
        return dict(self.region_subnets).get(region, self.subnet)

    def proxy_range_in(self, region: str) -> str | None:
        return dict(self.region_proxy_ranges).get(region, self.proxy_subnet_range)


@dataclass(frozen=True)
class Facts:
    """What the cloud holds that the pattern decides on, read before planning (reads only)."""

    network: dict[str, Any] | None = None  # the --network, or None when it does not exist
    networks: tuple[str, ...] = ()  # names of the project's networks (for "what exists")
    subnets: tuple[dict[str, Any], ...] = ()  # every subnet of the network, in every region
    all_subnets: tuple[dict[str, Any], ...] = ()  # every subnet of the project (proxy-only ones the app made)
    region_addresses: tuple[dict[str, Any], ...] = ()  # regional addresses in the region
    rules: tuple[dict[str, Any], ...] = ()  # every regional forwarding rule of the project, in every region
    service: dict[str, Any] | None = None  # the app's Cloud Run service as it is now (the first region's)
    invoker_members: frozenset[str] = field(default_factory=frozenset)  # run.invoker members now
    # Several regions: every global forwarding rule of the project (cross-region load balancers), the app's
    # service and run.invoker members in each region asked for, and the regions its load balancer serves now.
    global_rules: tuple[dict[str, Any], ...] = ()
    services: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    members: dict[str, frozenset[str]] = field(default_factory=dict)
    lb_regions: tuple[str, ...] = ()
    lb_cross_region: bool = False  # whether the load balancer serving them now is the cross-region one
    projects: Any = None  # the other projects' facts (internal_api/projects.py ProjectFacts), when any

    def rules_in(self, region: str) -> list[dict[str, Any]]:
        return [r for r in self.rules if region_of(r) == region]

    @property
    def all_rules(self) -> tuple[dict[str, Any], ...]:
        """Regional and global forwarding rules: what may run on a proxy-only subnet."""
        return self.rules + self.global_rules

    def service_in(self, region: str) -> dict[str, Any] | None:
        """The app's service in `region` (facts read for one region hold it as `service`)."""
        return self.services.get(region) if self.services else self.service

    def members_in(self, region: str) -> frozenset[str]:
        return self.members.get(region, frozenset()) if self.members else self.invoker_members


@dataclass(frozen=True)
class Names:
    service: str
    neg: str
    backend: str
    url_map: str
    certificate: str
    http_proxy: str
    https_proxy: str
    address: str
    rule: str
    proxy_subnet: str
    pinned_address: str
    global_proxy_subnet: str  # a GLOBAL_MANAGED_PROXY subnet the app makes (beside a regional one of the region)

    @classmethod
    def of(cls, app: str) -> Names:
        return cls(app, f"{app}-neg", f"{app}-backend", f"{app}-urlmap", f"{app}-cert", f"{app}-http-proxy",
                   f"{app}-https-proxy", f"{app}-ip", f"{app}-rule", f"{app}-proxy-only", f"{app}-rule-ip",
                   f"{app}-proxy-global")

    def rule_in(self, region: str) -> str:
        """A cross-region load balancer's forwarding rule of one region (global rules share one namespace)."""
        return f"{self.rule}-{region}"
