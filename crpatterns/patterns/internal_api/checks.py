"""internal-api's checks of the cloud's state, before any change: the network and subnet exist and fit,
--ip is usable, the proxy-only range is free. These depend on what the project holds, so they are
refusals by the cloud's state (PlanError, exit 1), not usage errors (exit 2: with --dry-run
--detailed-exitcode, 2 would read as "changes pending")."""

from __future__ import annotations

import ipaddress
from typing import Any

from crpatterns.engine import ownership
from crpatterns.errors import PlanError
from crpatterns.gcp.load_balancing import active_proxy_subnet, is_proxy_only, region_of, same_ref
from crpatterns.patterns.internal_api.desired import free_range, proxy_range, subnet_named, taken_ranges
from crpatterns.patterns.internal_api.spec import PATTERN_NAME, Facts, InternalApiSpec


def check_facts(spec: InternalApiSpec, facts: Facts) -> None:
    """The network and subnet exist and fit, --ip is usable, the proxy-only range is free. These depend on
    what the project holds, so they are refusals by the cloud's state (PlanError, exit 1), not usage errors
    (exit 2): with --dry-run --detailed-exitcode, 2 would read as "changes pending"."""
    if facts.network is None:
        raise PlanError(f"--network {spec.network} does not exist in project {spec.project}; networks there: "
                        f"{', '.join(facts.networks) or '(none)'}.")
    if spec.cross_region:
        check_cross_region(spec, facts)
        return
    subnet = check_subnet(spec, facts, spec.region)
    if spec.ip:
        check_ip(spec, facts, subnet)
    if active_proxy_subnet(facts.subnets, spec.region) is None:
        check_proxy_range(spec, facts)


def check_subnet(spec: InternalApiSpec, facts: Facts, region: str) -> dict[str, Any]:
    """The region's --subnet exists in the network and is a regular subnet; returns it."""
    name = spec.subnet_in(region)
    in_region = sorted(s["name"] for s in facts.subnets if region_of(s) == region)
    subnet = subnet_named(facts, name, region)
    if subnet is None:
        raise PlanError(f"--subnet {name} does not exist in network {spec.network} in {region}; "
                        f"subnets there: {', '.join(in_region) or '(none)'}.")
    if is_proxy_only(subnet):
        regular = [s["name"] for s in facts.subnets if region_of(s) == region and not is_proxy_only(s)]
        raise PlanError(f"--subnet {name} is a proxy-only subnet ({subnet.get('purpose')}), reserved for the "
                        "load balancer's proxies; give a regular subnet of the network: "
                        f"{', '.join(sorted(regular)) or '(none in this region)'}.")
    return subnet


def check_cross_region(spec: InternalApiSpec, facts: Facts) -> None:
    """Several regions: each region's subnet, and the range of each GLOBAL_MANAGED_PROXY subnet to create
    overlapping no range of the network nor another one chosen for this app."""
    from crpatterns.patterns.internal_api.cross_region import proxy_ranges

    for region in spec.regions:
        check_subnet(spec, facts, region)
    chosen = proxy_ranges(spec, facts)
    for region, cidr in sorted(chosen.items()):
        wanted = ipaddress.ip_network(cidr)
        others = [(f"the range chosen for {other}", ipaddress.ip_network(c)) for other, c in chosen.items()
                  if other != region]
        for what, taken in [*((f"subnet {s['name']}" if s else "the block auto mode keeps", c)
                              for s, c in taken_ranges(facts)), *others]:
            if wanted.overlaps(taken):
                raise PlanError(f"--proxy-subnet-range {region}={wanted} overlaps {what} ({taken}) in network "
                                f"{spec.network}; give a free range such as "
                                f"{free_range(wanted.prefixlen, facts) or 'a free private range'}.")


def check_ip(spec: InternalApiSpec, facts: Facts, subnet: dict[str, Any]) -> None:
    """Inside the subnet's primary range, not one of the four addresses Google keeps, and held by nothing
    but this app (https://cloud.google.com/vpc/docs/subnets#unusable-ip-addresses-in-every-subnet)."""
    assert spec.ip is not None
    cidr = ipaddress.ip_network(subnet["ipCidrRange"], strict=False)
    ip = ipaddress.ip_address(spec.ip)
    if ip not in cidr:
        raise PlanError(f"--ip {spec.ip} is outside subnet {spec.subnet}'s range {cidr}; give a free address "
                        "inside it.")
    if ip in (cidr.network_address, cidr.network_address + 1, cidr.broadcast_address - 1, cidr.broadcast_address):
        raise PlanError(f"--ip {spec.ip} is one of the four addresses Google reserves in {cidr} (network, gateway, "
                        "second-to-last, broadcast); give another.")
    held = [(a, a.get("address")) for a in facts.region_addresses]
    held += [(r, r.get("IPAddress")) for r in facts.rules_in(spec.region)]
    for body, address in held:
        if (address == spec.ip and same_ref(body.get("subnetwork"), subnet.get("selfLink"))
                and not ownership.made_by(body, spec.name, PATTERN_NAME)):
            raise PlanError(f"--ip {spec.ip} is already used by {body.get('name')} in {spec.region}; give a free "
                            f"address of {cidr}.")


def check_proxy_range(spec: InternalApiSpec, facts: Facts) -> None:
    """The range of the proxy-only subnet to create overlaps no range of the network, in any region (a
    default that does not fit is replaced by a free block: proxy_range)."""
    wanted = ipaddress.ip_network(proxy_range(spec, facts))
    for subnet, cidr in taken_ranges(facts):
        if not wanted.overlaps(cidr):
            continue
        suggestion = free_range(wanted.prefixlen, facts) or "a free private range"
        if subnet is None:
            raise PlanError(f"--proxy-subnet-range {wanted} lies in {cidr}, which auto mode network {spec.network} "
                            f"keeps for its own subnets; give a range outside it such as {suggestion}.")
        raise PlanError(f"--proxy-subnet-range {wanted} overlaps subnet {subnet['name']} ({cidr}) in "
                        f"{region_of(subnet)} of network {spec.network}; give a free range such as "
                        f"{suggestion}.")
