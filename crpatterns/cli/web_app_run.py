"""The web-app commands' bodies: validate input (before any call), then hand the pattern to the flow."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crpatterns.cli.flow import PatternRun, Session
from crpatterns.cli.options import Common
from crpatterns.engine.model import Plan, Scope
from crpatterns.errors import UsageError
from crpatterns.patterns import validation as check
from crpatterns.patterns import web_app
from crpatterns.patterns.common import PUBLIC_MEMBERS


@dataclass(frozen=True)
class Inputs:
    name: str
    image: str
    region: str
    domains: tuple[str, ...]
    members: tuple[str, ...]
    iap_mode: str
    certificate_file: str | None
    private_key_file: str | None
    address: str | None
    https_redirect: bool
    oauth_client_id: str | None
    oauth_client_secret_file: str | None
    disable_default_url: bool


def _name_and_region(name: str, region: str) -> None:
    check.name_and_region(name, region, web_app.Names.of(name))


def validate(inputs: Inputs) -> dict[str, Any]:
    """Everything about the input that can be checked without the cloud; returns the spec's fields."""
    _name_and_region(inputs.name, inputs.region)
    if not inputs.image:
        raise UsageError("--image is required: the container image to run, e.g. us-docker.pkg.dev/P/REPO/IMG:TAG.")
    check.image(inputs.image)
    if inputs.iap_mode not in ("lb", "direct"):
        raise UsageError(f"--iap-mode must be lb or direct; got {inputs.iap_mode!r}.")
    if not inputs.members:
        raise UsageError(
            "--member is required (repeatable): who may use the app, e.g. --member group:staff@example.com.")
    members = tuple(check.members(list(inputs.members)))
    lb = inputs.iap_mode == "lb"
    domains = tuple(dict.fromkeys(check.domain(d) for d in inputs.domains))
    if lb and not domains:
        raise UsageError("--domain is required with --iap-mode lb (repeatable): the host name users will open.")
    if not lb:
        for flag, value in (("--domain", domains), ("--certificate-file", inputs.certificate_file),
                            ("--address", inputs.address), ("--oauth-client-id", inputs.oauth_client_id)):
            if value:
                raise UsageError(f"{flag} applies to --iap-mode lb only; direct mode has no load balancer.")
        if not inputs.https_redirect:
            raise UsageError("--no-https-redirect applies to --iap-mode lb only; direct mode has no load balancer.")
    certificate = key = None
    if inputs.certificate_file or inputs.private_key_file:
        certificate, key = check.read_pem_pair(inputs.certificate_file, inputs.private_key_file,
                                               ("--certificate-file", "--private-key-file"))
    if len(domains) > 100:
        raise UsageError("--domain may be given at most 100 times (a managed certificate's limit).")
    secret = None
    if bool(inputs.oauth_client_id) != bool(inputs.oauth_client_secret_file):
        raise UsageError("--oauth-client-id and --oauth-client-secret-file go together: give both or neither.")
    if inputs.oauth_client_secret_file:
        secret = check.read_secret(inputs.oauth_client_secret_file, "--oauth-client-secret-file")
    if inputs.address:
        check.compute_name(inputs.address, "--address")
    return dict(name=inputs.name, region=inputs.region, image=inputs.image, domains=domains, members=members,
                iap_mode=inputs.iap_mode, certificate_pem=certificate, private_key_pem=key, address=inputs.address,
                https_redirect=inputs.https_redirect, oauth_client_id=inputs.oauth_client_id,
                oauth_client_secret=secret, disable_default_url=inputs.disable_default_url)


def create_run(inputs: Inputs) -> PatternRun:
    fields = validate(inputs)

    def desired(session: Session) -> list:
        spec = web_app.WebAppSpec(project=session.project, project_number=session.number, **fields)
        return web_app.desired(spec)

    return PatternRun(web_app.PATTERN, inputs.name, [inputs.region], web_app.APIS, web_app.OWNED_KINDS,
                      desired=desired, after_apply=next_steps)


def destroy_run(name: str, region: str) -> PatternRun:
    _name_and_region(name, region)
    return PatternRun(web_app.PATTERN, name, [region], web_app.APIS, web_app.OWNED_KINDS)


def next_steps(session: Session, plan: Plan) -> list[str]:
    """On a terminal after create: the DNS records to make and what the certificate waits for."""
    if not session.console.stderr_is_terminal:
        return []
    region = _region_of(plan)
    return next_step_lines(gather_status(session, plan.app, region))


def next_step_lines(report: dict[str, Any]) -> list[str]:
    """What the person still has to do, from the status report (pure): DNS A records for the load
    balancer's IP, and that a Google-managed certificate waits for them; in direct mode, the URL."""
    if report.get("mode") == "direct" and report.get("uri"):
        return ["Next steps:", f"  Open {report['uri']}: IAP asks for a Google sign-in and lets in only the "
                               "--member principals."]
    if not (report.get("ip") and report.get("domains")):
        return []
    lines = ["Next steps:"]
    lines.extend(f"  Create a DNS A record: {d} -> {report['ip']}" for d in report["domains"])
    if report.get("certificateType") == "MANAGED":
        lines.append("  The Google-managed certificate turns ACTIVE once DNS for every domain points at this IP "
                     "(usually within an hour). Check with: crpatterns web-app status "
                     f"{report['name']} --region {report['region']} --project {report['project']}")
    return lines


def _region_of(plan: Plan) -> str:
    return next((s.scope.region for s in plan.steps if s.kind == "run.services" and s.scope.region), "")


# -- status ---------------------------------------------------------------------------------------


def gather_status(session: Session, name: str, region: str) -> dict[str, Any]:
    """Reads what the app consists of now. Reads only."""
    from crpatterns.kinds.iam import members_for
    from crpatterns.patterns.common import IAP_ACCESSOR_ROLE, INVOKER_ROLE, iap_agent

    kinds, project = session.kinds, session.project
    names = web_app.Names.of(name)
    regional, global_ = Scope(project, region), Scope(project)
    service = kinds["run.services"].read(regional, name)
    report: dict[str, Any] = {"name": name, "project": project, "region": region, "exists": service is not None}
    if service is None:
        return report
    labels = service.get("labels", {})
    # The mode is what exists: a load balancer in front (its backend service), or IAP on the service.
    backend = kinds["compute.backendServices"].read(global_, names.backend)
    direct = backend is None
    report.update(mode="direct" if direct else "lb", ingress=service.get("ingress", "INGRESS_TRAFFIC_ALL"),
                  uri=service.get("uri"), managedByCrpatterns=labels.get("managed-by") == "crpatterns")
    policy = kinds["run.services.iamPolicy"].read(regional, name) or {}
    report["invokers"] = sorted(members_for(policy, INVOKER_ROLE))
    report["iapAgent"] = f"serviceAccount:{iap_agent(session.number)}"
    spec_stub = web_app.WebAppSpec(name=name, project=project, project_number=session.number, region=region,
                                   iap_mode="direct" if direct else "lb")
    iap_policy = kinds["iap.webIamPolicy"].read(global_, web_app.iap_resource(spec_stub)) or {}
    report["iapMembers"] = sorted(members_for(iap_policy, IAP_ACCESSOR_ROLE))
    if backend is None:
        report["iapEnabled"] = bool(service.get("iapEnabled"))
        return report
    report["iapEnabled"] = bool((backend.get("iap") or {}).get("enabled"))
    rule = kinds["compute.globalForwardingRules"].read(global_, names.https_rule) or {}
    report["ip"] = rule.get("IPAddress")
    proxy = kinds["compute.targetHttpsProxies"].read(global_, names.https_proxy) or {}
    certificates = []
    for url in proxy.get("sslCertificates", []):
        cert = kinds["compute.sslCertificates"].read(global_, url.rsplit("/", 1)[-1]) or {}
        certificates.append(cert)
    domains: list[str] = []
    statuses: dict[str, str] = {}
    for cert in certificates:
        managed = cert.get("managed") or {}
        for d in managed.get("domains", cert.get("subjectAlternativeNames", [])):
            domains.append(d)
            statuses[d] = (managed.get("domainStatus") or {}).get(d) or managed.get("status") or "ACTIVE"
        report["certificateType"] = cert.get("type")
    report["domains"] = sorted(dict.fromkeys(domains))
    report["certificateStatus"] = statuses
    return report


def findings(report: dict[str, Any]) -> list[str]:
    """What breaks the pattern's promise: anyone but IAP can reach the app, or IAP cannot."""
    if not report.get("exists"):
        return [f"Cloud Run service {report['name']} does not exist in {report['region']}."]
    found = []
    public = [m for m in report.get("invokers", []) if m in PUBLIC_MEMBERS]
    if public:
        found.append(f"The service grants roles/run.invoker to {', '.join(public)}: it is public.")
    if report.get("mode") == "lb" and report.get("ingress") == "INGRESS_TRAFFIC_ALL":
        found.append("Ingress is ALL: the run.app URL bypasses IAP; it should be internal and cloud load balancing.")
    if not report.get("iapEnabled"):
        found.append("IAP is off: nobody is checked.")
    if report.get("iapAgent") not in report.get("invokers", []):
        found.append("IAP's service agent is not an invoker: IAP cannot reach the service.")
    return found


def status(common: Common, name: str, region: str) -> int:
    from crpatterns.cli.flow import report_status

    _name_and_region(name, region)
    return report_status(common, web_app.APIS, lambda session: gather_status(session, name, region), findings,
                         render_status)


def render_status(report: dict[str, Any]) -> str:
    lines = [f'web-app "{report["name"]}" in project {report["project"]} ({report["region"]}):']
    if not report.get("exists"):
        lines.append("  not found")
    else:
        lines.append(f"  mode: {report['mode']}")
        if report["mode"] == "direct" and report.get("uri"):
            lines.append(f"  URL: {report['uri']}")
        if report.get("ip"):
            lines.append(f"  load balancer IP: {report['ip']}")
            for d in report.get("domains", []):
                lines.append(f"  DNS: {d} A {report['ip']}   certificate: {report['certificateStatus'].get(d)}")
        lines.append(f"  ingress: {report['ingress']}")
        lines.append(f"  IAP: {'on' if report.get('iapEnabled') else 'off'}; members: "
                     f"{', '.join(report.get('iapMembers', [])) or '(none)'}")
        lines.append(f"  invokers: {', '.join(report.get('invokers', [])) or '(none)'}")
    problems = report.get("findings", [])
    lines.extend(f"  FINDING: {p}" for p in problems)
    lines.append("OK: the app is reachable only through IAP." if not problems else
                 f"{len(problems)} finding(s): run `crpatterns web-app create` with the same flags to repair.")
    return "\n".join(lines)
