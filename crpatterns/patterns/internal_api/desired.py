"""The resources of an internal API, from its spec and the facts read beforehand (pure).

Cloud Run behind a regional internal Application Load Balancer: only resources on the VPC can call it.
Ingress is INTERNAL_ONLY and the only front door is an INTERNAL_MANAGED forwarding rule in the user's
subnet (https://cloud.google.com/load-balancing/docs/l7-internal/setting-up-l7-internal-serverless).

Decisions the issue left open:
- The proxy-only subnet is shared by every Envoy-based load balancer of the network and region
  (crpatterns/gcp/load_balancing.py). An ACTIVE one is reused whoever made it (EXTERNAL, with a note
  naming its creator); one this app created earlier stays OWNED and is never re-ranged (a second ACTIVE
  one cannot exist, so a range change cannot be create-before-destroy), and is kept while another
  load balancer runs on it.
- Invoker grants are additive, so the service records the members the tool itself granted in the
  annotation `crpatterns.dev/invokers`; a member no --invoker names any more is removed with mode
  "absent". A member who already held the role before the tool asked for it is never recorded, so
  the tool never revokes someone else's grant. Public members (allUsers, allAuthenticatedUsers) are
  removed from the invoker role whatever the flags: the API is internal.
- The forwarding rule is replaced delete-before-create (kinds/compute_forwarding_rules.py): two rules
  cannot hold one IP, port and protocol in a VPC, and the IP is what callers use, so the replacement
  keeps its name and IP.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from crpatterns.engine import ownership
from crpatterns.engine.model import BindingMode, Desired, ObservedKey, Ownership, Ref, Scope
from crpatterns.gcp.load_balancing import (
    ACTIVE_ROLE,
    GLOBAL_PROXY_PURPOSE,
    REGIONAL_PROXY_PURPOSE,
    active_proxy_subnet,
    is_proxy_only,
    needs_proxy_subnet,
    region_of,
    same_ref,
    subnetwork_region,
)
from crpatterns.kinds.keys import KindKey
from crpatterns.patterns import failover
from crpatterns.patterns.base import Intent
from crpatterns.patterns.common import INVOKER_ROLE, PUBLIC_MEMBERS
from crpatterns.patterns.internal_api.spec import (
    ADDRESS_ROLE,
    AUTO_MODE_BLOCK,
    DEFAULT_PROXY_RANGE,
    INVOKERS_ANNOTATION,
    PATTERN_NAME,
    PINNED_ROLE,
    PROXY_ROLE,
    RULE_ROLE,
    Facts,
    InternalApiSpec,
    Names,
)
from crpatterns.patterns.regions import role

creator = ownership.marker  # (app, pattern, role) of a crpatterns marker, else None


def made_by(body: dict[str, Any]) -> str:
    marker = creator(body)
    return f"by crpatterns app {marker[0]!r}" if marker else "outside crpatterns"


def claimed_invokers(spec: InternalApiSpec, facts: Facts, region: str | None = None) -> tuple[set[str], set[str]]:
    """(members the tool will have granted after apply, members it granted before and now revokes), on the
    service of `region` (the first region when not given).

    recorded: the annotation; wanted: the --invoker members; held: the role's members now.
    Claimed = (recorded and still wanted) + (wanted and not held yet): a member someone else granted
    before the tool asked for it is never claimed, so never revoked."""
    region = region or spec.region
    annotations = (facts.service_in(region) or {}).get("annotations") or {}
    recorded = {m for m in (annotations.get(INVOKERS_ANNOTATION) or "").split(",") if m}
    wanted = set() if spec.invoker_iam_disabled else set(spec.invokers)
    claimed = (recorded & wanted) | (wanted - set(facts.members_in(region)))
    return claimed, recorded - wanted


def current_rule(spec: InternalApiSpec, facts: Facts) -> dict[str, Any] | None:
    """The app's forwarding rule as it is now (it keeps its name across replacements)."""
    name = Names.of(spec.name).rule
    return next((r for r in facts.rules_in(spec.region) if r.get("name") == name), None)


def subnet_named(facts: Facts, name: str, region: str) -> dict[str, Any] | None:
    return next((s for s in facts.subnets if s.get("name") == name and region_of(s) == region), None)


def service_body(spec: InternalApiSpec, facts: Facts, region: str, claimed: set[str]) -> dict[str, Any]:
    """The Cloud Run service of one region: internal ingress, the record of granted invokers, and with
    --failover what service health needs (or, when --failover was dropped, its settings taken away)."""
    body: dict[str, Any] = {
        "template": {"containers": [{"image": spec.image}]},
        # Only the VPC (and so the internal load balancer) may reach the service.
        "ingress": "INGRESS_TRAFFIC_INTERNAL_ONLY",
        "invokerIamDisabled": spec.invoker_iam_disabled,
        "annotations": {INVOKERS_ANNOTATION: ",".join(sorted(claimed))},
    }
    if spec.failover:
        body["template"] = failover.template(spec.image, spec.readiness_path)
        body["annotations"][failover.ANNOTATION] = "true"
    elif failover.was_on(facts.service_in(region)):
        body["template"] = failover.cleared_template(spec.image)
        body["annotations"][failover.ANNOTATION] = None
    return body


def service_resources(spec: InternalApiSpec, facts: Facts, region: str, added: bool = False) -> list[Desired]:
    """One region's Cloud Run service, its invoker grants (and revocations) and its serverless NEG."""
    names = Names.of(spec.name)
    scope = Scope(spec.project, region)
    regions = spec.regions
    service, invoker, revoke = (role(r, region, regions) for r in ("service", "invoker", "invoker-revoke"))
    claimed, revoked = claimed_invokers(spec, facts, region)
    notes = []
    if spec.invoker_iam_disabled:
        notes.append("invokerIamDisabled: the service accepts unauthenticated requests from inside the VPC; ingress "
                     "stays internal.")
    if added:
        notes.append(f"new region {region} (--region): its service, invoker grants, NEG and forwarding rule are "
                     "added, and the NEG joins the backend service once it exists")
    if failover.was_on(facts.service_in(region)) and not spec.failover:
        notes.append("--failover dropped: the readiness probe and the minimum instance it added are removed")
    # The record of granted invokers is written after revocations and before grants, so a failure
    # at any point leaves a record the next run completes from.
    resources = [Desired(service, KindKey.RUN_SERVICES, names.service, scope,
                         service_body(spec, facts, region, claimed),
                         depends_on=(revoke,) if revoked else (), notes=tuple(notes))]
    granted = [] if spec.invoker_iam_disabled else sorted(set(spec.invokers))
    # The invoker grant needs the service (its IAM policy is 404 before: GoogleCloudPlatform/solutions-builder#37).
    resources.append(Desired(invoker, KindKey.RUN_SERVICE_IAM, names.service, scope,
                             {"role": INVOKER_ROLE, "members": granted, "mode": BindingMode.ADDITIVE,
                              "refusedMembers": list(PUBLIC_MEMBERS)},
                             ownership=Ownership.BINDING, depends_on=(service,)))
    if revoked:
        resources.append(Desired(revoke, KindKey.RUN_SERVICE_IAM, names.service, scope,
                                 {"role": INVOKER_ROLE, "members": sorted(revoked), "mode": BindingMode.ABSENT},
                                 ownership=Ownership.BINDING,
                                 notes=("removes invokers this tool granted that no --invoker names any more",)))
    # By the service's literal name, not a reference: no wait for the Cloud Run service (web_app/desired.py
    # says why Google allows it). No URL mask or tag: Cloud Run service health needs neither.
    resources.append(Desired(role("neg", region, regions), KindKey.REGION_NEGS, names.neg, scope,
                             {"networkEndpointType": "SERVERLESS", "cloudRun": {"service": names.service}}))
    return resources


def desired(spec: InternalApiSpec, facts: Facts) -> list[Desired]:
    """Every resource of the API, dependencies first."""
    if spec.cross_region:
        from crpatterns.patterns.internal_api.cross_region import desired as cross_region_desired

        return cross_region_desired(spec, facts)
    names = Names.of(spec.name)
    regional = Scope(spec.project, spec.region)
    global_ = Scope(spec.project)
    https = spec.port == 443
    resources = [
        Desired("network", KindKey.NETWORKS, spec.network, global_, ownership=Ownership.EXTERNAL),
        Desired("subnet", KindKey.SUBNETWORKS, spec.subnet, regional, ownership=Ownership.EXTERNAL),
        proxy_subnet(spec, facts),
        *service_resources(spec, facts, spec.region),
        # Serverless NEG backends take no health check, timeoutSec, portName or balancing mode
        # (docs/google-behaviour.md, "Compute: backend services").
        Desired("backend", KindKey.REGION_BACKEND_SERVICES, names.backend, regional,
                {"loadBalancingScheme": "INTERNAL_MANAGED", "protocol": "HTTP", "backends": [{"group": Ref("neg")}]}),
        Desired("url-map", KindKey.REGION_URL_MAPS, names.url_map, regional, {"defaultService": Ref("backend")}),
    ]
    if https:
        resources += [
            Desired("certificate", KindKey.REGION_SSL_CERTIFICATES, names.certificate, regional,
                    {"type": "SELF_MANAGED", "certificate": spec.certificate_pem, "privateKey": spec.private_key_pem},
                    sensitive=("privateKey",)),
            Desired("https-proxy", KindKey.REGION_TARGET_HTTPS_PROXIES, names.https_proxy, regional,
                    {"urlMap": Ref("url-map"), "sslCertificates": [Ref("certificate")]}),
        ]
    else:
        resources.append(Desired("http-proxy", KindKey.REGION_TARGET_HTTP_PROXIES, names.http_proxy, regional,
                                 {"urlMap": Ref("url-map")}))
    if spec.ip:
        resources.append(Desired(ADDRESS_ROLE, KindKey.ADDRESSES, names.address, regional,
                                 {"addressType": "INTERNAL", "address": spec.ip, "subnetwork": Ref("subnet"),
                                  "purpose": "GCE_ENDPOINT"}))
    pinned = pinned_address(spec, facts)
    if pinned is not None:
        resources.append(pinned)
    resources.append(forwarding_rule(spec, facts, "https-proxy" if https else "http-proxy", pinned is not None))
    return resources


def proxy_subnet(spec: InternalApiSpec, facts: Facts) -> Desired:
    """The region's ACTIVE proxy-only subnet: reused when one exists, else created for this app."""
    scope = Scope(spec.project, spec.region)
    network_link = (facts.network or {}).get("selfLink") or spec.network
    active = active_proxy_subnet(facts.subnets, spec.region, network_link)
    if active is None:
        chosen = proxy_range(spec, facts)
        body = {"purpose": REGIONAL_PROXY_PURPOSE, "role": ACTIVE_ROLE, "network": Ref("network"),
                "ipCidrRange": chosen}
        notes = [f"network {spec.network} has no active proxy-only subnet in {spec.region}: creates one; every "
                 "envoy-based load balancer of the network in the region will share it"]
        if spec.proxy_subnet_range is None and chosen != DEFAULT_PROXY_RANGE:
            notes.append(f"the default range {DEFAULT_PROXY_RANGE} is taken in network {spec.network}: uses "
                         f"{chosen}, the first free block of its size (choose with --proxy-subnet-range)")
        return Desired("proxy-subnet", KindKey.SUBNETWORKS, Names.of(spec.name).proxy_subnet, scope, body,
                       notes=tuple(notes))
    ranged = active.get("ipCidrRange")
    notes: tuple[str, ...] = ()
    if spec.proxy_subnet_range is not None and spec.proxy_subnet_range != ranged:
        notes = (f"--proxy-subnet-range {spec.proxy_subnet_range} is not used: the proxy-only subnet exists "
                 f"already with range {ranged}",)
    marker = creator(active)
    if marker == (spec.name, PATTERN_NAME, PROXY_ROLE):
        body = {"purpose": active.get("purpose"), "role": ACTIVE_ROLE, "network": Ref("network"), "ipCidrRange": ranged}
        return Desired("proxy-subnet", KindKey.SUBNETWORKS, active["name"], scope, body, notes=notes)
    return Desired("proxy-subnet", KindKey.SUBNETWORKS, active["name"], scope, ownership=Ownership.EXTERNAL,
                   notes=(f"reuses the active proxy-only subnet {active['name']} ({ranged}), created "
                          f"{made_by(active)}; it is never changed or deleted by this app", *notes))


def taken_ranges(facts: Facts) -> list[tuple[dict[str, Any] | None, ipaddress.IPv4Network]]:
    """(subnet, range) of every range of the network, plus (None, the block auto mode networks keep)."""
    taken: list[tuple[dict[str, Any] | None, ipaddress.IPv4Network]] = [
        (subnet, ipaddress.IPv4Network(cidr, strict=False)) for subnet in facts.subnets
        for cidr in [subnet["ipCidrRange"]] + [r["ipCidrRange"] for r in subnet.get("secondaryIpRanges", [])]
    ]
    if (facts.network or {}).get("autoCreateSubnetworks"):
        taken.append((None, AUTO_MODE_BLOCK))
    return taken


PRIVATE_BLOCK = ipaddress.IPv4Network("10.0.0.0/8")  # where a proxy-only range is looked for


def first_free(prefix: int, taken: list[ipaddress.IPv4Network]) -> ipaddress.IPv4Network | None:
    """The first block of 10.0.0.0/8 of that size that overlaps none of `taken`."""
    for candidate in PRIVATE_BLOCK.subnets(new_prefix=max(prefix, PRIVATE_BLOCK.prefixlen)):
        if not any(candidate.overlaps(t) for t in taken):
            return candidate
    return None


def free_range(prefix: int, facts: Facts) -> str | None:
    """The first block of 10.0.0.0/8 of that size that overlaps no range of the network."""
    found = first_free(prefix, [cidr for _, cidr in taken_ranges(facts)])
    return str(found) if found is not None else None


def proxy_range(spec: InternalApiSpec, facts: Facts) -> str:
    """The range of the proxy-only subnet to create: the one given; else the default when it is free,
    or the first free block of the default's size (the default lies in the block auto mode networks
    keep, so it never fits the seeded `default` network)."""
    if spec.proxy_subnet_range is not None:
        return spec.proxy_subnet_range
    wanted = ipaddress.IPv4Network(DEFAULT_PROXY_RANGE)
    if not any(wanted.overlaps(t) for _, t in taken_ranges(facts)):
        return DEFAULT_PROXY_RANGE
    return free_range(wanted.prefixlen, facts) or DEFAULT_PROXY_RANGE


def pinned_address(spec: InternalApiSpec, facts: Facts) -> Desired | None:
    """The rule's ephemeral IP, reserved as an address of the app's before the rule is replaced, so the
    new rule gets it back whatever happens between the delete and the create (a run killed there, someone
    else taking a free IP). Google promotes an ephemeral internal IP in use to a static address
    (https://cloud.google.com/vpc/docs/reserve-static-internal-ip-address, "Promote an ephemeral internal
    IPv4 address"). Once reserved it stays the rule's (destroy releases it); --ip replaces it."""
    if spec.ip:
        return None
    subnet = subnet_named(facts, spec.subnet, spec.region) or {}
    pinned = next((a for a in facts.region_addresses if creator(a) == (spec.name, PATTERN_NAME, PINNED_ROLE)), None)
    now = current_rule(spec, facts)
    notes: tuple[str, ...] = ()
    if pinned is not None and same_ref(pinned.get("subnetwork"), subnet.get("selfLink")):
        ip = pinned.get("address")
    elif now is not None and rule_replaced(spec, now) and pinnable_ip(spec, facts, now):
        ip = now["IPAddress"]
        notes = (f"reserves the rule's IP {ip} as an address, so the replaced rule keeps it",)
    else:
        return None
    return Desired(PINNED_ROLE, KindKey.ADDRESSES, Names.of(spec.name).pinned_address, Scope(spec.project, spec.region),
                   {"addressType": "INTERNAL", "address": ip, "subnetwork": Ref("subnet"), "purpose": "GCE_ENDPOINT"},
                   notes=notes)


def rule_replaced(spec: InternalApiSpec, rule: dict[str, Any]) -> bool:
    """Whether the rule will be replaced (a field Google fixes at creation changes) in the same subnet."""
    return ((bool(rule.get("allowGlobalAccess")) != spec.global_access or rule_port(rule) != spec.port
             or bool(rule.get("ports"))) and (rule.get("subnetwork") or "").rsplit("/", 1)[-1] == spec.subnet)


def forwarding_rule(spec: InternalApiSpec, facts: Facts, proxy_role: str, pinned: bool = False) -> Desired:
    body: dict[str, Any] = {
        "IPProtocol": "TCP",
        # Application Load Balancers take portRange, never ports (discovery, ForwardingRule.portRange: "...
        # applicable only to ... internal and external Application Load Balancers"); a rule an earlier
        # version made with `ports` differs in this immutable field and is replaced by the usual plan.
        "portRange": f"{spec.port}-{spec.port}",
        "loadBalancingScheme": "INTERNAL_MANAGED",
        "network": Ref("network"),
        "subnetwork": Ref("subnet"),
        "networkTier": "PREMIUM",
        "allowGlobalAccess": spec.global_access,
        "target": Ref(proxy_role),
    }
    now = current_rule(spec, facts)
    notes: list[str] = []
    if spec.ip:
        body["IPAddress"] = Ref(ADDRESS_ROLE, "address")
    elif pinned:
        body["IPAddress"] = Ref(PINNED_ROLE, "address")
    elif now is not None and pinnable_ip(spec, facts, now):
        body["IPAddress"] = now["IPAddress"]  # a replacement gets the same ephemeral IP back
    elif now is not None and held_by_own_address(spec, facts, now):
        # --ip dropped: the reserved address can go only once no rule uses it, so the rule is re-created
        # with an ephemeral IP and the address deleted after it. The empty string is proto3's default, which
        # the client library leaves out of the request: Google sees no IPAddress and allocates one.
        body["IPAddress"] = ""
        notes.append(f"--ip dropped: the rule is re-created with an ephemeral IP and the reserved address "
                     f"{now['IPAddress']} is released")
    if now is not None and bool(now.get("allowGlobalAccess")) != spec.global_access:
        notes.append("--global-access changed: Google fixes allowGlobalAccess when a forwarding rule is created, so "
                     "the rule is replaced (deleted, then re-created with the same name and IP; callers see a short "
                     "interruption)")
    if now is not None and rule_port(now) != spec.port:
        notes.append(f"--port changed: the rule is replaced and listens on port {spec.port}; callers must use the "
                     "new port")
    # An INTERNAL_MANAGED rule needs the region's ACTIVE proxy-only subnet to exist (Google refuses the insert:
    # docs/google-behaviour.md, "Compute: forwarding rules and addresses").
    return Desired(RULE_ROLE, KindKey.FORWARDING_RULES, Names.of(spec.name).rule, Scope(spec.project, spec.region),
                   body, depends_on=("proxy-subnet",), notes=tuple(notes))


def rule_port(rule: dict[str, Any]) -> int | None:
    """The port a rule listens on: its portRange ("80-80"), or the `ports` an earlier version sent."""
    text = rule.get("portRange") or next(iter(rule.get("ports") or []), "")
    low = str(text).split("-")[0]
    return int(low) if low.isdigit() else None


def pinnable_ip(spec: InternalApiSpec, facts: Facts, rule: dict[str, Any]) -> bool:
    """Whether the rule's current IP can be asked for again: an ephemeral IP (no reserved address holds
    it) inside the subnet the rule will use."""
    ip = rule.get("IPAddress")
    subnet = subnet_named(facts, spec.subnet, spec.region)
    if not ip or subnet is None or not ip_in_range(ip, subnet.get("ipCidrRange")):
        return False
    return not any(a.get("address") == ip for a in facts.region_addresses)


def held_by_own_address(spec: InternalApiSpec, facts: Facts, rule: dict[str, Any]) -> bool:
    """Whether the rule's IP comes from an address this app reserved (an earlier --ip)."""
    return any(a.get("address") == rule.get("IPAddress") and creator(a) == (spec.name, PATTERN_NAME, ADDRESS_ROLE)
               for a in facts.region_addresses)


def ip_in_range(ip: str, cidr: str | None) -> bool:
    try:
        return bool(cidr) and ipaddress.ip_address(ip) in ipaddress.ip_network(cidr or "", strict=False)
    except ValueError:
        return False


def serving_proxy_subnet(rule: dict[str, Any], subnets: tuple[dict[str, Any], ...]) -> dict[str, Any] | None:
    """The ACTIVE proxy-only subnet a forwarding rule runs on: the regional one of its region, or for a global
    (cross-region) rule the GLOBAL_MANAGED_PROXY one of its subnetwork's region."""
    if not rule.get("network"):
        return None
    if region_of(rule):
        return active_proxy_subnet(subnets, region_of(rule), rule["network"])
    return active_proxy_subnet(subnets, subnetwork_region(rule), rule["network"], (GLOBAL_PROXY_PURPOSE,))


def kept_proxy_subnets(app: str, project: str, facts: Facts) -> dict[ObservedKey, str]:
    """The proxy-only subnets a destroy (or a region change) must not delete, with the plan's reason.

    A subnet this app created stays while another forwarding rule of its network and region still runs
    on it (Google refuses to delete it then: https://cloud.google.com/load-balancing/docs/proxy-only-subnets,
    "Delete a proxy-only subnet"); one the app reused (created by someone else) is never deleted, and the
    plan says so. Regional and GLOBAL_MANAGED_PROXY subnets alike, with the rules that run on each."""
    keep: dict[ObservedKey, str] = {}
    ours = (app, PATTERN_NAME)
    for subnet in facts.all_subnets:
        if not is_proxy_only(subnet) or not ownership.made_by(subnet, *ours):
            continue
        users = [r["name"] for r in facts.all_rules
                 if needs_proxy_subnet(r, subnet, region_of(r)) and not ownership.made_by(r, *ours)]
        if users:
            keep[(KindKey.SUBNETWORKS, Scope(project, region_of(subnet)), subnet["name"])] = (
                f"kept: forwarding rule {', '.join(sorted(users))} still runs on this proxy-only subnet; run "
                f"`crpatterns internal-api destroy {app}` again once no other load balancer uses it")
    for rule in facts.all_rules:
        if not ownership.made_by(rule, *ours):
            continue
        active = serving_proxy_subnet(rule, facts.all_subnets)
        if active is not None and not ownership.made_by(active, *ours) and not _orphaned(active, app, facts):
            keep[(KindKey.SUBNETWORKS, Scope(project, region_of(active)), active["name"])] = (
                f"kept: this app reused the proxy-only subnet, which was created {made_by(active)}")
    return keep


def invoker_warning(spec: InternalApiSpec) -> list[str]:
    if spec.invokers or spec.invoker_iam_disabled:
        return []
    return ["No --invoker given: callers inside the VPC need roles/run.invoker on the service (rerun with "
            "--invoker MEMBER), or pass --no-invoker-iam to skip the IAM check (ingress stays internal)."]


def decide(spec: InternalApiSpec, facts: Facts) -> Intent:
    from crpatterns.patterns.internal_api.cross_region import region_changes

    warnings = invoker_warning(spec)
    if spec.failover and not all(failover.health_computed(facts.service_in(r)) for r in spec.regions):
        warnings.append(failover.cost_note(len(spec.regions)) + ".")
    deleting, after = region_changes(spec, facts)
    return Intent(desired(spec, facts), warnings, kept_proxy_subnets(spec.name, spec.project, facts),
                  deleting=deleting, delete_after=after)


def decide_teardown(app: str, project: str, facts: Facts) -> Intent:
    return Intent([], [], kept_proxy_subnets(app, project, facts), released_proxy_subnets(app, project, facts))


def _orphaned(subnet: dict[str, Any], app: str, facts: Facts) -> bool:
    """Made by another internal-api app that has no forwarding rule left, and used by no rule but this app's."""
    marker = creator(subnet)
    if marker is None or marker[1] != PATTERN_NAME or marker[0] == app:
        return False
    users = [r for r in facts.all_rules if needs_proxy_subnet(r, subnet, region_of(r))]
    return all(ownership.made_by(r, app, PATTERN_NAME) for r in users)


def released_proxy_subnets(app: str, project: str, facts: Facts) -> dict[ObservedKey, str]:
    """On destroy: a proxy-only subnet another internal-api app created, whose app is gone (no forwarding
    rule of it is left), and that no load balancer but this app's runs on: the last user deletes it, so
    a proxy-only subnet made by crpatterns never outlives every load balancer that used it."""
    released: dict[ObservedKey, str] = {}
    for rule in facts.all_rules:
        if not ownership.made_by(rule, app, PATTERN_NAME):
            continue
        active = serving_proxy_subnet(rule, facts.all_subnets)
        if active is not None and _orphaned(active, app, facts):
            owner = (creator(active) or ("?",))[0]
            released[(KindKey.SUBNETWORKS, Scope(project, region_of(active)), active["name"])] = (
                f"deleted: created by crpatterns app {owner!r}, which is gone, and no other load balancer runs on it")
    return released
