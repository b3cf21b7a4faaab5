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

    @property
    def https(self) -> bool:
        return self.port == HTTPS_PORT


@dataclass(frozen=True)
class Facts:
    """What the cloud holds that the pattern decides on, read before planning (reads only)."""

    network: dict[str, Any] | None = None  # the --network, or None when it does not exist
    networks: tuple[str, ...] = ()  # names of the project's networks (for "what exists")
    subnets: tuple[dict[str, Any], ...] = ()  # every subnet of the network, in every region
    all_subnets: tuple[dict[str, Any], ...] = ()  # every subnet of the project (proxy-only ones the app made)
    region_addresses: tuple[dict[str, Any], ...] = ()  # regional addresses in the region
    rules: tuple[dict[str, Any], ...] = ()  # every regional forwarding rule of the project, in every region
    service: dict[str, Any] | None = None  # the app's Cloud Run service as it is now
    invoker_members: frozenset[str] = field(default_factory=frozenset)  # run.invoker members now

    def rules_in(self, region: str) -> list[dict[str, Any]]:
        return [r for r in self.rules if region_of(r) == region]


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

    @classmethod
    def of(cls, app: str) -> Names:
        return cls(app, f"{app}-neg", f"{app}-backend", f"{app}-urlmap", f"{app}-cert", f"{app}-http-proxy",
                   f"{app}-https-proxy", f"{app}-ip", f"{app}-rule", f"{app}-proxy-only", f"{app}-rule-ip")
