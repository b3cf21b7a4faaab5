"""Google's load-balancing facts the tool decides by, as pure predicates on resources' JSON (no client
code here, so patterns and kinds alike can use them).

A proxy-only subnet powers every Envoy-based load balancer (INTERNAL_MANAGED, regional
EXTERNAL_MANAGED) of its network and region; one per network and region may be ACTIVE
(https://cloud.google.com/load-balancing/docs/proxy-only-subnets).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from crpatterns.engine.diff import as_reference

# Purposes of regional proxy-only subnets (discovery compute.v1, Subnetwork.purpose:
# INTERNAL_HTTPS_LOAD_BALANCER is REGIONAL_MANAGED_PROXY's deprecated name).
PROXY_ONLY_PURPOSES = ("REGIONAL_MANAGED_PROXY", "INTERNAL_HTTPS_LOAD_BALANCER")
REGIONAL_PROXY_PURPOSE = "REGIONAL_MANAGED_PROXY"
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
    return body.get("purpose") in PROXY_ONLY_PURPOSES


def needs_proxy_subnet(rule: dict[str, Any], subnet: dict[str, Any], rule_region: str | None) -> bool:
    """Whether a regional forwarding rule runs on this proxy-only subnet: same network, same region,
    an Envoy-based scheme."""
    return (
        is_proxy_only(subnet)
        and rule_region is not None
        and rule_region == region_of(subnet)
        and rule.get("loadBalancingScheme") in ENVOY_SCHEMES
        and as_reference(rule.get("network")) is not None
        and as_reference(rule.get("network")) == as_reference(subnet.get("network"))
    )


def active_proxy_subnet(subnets: Iterable[dict[str, Any]], region: str, network: str | None = None
                        ) -> dict[str, Any] | None:
    """The ACTIVE proxy-only subnet of the region (and network, when given): one at most per network."""
    for subnet in subnets:
        if (is_proxy_only(subnet) and subnet.get("role") == ACTIVE_ROLE and region_of(subnet) == region
                and (network is None or same_ref(subnet.get("network"), network))):
            return subnet
    return None
