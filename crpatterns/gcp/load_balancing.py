"""Google's load-balancing facts the tool decides by, as pure predicates on resources' JSON (no client
code here, so patterns and kinds alike can use them).

A proxy-only subnet powers every Envoy-based load balancer (INTERNAL_MANAGED, regional
EXTERNAL_MANAGED) of its network and region; one per network and region may be ACTIVE
(https://cloud.google.com/load-balancing/docs/proxy-only-subnets). Cross-region internal load balancers
(global INTERNAL_MANAGED rules, each in a regional subnet) run on a separate one of purpose
GLOBAL_MANAGED_PROXY in the region of each rule's subnet (docs/google-behaviour.md, "Compute: cross-region
internal Application Load Balancers").
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from crpatterns.engine.diff import as_reference

# Purposes of regional proxy-only subnets (discovery compute.v1, Subnetwork.purpose:
# INTERNAL_HTTPS_LOAD_BALANCER is REGIONAL_MANAGED_PROXY's deprecated name).
REGIONAL_PROXY_PURPOSES = ("REGIONAL_MANAGED_PROXY", "INTERNAL_HTTPS_LOAD_BALANCER")
REGIONAL_PROXY_PURPOSE = "REGIONAL_MANAGED_PROXY"
GLOBAL_PROXY_PURPOSE = "GLOBAL_MANAGED_PROXY"  # "Subnet reserved for Global Envoy-based Load Balancing."
PROXY_ONLY_PURPOSES = (*REGIONAL_PROXY_PURPOSES, GLOBAL_PROXY_PURPOSE)
ACTIVE_ROLE = "ACTIVE"
# Load balancing schemes whose regional forwarding rules run on the region's proxy-only subnet.
ENVOY_SCHEMES = ("INTERNAL_MANAGED", "EXTERNAL_MANAGED")


def region_of(body: dict[str, Any]) -> str:
    """The region a regional resource names (its `region` URL's last segment), or ""."""
    return (body.get("region") or "").rsplit("/", 1)[-1]


def same_ref(a: str | None, b: str | None) -> bool:
    """Whether two Compute references (full URLs on any host, or paths) name the same resource."""
    return bool(a and b) and as_reference(a) == as_reference(b)


def is_proxy_only(body: dict[str, Any]) -> bool:
    """Any proxy-only subnet, regional or global: never a subnet for a load balancer's address."""
    return body.get("purpose") in PROXY_ONLY_PURPOSES


def region_in(url: str | None) -> str:
    """The region a regional Compute URL or path names (`.../regions/R/...`), or ""."""
    return (url or "").partition("/regions/")[2].split("/")[0]


def subnetwork_region(rule: dict[str, Any]) -> str:
    """The region of a forwarding rule's subnetwork (where a cross-region rule's proxies run), or ""."""
    return region_in(rule.get("subnetwork"))


def needs_proxy_subnet(rule: dict[str, Any], subnet: dict[str, Any], rule_region: str | None) -> bool:
    """Whether a forwarding rule runs on this proxy-only subnet: same network, an Envoy-based scheme, and a
    regional rule of the subnet's region (`rule_region`) on a regional proxy-only subnet, or a global rule
    (`rule_region` None or "") whose subnetwork is in the region of a GLOBAL_MANAGED_PROXY subnet."""
    if not (is_proxy_only(subnet) and rule.get("loadBalancingScheme") in ENVOY_SCHEMES
            and as_reference(rule.get("network")) is not None
            and as_reference(rule.get("network")) == as_reference(subnet.get("network"))):
        return False
    if subnet.get("purpose") == GLOBAL_PROXY_PURPOSE:
        return not rule_region and subnetwork_region(rule) == region_of(subnet)
    return bool(rule_region) and rule_region == region_of(subnet)


def active_proxy_subnet(subnets: Iterable[dict[str, Any]], region: str, network: str | None = None,
                        purposes: tuple[str, ...] = REGIONAL_PROXY_PURPOSES) -> dict[str, Any] | None:
    """The ACTIVE proxy-only subnet of the region (and network, when given) for regional load balancers, or
    with `purposes=(GLOBAL_PROXY_PURPOSE,)` for cross-region ones: one at most of each per network."""
    for subnet in subnets:
        if (subnet.get("purpose") in purposes and subnet.get("role") == ACTIVE_ROLE and region_of(subnet) == region
                and (network is None or same_ref(subnet.get("network"), network))):
            return subnet
    return None
