"""`shared-vpc status`: the service's connection to the host's subnet and what breaks the pattern's promise."""

from __future__ import annotations

from typing import Any

from crpatterns.concurrency import together
from crpatterns.engine.model import Scope
from crpatterns.errors import PlanError
from crpatterns.gcp.shared_vpc import XPN_HOST_STATUS
from crpatterns.kinds.iam import members_for
from crpatterns.kinds.keys import KindKey
from crpatterns.patterns.base import Outputs, StatusReport, Teardown
from crpatterns.patterns.common import (
    INVOKER_ROLE,
    NETWORK_USER_ROLE,
    NETWORK_VIEWER_ROLE,
    PUBLIC_MEMBERS,
    run_agent,
)
from crpatterns.patterns.shared_vpc import reads
from crpatterns.patterns.shared_vpc.desired import connected_subnet, is_tool_created
from crpatterns.patterns.shared_vpc.spec import DEFAULT_INGRESS, INGRESS, PATTERN_NAME, EnableSpec
from crpatterns.session import Session


def findings(report: dict[str, Any]) -> list[str]:
    """What breaks the pattern's promise: the service is not on the host's subnet, is reachable from
    outside, or its revisions cannot use the subnet."""
    if not report.get("exists"):
        return [f"Cloud Run service {report['name']} does not exist in {report['region']}."]
    found = []
    if not report.get("subnet"):
        return ["The service has no Direct VPC egress: it is not connected to a Shared VPC subnet."]
    if report.get("host") == report.get("project"):
        found.append(f"The service uses a subnet of its own project ({report['subnet']}), not a Shared VPC host's.")
    if report.get("ingress") not in tuple(INGRESS.values()):
        found.append(f"Ingress is {report.get('ingress')}: it should be internal (or internal and cloud load "
                     "balancing), so only the Shared VPC reaches the service.")
    if report.get("host") != report.get("project"):
        if not report.get("hostIsSharedVpcHost"):
            found.append(f"Project {report['host']} is not a Shared VPC host project.")
        if report.get("attachedTo") != report.get("host"):
            found.append(f"Project {report['project']} is not attached to the Shared VPC host {report['host']}.")
    if report.get("subnetExists") is False:
        found.append(f"Subnet {report['subnet']} does not exist.")
    else:
        if not report.get("agentCanUseSubnet"):
            found.append(f"The Cloud Run service agent {report.get('agent')} lacks {NETWORK_USER_ROLE} on the subnet "
                         "and on the host project: new revisions cannot start.")
        if not report.get("privateGoogleAccess"):
            found.append("Private Google Access is off on the subnet: with egress through the VPC, calls to Google "
                         "APIs need it.")
    public = [m for m in report.get("invokers", []) if m in PUBLIC_MEMBERS]
    if public:
        found.append(f"The service grants roles/run.invoker to {', '.join(public)}: anyone who reaches it may "
                     "call it.")
    if report.get("subnetExists") and report.get("agentCanUseSubnet") and not report.get("agentIsHostNetworkViewer"):
        found.append(f"The Cloud Run service agent {report.get('agent')} lacks {NETWORK_VIEWER_ROLE} on the host "
                     "project: new revisions cannot read the network and fail to start.")
    if report.get("failure"):
        found.append(f"The service's latest revision failed: {report['failure']}")
    return found


HEALTHY = "OK: the service sends its traffic through the Shared VPC and only internal traffic reaches it."
COVERED = {(KindKey.RUN_SERVICES, "ingress"), (KindKey.RUN_SERVICE_IAM, f"bindings[{INVOKER_ROLE}]"),
           (KindKey.SUBNETWORKS, "privateIpGoogleAccess"), (KindKey.SUBNETWORK_IAM, f"bindings[{NETWORK_USER_ROLE}]"),
           (KindKey.PROJECT_IAM, f"bindings[{NETWORK_VIEWER_ROLE}]"), (KindKey.XPN_HOST, "hostProject")}


def survey(session: Session, target: Teardown) -> dict[str, Any]:
    """Everything `shared-vpc status` shows, as data. Reads only."""
    project, name, region = session.project, target.name, target.region
    found = reads.service(session, name, region)
    report: dict[str, Any] = {"exists": found is not None}
    if found is None:
        return report
    vpc = (found.get("template") or {}).get("vpcAccess") or {}
    interface = (vpc.get("networkInterfaces") or [{}])[0]
    subnet_path = connected_subnet(found, project, region)
    terminal = found.get("terminalCondition") or {}
    policy = session.kinds[KindKey.RUN_SERVICE_IAM].read(Scope(project, region), name) or {}
    report.update(
        ingress=found.get("ingress", DEFAULT_INGRESS),
        egress=vpc.get("egress") if subnet_path else None,
        tags=list(interface.get("tags") or []),
        network=interface.get("network"),
        subnet=subnet_path,
        host=subnet_path.split("/")[1] if subnet_path else None,
        createdByCrpatterns=is_tool_created(found, name),
        invokers=sorted(members_for(policy, INVOKER_ROLE)),
        uri=found.get("uri"),
        failure=terminal.get("message") if terminal.get("state") == "CONDITION_FAILED" else None,
    )
    if not subnet_path:
        return report
    host = report["host"]
    _, _, _, subnet_region, _, subnet_name = subnet_path.split("/")
    agent = f"serviceAccount:{run_agent(session.number)}"
    kinds = session.kinds
    scope = Scope(host, subnet_region)
    facts = together(session.parallelism, {
        "subnet": lambda: kinds[KindKey.SUBNETWORKS].read(scope, subnet_name),
        "subnet_policy": lambda: kinds[KindKey.SUBNETWORK_IAM].read(scope, subnet_name),
        "host_policy": lambda: kinds[KindKey.PROJECT_IAM].read(Scope(host), host),
        "status": lambda: reads.host_status(session, host) if host != project else None,
        "attached": lambda: reads.attached_to(session, project) if host != project else None,
    })
    subnet = facts["subnet"]
    host_members = members_for(facts["host_policy"] or {}, NETWORK_USER_ROLE)
    report.update(
        agent=agent.removeprefix("serviceAccount:"),
        subnetExists=subnet is not None,
        subnetName=subnet_name,
        networkName=((subnet or {}).get("network") or "").rsplit("/", 1)[-1] or None,
        privateGoogleAccess=bool((subnet or {}).get("privateIpGoogleAccess")),
        agentCanUseSubnet=agent in members_for(facts["subnet_policy"] or {}, NETWORK_USER_ROLE) | host_members,
        agentIsHostNetworkViewer=agent in members_for(facts["host_policy"] or {}, NETWORK_VIEWER_ROLE)
        or agent in host_members,
        hostIsSharedVpcHost=facts.get("status") == XPN_HOST_STATUS,
        attachedTo=facts.get("attached"),
    )
    return report


def spec_from(session: Session, target: Teardown, report: dict[str, Any]) -> EnableSpec | None:
    """The enable that would have made what exists (the user's choices as they are), or None when the
    service is connected to no host subnet."""
    if not report.get("subnet") or not report.get("networkName") or report.get("host") == session.project:
        return None
    ingress = report.get("ingress")
    return EnableSpec(
        name=target.name, region=target.region, project=session.project, project_number=session.number,
        host=report["host"], network=report["networkName"], subnet=report["subnetName"],
        egress=report.get("egress") or "ALL_TRAFFIC", tags=tuple(report.get("tags", ())),
        ingress=ingress if ingress in INGRESS.values() else INGRESS["internal"])


def outputs(report: dict[str, Any]) -> Outputs:
    """The service's URL, reachable through the Shared VPC only, and how to call it from there."""
    if not report.get("exists") or not report.get("uri") or not report.get("subnet"):
        return Outputs()
    call = f'curl -H "Authorization: Bearer $(gcloud auth print-identity-token)" {report["uri"]}'
    network = report.get("networkName") or report["subnet"]
    return Outputs(urls=[report["uri"]], call=call,
                   next_steps=[f"Call it from a VM in {report['host']}'s network {network} (ingress is internal): "
                               f"{call}"])


def outputs_of(session: Session, target: Teardown) -> Outputs:
    """Outputs from the reads alone (no drift plan): what an enable prints once it is done."""
    return outputs(survey(session, target))


def status(session: Session, target: Teardown, pattern: Any) -> StatusReport:
    from crpatterns.patterns.planning import drift_findings, plan_spec

    report = survey(session, target)
    found = findings({"name": target.name, "region": target.region, "project": session.project, **report})
    spec = spec_from(session, target, report)
    if spec is not None and report.get("exists"):
        try:
            plan, _ = plan_spec(session, pattern, spec)
            found += drift_findings(plan, COVERED)
        except PlanError:
            pass  # what the host lacks is a finding above already (not a host, not attached, no subnet)
    hidden = ("exists", "subnetName", "networkName")
    return StatusReport(PATTERN_NAME, target.name, session.project, target.region, report.get("exists", False),
                        details={k: v for k, v in report.items() if k not in hidden}, lines=text_lines(report),
                        findings=found, healthy=HEALTHY, repair="crpatterns shared-vpc enable",
                        outputs=outputs(report))


def _yes_no(value: Any) -> str:
    return "yes" if value else "no"


def text_lines(report: dict[str, Any]) -> list[str]:
    if not report.get("exists"):
        return []
    if not report.get("subnet"):
        return [f"ingress: {report['ingress']}", "VPC: not connected"]
    return [
        f"host project: {report['host']}   Shared VPC host: {_yes_no(report.get('hostIsSharedVpcHost'))}"
        f"   attached: {_yes_no(report.get('attachedTo') == report['host'])}",
        f"network: {report.get('network') or '(from the subnet)'}",
        f"subnet: {report['subnet']}   Private Google Access: {'on' if report.get('privateGoogleAccess') else 'off'}",
        f"egress: {report.get('egress')}   tags: {', '.join(report.get('tags', [])) or '(none)'}",
        f"ingress: {report['ingress']}",
        f"service agent {report.get('agent')} can use the subnet: {_yes_no(report.get('agentCanUseSubnet'))}",
        f"invokers: {', '.join(report.get('invokers', [])) or '(none)'}",
    ]
