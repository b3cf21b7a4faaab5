"""What the shared-vpc pattern decides from, read before it runs: the host's Shared VPC status, the
service project's attachment, the subnet and who may use it, and the service. Reads only, through the
kinds (retries, one-sentence failures)."""

from __future__ import annotations

from typing import Any

from crpatterns.concurrency import together
from crpatterns.engine.model import Scope
from crpatterns.kinds.iam import members_for
from crpatterns.kinds.keys import KindKey
from crpatterns.patterns.common import NETWORK_USER_ROLE, NETWORK_VIEWER_ROLE, run_agent
from crpatterns.patterns.shared_vpc.spec import SUBNET_PURPOSES, EnableSpec, HostFacts
from crpatterns.session import Session


def attached_to(session: Session, project: str) -> str | None:
    """The Shared VPC host the project is attached to (getXpnHost), or None."""
    return (session.kinds[KindKey.XPN_HOST].read(Scope(project), project) or {}).get("hostProject")


def host_status(session: Session, host: str) -> str:
    return session.kinds[KindKey.XPN_HOST].host_status(host, f"{host} (--host-project)")


def host_facts(session: Session, spec: EnableSpec) -> HostFacts:
    kinds = session.kinds
    subnet_scope = Scope(spec.host, spec.region)
    found = together(session.parallelism, {
        "status": lambda: host_status(session, spec.host),
        "attached": lambda: attached_to(session, spec.project),
        "subnet": lambda: kinds[KindKey.SUBNETWORKS].read(subnet_scope, spec.subnet),
        "subnet_policy": lambda: kinds[KindKey.SUBNETWORK_IAM].read(subnet_scope, spec.subnet),
        "host_policy": lambda: kinds[KindKey.PROJECT_IAM].read(Scope(spec.host), spec.host),
    })
    return HostFacts(
        xpn_status=found["status"],
        attached_to=found["attached"],
        subnet=found["subnet"],
        agent_is_subnet_user=spec.agent in members_for(found["subnet_policy"] or {}, NETWORK_USER_ROLE),
        agent_is_host_viewer=spec.agent in members_for(found["host_policy"] or {}, NETWORK_VIEWER_ROLE),
    )


def service(session: Session, name: str, region: str) -> dict[str, Any] | None:
    return session.kinds[KindKey.RUN_SERVICES].read(Scope(session.project, region), name)


def other_services(session: Session, name: str, region: str) -> list[dict[str, Any]]:
    """The project's other Cloud Run services in the region (Cloud Run cannot list across regions:
    discovery run.v2 projects.locations.services.list, parent: "cannot be the '-' wildcard")."""
    listed = session.kinds[KindKey.RUN_SERVICES].list(Scope(session.project, region))
    return [s for s in listed if str(s.get("name", "")).rsplit("/", 1)[-1] != name]


def agent_subnets(session: Session, hosts: set[str]) -> dict[str, set[str]]:
    """Per host: the paths of its regular subnets where the Cloud Run agent of the session's project
    holds roles/compute.networkUser. Read only for `disable --revoke-host-access` with a host-project
    grant to remove (one aggregatedList per host, then each subnet's policy)."""
    agent = f"serviceAccount:{run_agent(session.number)}"
    policy_kind = session.kinds[KindKey.SUBNETWORK_IAM]
    found: dict[str, set[str]] = {}
    for host in sorted(hosts):
        listed = session.kinds[KindKey.SUBNETWORKS].aggregated_list(host)
        subnets = [s for s in listed if s.get("purpose", "") in SUBNET_PURPOSES]
        reads = {
            f"projects/{host}/regions/{s['region'].rsplit('/', 1)[-1]}/subnetworks/{s['name']}":
                (lambda s=s, h=host: policy_kind.read(Scope(h, s["region"].rsplit("/", 1)[-1]), s["name"]))
            for s in subnets
        }
        policies = together(session.parallelism, reads)
        found[host] = {path for path, policy in policies.items()
                       if agent in members_for(policy or {}, NETWORK_USER_ROLE)}
    return found
