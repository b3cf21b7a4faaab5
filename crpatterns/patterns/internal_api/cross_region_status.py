"""`internal-api status` of an API in several regions (a cross-region internal load balancer): each region's
address, proxy-only subnet, service readiness, revision and service health; what breaks the promise there;
the spec that made it (for the drift plan); how to call it. Found from the global backend service, whichever
of the API's regions --region names."""

from __future__ import annotations

from typing import Any

from crpatterns.concurrency import together
from crpatterns.engine import ownership
from crpatterns.engine.model import Scope
from crpatterns.gcp.load_balancing import GLOBAL_PROXY_PURPOSE, active_proxy_subnet
from crpatterns.kinds.iam import members_for
from crpatterns.kinds.keys import KindKey
from crpatterns.patterns import failover
from crpatterns.patterns.base import Outputs, Teardown
from crpatterns.patterns.common import INVOKER_ROLE, PUBLIC_MEMBERS
from crpatterns.patterns.internal_api.desired import INVOKERS_ANNOTATION, rule_port
from crpatterns.patterns.internal_api.spec import PATTERN_NAME, InternalApiSpec, Names
from crpatterns.patterns.region_status import findings as region_findings
from crpatterns.patterns.region_status import lines as region_lines
from crpatterns.patterns.region_status import region_state
from crpatterns.patterns.regions import ordered
from crpatterns.session import Session


def survey(session: Session, target: Teardown, lb_regions: tuple[str, ...], found: dict[str, Any]) -> dict[str, Any]:
    """`found`: what the single-region survey read already (the target region's service and policy, the
    subnets). Reads the other regions' services and policies and the global rules. Reads only."""
    kinds, project, name = session.kinds, session.project, target.name
    names = Names.of(name)
    regions = ordered(lb_regions)
    reads: dict[str, Any] = {"global rules": lambda: kinds[KindKey.GLOBAL_FORWARDING_RULES].list(Scope(project))}
    for where in regions:
        if where != target.region:
            scope = Scope(project, where)
            reads[f"service {where}"] = lambda s=scope: kinds[KindKey.RUN_SERVICES].read(s, name)
            reads[f"policy {where}"] = lambda s=scope: kinds[KindKey.RUN_SERVICE_IAM].read(s, name)
    more = together(session.parallelism, reads)
    services = {r: found["service"] if r == target.region else more[f"service {r}"] for r in regions}
    policies = {r: found["policy"] if r == target.region else more[f"policy {r}"] for r in regions}
    rules = {r: next((g for g in more["global rules"] if g.get("name") == names.rule_in(r)), None) for r in regions}
    primary = next((r for r in [target.region, *regions] if services.get(r) is not None), None)
    report: dict[str, Any] = {"exists": primary is not None, "crossRegion": True}
    if primary is None:
        return report
    service = services[primary]
    report.update(ingress=service.get("ingress", "INGRESS_TRAFFIC_ALL"),
                  invokerIamDisabled=bool(service.get("invokerIamDisabled")),
                  invokers=sorted(members_for(policies[primary] or {}, INVOKER_ROLE)),
                  image=(((service.get("template") or {}).get("containers") or [{}])[0]).get("image", ""),
                  recordedInvokers=[m for m in ((service.get("annotations") or {}).get(INVOKERS_ANNOTATION)
                                                or "").split(",") if m],
                  failover=any(failover.was_on(s) for s in services.values()),
                  readinessPath=failover.readiness_path(service))
    any_rule = next((r for r in rules.values() if r is not None), None)
    report["loadBalancer"] = any_rule is not None
    if any_rule is not None:
        report.update(network=any_rule.get("network", "").rsplit("/", 1)[-1], port=rule_port(any_rule) or 0)
    report["addresses"] = [_address(found["subnets"], r, rules[r], name) for r in regions]
    report["regions"] = []
    for where in regions:
        entry = region_state(where, services[where], True)
        if services[where] is not None:
            entry.update(ingress=services[where].get("ingress", "INGRESS_TRAFFIC_ALL"),
                         invokers=sorted(members_for(policies[where] or {}, INVOKER_ROLE)))
        report["regions"].append(entry)
    served = [a for a in report["addresses"] if a.get("ip")]
    if served:
        report["call"] = call_example(report, served[0]["ip"])
    return report


def _address(subnets: list[dict[str, Any]], region: str, rule: dict[str, Any] | None, app: str) -> dict[str, Any]:
    """A region's forwarding rule: its IP, subnet and the GLOBAL_MANAGED_PROXY subnet it runs on."""
    entry: dict[str, Any] = {"region": region, "rule": Names.of(app).rule_in(region), "exists": rule is not None}
    if rule is None:
        return entry
    entry.update(ip=rule.get("IPAddress"), subnet=rule.get("subnetwork", "").rsplit("/", 1)[-1])
    active = active_proxy_subnet(subnets, region, rule.get("network"), (GLOBAL_PROXY_PURPOSE,))
    if active is not None:
        entry["proxyOnlySubnet"] = {"name": active["name"], "range": active.get("ipCidrRange"),
                                    "createdByThisApp": ownership.made_by(active, app, PATTERN_NAME)}
    return entry


def url(ip: str) -> str:
    return f"http://{ip}/"  # HTTP only (cross_region.py)


def call_example(report: dict[str, Any], ip: str) -> str:
    return curl(url(ip), bool(report.get("invokerIamDisabled")))


def findings(name: str, report: dict[str, Any]) -> list[str]:
    """Per region: ingress, public invokers, the forwarding rule; and a region whose service is not ready."""
    found = []
    for entry in report["regions"]:
        if not entry["exists"]:
            continue
        where = f"Region {entry['region']}: "
        if entry.get("ingress") == "INGRESS_TRAFFIC_ALL":
            found.append(f"{where}Ingress is ALL: the run.app URL is reachable from the internet; it should be "
                         "internal only.")
        elif entry.get("ingress") != "INGRESS_TRAFFIC_INTERNAL_ONLY":
            found.append(f"{where}Ingress is {entry.get('ingress')}: it should be internal only "
                         "(INGRESS_TRAFFIC_INTERNAL_ONLY).")
        public = [m for m in entry.get("invokers", []) if m in PUBLIC_MEMBERS]
        if public:
            found.append(f"{where}The service grants roles/run.invoker to {', '.join(public)}: anyone may call it.")
    for address in report["addresses"]:
        if not address["exists"]:
            found.append(f"Region {address['region']}: the forwarding rule {address['rule']} does not exist: "
                         "clients have no address of the API in this region.")
    return found + region_findings(name, report["regions"])


def spec_from(session: Session, target: Teardown, report: dict[str, Any]) -> InternalApiSpec | None:
    """The spec that would have made what exists, or None without a forwarding rule to learn the network
    from. A region whose rule is gone takes the subnet of the first region's."""
    if not report.get("loadBalancer"):
        return None
    regions = [e["region"] for e in report["regions"]]
    subnets = {a["region"]: a["subnet"] for a in report["addresses"] if a.get("subnet")}
    fallback = next(iter(subnets.values()))
    return InternalApiSpec(
        name=target.name, region=regions[0], other_regions=tuple(regions[1:]), project=session.project,
        project_number=session.number, image=report.get("image", ""), network=report["network"],
        subnet=subnets.get(regions[0], fallback), port=report["port"],
        region_subnets=tuple((r, subnets.get(r, fallback)) for r in regions[1:]),
        invokers=tuple(report.get("recordedInvokers", ())),
        invoker_iam_disabled=report.get("invokerIamDisabled", False), failover=report.get("failover", False),
        readiness_path=report.get("readinessPath") or "/")


def outputs(report: dict[str, Any]) -> Outputs:
    """An address per region (each reachable from every region of the VPC), and how to call the API."""
    served = [a for a in report.get("addresses", []) if a.get("ip")]
    if not served:
        return Outputs()
    return Outputs(addresses=[a["ip"] for a in served], urls=[url(a["ip"]) for a in served], call=report.get("call"),
                   next_steps=[f"Call it from a VM in network {report['network']} (any region; the address of the "
                               f"nearest region is the fastest): {report['call']}"])


def text_lines(report: dict[str, Any]) -> list[str]:
    lines = ["cross-region internal load balancer: reachable from every region of the network"]
    for address in report["addresses"]:
        if not address["exists"]:
            lines.append(f"address in {address['region']}: (no forwarding rule {address['rule']})")
            continue
        proxy = address.get("proxyOnlySubnet")
        who = ""
        if proxy:
            made = "created by this app" if proxy["createdByThisApp"] else "shared, not created by this app"
            who = f"; proxy-only subnet {proxy['name']} ({proxy['range']}, {made})"
        lines.append(f"address in {address['region']}: {address['ip']} port {report['port']} (network "
                     f"{report['network']}, subnet {address['subnet']}{who})")
    if report.get("call"):
        lines.append(f"call it from the VPC: {report['call']}")
    return lines + access_lines(report) + region_lines(report["regions"])


def access_lines(report: dict[str, Any]) -> list[str]:
    """Who may call the API, in one region or several: its ingress and its invokers (or the check off)."""
    invokers = ("IAM check off (invokerIamDisabled)" if report.get("invokerIamDisabled")
                else ", ".join(report.get("invokers", [])) or "(none)")
    return [f"ingress: {report['ingress']}", f"invokers: {invokers}"]


def curl(url: str, invoker_iam_disabled: bool) -> str:
    """The call from a VM in the VPC: with an identity token unless the IAM check is off."""
    if invoker_iam_disabled:
        return f"curl {url}"
    return f'curl -H "Authorization: Bearer $(gcloud auth print-identity-token)" {url}'
