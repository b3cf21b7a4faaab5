"""`web-app status`: what the app consists of now, what breaks its promise (anyone but IAP can reach it,
or IAP cannot), every difference from what `create` makes, and what the person still has to do."""

from __future__ import annotations

from typing import Any

from crpatterns.engine.model import Scope
from crpatterns.errors import PlanError
from crpatterns.kinds.iam import members_for
from crpatterns.kinds.keys import KindKey
from crpatterns.patterns import failover
from crpatterns.patterns.base import DnsRecord, Outputs, StatusReport, Teardown
from crpatterns.patterns.common import IAP_ACCESSOR_ROLE, INVOKER_ROLE, PUBLIC_MEMBERS, iap_agent
from crpatterns.patterns.failover import DEFAULT_READINESS_PATH
from crpatterns.patterns.region_status import findings as region_findings
from crpatterns.patterns.region_status import lines as region_lines
from crpatterns.patterns.region_status import region_state
from crpatterns.patterns.regions import backend_regions, ordered
from crpatterns.patterns.web_app.desired import iap_resource
from crpatterns.patterns.web_app.reads import proxy_certificates
from crpatterns.patterns.web_app.spec import DIRECT_MODE, LB_MODE, PATTERN_NAME, Names, WebAppSpec
from crpatterns.session import Session

HEALTHY = "OK: the app is reachable only through IAP."
# What the hand-written findings below already say in their own words (no second, generic sentence).
COVERED = {(KindKey.RUN_SERVICES, "ingress"), (KindKey.RUN_SERVICE_IAM, f"bindings[{INVOKER_ROLE}]"),
           (KindKey.IAP_WEB_IAM, f"bindings[{IAP_ACCESSOR_ROLE}]"), (KindKey.BACKEND_SERVICES, "iap"),
           (KindKey.RUN_SERVICES, "iapEnabled")}


def survey(session: Session, target: Teardown) -> dict[str, Any]:
    """Reads what the app consists of now, at once where one read does not need another's answer (after
    a create, the outputs come from here: each round trip adds to the command's time). An app in several
    regions is found from its backend service, whichever of its regions --region names. Reads only."""
    from crpatterns.concurrency import together

    kinds, project, name, region = session.kinds, session.project, target.name, target.region
    names = Names.of(name)
    global_ = Scope(project)

    def in_region(where: str) -> dict[str, Any]:
        scope = Scope(project, where)
        return {f"service {where}": lambda: kinds[KindKey.RUN_SERVICES].read(scope, name),
                f"policy {where}": lambda: kinds[KindKey.RUN_SERVICE_IAM].read(scope, name)}

    found = together(session.parallelism, {
        **in_region(region),
        "backend": lambda: kinds[KindKey.BACKEND_SERVICES].read(global_, names.backend),
        "rule": lambda: kinds[KindKey.GLOBAL_FORWARDING_RULES].read(global_, names.https_rule),
        "redirect": lambda: kinds[KindKey.URL_MAPS].read(global_, names.redirect_url_map),
        "certificates": lambda: proxy_certificates(session, name),
        "addresses": lambda: kinds[KindKey.GLOBAL_ADDRESSES].list(global_),
    })
    backend, rule = found["backend"], found["rule"]
    lb_regions = backend_regions(backend)
    regions = ordered(lb_regions) if lb_regions else [region]
    others = [r for r in regions if f"service {r}" not in found]
    if others:
        found.update(together(session.parallelism, {k: v for r in others for k, v in in_region(r).items()}))
    services = {r: found[f"service {r}"] for r in regions}
    primary = next((r for r in [region, *regions] if services.get(r) is not None), None)
    report: dict[str, Any] = {"exists": primary is not None}
    if primary is None:
        return report
    service = services[primary]
    # The mode is what exists: a load balancer in front, or IAP on the service itself.
    direct = backend is None and rule is None
    on_services = direct or any(failover.was_on(s) for s in services.values())
    report.update(mode=DIRECT_MODE if direct else LB_MODE, ingress=service.get("ingress", "INGRESS_TRAFFIC_ALL"),
                  uri=service.get("uri"), image=_image(service),
                  defaultUriDisabled=bool(service.get("defaultUriDisabled")), failover=on_services and not direct,
                  readinessPath=failover.readiness_path(service))
    report["invokers"] = sorted(members_for(found[f"policy {primary}"] or {}, INVOKER_ROLE))
    report["iapAgent"] = f"serviceAccount:{iap_agent(session.number)}"
    stub = WebAppSpec(name=name, region=primary, project=project, project_number=session.number,
                      iap_mode=report["mode"], failover=report["failover"])
    iap_resources = {r: iap_resource(stub, r) for r in (regions if on_services else [primary])}
    iap_policies = together(session.parallelism, {
        r: (lambda resource=resource: kinds[KindKey.IAP_WEB_IAM].read(global_, resource))
        for r, resource in iap_resources.items()})
    report["iapMembers"] = sorted(members_for(iap_policies[primary if on_services else next(iter(iap_policies))]
                                              or {}, IAP_ACCESSOR_ROLE))
    report["regions"] = [_region_entry(r, services[r], found[f"policy {r}"], r in lb_regions,
                                       iap_policies.get(r) if on_services else None) for r in regions]
    if direct:
        report["iapEnabled"] = bool(service.get("iapEnabled"))
        return report
    if report["failover"]:
        report["iapEnabled"] = all(e.get("iapEnabled") for e in report["regions"] if e["exists"])
    else:
        report["iapEnabled"] = bool(((backend or {}).get("iap") or {}).get("enabled"))
    report["oauthClientId"] = ((backend or {}).get("iap") or {}).get("oauth2ClientId") or None
    report["ip"] = (rule or {}).get("IPAddress")
    report["address"] = _address_name(found["addresses"], rule)
    report["httpsRedirect"] = found["redirect"] is not None
    domains: list[str] = []
    statuses: dict[str, str] = {}
    for cert in found["certificates"]:
        managed = cert.get("managed") or {}
        for d in managed.get("domains", cert.get("subjectAlternativeNames", [])):
            domains.append(d)
            statuses[d] = (managed.get("domainStatus") or {}).get(d) or managed.get("status") or "ACTIVE"
        report["certificateType"] = cert.get("type")
        if cert.get("type") == "SELF_MANAGED":
            report["certificatePem"] = cert.get("certificate")
    report["domains"] = sorted(dict.fromkeys(domains))
    report["certificateStatus"] = statuses
    return report


def _region_entry(region: str, service: dict[str, Any] | None, policy: dict[str, Any] | None, in_lb: bool,
                  iap_policy: dict[str, Any] | None) -> dict[str, Any]:
    """A region's service state (region_status) with what web-app checks in each: ingress, invokers, IAP."""
    entry = region_state(region, service, in_lb)
    if service is not None:
        entry.update(ingress=service.get("ingress", "INGRESS_TRAFFIC_ALL"), iapEnabled=bool(service.get("iapEnabled")),
                     invokers=sorted(members_for(policy or {}, INVOKER_ROLE)))
        if iap_policy is not None:
            entry["iapMembers"] = sorted(members_for(iap_policy, IAP_ACCESSOR_ROLE))
    return entry


def _image(service: dict[str, Any]) -> str:
    return (((service.get("template") or {}).get("containers") or [{}])[0]).get("image", "")


def _address_name(addresses: list[dict[str, Any]], rule: dict[str, Any] | None) -> str | None:
    """The reserved address the HTTPS rule takes its IP from (the app's own `NAME-ip` or --address)."""
    ip = (rule or {}).get("IPAddress")
    if not ip:
        return None
    return next((a.get("name") for a in addresses if a.get("address") == ip), None)


def findings(name: str, region: str, report: dict[str, Any]) -> list[str]:
    """What breaks the pattern's promise: anyone but IAP can reach the app, or IAP cannot; and a region
    whose service is not ready. Several regions: each region's service is checked, its findings prefixed
    with the region."""
    if not report.get("exists"):
        return [f"Cloud Run service {name} does not exist in {region}."]
    entries = [e for e in report.get("regions", []) if e["exists"]] or [report]
    several = len(report.get("regions", [])) > 1

    def each(check: Any) -> list[str]:
        return [(f"Region {e['region']}: " if several else "") + f for e in entries for f in check(e)]

    found = each(lambda e: [f"The service grants roles/run.invoker to {', '.join(p)}: it is public."]
                 if (p := [m for m in e.get("invokers", []) if m in PUBLIC_MEMBERS]) else [])
    members = {m for e in [report, *report.get("regions", [])] for m in e.get("iapMembers", [])}
    public_access = sorted(m for m in members if m in PUBLIC_MEMBERS)
    if public_access:
        found.append(f"IAP lets {', '.join(public_access)} in ({IAP_ACCESSOR_ROLE}): anyone may use the app.")
    found += each(lambda e: _ingress_findings(report.get("mode"), e.get("ingress")))
    if report.get("failover"):
        found += each(lambda e: [] if e.get("iapEnabled") else [
            "IAP is off on the service: with --failover IAP checks users there, so nobody is checked."])
    elif not report.get("iapEnabled"):
        found.append("IAP is off: nobody is checked.")
    found += each(lambda e: [] if report.get("iapAgent") in e.get("invokers", []) else [
        "IAP's service agent is not an invoker: IAP cannot reach the service."])
    return found + region_findings(name, report.get("regions", []))


def _ingress_findings(mode: str | None, ingress: str | None) -> list[str]:
    if mode != LB_MODE or ingress == "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER":
        return []
    if ingress == "INGRESS_TRAFFIC_ALL":
        return ["Ingress is ALL: the run.app URL bypasses IAP; it should be internal and cloud load balancing."]
    return [f"Ingress is {ingress}: the load balancer cannot reach the service; it should be internal and cloud "
            "load balancing."]


def spec_from(session: Session, target: Teardown, report: dict[str, Any]) -> WebAppSpec:
    """The spec that would have made what exists, keeping every choice a user makes (image, domains,
    members...) and nothing the pattern decides: planned against the cloud, its changes are drift."""
    regions = [e["region"] for e in report.get("regions", [])] or [target.region]
    return WebAppSpec(
        name=target.name, region=regions[0], other_regions=tuple(regions[1:]), project=session.project,
        project_number=session.number, failover=report.get("failover", False),
        readiness_path=report.get("readinessPath") or DEFAULT_READINESS_PATH,
        image=report.get("image", ""), domains=tuple(report.get("domains", ())),
        members=tuple(m for m in report.get("iapMembers", []) if m not in PUBLIC_MEMBERS),
        iap_mode=report.get("mode", LB_MODE), certificate_pem=report.get("certificatePem"),
        address=report.get("address") if report.get("address") != Names.of(target.name).address else None,
        https_redirect=report.get("httpsRedirect", True), oauth_client_id=report.get("oauthClientId"),
        disable_default_url=report.get("defaultUriDisabled", False),
    )


def next_steps(name: str, region: str, project: str, report: dict[str, Any]) -> list[str]:
    """What the person still has to do: DNS A records for the load balancer's IP, and that a
    Google-managed certificate waits for them; in direct mode, the URL to open."""
    if report.get("mode") == DIRECT_MODE and report.get("uri"):
        return [f"Open {report['uri']}: IAP asks for a Google sign-in and lets in only the --member principals."]
    if not (report.get("ip") and report.get("domains")):
        return []
    steps = [f"Create a DNS A record: {d} -> {report['ip']}" for d in report["domains"]]
    if report.get("certificateType") == "MANAGED" and any(
            s != "ACTIVE" for s in report.get("certificateStatus", {}).values()):
        steps.append("The Google-managed certificate turns ACTIVE once DNS for every domain points at this IP "
                     "(usually within an hour). Check with: crpatterns web-app status "
                     f"{name} --region {region} --project {project}")
    return steps


def outputs(name: str, region: str, project: str, report: dict[str, Any]) -> Outputs:
    """The load balancer's IP, the URLs, the DNS A records to make and each domain's certificate status;
    in direct mode the run.app URL (IAP guards it)."""
    steps = next_steps(name, region, project, report)
    if not report.get("exists"):
        return Outputs()
    if report.get("mode") == DIRECT_MODE:
        return Outputs(urls=[report["uri"]] if report.get("uri") else [], next_steps=steps)
    ip, domains = report.get("ip"), report.get("domains", [])
    return Outputs(addresses=[ip] if ip else [], urls=[f"https://{d}/" for d in domains],
                   dns_records=[DnsRecord(d, "A", ip) for d in domains] if ip else [],
                   certificates={d: report.get("certificateStatus", {}).get(d, "") for d in domains},
                   next_steps=steps)


def outputs_of(session: Session, target: Teardown) -> Outputs:
    """Outputs from the reads alone (no drift plan): what a create prints once it is done."""
    return outputs(target.name, target.region, session.project, survey(session, target))


def status(session: Session, target: Teardown, pattern: Any) -> StatusReport:
    from crpatterns.patterns.planning import drift_findings, plan_spec

    report = survey(session, target)
    found = findings(target.name, target.region, report)
    if report.get("exists"):
        try:
            plan, _ = plan_spec(session, pattern, spec_from(session, target, report))
            found += drift_findings(plan, COVERED)
        except PlanError as error:
            found.append(str(error))
    details = {k: v for k, v in report.items() if k not in ("exists", "certificatePem", "address", "image",
                                                              "httpsRedirect", "oauthClientId", "defaultUriDisabled")}
    return StatusReport(PATTERN_NAME, target.name, session.project, target.region, report.get("exists", False),
                        details=details, lines=text_lines(report), findings=found,
                        next_steps=next_steps(target.name, target.region, session.project, report),
                        healthy=HEALTHY, repair="crpatterns web-app create",
                        outputs=outputs(target.name, target.region, session.project, report))


def text_lines(report: dict[str, Any]) -> list[str]:
    if not report.get("exists"):
        return []
    lines = [f"mode: {report['mode']}" + (" with failover (Cloud Run service health)" if report.get("failover")
                                          else "")]
    if report["mode"] == DIRECT_MODE and report.get("uri"):
        lines.append(f"URL: {report['uri']}")
    if report.get("ip"):
        lines.append(f"load balancer IP: {report['ip']}")
        for d in report.get("domains", []):
            lines.append(f"DNS: {d} A {report['ip']}   certificate: {report['certificateStatus'].get(d)}")
    lines.append(f"ingress: {report['ingress']}")
    lines.append(f"IAP: {'on' if report.get('iapEnabled') else 'off'}; members: "
                 f"{', '.join(report.get('iapMembers', [])) or '(none)'}")
    lines.append(f"invokers: {', '.join(report.get('invokers', [])) or '(none)'}")
    if len(report.get("regions", [])) > 1:
        lines.extend(region_lines(report["regions"]))
    return lines
