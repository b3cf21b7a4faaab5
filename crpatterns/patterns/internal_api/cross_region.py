"""internal-api in several regions: a cross-region internal Application Load Balancer (pure).

A global INTERNAL_MANAGED backend service holds one serverless NEG per region; a global URL map and target
HTTP proxy; one global forwarding rule per region, in that region's subnet, so every region has an address
of its own; and in every region an ACTIVE proxy-only subnet of purpose GLOBAL_MANAGED_PROXY, reused when one
exists (whoever made it), created when not, kept when another load balancer runs on it, as the regional
pattern does with its REGIONAL_MANAGED_PROXY subnet (https://cloud.google.com/load-balancing/docs/l7-internal/
setting-up-l7-cross-reg-serverless; docs/google-behaviour.md, "Compute: cross-region internal Application
Load Balancers"). HTTP only: its HTTPS proxies take Certificate Manager certificates, which the tool does
not manage.

Decisions the issue left open:
- The global forwarding rule of a region is named NAME-rule-REGION (global rules share one namespace) and
  plays the role rule-REGION: it has no single-region twin to take over, unlike the service and NEG.
- A replaced rule asks for its IP again (the IP is what callers use); there is no --ip for several regions.
- Going from one region to several replaces the regional load balancer: the new rules have new addresses,
  and the plan says so on the old forwarding rule's deletion.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from crpatterns.engine.model import Desired, ObservedKey, Ownership, Ref, Scope, per_region
from crpatterns.gcp.load_balancing import ACTIVE_ROLE, GLOBAL_PROXY_PURPOSE, active_proxy_subnet, same_ref
from crpatterns.kinds.keys import KindKey
from crpatterns.patterns import regions as regions_module
from crpatterns.patterns.internal_api.desired import (
    creator,
    first_free,
    ip_in_range,
    made_by,
    service_resources,
    subnet_named,
    taken_ranges,
)
from crpatterns.patterns.internal_api.spec import (
    DEFAULT_PROXY_RANGE,
    PATTERN_NAME,
    RULE_ROLE,
    Facts,
    InternalApiSpec,
    Names,
)
from crpatterns.patterns.regions import changes, ordered

GLOBAL_PROXY_ROLE = "global-proxy-subnet"  # a GLOBAL_MANAGED_PROXY subnet the app made (marker role)


def rule_role(region: str) -> str:
    """The role of a region's global forwarding rule (see the module's decisions)."""
    return f"{RULE_ROLE}-{region}"


def desired(spec: InternalApiSpec, facts: Facts) -> list[Desired]:
    """Every resource of the cross-region API, dependencies first."""
    names = Names.of(spec.name)
    global_ = Scope(spec.project)
    regions = ordered(spec.regions)
    added = changes(regions, facts.lb_regions)[0] if facts.lb_regions else []
    ranges = proxy_ranges(spec, facts)
    resources = [Desired("network", KindKey.NETWORKS, spec.network, global_, ownership=Ownership.EXTERNAL)]
    for region in regions:
        resources += [
            Desired(per_region("subnet", region), KindKey.SUBNETWORKS, spec.subnet_in(region),
                    Scope(spec.project, region), ownership=Ownership.EXTERNAL),
            global_proxy_subnet(spec, facts, region, ranges.get(region)),
            *service_resources(spec, facts, region, region in added),
        ]
    resources += [
        # Serverless NEG backends take no health check, timeoutSec, portName or balancing mode
        # (docs/google-behaviour.md, "Compute: backend services").
        Desired("backend", KindKey.BACKEND_SERVICES, names.backend, global_,
                {"loadBalancingScheme": "INTERNAL_MANAGED", "protocol": "HTTP",
                 "backends": [{"group": Ref(per_region("neg", region))} for region in regions]},
                notes=backend_notes(spec, facts)),
        Desired("url-map", KindKey.URL_MAPS, names.url_map, global_, {"defaultService": Ref("backend")}),
        Desired("http-proxy", KindKey.TARGET_HTTP_PROXIES, names.http_proxy, global_, {"urlMap": Ref("url-map")}),
    ]
    resources += [forwarding_rule(spec, facts, region) for region in regions]
    return resources


def global_proxy_subnet(spec: InternalApiSpec, facts: Facts, region: str, chosen: str | None) -> Desired:
    """The region's ACTIVE GLOBAL_MANAGED_PROXY subnet: reused when one exists, else created for this app."""
    scope = Scope(spec.project, region)
    role = per_region(GLOBAL_PROXY_ROLE, region)
    network_link = (facts.network or {}).get("selfLink") or spec.network
    active = active_proxy_subnet(facts.subnets, region, network_link, (GLOBAL_PROXY_PURPOSE,))
    if active is None:
        body = {"purpose": GLOBAL_PROXY_PURPOSE, "role": ACTIVE_ROLE, "network": Ref("network"), "ipCidrRange": chosen}
        note = (f"network {spec.network} has no active GLOBAL_MANAGED_PROXY proxy-only subnet in {region}: creates "
                f"one ({chosen}); every cross-region internal load balancer of the network in the region will share "
                "it")
        return Desired(role, KindKey.SUBNETWORKS, Names.of(spec.name).global_proxy_subnet, scope, body, notes=(note,))
    ranged = active.get("ipCidrRange")
    if creator(active) == (spec.name, PATTERN_NAME, GLOBAL_PROXY_ROLE):
        body = {"purpose": GLOBAL_PROXY_PURPOSE, "role": ACTIVE_ROLE, "network": Ref("network"), "ipCidrRange": ranged}
        return Desired(role, KindKey.SUBNETWORKS, active["name"], scope, body)
    return Desired(role, KindKey.SUBNETWORKS, active["name"], scope, ownership=Ownership.EXTERNAL,
                   notes=(f"reuses the active GLOBAL_MANAGED_PROXY subnet {active['name']} ({ranged}) in {region}, "
                          f"created {made_by(active)}; it is never changed or deleted by this app",))


def proxy_ranges(spec: InternalApiSpec, facts: Facts) -> dict[str, str]:
    """The range of each GLOBAL_MANAGED_PROXY subnet to create (regions without an active one): the one
    given; else the default when free, or the first free /23 of 10.0.0.0/8, none overlapping another
    range of the network or a range chosen here for another region."""
    taken = [cidr for _, cidr in taken_ranges(facts)]
    network_link = (facts.network or {}).get("selfLink") or spec.network
    chosen: dict[str, str] = {}
    for region in ordered(spec.regions):
        if active_proxy_subnet(facts.subnets, region, network_link, (GLOBAL_PROXY_PURPOSE,)) is not None:
            continue
        given = spec.proxy_range_in(region)
        wanted = ipaddress.IPv4Network(given or DEFAULT_PROXY_RANGE)
        if given is None and any(wanted.overlaps(t) for t in taken):
            wanted = first_free(wanted.prefixlen, taken) or wanted
        chosen[region] = str(wanted)
        taken.append(wanted)
    return chosen


def forwarding_rule(spec: InternalApiSpec, facts: Facts, region: str) -> Desired:
    """A region's global forwarding rule: an internal address of the region's subnet; a replacement asks for
    the same IP again. It needs the region's GLOBAL_MANAGED_PROXY subnet (Google refuses the insert before)."""
    names = Names.of(spec.name)
    body: dict[str, Any] = {
        "IPProtocol": "TCP",
        "portRange": f"{spec.port}-{spec.port}",  # Application Load Balancers take portRange, never ports
        "loadBalancingScheme": "INTERNAL_MANAGED",
        "network": Ref("network"),
        "subnetwork": Ref(per_region("subnet", region)),
        "networkTier": "PREMIUM",
        "target": Ref("http-proxy"),
    }
    now = next((r for r in facts.global_rules if r.get("name") == names.rule_in(region)), None)
    subnet = subnet_named(facts, spec.subnet_in(region), region) or {}
    notes: tuple[str, ...] = ()
    if now is not None and same_ref(now.get("subnetwork"), subnet.get("selfLink")) and ip_in_range(
            now.get("IPAddress", ""), subnet.get("ipCidrRange")):
        body["IPAddress"] = now["IPAddress"]
    elif not facts.lb_cross_region and region in facts.lb_regions:
        notes = (f"the cross-region load balancer's address in {region} is new: callers of the regional "
                 "load balancer's address move to it (`status` lists the addresses)",)
    return Desired(rule_role(region), KindKey.GLOBAL_FORWARDING_RULES, names.rule_in(region), Scope(spec.project),
                   body, depends_on=(per_region(GLOBAL_PROXY_ROLE, region),), notes=notes)


def backend_notes(spec: InternalApiSpec, facts: Facts) -> tuple[str, ...]:
    """What a change of regions does to the backend service, and in which order."""
    if not facts.lb_cross_region:
        return ()
    return regions_module.backend_notes(*changes(spec.regions, facts.lb_regions))


def region_changes(spec: InternalApiSpec, facts: Facts) -> tuple[dict[ObservedKey, str],
                                                                   dict[ObservedKey, tuple[str, ...]]]:
    """Why the plan deletes what a region taken off --region, or the other kind of load balancer, leaves
    behind: one region's regional load balancer gives way to a cross-region one and the other way round. And
    make before break: the old kind's forwarding rules go only once the new kind's exist."""
    if not facts.lb_regions:
        return {}, {}
    names = Names.of(spec.name)
    project, global_ = spec.project, Scope(spec.project)
    reasons: dict[ObservedKey, str] = {}
    after: dict[ObservedKey, tuple[str, ...]] = {}
    for region in changes(spec.regions, facts.lb_regions)[1]:
        scope = Scope(project, region)
        why = f"region {region} is no longer in --region"
        reasons[(KindKey.REGION_NEGS, scope, names.neg)] = (
            f"{why}: deleted once the backend service no longer uses it (the backend service is updated first, so it "
            "always keeps a backend)")
        reasons[(KindKey.RUN_SERVICES, scope, names.service)] = f"{why}: deleted after its NEG"
        reasons[(KindKey.GLOBAL_FORWARDING_RULES, global_, names.rule_in(region))] = (
            f"{why}: its forwarding rule and address go")
        reasons[(KindKey.SUBNETWORKS, scope, names.global_proxy_subnet)] = (
            f"{why}: the proxy-only subnet this app made there goes after the forwarding rule")
    if spec.cross_region and not facts.lb_cross_region:
        region = facts.lb_regions[0]
        scope = Scope(project, region)
        why = "several --region make a cross-region load balancer, which replaces the regional one"
        reasons[(KindKey.FORWARDING_RULES, scope, names.rule)] = (
            f"{why}: this rule and its address go once the new rules exist; callers use the new addresses")
        after[(KindKey.FORWARDING_RULES, scope, names.rule)] = tuple(rule_role(r) for r in spec.regions)
        for kind, name in ((KindKey.REGION_TARGET_HTTP_PROXIES, names.http_proxy),
                           (KindKey.REGION_TARGET_HTTPS_PROXIES, names.https_proxy),
                           (KindKey.REGION_SSL_CERTIFICATES, names.certificate),
                           (KindKey.REGION_URL_MAPS, names.url_map),
                           (KindKey.REGION_BACKEND_SERVICES, names.backend),
                           (KindKey.SUBNETWORKS, names.proxy_subnet),
                           (KindKey.ADDRESSES, names.pinned_address), (KindKey.ADDRESSES, names.address)):
            reasons[(kind, scope, name)] = why
    if not spec.cross_region and facts.lb_cross_region:
        why = "a single --region makes a regional load balancer, which replaces the cross-region one"
        for kind, name in ((KindKey.TARGET_HTTP_PROXIES, names.http_proxy), (KindKey.URL_MAPS, names.url_map),
                           (KindKey.BACKEND_SERVICES, names.backend)):
            reasons[(kind, global_, name)] = why
        for region in facts.lb_regions:
            key = (KindKey.GLOBAL_FORWARDING_RULES, global_, names.rule_in(region))
            reasons[key] = f"{why}: this rule and its address go once the regional rule exists; callers use its address"
            after[key] = (RULE_ROLE,)
            reasons.setdefault((KindKey.SUBNETWORKS, Scope(project, region), names.global_proxy_subnet), why)
    return reasons, after
