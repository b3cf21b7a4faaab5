"""`internal-api status`: the internal address, how to call it, what breaks its promise (reachable from
outside the VPC, or by anyone), and every difference from what `create` makes."""

from __future__ import annotations

from typing import Any

from crpatterns.engine import ownership
from crpatterns.engine.model import Scope
from crpatterns.errors import PlanError
from crpatterns.gcp.load_balancing import active_proxy_subnet
from crpatterns.kinds.iam import members_for
from crpatterns.kinds.keys import KindKey
from crpatterns.patterns.base import Outputs, StatusReport, Teardown
from crpatterns.patterns.common import INVOKER_ROLE, PUBLIC_MEMBERS
from crpatterns.patterns.internal_api import cross_region_status, project_status
from crpatterns.patterns.internal_api.desired import INVOKERS_ANNOTATION, rule_port
from crpatterns.patterns.internal_api.spec import HTTPS_PORT, PATTERN_NAME, InternalApiSpec, Names
from crpatterns.patterns.region_status import findings as region_findings
from crpatterns.patterns.region_status import region_state
from crpatterns.patterns.regions import backend_regions
from crpatterns.session import Session

HEALTHY = "OK: the API is reachable only from inside the VPC."
COVERED = {(KindKey.RUN_SERVICES, "ingress"), (KindKey.RUN_SERVICE_IAM, f"bindings[{INVOKER_ROLE}]")}


def survey(session: Session, target: Teardown) -> dict[str, Any]:
    """Reads what the app consists of now, all at once (after a create, the outputs come from here: each
    round trip adds to the command's time). Reads only."""
    from crpatterns.concurrency import together

    kinds, project, name, region = session.kinds, session.project, target.name, target.region
    names = Names.of(name)
    regional = Scope(project, region)
    found = together(session.parallelism, {
        "service": lambda: kinds[KindKey.RUN_SERVICES].read(regional, name),
        "policy": lambda: kinds[KindKey.RUN_SERVICE_IAM].read(regional, name),
        "rule": lambda: kinds[KindKey.FORWARDING_RULES].read(regional, names.rule),
        "subnets": lambda: kinds[KindKey.SUBNETWORKS].aggregated_list(project),
        "address": lambda: kinds[KindKey.ADDRESSES].read(regional, names.address),
        "certificate": lambda: kinds[KindKey.REGION_SSL_CERTIFICATES].read(regional, names.certificate),
        "backend": lambda: kinds[KindKey.BACKEND_SERVICES].read(Scope(project), names.backend),
    })
    lb_regions = backend_regions(found["backend"])
    if lb_regions:  # several regions: a cross-region load balancer
        return cross_region_status.survey(session, target, lb_regions, found)
    service = found["service"]
    at = project_status.where(session, service)
    if at.others:  # the frontend or the network in other projects (the service's record says which)
        found.update(project_status.reread(session, target, at))
    report: dict[str, Any] = {"exists": service is not None}
    if service is None:
        return report
    report.update(project_status.details(at, service))
    policy = found["policy"] or {}
    report.update(ingress=service.get("ingress", "INGRESS_TRAFFIC_ALL"),
                  invokerIamDisabled=bool(service.get("invokerIamDisabled")),
                  invokers=sorted(members_for(policy, INVOKER_ROLE)),
                  image=(((service.get("template") or {}).get("containers") or [{}])[0]).get("image", ""),
                  recordedInvokers=[m for m in ((service.get("annotations") or {}).get(INVOKERS_ANNOTATION)
                                                or "").split(",") if m])
    rule = found["rule"]
    report["loadBalancer"] = rule is not None
    report["regions"] = [region_state(region, service, rule is not None)]
    if rule is None:
        return report
    report.update(ip=rule.get("IPAddress"), port=rule_port(rule) or 0, globalAccess=bool(rule.get("allowGlobalAccess")),
                  network=rule.get("network", "").rsplit("/", 1)[-1],
                  subnet=rule.get("subnetwork", "").rsplit("/", 1)[-1])
    active = active_proxy_subnet(found["subnets"], region, rule.get("network"))
    if active is not None:
        report["proxyOnlySubnet"] = {"name": active["name"], "range": active.get("ipCidrRange"),
                                     "createdByThisApp": ownership.made_by(active, name, PATTERN_NAME)}
    report["reservedIp"] = (found["address"] or {}).get("address")
    if report["port"] == HTTPS_PORT:
        report["certificatePem"] = (found["certificate"] or {}).get("certificate")
    report["call"] = call_example(report)
    return report


def url(report: dict[str, Any]) -> str:
    scheme = "https" if report["port"] == HTTPS_PORT else "http"
    return f"{scheme}://{report['ip']}/"


def call_example(report: dict[str, Any]) -> str:
    """How to call the API from a VM in the VPC (from another region only with global access)."""
    return cross_region_status.curl(url(report), bool(report.get("invokerIamDisabled")))


def findings(name: str, region: str, report: dict[str, Any]) -> list[str]:
    """What breaks the pattern's promise: the API is reachable from outside the VPC, or by anyone."""
    if not report.get("exists"):
        return [f"Cloud Run service {name} does not exist in {region}."]
    if report.get("crossRegion"):
        return cross_region_status.findings(name, report)
    found = region_findings(name, report.get("regions", []))
    if report.get("ingress") == "INGRESS_TRAFFIC_ALL":
        found.append("Ingress is ALL: the run.app URL is reachable from the internet; it should be internal only.")
    elif report.get("ingress") != "INGRESS_TRAFFIC_INTERNAL_ONLY":
        found.append(f"Ingress is {report.get('ingress')}: it should be internal only (INGRESS_TRAFFIC_INTERNAL_ONLY).")
    public = [m for m in report.get("invokers", []) if m in PUBLIC_MEMBERS]
    if public:
        found.append(f"The service grants roles/run.invoker to {', '.join(public)}: anyone may call it.")
    if not report.get("loadBalancer"):
        found.append(f"The forwarding rule {Names.of(name).rule} does not exist: the VPC has no way to reach "
                     "the API.")
    return found


def spec_from(session: Session, target: Teardown, report: dict[str, Any]) -> InternalApiSpec | None:
    """The spec that would have made what exists (the user's choices as they are), or None when the
    forwarding rule is gone and with it the network, subnet and port the user chose."""
    if report.get("crossRegion"):
        return cross_region_status.spec_from(session, target, report)
    if not report.get("loadBalancer"):
        return None
    return InternalApiSpec(
        name=target.name, region=target.region, project=session.project, project_number=session.number,
        image=report.get("image", ""), network=report["network"], subnet=report["subnet"], port=report["port"],
        certificate_pem=report.get("certificatePem"), ip=report.get("reservedIp"),
        global_access=report["globalAccess"], invokers=tuple(report.get("recordedInvokers", ())),
        invoker_iam_disabled=report.get("invokerIamDisabled", False),
        **project_status.spec_fields(report, session.project))


def outputs(report: dict[str, Any]) -> Outputs:
    """The internal address and URL, and how to call the API from the VPC (clients in the region only,
    unless global access is on)."""
    if report.get("crossRegion"):
        return cross_region_status.outputs(report)
    if not report.get("call"):
        return Outputs()
    reach = "any region" if report.get("globalAccess") else "the region"
    return Outputs(addresses=[report["ip"]], urls=[url(report)], call=report["call"],
                   next_steps=[f"Call it from a VM in network {report['network']} ({reach}): {report['call']}"])


def outputs_of(session: Session, target: Teardown) -> Outputs:
    """Outputs from the reads alone (no drift plan): what a create prints once it is done."""
    return outputs(survey(session, target))


def status(session: Session, target: Teardown, pattern: Any) -> StatusReport:
    from crpatterns.patterns.planning import drift_findings, plan_spec

    report = survey(session, target)
    found = findings(target.name, target.region, report)
    spec = spec_from(session, target, report)
    if spec is not None:
        try:
            plan, _ = plan_spec(session, pattern, spec)
            found += [f for f in drift_findings(plan, COVERED) if "privateKey" not in f]
        except PlanError as error:
            found.append(str(error))
    hidden = ("exists", "image", "recordedInvokers", "reservedIp", "certificatePem")
    steps = [f"Call it from the VPC: {report['call']}"] if report.get("call") else []
    return StatusReport(PATTERN_NAME, target.name, session.project, target.region, report.get("exists", False),
                        details={k: v for k, v in report.items() if k not in hidden}, lines=text_lines(report),
                        findings=found, next_steps=steps, healthy=HEALTHY, repair="crpatterns internal-api create",
                        outputs=outputs(report))


def text_lines(report: dict[str, Any]) -> list[str]:
    if not report.get("exists"):
        return []
    if report.get("crossRegion"):
        return cross_region_status.text_lines(report)
    lines = project_status.lines(report)
    if report.get("loadBalancer"):
        lines.append(f"internal address: {report['ip']} port {report['port']} "
                     f"(network {report['network']}, subnet {report['subnet']})")
        reach = "on: clients in any region" if report["globalAccess"] else "off: clients in the region only"
        lines.append(f"global access: {reach}")
        proxy = report.get("proxyOnlySubnet")
        if proxy:
            who = "created by this app" if proxy["createdByThisApp"] else "shared, not created by this app"
            lines.append(f"proxy-only subnet: {proxy['name']} ({proxy['range']}, {who})")
        lines.append(f"call it from the VPC: {report['call']}")
    return lines + cross_region_status.access_lines(report)

