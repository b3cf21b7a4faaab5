"""forwardingRules (regional) and globalForwardingRules: the front ends of the load balancers.

Rules (docs/google-behaviour.md, "Compute: forwarding rules and addresses" and "Compute: backend services";
discovery compute.v1 ForwardingRule):
- The rule's loadBalancingScheme must match the scheme of the backend service behind its target
  proxy (proxy -> URL map -> default backend): `Load balancing scheme X does not match the backend
  service load balancing scheme Y.`
- Global external (EXTERNAL, EXTERNAL_MANAGED): PREMIUM tier only ("For GlobalForwardingRule, the valid
  value is PREMIUM"), no network, a global target proxy, IPAddress a reserved global address (URL or
  its IP), ephemeral public IP otherwise.
- Global INTERNAL_MANAGED (the cross-region internal Application Load Balancer): a regular subnetwork, whose
  region is where the rule's address lives, an ACTIVE GLOBAL_MANAGED_PROXY proxy-only subnet in that region
  and VPC, a global target proxy, an IP of the subnetwork (docs/google-behaviour.md, "Compute: cross-region
  internal Application Load Balancers").
- Regional INTERNAL_MANAGED: network and a regular (not proxy-only) subnetwork, IPProtocol TCP, one of
  ports / portRange / allPorts (mutually exclusive), a regional target proxy of the same region, an
  ACTIVE proxy-only subnet in the region and VPC, IPAddress inside the subnet, PREMIUM tier,
  allowGlobalAccess fixed at creation. Without an IPAddress, a free IP of the subnet.
- Two rules cannot share [IPAddress, IPProtocol] with overlapping ports (in the same VPC network for
  internal rules).
- labels through setLabels with the labelFingerprint (412 when stale); patch changes only networkTier
  (and allowGlobalAccess, except on INTERNAL_MANAGED rules); setTarget re-points the rule at a target
  of the same type.
- A rule holds the address it takes its IP from: the address cannot be deleted while the rule exists.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from crpatterns.emulator.compute import field_rules, queries
from crpatterns.emulator.compute.backend_services import scheme_mismatch
from crpatterns.emulator.compute.collection import Collection, invalid_field, required_field
from crpatterns.emulator.compute.store import public, self_link, split_path
from crpatterns.emulator.compute.target_proxies import proxy_scheme
from crpatterns.emulator.core.errors import bad_request
from crpatterns.emulator.core.routing import ApiRequest, Route

PROXY_TARGETS = {
    False: ("global/targetHttpProxies", "global/targetHttpsProxies"),
    True: ("regions/targetHttpProxies", "regions/targetHttpsProxies"),
}
EXTERNAL_SCHEMES = ("EXTERNAL", "EXTERNAL_MANAGED")
CROSS_REGION_SCHEME = "INTERNAL_MANAGED"  # a global INTERNAL_MANAGED rule: the cross-region internal ALB
# Envoy-based regional schemes: they need the region's proxy-only subnet.
PROXY_SUBNET_SCHEMES = ("INTERNAL_MANAGED", "EXTERNAL_MANAGED")
# Classic external Application Load Balancers listen on fixed ports (load-balancing docs, "Port
# specifications"); the envoy-based ones on any port.
CLASSIC_PORTS = {"targetHttpProxies": (80, 8080), "targetHttpsProxies": (443,)}
# Pool for ephemeral external IPs, apart from the pools static addresses are reserved from.
EPHEMERAL_EXTERNAL_POOL = ipaddress.ip_network("34.110.0.0/16")
# Fields of passthrough load balancers and protocol forwarding, never of a target proxy's rule.
PASSTHROUGH_FIELDS = ("ports", "allPorts", "backendService")
# labelFingerprint and fingerprint may come back as read; labels change only through setLabels.
PATCHABLE = ("networkTier", "allowGlobalAccess", "fingerprint", "labelFingerprint")
OUTPUT_FIELDS = ("selfLinkWithId", "pscConnectionId", "pscConnectionStatus", "baseForwardingRule",
                 "childForwardingRules", "serviceName")


def port_ranges(resource: dict[str, Any]) -> list[tuple[int, int]]:
    """The rule's ports as ranges, normalising portRange "80" to "80-80" as Google returns it."""
    given = [field for field in ("ports", "portRange", "allPorts") if resource.get(field)]
    if len(given) > 1:
        # Documented rule (discovery: "The ports, portRange, and allPorts fields are mutually exclusive");
        # wording UNCONFIRMED.
        raise invalid_field(f"resource.{given[1]}", resource[given[1]], "The ports, portRange and allPorts "
                            "fields are mutually exclusive.")
    if not given:
        raise required_field("resource.portRange")  # a target proxy listens on a port (UNCONFIRMED wording)
    if given[0] == "allPorts":
        return [(1, 65535)]
    texts = resource["ports"] if given[0] == "ports" else [resource["portRange"]]
    ranges = []
    for text in texts:
        low, _, high = str(text).partition("-")
        try:
            span = (int(low), int(high or low))
        except ValueError:
            span = (0, -1)
        if not (1 <= span[0] <= span[1] <= 65535):
            raise invalid_field(f"resource.{given[0]}", text, "Must be a port or a port range within 1-65535.")
        ranges.append(span)
    if given[0] == "portRange":
        resource["portRange"] = f"{ranges[0][0]}-{ranges[0][1]}"
    return ranges


def refuse_passthrough_ports(resource: dict[str, Any]) -> None:
    """Application Load Balancers (a target proxy) take portRange: discovery ForwardingRule.ports and allPorts
    are "applicable only to the following products: internal passthrough Network Load Balancers, backend
    service-based external passthrough Network Load Balancers, and internal protocol forwarding" (allPorts:
    "...and internal and external protocol forwarding"), while portRange is applicable to "internal and
    external Application Load Balancers"; and backendService "cannot be set by other load balancer types" than
    the passthrough ones. UNCONFIRMED: Google's wording; the emulator answers 400 invalid naming the field."""
    for field in PASSTHROUGH_FIELDS:
        value = resource.get(field)
        if value:
            shown = ",".join(str(v) for v in value) if isinstance(value, list) else value
            raise invalid_field(f"resource.{field}", shown, f"The {field} field applies only to passthrough "
                                "Network Load Balancers and protocol forwarding; a forwarding rule whose target "
                                f"is a target proxy {'takes portRange' if field != 'backendService' else 'has none'}.")


def overlaps(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> bool:
    return any(x[0] <= y[1] and y[0] <= x[1] for x in a for y in b)


class _ForwardingRules(Collection):
    kind = "compute#forwardingRule"
    snake = "forwarding_rule"
    labels = True

    def validate(
        self, request: ApiRequest, resource: dict[str, Any], project: str, region: str | None,
        existing: dict[str, Any] | None,
    ) -> None:
        if existing is not None:
            self.check_patch(resource, existing)
            return
        for field in OUTPUT_FIELDS:
            resource.pop(field, None)
        scheme = resource.setdefault("loadBalancingScheme", "EXTERNAL")
        resource.setdefault("networkTier", "PREMIUM")
        protocol = resource.setdefault("IPProtocol", "TCP")
        reference = resource.get("target")
        if not reference:
            raise required_field("resource.target")  # only target-proxy rules are modelled
        target = self.link_target(reference, "resource.target", project, region)
        resource["target"] = self_link(target)
        self.check_scheme(scheme, target)
        if protocol != "TCP":
            # Application Load Balancers take TCP only; wording UNCONFIRMED.
            raise invalid_field("resource.IPProtocol", protocol, "A forwarding rule with a target proxy must "
                                "use IPProtocol TCP.")
        ranges = port_ranges(resource)
        refuse_passthrough_ports(resource)
        if len(ranges) != 1 or ranges[0][0] != ranges[0][1]:
            raise invalid_field("resource.portRange", resource.get("portRange", ""), "A forwarding rule with a "
                                "target proxy takes a single port.")  # wording UNCONFIRMED
        if region is None:
            self.check_global(resource, scheme, target, ranges, project)
        else:
            self.check_regional(request, resource, scheme, ranges, project, region)

    def rule_context(self, resource: dict[str, Any], region: str | None) -> field_rules.Context:
        """The scheme the rule will have: EXTERNAL when not given (discovery ForwardingRule.loadBalancingScheme)."""
        return field_rules.Context(resource.get("loadBalancingScheme") or "EXTERNAL", region is not None)

    # -- targets ------------------------------------------------------------------------------

    def link_target(self, reference: Any, field: str, project: str, region: str | None) -> str:
        # discovery ForwardingRule.target: "For regional forwarding rules, this target must be in the same region
        # as the forwarding rule. For global forwarding rules, this target must be a global load balancing
        # resource." Wording UNCONFIRMED.
        where = f"a regional target proxy in region '{region}'" if region else "a global target proxy"
        link = self.link_in_scope(reference, field, project, region, PROXY_TARGETS[True] + PROXY_TARGETS[False],
                                  f"The forwarding rule must point at {where}.")
        return queries.canonical_path(self.state, link)

    def check_scheme(self, scheme: str, target_path: str) -> None:
        backend = proxy_scheme(self.state, target_path)
        if backend is not None and backend != scheme:
            raise scheme_mismatch(scheme, backend)

    # -- global external ----------------------------------------------------------------------

    def check_global(self, resource: dict[str, Any], scheme: str, target: str, ranges: list[tuple[int, int]],
                     project: str) -> None:
        if resource["networkTier"] != "PREMIUM":
            raise invalid_field("resource.networkTier", resource["networkTier"], "Global forwarding rules "
                                "support only the PREMIUM network tier.")  # rule from discovery; UNCONFIRMED wording
        if scheme == CROSS_REGION_SCHEME:
            self.check_cross_region(resource, ranges, project)
            return
        if scheme not in EXTERNAL_SCHEMES:
            # Traffic Director (INTERNAL_SELF_MANAGED) global rules are not modelled.
            raise invalid_field("resource.loadBalancingScheme", scheme, "Only EXTERNAL, EXTERNAL_MANAGED and "
                                "INTERNAL_MANAGED global forwarding rules are supported by the emulator.")
        if resource.get("network") or resource.get("subnetwork"):
            field = "network" if resource.get("network") else "subnetwork"
            raise invalid_field(f"resource.{field}", resource[field], "A network cannot be specified for an "
                                "external global forwarding rule.")  # ForwardingRule.network; wording UNCONFIRMED
        if resource.get("allowGlobalAccess") is not None:
            raise invalid_field("resource.allowGlobalAccess", resource["allowGlobalAccess"], "allowGlobalAccess "
                                "applies only to internal forwarding rules.")  # wording UNCONFIRMED
        _, _, proxy_kind, _ = split_path(target)
        if scheme == "EXTERNAL" and ranges[0][0] not in CLASSIC_PORTS[proxy_kind]:
            allowed = ", ".join(str(p) for p in CLASSIC_PORTS[proxy_kind])
            raise invalid_field("resource.portRange", resource["portRange"], f"Port must be one of {allowed} for "
                                "this target proxy.")  # wording UNCONFIRMED
        ip = resource.get("IPAddress")
        if ip:
            address_path = self.global_address(ip, project)
            address = self.state.require(address_path)
            resource["IPAddress"] = address["address"]
            resource["_uses"] = [address_path]
        else:
            resource["IPAddress"] = self.ephemeral_external_ip()
        self.check_conflicts(resource, ranges, None)

    def global_address(self, reference: str, project: str) -> str:
        """The reserved global address a global external rule takes its IP from (URL, name or its IP)."""
        if is_ip(reference):
            for address in self.state.in_scope(project, None, "addresses"):
                if address.get("address") == reference:
                    path = queries.canonical_path(self.state, address["selfLink"])
                    break
            else:
                # Global external IPs come only from the project's reserved addresses; wording UNCONFIRMED.
                raise invalid_field("resource.IPAddress", reference, "The IP address is not a global address "
                                    "reserved in this project.")
        else:
            path = self.state.resolve(reference, "resource.IPAddress", project, None, ("global/addresses",))
        address = self.state.require(path)
        if address.get("addressType", "EXTERNAL") != "EXTERNAL":
            raise invalid_field("resource.IPAddress", reference, "An external forwarding rule needs an EXTERNAL "
                                "address.")  # wording UNCONFIRMED
        return path

    def ephemeral_external_ip(self) -> str:
        taken = {r.get("IPAddress") for r in self.state.resources.values()} | {
            r.get("address") for r in self.state.resources.values()}
        for host in EPHEMERAL_EXTERNAL_POOL.hosts():
            if str(host) not in taken:
                return str(host)
        raise bad_request("No ephemeral external IP address is left.")  # an emulator limit

    # -- cross-region internal ----------------------------------------------------------------

    def check_cross_region(self, resource: dict[str, Any], ranges: list[tuple[int, int]], project: str) -> None:
        """A global INTERNAL_MANAGED rule: its address comes from a regular subnetwork of the VPC, and the
        subnetwork's region needs an ACTIVE GLOBAL_MANAGED_PROXY subnet ("You must create a proxy-only subnet
        in each region of the VPC network where you use cross-region internal Application Load Balancers",
        https://cloud.google.com/load-balancing/docs/l7-internal/setting-up-l7-cross-reg-internal). gcloud
        sends the subnetwork as a URL (`--subnet --subnet-region`). UNCONFIRMED: Google's wording of these
        refusals, and whether an auto mode network lets the subnetwork be left out (the emulator needs it:
        the rule has no region otherwise)."""
        if not resource.get("subnetwork"):
            raise required_field("resource.subnetwork")
        subnet_path = self.state.resolve(resource["subnetwork"], "resource.subnetwork", project, None,
                                         ("regions/subnetworks",))
        subnet = self.state.require(subnet_path)
        _, region, _, _ = split_path(subnet_path)
        assert region is not None
        resource["subnetwork"] = self_link(subnet_path)
        resource.setdefault("network", subnet.get("network"))
        network = self.state.resolve(resource["network"], "resource.network", project, None, ("global/networks",))
        resource["network"] = self_link(network)
        if resource.get("allowGlobalAccess"):
            raise invalid_field("resource.allowGlobalAccess", True, "allowGlobalAccess applies to regional "
                                "forwarding rules; a cross-region internal forwarding rule is reachable from every "
                                "region.")  # discovery ForwardingRule.allowGlobalAccess; wording UNCONFIRMED
        self.check_internal(resource, subnet, region)
        network_project, _, _, _ = split_path(network)
        if queries.active_global_proxy_only_subnet(self.state, network_project, region, network) is None:
            raise invalid_field("resource.subnetwork", resource["subnetwork"], "An active proxy-only subnetwork "
                                "with purpose GLOBAL_MANAGED_PROXY is required in the same region and VPC as the "
                                "forwarding rule's subnetwork.")
        self.internal_ip(resource, subnet, project, region)
        self.check_conflicts(resource, ranges, network)

    # -- regional internal --------------------------------------------------------------------

    def check_regional(self, request: ApiRequest, resource: dict[str, Any], scheme: str,
                       ranges: list[tuple[int, int]], project: str, region: str) -> None:
        if scheme not in PROXY_SUBNET_SCHEMES:
            raise invalid_field("resource.loadBalancingScheme", scheme, "Only INTERNAL_MANAGED and "
                                "EXTERNAL_MANAGED regional forwarding rules are supported by the emulator.")
        subnet = None
        if resource.get("subnetwork"):
            subnet_path = self.state.resolve(resource["subnetwork"], "resource.subnetwork", project, region,
                                             ("regions/subnetworks",))
            subnet = self.state.require(subnet_path)
            resource["subnetwork"] = self_link(subnet_path)
            # The network follows from the subnetwork when not given (UNCONFIRMED).
            resource.setdefault("network", subnet.get("network"))
        if not resource.get("network"):
            raise required_field("resource.network")
        network = self.state.resolve(resource["network"], "resource.network", project, region, ("global/networks",))
        resource["network"] = self_link(network)
        if scheme == "INTERNAL_MANAGED":
            self.check_internal(resource, subnet, region)
        elif resource.get("subnetwork"):
            raise invalid_field("resource.subnetwork", resource["subnetwork"], "A subnetwork cannot be specified "
                                "for an external forwarding rule.")  # wording UNCONFIRMED
        network_project, _, _, _ = split_path(network)
        # The proxy-only subnet lives with the network (in the host project for a Shared VPC).
        if queries.active_proxy_only_subnet(self.state, network_project, region, network) is None:
            raise invalid_field("resource.target", request.body["target"], "An active proxy-only subnetwork is "
                                "required in the same region and VPC as the forwarding rule.")
        if scheme == "INTERNAL_MANAGED":
            self.internal_ip(resource, subnet, project, region)
        else:
            resource["IPAddress"] = resource.get("IPAddress") or self.ephemeral_external_ip()
        self.check_conflicts(resource, ranges, network)

    def check_internal(self, resource: dict[str, Any], subnet: dict[str, Any] | None, region: str) -> None:
        if subnet is None:
            raise required_field("resource.subnetwork")
        if resource["networkTier"] != "PREMIUM":
            raise invalid_field("resource.networkTier", resource["networkTier"], "Internal forwarding rules "
                                "support only the PREMIUM network tier.")  # wording UNCONFIRMED
        if queries.is_proxy_only(subnet):
            raise invalid_field("resource.subnetwork", resource["subnetwork"], "The subnetwork of a forwarding "
                                f"rule cannot have purpose {subnet.get('purpose')}.")  # wording UNCONFIRMED
        if not queries.same_resource(self.state, subnet.get("network"), resource["network"]):
            raise invalid_field("resource.subnetwork", resource["subnetwork"], "The subnetwork does not belong "
                                "to the network of the forwarding rule.")  # wording UNCONFIRMED

    def internal_ip(self, resource: dict[str, Any], subnet: dict[str, Any], project: str, region: str) -> None:
        """The rule's IP: a reserved internal address (URL or IP), a literal IP of the subnet, or a free one."""
        subnet_link = resource["subnetwork"]
        reference = resource.get("IPAddress")
        if not reference:
            ip = queries.free_ip(self.state, subnet_link)
            if ip is None:
                raise bad_request(f"The subnetwork '{subnet_link}' has no free IP address left.")  # UNCONFIRMED
            resource["IPAddress"] = ip
            return
        address_path = None
        if is_ip(reference):
            ip = reference
            for address in self.state.in_scope(project, region, "addresses"):
                if address.get("address") == ip and address.get("addressType") == "INTERNAL":
                    address_path = queries.canonical_path(self.state, address["selfLink"])
        else:
            address_path = self.state.resolve(reference, "resource.IPAddress", project, region,
                                              ("regions/addresses",))
            ip = self.state.require(address_path).get("address", "")
        if not queries.ip_in_subnetwork(subnet, ip):
            # docs/google-behaviour.md, "Compute: forwarding rules and addresses"; exact form UNCONFIRMED.
            raise bad_request(f"Address '{ip}' is not in the subnetwork ranges of network '{resource['network']}'")
        if ip in queries.reserved_ips(subnet):
            # The subnet's network, gateway and last two addresses are never assignable; wording UNCONFIRMED.
            raise invalid_field("resource.IPAddress", ip, "The IP address is reserved in the subnetwork.")
        resource["IPAddress"] = ip
        if address_path:
            resource["_uses"] = [address_path]

    # -- shared -------------------------------------------------------------------------------

    def check_conflicts(self, resource: dict[str, Any], ranges: list[tuple[int, int]], network: str | None) -> None:
        """Two rules on one [IPAddress, IPProtocol] (in one VPC network, for internal rules) cannot have
        overlapping ports (discovery, ForwardingRule.portRange). `network`: the rule's VPC, where every rule of
        the network counts, regional or cross-region; None for a global external rule, which meets only the
        other global external rules. Wording UNCONFIRMED."""
        for path, other in self.state.resources.items():
            if other.get("kind") != self.kind or other.get("IPAddress") != resource["IPAddress"]:
                continue
            if other.get("IPProtocol") != resource["IPProtocol"] or not overlaps(port_ranges(dict(other)), ranges):
                continue
            if network is not None and not queries.same_resource(self.state, other.get("network"), network):
                continue
            if network is None and (other.get("network") or split_path(path)[1] is not None):
                continue
            raise invalid_field("resource.IPAddress", resource["IPAddress"], "Specified IP address is in-use and "
                                f"would result in a conflict with '{path}'.")

    def check_fingerprint(self, body: dict[str, Any], resource: dict[str, Any], path: str) -> None:
        # ForwardingRule.fingerprint: "Include the fingerprint in patch request to ensure that you do not
        # overwrite changes": optional, checked when given.
        if "fingerprint" in body:
            super().check_fingerprint(body, resource, path)

    def check_patch(self, new: dict[str, Any], existing: dict[str, Any]) -> None:
        """discovery: "Currently, you can only patch the network_tier field" (and allowGlobalAccess of
        internal passthrough rules); other changes are refused (wording UNCONFIRMED)."""
        before = public(existing)
        for field in sorted(set(new) | set(before)):
            if field in PATCHABLE or new.get(field) == before.get(field):
                continue
            raise invalid_field(f"resource.{field}", new.get(field), f"Field '{field}' cannot be patched.")
        region = split_path(queries.canonical_path(self.state, existing["selfLink"]))[1]
        if region is None and new.get("networkTier", "PREMIUM") != "PREMIUM":
            raise invalid_field("resource.networkTier", new["networkTier"], "Global forwarding rules support "
                                "only the PREMIUM network tier.")
        if new.get("allowGlobalAccess") != before.get("allowGlobalAccess") and (
            existing.get("loadBalancingScheme") == "INTERNAL_MANAGED" or region is None
        ):
            # discovery, ForwardingRule.allowGlobalAccess: fixed at creation for INTERNAL_MANAGED.
            raise invalid_field("resource.allowGlobalAccess", new.get("allowGlobalAccess"), "allowGlobalAccess "
                                "cannot be changed after creation for load balancing scheme INTERNAL_MANAGED.")

    # -- setTarget ----------------------------------------------------------------------------

    def extra_routes(self) -> list[Route]:
        return [self.route("setTarget", self.set_target, body_root="target_reference_resource")]

    def set_target(self, request: ApiRequest) -> dict[str, Any]:
        """Re-points the rule; the new target must be of the same type as the old one (discovery)."""
        path, resource = self.target(request)
        project, region = self.scope(request)
        reference = (request.body or {}).get("target")
        if not reference:
            raise required_field("target")
        target = self.link_target(reference, "target", project, region)
        old_kind = split_path(queries.canonical_path(self.state, resource["target"]))[2]
        if split_path(target)[2] != old_kind:
            raise invalid_field("target", reference, "The new target must be of the same type as the old "
                                "target.")  # wording UNCONFIRMED
        self.check_scheme(resource["loadBalancingScheme"], target)

        def commit() -> None:
            resource["target"] = self_link(target)
            self.refresh_fingerprints(resource)

        return self.operation(request, "setTarget", path, resource, commit)


def is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


class ForwardingRules(_ForwardingRules):
    name = "forwardingRules"
    verbs = ("insert", "get", "list", "delete", "patch", "setLabels", "aggregatedList")


class GlobalForwardingRules(_ForwardingRules):
    name = "globalForwardingRules"
    verbs = ("insert", "get", "list", "delete", "patch", "setLabels")


COLLECTIONS = [ForwardingRules, GlobalForwardingRules]
