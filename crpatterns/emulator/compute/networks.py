"""VPC networks, and the auto mode `default` network every project starts with.

Rules and their sources (discovery compute.v1, Network; https://cloud.google.com/vpc/docs/vpc):
- `autoCreateSubnetworks: true` is auto mode: Google creates one subnet per region, named like the
  network, with the documented auto mode range (regions.py); `false` is custom mode; unset is a legacy
  network, which needs IPv4Range and has no subnetworks.
- No fingerprint on networks: patch takes none. Patchable: routingConfig, mtu, description and the
  firewall policy order; switching modes goes through switchToCustomMode (not emulated).
- routingConfig.routingMode defaults to REGIONAL; mtu to 1460 (1300-8896).
- Deleting a network still used (a custom subnet, an address...) is 400 resourceInUseByAnotherResource
  (docs/google-behaviour.md, "Compute: errors, operations, fingerprints"); auto mode subnets go with their
  network.
- New projects get the `default` auto mode network (https://cloud.google.com/vpc/docs/vpc#default-network).
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Any

from crpatterns.emulator.compute import queries
from crpatterns.emulator.compute.collection import Collection, invalid_field
from crpatterns.emulator.compute.regions import AUTO_MODE_RANGES
from crpatterns.emulator.compute.store import self_link
from crpatterns.emulator.compute.subnetworks import build_auto_subnet, keep_computed
from crpatterns.emulator.core.routing import ApiRequest
from crpatterns.emulator.core.world import Project, now_rfc3339

if TYPE_CHECKING:
    from crpatterns.emulator.compute.module import ComputeModule

DEFAULT_MTU = 1460
COMPUTED = ("subnetworks", "selfLinkWithId", "gatewayIPv4", "peerings", "firewallPolicy", "additionalTags")


class Networks(Collection):
    name = "networks"
    kind = "compute#network"
    snake = "network"
    verbs = ("insert", "get", "list", "delete", "patch")
    fingerprinted = False
    immutable = ("autoCreateSubnetworks", "IPv4Range", "networkProfile")

    def validate(self, request: ApiRequest, resource: dict[str, Any], project: str, region: str | None,
                 existing: dict[str, Any] | None) -> None:
        keep_computed(resource, existing, COMPUTED)
        resource.pop("params", None)  # input only
        if existing is None and "autoCreateSubnetworks" not in resource:
            # A legacy network: only with IPv4Range (discovery: "If not set, a legacy network is created").
            try:
                ipaddress.IPv4Network(resource.get("IPv4Range") or "", strict=True)
            except ValueError:
                raise invalid_field("resource.IPv4Range", resource.get("IPv4Range"),
                                    "A legacy network needs a valid IPv4Range; set autoCreateSubnetworks "
                                    "to create a VPC network.") from None  # UNCONFIRMED wording
        elif "IPv4Range" in resource and existing is None:
            raise invalid_field("resource.IPv4Range", resource["IPv4Range"],
                                "IPv4Range cannot be set on a VPC network.")  # UNCONFIRMED wording
        mtu = resource.get("mtu", DEFAULT_MTU)
        if not isinstance(mtu, int) or not 1300 <= mtu <= 8896:
            raise invalid_field("resource.mtu", mtu, "MTU must be between 1300 and 8896.")  # UNCONFIRMED wording

    def server_fields(self, resource: dict[str, Any], project: str, region: str | None) -> None:
        resource.setdefault("mtu", DEFAULT_MTU)
        resource.setdefault("routingConfig", {})
        resource["routingConfig"].setdefault("routingMode", "REGIONAL")
        resource.setdefault("networkFirewallPolicyEnforcementOrder", "AFTER_CLASSIC_FIREWALL")
        resource["selfLinkWithId"] = self_link(f"projects/{project}/global/networks/{resource['id']}")
        if "IPv4Range" in resource:
            resource["gatewayIPv4"] = str(ipaddress.ip_network(resource["IPv4Range"]).network_address + 1)

    def present(self, resource: dict[str, Any]) -> dict[str, Any]:
        shown = super().present(resource)
        if "autoCreateSubnetworks" in resource:
            shown["subnetworks"] = [s["selfLink"] for s in self.subnets_of(resource["selfLink"])]
        return shown

    def subnets_of(self, network_link: str) -> list[dict[str, Any]]:
        return sorted(
            (r for r in self.state.resources.values()
             if r.get("kind") == "compute#subnetwork" and not r.get("_creating")
             and queries.same_resource(self.state, r.get("network"), network_link)),
            key=lambda r: r["selfLink"],
        )

    def on_created(self, path: str, resource: dict[str, Any]) -> None:
        """Auto mode: one subnet per region, named like the network, in the documented range."""
        if not resource.get("autoCreateSubnetworks"):
            return
        project = path.split("/")[1]
        for region, cidr in AUTO_MODE_RANGES.items():
            subnet_path = f"projects/{project}/regions/{region}/subnetworks/{resource['name']}"
            if subnet_path in self.state.resources:
                continue
            self.state.resources[subnet_path] = build_auto_subnet(
                resource["name"], project, region, path, cidr, self.state.world.next_id(),
                resource["creationTimestamp"])

    def auto_subnet_paths(self, path: str) -> list[str]:
        return [s["selfLink"].split("/compute/v1/", 1)[1] for s in self.subnets_of(self_link(path)) if s.get("_auto")]

    def blocking_users(self, path: str, resource: dict[str, Any]) -> list[str]:
        """Users other than the auto mode subnets, and whatever uses those subnets."""
        auto = set(self.auto_subnet_paths(path))
        users = [u for u in self.state.users_of(path) if u not in auto]
        for subnet_path in sorted(auto):
            users.extend(u for u in self.state.users_of(subnet_path) if u not in auto)
        return users

    def on_deleted(self, path: str, resource: dict[str, Any]) -> None:
        for subnet_path in self.auto_subnet_paths(path):
            self.state.resources.pop(subnet_path, None)
            self.state.world.iam.drop(f"//compute.googleapis.com/{subnet_path}")


def seed_project(module: ComputeModule, project: Project) -> None:
    """Every project starts with the auto mode network `default`."""
    networks: Networks = module.collections["networks"]  # type: ignore[assignment]
    path = f"projects/{project.project_id}/global/networks/default"
    network: dict[str, Any] = {
        "kind": Networks.kind,
        "id": module.world.next_id(),
        "creationTimestamp": now_rfc3339(),
        "name": "default",
        "description": "Default network for the project",
        "selfLink": self_link(path),
        "autoCreateSubnetworks": True,
    }
    networks.server_fields(network, project.project_id, None)
    module.state.resources[path] = network
    networks.on_created(path, network)


COLLECTIONS = [Networks]
