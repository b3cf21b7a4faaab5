"""The shared-vpc commands' bodies: validate input (before any call), read the facts, hand the pure
pattern's desired state to the flow; status gathers, judges (pure findings) and renders."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from crpatterns.cli.flow import PatternRun, Session
from crpatterns.cli.options import Common
from crpatterns.errors import UsageError
from crpatterns.patterns import shared_vpc
from crpatterns.patterns import validation as check


@dataclass(frozen=True)
class EnableInputs:
    name: str
    region: str
    host: str
    network: str
    subnet: str
    image: str
    egress: str
    ingress: str
    tags: tuple[str, ...]
    invokers: tuple[str, ...]
    attach: bool
    project: str | None = None  # --project, when given: checked against --host-project before any call


def _name_and_region(name: str, region: str) -> None:
    check.name_and_region(name, region, flag="SERVICE")


def _choice(value: str, choices: dict[str, str], flag: str) -> str:
    if value not in choices:
        raise UsageError(f"{flag} must be {' or '.join(choices)}; got {value!r}.")
    return choices[value]


def validate_enable(inputs: EnableInputs) -> dict[str, Any]:
    """Everything about the input that can be checked without the cloud; returns the spec's fields."""
    from crpatterns.gcp.project import check_project_id

    _name_and_region(inputs.name, inputs.region)
    required = (("--host-project", inputs.host, "my-host-project"), ("--network", inputs.network, "shared-vpc"),
                ("--subnet", inputs.subnet, "run-egress"))
    for flag, value, example in required:
        if not value:
            raise UsageError(f"{flag} is required, e.g. {flag} {example}.")
    check_project_id(inputs.host, "--host-project")
    if inputs.project:
        shared_vpc.check_host_is_another_project(inputs.host, inputs.project)
    check.compute_name(inputs.network, "--network")
    check.compute_name(inputs.subnet, "--subnet")
    if inputs.image:
        check.image(inputs.image)
    tags = tuple(dict.fromkeys(check.network_tag(t) for t in inputs.tags))
    invokers = tuple(check.members(list(inputs.invokers), "--invoker"))
    return dict(name=inputs.name, region=inputs.region, host=inputs.host, network=inputs.network,
                subnet=inputs.subnet, image=inputs.image, tags=tags, invokers=invokers, attach=inputs.attach,
                egress=_choice(inputs.egress, shared_vpc.EGRESS, "--egress"),
                ingress=_choice(inputs.ingress, shared_vpc.INGRESS, "--ingress"))


def _run(name: str, region: str, decide: Any) -> PatternRun:
    """A PatternRun whose desired state comes from `decide(session) -> Intent`; the intent's warnings
    go into the plan."""
    warnings: list[str] = []

    def desired(session: Session) -> list:
        intent = decide(session)
        warnings[:] = intent.warnings
        return intent.desired

    return PatternRun(shared_vpc.PATTERN, name, [region], shared_vpc.APIS, shared_vpc.OWNED_KINDS,
                      desired=desired, warnings=lambda session: list(warnings))


def enable_run(inputs: EnableInputs) -> PatternRun:
    fields = validate_enable(inputs)

    def decide(session: Session) -> shared_vpc.Intent:
        from crpatterns.facts import shared_vpc as facts

        spec = shared_vpc.EnableSpec(project=session.project, project_number=session.number, **fields)
        shared_vpc.check_spec(spec)
        with ThreadPoolExecutor(2, thread_name_prefix="facts") as pool:
            service = pool.submit(facts.service, session, spec.name, spec.region)
            host = facts.host_facts(session, spec)
            return shared_vpc.enable(spec, host, service.result())

    return _run(inputs.name, inputs.region, decide)


def disable_run(name: str, region: str, revoke: bool) -> PatternRun:
    _name_and_region(name, region)

    def decide(session: Session) -> shared_vpc.Intent:
        from crpatterns.facts import shared_vpc as facts

        spec = shared_vpc.DisableSpec(name, session.project, session.number, region, revoke)
        service = facts.service(session, name, region)
        others: list[dict[str, Any]] = []
        agent_subnets: dict[str, set[str]] = {}
        grants = shared_vpc.decode_grants(((service or {}).get("annotations") or {}).get(shared_vpc.HOST_GRANTS))
        if revoke and grants:
            others = facts.other_services(session, name, region)
            hosts = {g.host for g in grants if not g.on_subnet}
            if hosts:
                agent_subnets = facts.agent_subnets(session, hosts)
        return shared_vpc.disable(spec, service, others, agent_subnets)

    return _run(name, region, decide)


# -- status ---------------------------------------------------------------------------------------


def status(common: Common, name: str, region: str) -> int:
    from crpatterns.cli.flow import report_status
    from crpatterns.facts import shared_vpc as facts

    _name_and_region(name, region)
    return report_status(common, shared_vpc.APIS, lambda session: facts.status_report(session, name, region),
                         shared_vpc.findings, render_status)


def _yes_no(value: Any) -> str:
    return "yes" if value else "no"


def render_status(report: dict[str, Any]) -> str:
    lines = [f'shared-vpc "{report["name"]}" in project {report["project"]} ({report["region"]}):']
    if not report.get("exists"):
        lines.append("  not found")
    elif not report.get("subnet"):
        lines.append(f"  ingress: {report['ingress']}")
        lines.append("  VPC: not connected")
    else:
        lines.append(f"  host project: {report['host']}   Shared VPC host: {_yes_no(report.get('hostIsSharedVpcHost'))}"
                     f"   attached: {_yes_no(report.get('attachedTo') == report['host'])}")
        lines.append(f"  network: {report.get('network') or '(from the subnet)'}")
        lines.append(f"  subnet: {report['subnet']}   Private Google Access: "
                     f"{'on' if report.get('privateGoogleAccess') else 'off'}")
        lines.append(f"  egress: {report.get('egress')}   tags: {', '.join(report.get('tags', [])) or '(none)'}")
        lines.append(f"  ingress: {report['ingress']}")
        lines.append(f"  service agent {report.get('agent')} can use the subnet: "
                     f"{_yes_no(report.get('agentCanUseSubnet'))}")
    problems = report.get("findings", [])
    lines.extend(f"  FINDING: {p}" for p in problems)
    lines.append("OK: the service sends its traffic through the Shared VPC and only internal traffic reaches it."
                 if not problems else
                 f"{len(problems)} finding(s): run `crpatterns shared-vpc enable` with your flags to repair.")
    return "\n".join(lines)
