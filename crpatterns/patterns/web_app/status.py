"""`web-app status`: what the app consists of now, what breaks its promise (anyone but IAP can reach it,
or IAP cannot), every difference from what `create` makes, and what the person still has to do."""

from __future__ import annotations

from typing import Any

from crpatterns.engine.model import Scope
from crpatterns.errors import PlanError
from crpatterns.kinds.iam import members_for
from crpatterns.kinds.keys import KindKey
from crpatterns.patterns.base import DnsRecord, Outputs, StatusReport, Teardown
from crpatterns.patterns.common import IAP_ACCESSOR_ROLE, INVOKER_ROLE, PUBLIC_MEMBERS, iap_agent
from crpatterns.patterns.web_app.desired import iap_resource
from crpatterns.patterns.web_app.reads import proxy_certificates
from crpatterns.patterns.web_app.spec import DIRECT_MODE, LB_MODE, PATTERN_NAME, Names, WebAppSpec
from crpatterns.session import Session

HEALTHY = "OK: the app is reachable only through IAP."
# What the hand-written findings below already say in their own words (no second, generic sentence).
COVERED = {(KindKey.RUN_SERVICES, "ingress"), (KindKey.RUN_SERVICE_IAM, f"bindings[{INVOKER_ROLE}]"),
           (KindKey.IAP_WEB_IAM, f"bindings[{IAP_ACCESSOR_ROLE}]"), (KindKey.BACKEND_SERVICES, "iap")}


def survey(session: Session, target: Teardown) -> dict[str, Any]:
    """Reads what the app consists of now. Reads only."""
    kinds, project, name, region = session.kinds, session.project, target.name, target.region
    names = Names.of(name)
    regional, global_ = Scope(project, region), Scope(project)
    service = kinds[KindKey.RUN_SERVICES].read(regional, name)
    report: dict[str, Any] = {"exists": service is not None}
    if service is None:
        return report
    backend = kinds[KindKey.BACKEND_SERVICES].read(global_, names.backend)
    rule = kinds[KindKey.GLOBAL_FORWARDING_RULES].read(global_, names.https_rule)
    # The mode is what exists: a load balancer in front, or IAP on the service itself.
    direct = backend is None and rule is None
    report.update(mode=DIRECT_MODE if direct else LB_MODE, ingress=service.get("ingress", "INGRESS_TRAFFIC_ALL"),
                  uri=service.get("uri"), image=_image(service),
                  defaultUriDisabled=bool(service.get("defaultUriDisabled")))
    policy = kinds[KindKey.RUN_SERVICE_IAM].read(regional, name) or {}
    report["invokers"] = sorted(members_for(policy, INVOKER_ROLE))
    report["iapAgent"] = f"serviceAccount:{iap_agent(session.number)}"
    stub = WebAppSpec(name=name, region=region, project=project, project_number=session.number,
                      iap_mode=report["mode"])
    iap_policy = kinds[KindKey.IAP_WEB_IAM].read(global_, iap_resource(stub)) or {}
    report["iapMembers"] = sorted(members_for(iap_policy, IAP_ACCESSOR_ROLE))
    if direct:
        report["iapEnabled"] = bool(service.get("iapEnabled"))
        return report
    report["iapEnabled"] = bool(((backend or {}).get("iap") or {}).get("enabled"))
    report["oauthClientId"] = ((backend or {}).get("iap") or {}).get("oauth2ClientId") or None
    report["ip"] = (rule or {}).get("IPAddress")
    report["address"] = _address_name(session, rule)
    report["httpsRedirect"] = kinds[KindKey.URL_MAPS].read(global_, names.redirect_url_map) is not None
    certificates = list(proxy_certificates(session, name))
    domains: list[str] = []
    statuses: dict[str, str] = {}
    for cert in certificates:
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


def _image(service: dict[str, Any]) -> str:
    return (((service.get("template") or {}).get("containers") or [{}])[0]).get("image", "")


def _address_name(session: Session, rule: dict[str, Any] | None) -> str | None:
    """The reserved address the HTTPS rule takes its IP from, when it is not the app's own `NAME-ip`."""
    ip = (rule or {}).get("IPAddress")
    if not ip:
        return None
    for address in session.kinds[KindKey.GLOBAL_ADDRESSES].list(Scope(session.project)):
        if address.get("address") == ip:
            return address.get("name")
    return None


def findings(name: str, region: str, report: dict[str, Any]) -> list[str]:
    """What breaks the pattern's promise: anyone but IAP can reach the app, or IAP cannot."""
    if not report.get("exists"):
        return [f"Cloud Run service {name} does not exist in {region}."]
    found = []
    public = [m for m in report.get("invokers", []) if m in PUBLIC_MEMBERS]
    if public:
        found.append(f"The service grants roles/run.invoker to {', '.join(public)}: it is public.")
    public_access = [m for m in report.get("iapMembers", []) if m in PUBLIC_MEMBERS]
    if public_access:
        found.append(f"IAP lets {', '.join(public_access)} in ({IAP_ACCESSOR_ROLE}): anyone may use the app.")
    if report.get("mode") == LB_MODE and report.get("ingress") != "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER":
        if report.get("ingress") == "INGRESS_TRAFFIC_ALL":
            found.append("Ingress is ALL: the run.app URL bypasses IAP; it should be internal and cloud load "
                         "balancing.")
        else:
            found.append(f"Ingress is {report.get('ingress')}: the load balancer cannot reach the service; it "
                         "should be internal and cloud load balancing.")
    if not report.get("iapEnabled"):
        found.append("IAP is off: nobody is checked.")
    if report.get("iapAgent") not in report.get("invokers", []):
        found.append("IAP's service agent is not an invoker: IAP cannot reach the service.")
    return found


def spec_from(session: Session, target: Teardown, report: dict[str, Any]) -> WebAppSpec:
    """The spec that would have made what exists, keeping every choice a user makes (image, domains,
    members...) and nothing the pattern decides: planned against the cloud, its changes are drift."""
    return WebAppSpec(
        name=target.name, region=target.region, project=session.project, project_number=session.number,
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
    lines = [f"mode: {report['mode']}"]
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
    return lines
