"""What the shared-vpc pattern decides from, read before it runs: the host's Shared VPC status, the
service project's attachment, the subnet and who may use it, and the service. Reads only; every call
goes through the kinds (retries, one-sentence failures) or, where no kind covers it, the same retry
and failure mapping."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from crpatterns.engine.model import Scope
from crpatterns.patterns import shared_vpc as pattern
from crpatterns.patterns.common import NETWORK_USER_ROLE, NETWORK_VIEWER_ROLE, run_agent

T = TypeVar("T")


def _read(resource: str, call: str, fn: Callable[[], T]) -> T:
    from google.api_core import exceptions as gexc
    from requests import RequestException

    from crpatterns.gcp import failures
    from crpatterns.gcp.retry import with_retry

    try:
        return with_retry(fn)
    except (gexc.GoogleAPICallError, RequestException, ConnectionError) as error:
        raise failures.describe(error, resource, call) from error


def _together(session: Any, **reads: Callable[[], Any]) -> dict[str, Any]:
    """Independent reads run concurrently (up to --parallelism); the first failure is raised."""
    with ThreadPoolExecutor(max_workers=max(1, min(session.common.parallelism, len(reads))),
                            thread_name_prefix="facts") as pool:
        futures = {key: pool.submit(fn) for key, fn in reads.items()}
        return {key: future.result() for key, future in futures.items()}


def xpn_status(session: Any, host: str) -> str:
    """The host's Compute Project.xpnProjectStatus (HOST when Shared VPC is enabled on it)."""
    from crpatterns.kinds.compute import to_dict

    client = session.clients.compute("ProjectsClient")
    found = _read(f"project {host} (--host-project)", "compute.projects.get", lambda: to_dict(client.get(project=host)))
    return str(found.get("xpnProjectStatus") or "UNSPECIFIED_XPN_PROJECT_STATUS")


def attached_to(session: Any, project: str) -> str | None:
    """The Shared VPC host the project is attached to (getXpnHost), or None."""
    return session.kinds["compute.projects.xpnHost"].read(Scope(project), project).get("hostProject")


def _members(policy: dict[str, Any] | None, role: str) -> set[str]:
    from crpatterns.kinds.iam import members_for

    return members_for(policy or {}, role)


def host_facts(session: Any, spec: pattern.EnableSpec) -> pattern.HostFacts:
    kinds = session.kinds
    subnet_scope = Scope(spec.host, spec.region)
    found = _together(
        session,
        status=lambda: xpn_status(session, spec.host),
        attached=lambda: attached_to(session, spec.project),
        subnet=lambda: kinds["compute.subnetworks"].read(subnet_scope, spec.subnet),
        subnet_policy=lambda: kinds["compute.subnetworks.iamPolicy"].read(subnet_scope, spec.subnet),
        host_policy=lambda: kinds["cloudresourcemanager.projects.iamPolicy"].read(Scope(spec.host), spec.host),
    )
    return pattern.HostFacts(
        xpn_status=found["status"],
        attached_to=found["attached"],
        subnet=found["subnet"],
        agent_is_subnet_user=spec.agent in _members(found["subnet_policy"], NETWORK_USER_ROLE),
        agent_is_host_viewer=spec.agent in _members(found["host_policy"], NETWORK_VIEWER_ROLE),
    )


def service(session: Any, name: str, region: str) -> dict[str, Any] | None:
    return session.kinds["run.services"].read(Scope(session.project, region), name)


def other_services(session: Any, name: str, region: str) -> list[dict[str, Any]]:
    """The project's other Cloud Run services in the region (Cloud Run cannot list across regions:
    discovery, services.list "cannot be the '-' wildcard")."""
    listed = session.kinds["run.services"].list(Scope(session.project, region))
    return [s for s in listed if str(s.get("name", "")).rsplit("/", 1)[-1] != name]


def agent_subnets(session: Any, hosts: set[str]) -> dict[str, set[str]]:
    """Per host: the paths of its regular subnets where the Cloud Run agent of the session's project
    holds roles/compute.networkUser. Read only for `disable --revoke-host-access` with a host-project
    grant to remove (one aggregatedList per host, then each subnet's policy)."""
    from crpatterns.kinds.compute import to_dict

    agent = f"serviceAccount:{run_agent(session.number)}"
    client = session.clients.compute("SubnetworksClient")
    policy_kind = session.kinds["compute.subnetworks.iamPolicy"]
    found: dict[str, set[str]] = {}
    for host in sorted(hosts):
        listed = _read(f"subnetworks of {host}", "compute.subnetworks.aggregatedList",
                       lambda h=host: [to_dict(s) for _, scoped in client.aggregated_list(project=h)
                                       for s in scoped.subnetworks])
        subnets = [s for s in listed if s.get("purpose", "") in pattern.SUBNET_PURPOSES]
        reads = {
            f"projects/{host}/regions/{s['region'].rsplit('/', 1)[-1]}/subnetworks/{s['name']}":
                (lambda s=s, h=host: policy_kind.read(Scope(h, s["region"].rsplit("/", 1)[-1]), s["name"]))
            for s in subnets
        }
        policies = _together(session, **reads) if reads else {}
        found[host] = {path for path, policy in policies.items() if agent in _members(policy, NETWORK_USER_ROLE)}
    return found


# -- status --------------------------------------------------------------------------------------


def status_report(session: Any, name: str, region: str) -> dict[str, Any]:
    """Everything `shared-vpc status` shows, as data. Reads only."""
    project = session.project
    found = service(session, name, region)
    report: dict[str, Any] = {"name": name, "project": project, "region": region, "exists": found is not None}
    if found is None:
        return report
    vpc = (found.get("template") or {}).get("vpcAccess") or {}
    interface = (vpc.get("networkInterfaces") or [{}])[0]
    subnet_path = pattern.connected_subnet(found, project, region)
    terminal = found.get("terminalCondition") or {}
    report.update(
        ingress=found.get("ingress", pattern.DEFAULT_INGRESS),
        egress=vpc.get("egress") if subnet_path else None,
        tags=list(interface.get("tags") or []),
        network=interface.get("network"),
        subnet=subnet_path,
        host=subnet_path.split("/")[1] if subnet_path else None,
        createdByCrpatterns=pattern.is_tool_created(found, name),
        failure=terminal.get("message") if terminal.get("state") == "CONDITION_FAILED" else None,
    )
    if not subnet_path:
        return report
    host = report["host"]
    _, _, _, subnet_region, _, subnet_name = subnet_path.split("/")
    agent = f"serviceAccount:{run_agent(session.number)}"
    kinds = session.kinds
    scope = Scope(host, subnet_region)
    reads: dict[str, Callable[[], Any]] = {
        "subnet": lambda: kinds["compute.subnetworks"].read(scope, subnet_name),
        "subnet_policy": lambda: kinds["compute.subnetworks.iamPolicy"].read(scope, subnet_name),
        "host_policy": lambda: kinds["cloudresourcemanager.projects.iamPolicy"].read(Scope(host), host),
    }
    if host != project:
        reads["status"] = lambda: xpn_status(session, host)
        reads["attached"] = lambda: attached_to(session, project)
    facts = _together(session, **reads)
    subnet = facts["subnet"]
    report.update(
        agent=agent.removeprefix("serviceAccount:"),
        subnetExists=subnet is not None,
        privateGoogleAccess=bool((subnet or {}).get("privateIpGoogleAccess")),
        agentCanUseSubnet=agent in _members(facts["subnet_policy"], NETWORK_USER_ROLE)
        | _members(facts["host_policy"], NETWORK_USER_ROLE),
        agentIsHostNetworkViewer=agent in _members(facts["host_policy"], NETWORK_VIEWER_ROLE),
        hostIsSharedVpcHost=facts.get("status") == "HOST",
        attachedTo=facts.get("attached"),
    )
    return report
