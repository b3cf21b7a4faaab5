"""Subnetworks: ranges, proxy-only subnets, Private Google Access, and subnet IAM (Shared VPC).

Rules and their sources:
- Ranges must not overlap another range of the same network:
  `Invalid value for field 'resource.ipCidrRange': 'R'. Invalid IPCidrRange: R conflicts with existing
  subnetwork 'S' in region 'REG'.` (quoted in terraform-google-modules/terraform-google-network#20).
- Custom subnets of an auto mode network stay out of 10.128.0.0/9: `Extended subnetworks in auto subnet
  mode networks cannot overlap with 10.128.0.0/9.` (cloudfoundry/bosh-google-cpi-release#262).
- Valid and prohibited IPv4 ranges, /8 to /29 primary ranges, the four reserved addresses:
  https://cloud.google.com/vpc/docs/subnets#valid-ranges (wording of the refusals UNCONFIRMED).
- Proxy-only subnets (docs/google-behaviour.md, "Compute: networks, subnetworks and proxy-only subnets"): role required
  (`Invalid value for field 'resource.role': 'UNSPECIFIED_ROLE'. Subnetwork role must be specified when
  purpose set to REGIONAL_MANAGED_PROXY.`, hashicorp/terraform-provider-google#13438); logConfig refused
  (`Invalid value for field 'resource.logConfig': '{  "enable": false}'. Invalid field set in subnetwork
  with purpose REGIONAL_MANAGED_PROXY.`, GoogleCloudPlatform/cloud-foundation-fabric#633); one ACTIVE per
  network and region, never INTERNAL_HTTPS_LOAD_BALANCER and REGIONAL_MANAGED_PROXY side by side
  (https://cloud.google.com/load-balancing/docs/proxy-only-subnets); at least /26.
- Patch needs the current fingerprint (412); Private Google Access changes through
  setPrivateIpGoogleAccess (an operation); IAM through getIamPolicy (GET) / setIamPolicy (POST
  RegionSetPolicyRequest) (docs/google-behaviour.md, "Compute: Shared VPC").
"""

from __future__ import annotations

import ipaddress
import json
from typing import Any

from crpatterns.emulator.compute import queries
from crpatterns.emulator.compute.collection import Collection, invalid_field, matches_filter
from crpatterns.emulator.compute.regions import AUTO_MODE_BLOCK
from crpatterns.emulator.compute.store import fingerprint, self_link, split_path
from crpatterns.emulator.core.errors import ApiError, bad_request
from crpatterns.emulator.core.routing import ApiRequest, Route

# Fields Google computes; a body may carry them back (gcloud sends what it read) but never sets them.
COMPUTED = ("gatewayAddress", "state", "ipv6CidrRange", "utilizationDetails", "externalIpv6Prefix",
            "systemReservedExternalIpv6Ranges", "systemReservedInternalIpv6Ranges", "ipv6GceEndpoint")
PROHIBITED = tuple(
    ipaddress.ip_network(cidr)
    for cidr in ("0.0.0.0/8", "127.0.0.0/8", "169.254.0.0/16", "224.0.0.0/4", "255.255.255.255/32",
                 "199.36.153.4/30", "199.36.153.8/30")
)
REGIONAL_PROXY = ("REGIONAL_MANAGED_PROXY", "INTERNAL_HTTPS_LOAD_BALANCER")
# Fields refused on proxy-only subnets, with the value that is still accepted (terraform sends it).
PROXY_REFUSED = {"logConfig": None, "enableFlowLogs": False, "privateIpGoogleAccess": False,
                 "secondaryIpRanges": []}


def build_auto_subnet(name: str, project: str, region: str, network_path: str, cidr: str,
                      resource_id: str, created: str) -> dict[str, Any]:
    """An auto mode subnet as Google returns it (marked `_auto`: it goes when its network goes)."""
    subnet = {
        "kind": "compute#subnetwork",
        "id": resource_id,
        "creationTimestamp": created,
        "name": name,
        "network": self_link(network_path),
        "ipCidrRange": cidr,
        "region": self_link(f"projects/{project}/regions/{region}"),
        "selfLink": self_link(f"projects/{project}/regions/{region}/subnetworks/{name}"),
    }
    fill_defaults(subnet)
    subnet["fingerprint"] = fingerprint(subnet)
    subnet["_auto"] = True
    return subnet


def keep_computed(resource: dict[str, Any], existing: dict[str, Any] | None, fields: tuple[str, ...]) -> None:
    """Computed fields come from the server, never from the body (gcloud sends back what it read)."""
    for field in fields:
        resource.pop(field, None)
        if existing is not None and field in existing:
            resource[field] = existing[field]


def fill_defaults(subnet: dict[str, Any]) -> None:
    network = ipaddress.ip_network(subnet["ipCidrRange"])
    subnet["gatewayAddress"] = str(network.network_address + 1)
    subnet.setdefault("privateIpGoogleAccess", False)
    subnet.setdefault("purpose", "PRIVATE")
    subnet.setdefault("stackType", "IPV4_ONLY")
    subnet.setdefault("privateIpv6GoogleAccess", "DISABLE_GOOGLE_ACCESS")
    if subnet["purpose"] in queries.PROXY_ONLY_PURPOSES:
        subnet["state"] = "READY"


def parse_cidr(value: Any, field: str, smallest: int = 29) -> ipaddress.IPv4Network:
    """A subnet range: IPv4 CIDR with no host bits, /8 to /`smallest`, outside prohibited ranges.
    Messages UNCONFIRMED except the "Invalid IPCidrRange" prefix Google uses for range errors."""
    try:
        network = ipaddress.IPv4Network(value, strict=True)
    except (ValueError, TypeError):
        raise invalid_field(field, value, f"Invalid IPCidrRange: {value}.") from None
    if "/" not in str(value):
        raise invalid_field(field, value, f"Invalid IPCidrRange: {value}.")
    if not 8 <= network.prefixlen <= smallest:
        raise invalid_field(field, value, f"Invalid IPCidrRange: {value}. The prefix length must be between "
                                          f"/8 and /{smallest}.")
    for prohibited in PROHIBITED:
        if network.overlaps(prohibited):
            raise invalid_field(field, value, f"Invalid IPCidrRange: {value} overlaps with the prohibited "
                                              f"range {prohibited}.")
    return network


def subnet_ranges(subnet: dict[str, Any]) -> list[ipaddress.IPv4Network]:
    ranges = [subnet.get("ipCidrRange")] + [r.get("ipCidrRange") for r in subnet.get("secondaryIpRanges", [])]
    return [ipaddress.ip_network(r, strict=False) for r in ranges if r]


def refused_on_proxy(field: str, value: Any, purpose: str) -> ApiError:
    shown = json.dumps(value, indent=2).replace("\n", "") if isinstance(value, dict | list) else value
    return invalid_field(f"resource.{field}", shown, f"Invalid field set in subnetwork with purpose {purpose}.")


class Subnetworks(Collection):
    name = "subnetworks"
    kind = "compute#subnetwork"
    snake = "subnetwork"
    verbs = ("insert", "get", "list", "delete", "patch", "aggregatedList")
    # Set at creation only; changing the range goes through expandIpCidrRange (not emulated).
    immutable = ("network", "ipCidrRange", "purpose", "description", "privateIpGoogleAccess")

    # -- validation ---------------------------------------------------------------------------

    def validate(self, request: ApiRequest, resource: dict[str, Any], project: str, region: str | None,
                 existing: dict[str, Any] | None) -> None:
        assert region is not None
        keep_computed(resource, existing, COMPUTED)
        if existing is None:
            resource["network"] = self.network_link(resource.get("network"), project)
        purpose = resource.get("purpose") or "PRIVATE"
        proxy = purpose in queries.PROXY_ONLY_PURPOSES
        if existing is None:
            network = parse_cidr(resource.get("ipCidrRange"), "resource.ipCidrRange", 26 if proxy else 29)
            resource["ipCidrRange"] = str(network)
        self.check_secondary_ranges(resource)
        self.check_overlaps(resource, project, region)
        if proxy:
            self.check_proxy_only(resource, purpose, project, region)
        elif resource.get("role"):
            raise invalid_field("resource.role", resource["role"], "Subnetwork role can only be set when purpose "
                                "is REGIONAL_MANAGED_PROXY, GLOBAL_MANAGED_PROXY or INTERNAL_HTTPS_LOAD_BALANCER.")

    def network_link(self, reference: Any, project: str) -> str:
        if not reference:
            raise invalid_field("resource.network", "", "The network is required for a subnetwork.")
        path = self.state.resolve(reference, "resource.network", project, None, ("global/networks",))
        if split_path(path)[0] != project:
            # UNCONFIRMED wording: a subnetwork lives in its network's project (Shared VPC shares it).
            raise invalid_field("resource.network", reference,
                                "The network must be in the same project as the subnetwork.")
        network = self.state.require(path)
        if "autoCreateSubnetworks" not in network:
            raise invalid_field("resource.network", reference,
                                "Subnetworks cannot be created in a legacy network.")  # UNCONFIRMED wording
        return self_link(path)

    def check_secondary_ranges(self, resource: dict[str, Any]) -> None:
        names: set[str] = set()
        for index, secondary in enumerate(resource.get("secondaryIpRanges", [])):
            field = f"resource.secondaryIpRanges[{index}]"
            name = secondary.get("rangeName")
            if not name or name in names:
                raise invalid_field(f"{field}.rangeName", name, "Range names must be unique and non-empty.")
            names.add(name)
            secondary["ipCidrRange"] = str(parse_cidr(secondary.get("ipCidrRange"), f"{field}.ipCidrRange", 29))

    def check_overlaps(self, resource: dict[str, Any], project: str, region: str) -> None:
        """Every range against the network's other subnets' ranges, and against each other."""
        own_path = f"projects/{project}/regions/{region}/subnetworks/{resource['name']}"
        fields = [("resource.ipCidrRange", resource["ipCidrRange"])] + [
            (f"resource.secondaryIpRanges[{i}].ipCidrRange", r["ipCidrRange"])
            for i, r in enumerate(resource.get("secondaryIpRanges", []))
        ]
        network = self.state.get(resource["network"].split("/compute/v1/", 1)[1])
        auto = bool(network and network.get("autoCreateSubnetworks"))
        for index, (field, text) in enumerate(fields):
            candidate = ipaddress.ip_network(text)
            if auto and candidate.overlaps(AUTO_MODE_BLOCK):
                raise invalid_field(field, text, "Extended subnetworks in auto subnet mode networks cannot "
                                                 f"overlap with {AUTO_MODE_BLOCK}.")
            for _, earlier in fields[:index]:
                if candidate.overlaps(ipaddress.ip_network(earlier)):
                    raise self.conflict(field, text, resource["name"], region)
            for path, other in self.state.resources.items():
                if (path == own_path or other.get("kind") != self.kind
                        or not queries.same_resource(self.state, other.get("network"), resource["network"])):
                    continue
                if any(candidate.overlaps(r) for r in subnet_ranges(other)):
                    raise self.conflict(field, text, other["name"], split_path(path)[1])

    @staticmethod
    def conflict(field: str, cidr: str, subnet: str, region: str | None) -> ApiError:
        return invalid_field(field, cidr, f"Invalid IPCidrRange: {cidr} conflicts with existing subnetwork "
                                          f"'{subnet}' in region '{region}'.")

    def check_proxy_only(self, resource: dict[str, Any], purpose: str, project: str, region: str) -> None:
        if not resource.get("role"):
            raise invalid_field("resource.role", "UNSPECIFIED_ROLE",
                                f"Subnetwork role must be specified when purpose set to {purpose}.")
        for field, allowed in PROXY_REFUSED.items():
            if field in resource and resource[field] != allowed:
                raise refused_on_proxy(field, resource[field], purpose)
        own_path = f"projects/{project}/regions/{region}/subnetworks/{resource['name']}"
        for other in self.state.in_scope(project, region, "subnetworks"):
            other_purpose = other.get("purpose")
            if other["selfLink"].endswith(own_path) or other_purpose not in queries.PROXY_ONLY_PURPOSES:
                continue
            if not queries.same_resource(self.state, other.get("network"), resource["network"]):
                continue
            if purpose in REGIONAL_PROXY and other_purpose in REGIONAL_PROXY and other_purpose != purpose:
                raise invalid_field("resource.purpose", purpose, f"A subnetwork with purpose {other_purpose} "
                                    f"already exists in region '{region}' of this network: '{other['name']}'.")
            if other_purpose == purpose and other.get("role") == resource["role"]:
                # Wording UNCONFIRMED: Google allows one ACTIVE (and one BACKUP) per network and region.
                raise invalid_field("resource.role", resource["role"], f"There is already a {resource['role']} "
                                    f"subnetwork with purpose {purpose} in region '{region}' of network "
                                    f"'{resource['network']}': '{other['name']}'.")

    def server_fields(self, resource: dict[str, Any], project: str, region: str | None) -> None:
        fill_defaults(resource)

    def blocking_users(self, path: str, resource: dict[str, Any]) -> list[str]:
        """What references the subnet, and for an ACTIVE proxy-only subnet the forwarding rules of the
        Envoy-based load balancers it powers: https://cloud.google.com/load-balancing/docs/proxy-only-subnets,
        "Delete a proxy-only subnet" (the forwarding rules using an active proxy-only subnet must be deleted
        before it). UNCONFIRMED: Google's wording; the emulator answers the usual 400
        resourceInUseByAnotherResource naming the first such rule."""
        return super().blocking_users(path, resource) + queries.rules_on_proxy_only_subnet(self.state, resource)

    # -- extra methods ------------------------------------------------------------------------

    def extra_routes(self) -> list[Route]:
        return [
            self.route("getIamPolicy", self.get_iam_policy),
            self.route("setIamPolicy", self.set_iam_policy, body_root="region_set_policy_request_resource"),
            self.route("setPrivateIpGoogleAccess", self.set_private_ip_google_access,
                       body_root="subnetworks_set_private_ip_google_access_request_resource"),
            self.route("listUsable", self.list_usable),
        ]

    def list_usable(self, request: ApiRequest) -> dict[str, Any]:
        """The subnets the project can use: its own, and those of its Shared VPC host on which the caller holds
        compute.subnetworks.use ("Retrieves an aggregated list of all usable subnetworks in the project",
        discovery; the caller's grants decide which host subnets are shared with them:
        compute/cross_project.py). Without a known caller, every subnet of the host."""
        project = self.state.project_id(request.params["project"])
        owners = [project] + [h for h in [queries.xpn_host_of(self.state, project)] if h]
        items = []
        for owner in owners:
            for path, subnet in sorted(self.state.resources.items()):
                if path.startswith(f"projects/{owner}/regions/") and subnet.get("kind") == self.kind \
                        and not subnet.get("_creating") and (owner == project or self.usable(path, owner)):
                    usable = {"subnetwork": subnet["selfLink"], "network": subnet["network"]}
                    usable.update({k: subnet[k] for k in ("ipCidrRange", "secondaryIpRanges", "purpose", "role",
                                                          "stackType") if k in subnet})
                    items.append(usable)
        return {"kind": "compute#usableSubnetworksAggregatedList",
                "id": f"projects/{project}/aggregated/subnetworks/listUsable",
                "items": [i for i in items if matches_filter(i, request.arg("filter") or "")],
                "selfLink": self_link(f"projects/{project}/aggregated/subnetworks/listUsable")}

    def usable(self, path: str, host: str) -> bool:
        """Whether the caller may use a subnet of the Shared VPC host (compute.subnetworks.use)."""
        from crpatterns.emulator.compute.cross_project import SUBNET_USE, require

        try:
            require(self.state, SUBNET_USE, path, host)
        except ApiError:
            return False
        return True

    def get_iam_policy(self, request: ApiRequest) -> dict[str, Any]:
        path, _ = self.target(request, "resource")
        return self.state.world.iam.get(queries.subnet_policy_key(self.state, path))

    def set_iam_policy(self, request: ApiRequest) -> dict[str, Any]:
        """Body RegionSetPolicyRequest: `policy`, or the deprecated flattened `bindings` and `etag`."""
        path, _ = self.target(request, "resource")
        body = request.body or {}
        policy = body.get("policy")
        if policy is None:
            if "bindings" not in body:
                raise bad_request("Invalid value for field 'policy': ''. The policy is required.")  # UNCONFIRMED
            policy = {"bindings": body["bindings"], "etag": body.get("etag")}
        project = self.state.world.find_project(request.params["project"])
        return self.state.world.iam.set(queries.subnet_policy_key(self.state, path), policy, project)

    def set_private_ip_google_access(self, request: ApiRequest) -> dict[str, Any]:
        path, resource = self.target(request)
        enabled = bool((request.body or {}).get("privateIpGoogleAccess", False))
        if enabled and queries.is_proxy_only(resource):
            raise refused_on_proxy("privateIpGoogleAccess", "true", resource["purpose"])

        def commit() -> None:
            resource["privateIpGoogleAccess"] = enabled
            self.refresh_fingerprints(resource)

        return self.operation(request, "setPrivateIpGoogleAccess", path, resource, commit)


COLLECTIONS = [Subnetworks]
