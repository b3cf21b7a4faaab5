"""Read-only questions other emulated APIs ask about Compute networking state.

Used by the load-balancing collections (forwarding rules need an active proxy-only subnet and an IP
inside their subnet) and by Cloud Run (Direct VPC egress into a Shared VPC subnet needs the host/service
relation and a networkUser grant on the subnet). Every function takes the state and plain values and
never raises: callers decide which Google error to answer with.

Paths are Compute's canonical paths after `compute/v1/`, e.g. `projects/P/regions/R/subnetworks/S`;
references may also be full URLs on any host (docs/google-behaviour.md, "What the gcloud CLI sends").
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crpatterns.emulator.compute.store import ComputeState
    from crpatterns.emulator.core.world import World

# Purposes of proxy-only subnets: REGIONAL_MANAGED_PROXY, and its deprecated name
# INTERNAL_HTTPS_LOAD_BALANCER (discovery compute.v1, Subnetwork.purpose).
PROXY_ONLY_PURPOSES = ("REGIONAL_MANAGED_PROXY", "INTERNAL_HTTPS_LOAD_BALANCER", "GLOBAL_MANAGED_PROXY")
# Load balancing schemes of the Envoy-based load balancers, the ones a proxy-only subnet serves.
ENVOY_SCHEMES = ("INTERNAL_MANAGED", "EXTERNAL_MANAGED")


def canonical_path(state: ComputeState, reference: str) -> str:
    """A reference (full URL on any host, or `projects/...` path) as a canonical path with the project id."""
    text = reference.split("/compute/v1/", 1)[1] if "/compute/v1/" in reference else reference
    return state.canonical(text.strip("/"))


def find_subnetwork(state: ComputeState, path: str) -> dict[str, Any] | None:
    """The subnetwork at `path` (canonical path, partial `projects/...` path or full URL), or None
    when it does not exist or its insert operation has not completed yet."""
    resource = state.get(canonical_path(state, path))
    if resource is None or resource.get("kind") != "compute#subnetwork":
        return None
    return resource


def find_network(state: ComputeState, path: str) -> dict[str, Any] | None:
    """The network at `path` (any reference form), or None."""
    resource = state.get(canonical_path(state, path))
    if resource is None or resource.get("kind") != "compute#network":
        return None
    return resource


def same_resource(state: ComputeState, reference_a: str | None, reference_b: str | None) -> bool:
    """Whether two references (URLs or paths, ids or numbers) name the same resource."""
    if not reference_a or not reference_b:
        return False
    return canonical_path(state, reference_a) == canonical_path(state, reference_b)


def is_proxy_only(subnet: dict[str, Any]) -> bool:
    return subnet.get("purpose") in PROXY_ONLY_PURPOSES


def active_proxy_only_subnet(
    state: ComputeState, project_id: str, region: str, network_path: str
) -> dict[str, Any] | None:
    """The ACTIVE proxy-only subnet (REGIONAL_MANAGED_PROXY or the deprecated INTERNAL_HTTPS_LOAD_BALANCER)
    of `network_path` in `region`, or None. Google allows one per network and region
    (https://cloud.google.com/load-balancing/docs/proxy-only-subnets)."""
    for subnet in state.in_scope(project_id, region, "subnetworks"):
        if (
            subnet.get("purpose") in ("REGIONAL_MANAGED_PROXY", "INTERNAL_HTTPS_LOAD_BALANCER")
            and subnet.get("role") == "ACTIVE"
            and same_resource(state, subnet.get("network"), network_path)
        ):
            return subnet
    return None


def active_global_proxy_only_subnet(
    state: ComputeState, project_id: str, region: str, network_path: str
) -> dict[str, Any] | None:
    """The ACTIVE GLOBAL_MANAGED_PROXY subnet of `network_path` in `region`, or None: what a cross-region
    internal Application Load Balancer's proxies in that region run on, one per network and region beside
    the regional one (https://cloud.google.com/load-balancing/docs/proxy-only-subnets)."""
    for subnet in state.in_scope(project_id, region, "subnetworks"):
        if (
            subnet.get("purpose") == "GLOBAL_MANAGED_PROXY"
            and subnet.get("role") == "ACTIVE"
            and same_resource(state, subnet.get("network"), network_path)
        ):
            return subnet
    return None


def rules_on_proxy_only_subnet(state: ComputeState, subnet: dict[str, Any]) -> list[str]:
    """Paths of the Envoy-based load balancers' forwarding rules an ACTIVE proxy-only subnet serves: those of
    its network and region (REGIONAL_MANAGED_PROXY, or the deprecated INTERNAL_HTTPS_LOAD_BALANCER: regional
    INTERNAL_MANAGED and EXTERNAL_MANAGED rules), or with a subnetwork in its region (GLOBAL_MANAGED_PROXY:
    cross-region internal rules, global INTERNAL_MANAGED). Rules of any project count: a Shared VPC service
    project's rules use the host's proxy-only subnet. Rules whose insert is still running count too."""
    if not is_proxy_only(subnet) or subnet.get("role") != "ACTIVE":
        return []
    region = subnet["region"].rsplit("/", 1)[-1]
    users = []
    for path, rule in state.resources.items():
        if rule.get("kind") != "compute#forwardingRule" or rule.get("loadBalancingScheme") not in ENVOY_SCHEMES:
            continue
        if not same_resource(state, rule.get("network"), subnet.get("network")):
            continue
        if _served_by(subnet.get("purpose"), rule, path, region):
            users.append(path)
    return sorted(users)


def _served_by(purpose: str | None, rule: dict[str, Any], rule_path: str, region: str) -> bool:
    """Whether a forwarding rule of the proxy-only subnet's network runs on a subnet of this purpose in `region`."""
    regional = "/regions/" in f"/{rule_path}"
    if purpose == "GLOBAL_MANAGED_PROXY":
        return not regional and f"/regions/{region}/" in (rule.get("subnetwork") or "")
    return regional and rule_path.split("/")[3] == region


def ip_in_subnetwork(subnet: dict[str, Any], ip: str) -> bool:
    """Whether `ip` lies in the subnet's primary range or one of its secondary ranges."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    ranges = [subnet.get("ipCidrRange")] + [r.get("ipCidrRange") for r in subnet.get("secondaryIpRanges", [])]
    return any(bool(cidr) and address in ipaddress.ip_network(cidr, strict=False) for cidr in ranges)


def is_xpn_host(state: ComputeState, project_id: str) -> bool:
    """Whether the project (id or number) is a Shared VPC host."""
    return state.project_id(project_id) in state.xpn_hosts


def xpn_host_of(state: ComputeState, service_project_id: str) -> str | None:
    """The Shared VPC host project id a service project (id or number) is attached to, or None."""
    return state.xpn_attachments.get(state.project_id(service_project_id))


def subnet_policy_key(state: ComputeState, subnet_path: str) -> str:
    """The world.iam key of a subnetwork's policy:
    `//compute.googleapis.com/projects/P/regions/R/subnetworks/S` (project id, not number)."""
    return f"//compute.googleapis.com/{canonical_path(state, subnet_path)}"


def subnet_policy_members(world: World, subnet_path: str, role: str) -> set[str]:
    """Members holding `role` (e.g. roles/compute.networkUser) in the subnetwork's own IAM policy;
    `subnet_path` in any reference form. Grants on the host project are not included."""
    state: ComputeState = world.apis["compute"].state
    return world.iam.members_with_role(subnet_policy_key(state, subnet_path), role)


# -- IP addresses inside a subnetwork --------------------------------------------------------------


def reserved_ips(subnet: dict[str, Any]) -> set[str]:
    """The four addresses Google keeps in every primary IPv4 range: network, gateway, second-to-last
    and broadcast (https://cloud.google.com/vpc/docs/subnets#unusable-ip-addresses-in-every-subnet)."""
    network = ipaddress.ip_network(subnet["ipCidrRange"], strict=False)
    first, last = network.network_address, network.broadcast_address
    return {str(first), str(first + 1), str(last - 1), str(last)}


def held_ips(state: ComputeState, subnet_path: str, ignore: str | None = None) -> dict[str, str]:
    """IP -> path of the address or forwarding rule holding it in the subnetwork (or, for a rule without
    a subnetwork, in the subnetwork's network). `ignore` skips one path (the resource being checked).
    Resources whose insert is still running count: their IP is taken already."""
    subnet = state.resources.get(canonical_path(state, subnet_path))
    network = subnet.get("network") if subnet else None
    held: dict[str, str] = {}
    for path, resource in state.resources.items():
        kind = resource.get("kind")
        if path == ignore or kind not in ("compute#address", "compute#forwardingRule"):
            continue
        ip = resource.get("address") if kind == "compute#address" else resource.get("IPAddress")
        if not ip or "/" in ip:  # a rule's IPAddress may be an address URL: that address holds the IP
            continue
        if same_resource(state, resource.get("subnetwork"), subnet_path) or (
            kind == "compute#forwardingRule"
            and not resource.get("subnetwork")
            and same_resource(state, resource.get("network"), network)
        ):
            held.setdefault(ip, path)
    return held


def ip_holder(state: ComputeState, subnet_path: str, ip: str, ignore: str | None = None) -> str | None:
    """Path of the address or forwarding rule that already holds `ip` in the subnetwork, or None."""
    return held_ips(state, subnet_path, ignore).get(ip)


def free_ip(state: ComputeState, subnet_path: str) -> str | None:
    """The lowest usable IPv4 address of the subnetwork's primary range that nothing holds, or None
    when the range is full. Allocation order UNCONFIRMED (Google does not document it)."""
    subnet = state.resources.get(canonical_path(state, subnet_path))
    if subnet is None:
        return None
    taken = reserved_ips(subnet) | set(held_ips(state, subnet_path))
    for host in ipaddress.ip_network(subnet["ipCidrRange"], strict=False).hosts():
        if str(host) not in taken:
            return str(host)
    return None
