"""Static IP addresses: regional (`addresses`) and global (`globalAddresses`).

Rules and their sources (discovery compute.v1, Address; docs/google-behaviour.md, "Compute: forwarding rules
and addresses"; https://cloud.google.com/compute/docs/ip-addresses):
- addressType EXTERNAL by default; networkTier PREMIUM by default, and always PREMIUM for global and
  internal addresses; purpose GCE_ENDPOINT by default for regional internal addresses.
- Labels change only through setLabels with the current labelFingerprint (412 otherwise).
- A regional INTERNAL address takes an IP from its subnetwork; without a subnetwork, from the default
  network's subnet in the region, else `Invalid value for field 'resource.subnetwork': ''. No default
  subnetwork was found for an address with type INTERNAL.` (hashicorp/terraform#19507).
- An ephemeral internal IP a forwarding rule uses can be reserved (promoted) as a static address
  (https://cloud.google.com/vpc/docs/reserve-static-internal-ip-address, "Promote an ephemeral internal
  IPv4 address"); the rule then holds the address.
- A requested IP must be inside the subnet (`Requested internal IP is outside the subnetwork CIDR
  range.`, quoted for instances in ansible/ansible#51325; for addresses UNCONFIRMED) and free
  (`IP '10.0.0.2' is already being used by another resource.`, hashicorp/terraform#18998).
- A service project may reserve an IP in a Shared VPC subnet of its host project.
- status RESERVED, or IN_USE with `users` while a forwarding rule uses the address (computed when read).
"""

from __future__ import annotations

import ipaddress
from typing import Any, ClassVar

from crpatterns.emulator.compute import queries
from crpatterns.emulator.compute.collection import Collection, invalid_field
from crpatterns.emulator.compute.store import self_link, split_path
from crpatterns.emulator.compute.subnetworks import keep_computed, subnet_ranges
from crpatterns.emulator.core.errors import ApiError
from crpatterns.emulator.core.routing import ApiRequest

COMPUTED = ("status", "users")
# Documentation-style pools for external IPs: unique per emulator, never real Google addresses in use.
GLOBAL_EXTERNAL_POOL = ipaddress.ip_network("34.120.0.0/16")
REGIONAL_EXTERNAL_POOL = ipaddress.ip_network("35.200.0.0/16")
GLOBAL_EXTERNAL_IPV6_POOL = ipaddress.ip_network("2600:1901::/48")
# Where VPC_PEERING ranges (private services access) are allocated when no address is given.
PEERING_POOL = ipaddress.ip_network("10.0.0.0/8")
INTERNAL_PURPOSES = ("GCE_ENDPOINT", "DNS_RESOLVER", "SHARED_LOADBALANCER_VIP", "IPSEC_INTERCONNECT",
                     "PRIVATE_SERVICE_CONNECT")


def ip_taken(ip: str) -> ApiError:
    # hashicorp/terraform#18998; reason UNCONFIRMED (the operation error code is IP_IN_USE_BY_ANOTHER_RESOURCE).
    return ApiError(400, f"IP '{ip}' is already being used by another resource.", reason="ipInUseByAnotherResource")


class AddressCollection(Collection):
    """What regional and global addresses share."""

    snake = "address"
    kind = "compute#address"
    labels = True
    fingerprinted = False
    pool: ClassVar[ipaddress.IPv4Network]

    def validate(self, request: ApiRequest, resource: dict[str, Any], project: str, region: str | None,
                 existing: dict[str, Any] | None) -> None:
        keep_computed(resource, None, COMPUTED)
        resource.setdefault("addressType", "EXTERNAL")
        tier = resource.setdefault("networkTier", "PREMIUM")
        if (region is None or resource["addressType"] == "INTERNAL") and tier != "PREMIUM":
            raise invalid_field("resource.networkTier", tier, "An address of this type must be in the PREMIUM "
                                                              "network tier.")  # UNCONFIRMED wording
        if resource["addressType"] == "EXTERNAL":
            self.external(resource, project, region)
        else:
            self.internal(resource, project, region)

    def external(self, resource: dict[str, Any], project: str, region: str | None) -> None:
        for field in ("subnetwork", "network"):
            if resource.get(field):
                raise invalid_field(f"resource.{field}", resource[field], "This field can only be used with "
                                                                          "INTERNAL addresses.")  # UNCONFIRMED
        ip = resource.get("address")
        if ip:
            if self.external_holder(ip):
                raise ip_taken(ip)
            return
        resource["address"] = self.allocate_external(resource.get("ipVersion") == "IPV6")

    def external_holder(self, ip: str) -> str | None:
        for path, other in self.state.resources.items():
            if other.get("kind") == self.kind and other.get("addressType", "EXTERNAL") == "EXTERNAL" \
                    and other.get("address") == ip:
                return path
        return None

    def allocate_external(self, ipv6: bool) -> str:
        pool = GLOBAL_EXTERNAL_IPV6_POOL if ipv6 else self.pool
        taken = {r.get("address") for r in self.state.resources.values() if r.get("kind") == self.kind}
        start = int(pool.network_address) + (0 if ipv6 else 1)
        for offset in range(pool.num_addresses - 2):
            candidate = str(ipaddress.ip_address(start + offset))
            if candidate not in taken:
                return candidate
        raise ApiError(403, "Quota 'STATIC_ADDRESSES' exceeded.", reason="quotaExceeded")

    def internal(self, resource: dict[str, Any], project: str, region: str | None) -> None:
        raise NotImplementedError

    def server_fields(self, resource: dict[str, Any], project: str, region: str | None) -> None:
        resource["status"] = "RESERVED"

    def present(self, resource: dict[str, Any]) -> dict[str, Any]:
        """status and users as they stand now: IN_USE while anything (a forwarding rule) uses it."""
        shown = super().present(resource)
        path = resource["selfLink"].split("/compute/v1/", 1)[1]
        users = self.state.users_of(path)
        if users:
            shown["users"] = [self_link(u) for u in users]
            shown["status"] = "IN_USE"
        else:
            shown.pop("users", None)
            shown["status"] = "RESERVED"
        return shown


class Addresses(AddressCollection):
    name = "addresses"
    verbs = ("insert", "get", "list", "delete", "setLabels", "aggregatedList")
    pool = REGIONAL_EXTERNAL_POOL

    def internal(self, resource: dict[str, Any], project: str, region: str | None) -> None:
        assert region is not None
        purpose = resource.setdefault("purpose", "GCE_ENDPOINT")
        if purpose not in INTERNAL_PURPOSES:
            raise invalid_field("resource.purpose", purpose, "This purpose cannot be used for a regional "
                                                             "INTERNAL address.")  # UNCONFIRMED wording
        subnet_path = self.subnet_for(resource, project, region)
        resource["subnetwork"] = self_link(subnet_path)
        subnet = self.state.require(subnet_path)
        # `network` is for VPC_PEERING only (discovery, Address.network); if given it must match anyway.
        if resource.get("network") and not queries.same_resource(self.state, resource["network"],
                                                                 subnet["network"]):
            raise invalid_field("resource.network", resource["network"],
                                "The network does not match the subnetwork's network.")  # UNCONFIRMED wording
        ip = resource.get("address")
        if not ip:
            ip = queries.free_ip(self.state, subnet_path)
            if ip is None:
                raise ApiError(400, f"IP space of '{subnet_path}' is exhausted.",  # UNCONFIRMED wording
                               reason="ipSpaceExhausted")
            resource["address"] = ip
            return
        if not queries.ip_in_subnetwork({"ipCidrRange": subnet["ipCidrRange"]}, ip):
            raise invalid_field("resource.address", ip, "Requested internal IP is outside the subnetwork CIDR "
                                                        "range.")
        if ip in queries.reserved_ips(subnet):
            raise invalid_field("resource.address", ip, "Requested internal IP is reserved by Google in the "
                                                        "subnetwork.")  # UNCONFIRMED wording
        holder = queries.ip_holder(self.state, subnet_path, ip)
        if holder is not None:
            if not self.promotable(holder):
                raise ip_taken(ip)
            # Promoting an ephemeral IP: the rule now holds it through this address, which lists it in
            # `users` and cannot be deleted while the rule exists.
            own = f"projects/{project}/regions/{region}/addresses/{resource['name']}"
            self.state.resources[holder]["_uses"] = [*self.state.resources[holder].get("_uses", ()), own]

    def promotable(self, holder: str) -> bool:
        """An ephemeral internal IP in use by a forwarding rule can be reserved as a static address
        ("Promote an ephemeral internal IPv4 address",
        https://cloud.google.com/vpc/docs/reserve-static-internal-ip-address); an IP another address holds,
        or a rule takes from an address, cannot."""
        resource = self.state.resources.get(holder) or {}
        uses_address = any("/addresses/" in used and used in self.state.resources for used in resource.get("_uses", ()))
        return resource.get("kind") == "compute#forwardingRule" and not uses_address

    def subnet_for(self, resource: dict[str, Any], project: str, region: str) -> str:
        """The subnet an internal address draws from: the one given (own project, or the Shared VPC
        host's), else the default network's subnet in the region."""
        reference = resource.get("subnetwork")
        if not reference:
            default = f"projects/{project}/regions/{region}/subnetworks/default"
            found = queries.find_subnetwork(self.state, default)
            if found is None or not queries.same_resource(
                self.state, found.get("network"), f"projects/{project}/global/networks/default"
            ):
                raise invalid_field("resource.subnetwork", "",
                                    "No default subnetwork was found for an address with type INTERNAL.")
            return default
        path = self.state.resolve(reference, "resource.subnetwork", project, region, ("regions/subnetworks",))
        owner, subnet_region, _, _ = split_path(path)
        if subnet_region != region:
            raise invalid_field("resource.subnetwork", reference, "The subnetwork must be in the region of the "
                                                                  "address.")  # UNCONFIRMED wording
        if owner != project and queries.xpn_host_of(self.state, project) != owner:
            # Shared VPC: only a service project attached to the host may use its subnets.
            raise ApiError(403, f"Required 'compute.subnetworks.use' permission for '{path}'", reason="forbidden")
        subnet = self.state.require(path)
        if queries.is_proxy_only(subnet):
            raise invalid_field("resource.subnetwork", reference, "Addresses cannot be reserved in a subnetwork "
                                f"with purpose {subnet['purpose']}.")  # UNCONFIRMED wording
        return path


class GlobalAddresses(AddressCollection):
    name = "globalAddresses"
    verbs = ("insert", "get", "list", "delete", "setLabels")
    pool = GLOBAL_EXTERNAL_POOL

    def validate(self, request: ApiRequest, resource: dict[str, Any], project: str, region: str | None,
                 existing: dict[str, Any] | None) -> None:
        resource.setdefault("ipVersion", "IPV4")
        super().validate(request, resource, project, region, existing)

    def internal(self, resource: dict[str, Any], project: str, region: str | None) -> None:
        """Global INTERNAL addresses are ranges for private services access (VPC_PEERING) or Private
        Service Connect endpoints, in a network (discovery: Address.network, Address.purpose)."""
        purpose = resource.get("purpose")
        if purpose not in ("VPC_PEERING", "PRIVATE_SERVICE_CONNECT"):
            raise invalid_field("resource.purpose", purpose or "", "A global INTERNAL address needs purpose "
                                "VPC_PEERING or PRIVATE_SERVICE_CONNECT.")  # UNCONFIRMED wording
        network = self.state.resolve(resource.get("network"), "resource.network", project, None,
                                     ("global/networks",))
        resource["network"] = self_link(network)
        if purpose == "PRIVATE_SERVICE_CONNECT":
            if not resource.get("address"):
                raise invalid_field("resource.address", "", "An IP address is required for a Private Service "
                                                            "Connect address.")  # UNCONFIRMED wording
            return
        prefix = resource.get("prefixLength")
        if not isinstance(prefix, int) or not 8 <= prefix <= 29:
            raise invalid_field("resource.prefixLength", prefix, "A VPC_PEERING range needs a prefixLength "
                                                                 "between 8 and 29.")  # UNCONFIRMED wording
        used = self.network_ranges(network)
        if resource.get("address"):
            wanted = ipaddress.ip_network(f"{resource['address']}/{prefix}", strict=False)
            if any(wanted.overlaps(r) for r in used):
                raise ip_taken(resource["address"])
            return
        for candidate in PEERING_POOL.subnets(new_prefix=prefix):
            if not any(candidate.overlaps(r) for r in used):
                resource["address"] = str(candidate.network_address)
                return
        raise ApiError(400, "No free range of that size is left in the network.", reason="ipSpaceExhausted")

    def network_ranges(self, network_path: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        """Subnet ranges and peering ranges already taken in the network."""
        ranges: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
        for other in self.state.resources.values():
            if not queries.same_resource(self.state, other.get("network"), network_path):
                continue
            if other.get("kind") == "compute#subnetwork":
                ranges.extend(subnet_ranges(other))
            elif other.get("kind") == self.kind and other.get("prefixLength") and other.get("address"):
                ranges.append(ipaddress.ip_network(f"{other['address']}/{other['prefixLength']}", strict=False))
        return ranges


COLLECTIONS = [Addresses, GlobalAddresses]
