"""What internal-api reads of the other projects before deciding (projects.py says what it decides): the Shared
VPC host's status, the frontend project's attachment and the subnets it may use, and who holds
roles/compute.loadBalancerServiceUser on the backend service. Reads only, through the kinds."""

from __future__ import annotations

from typing import Any

from crpatterns.concurrency import together
from crpatterns.engine.model import Scope
from crpatterns.kinds.iam import members_for
from crpatterns.kinds.keys import KindKey
from crpatterns.patterns.internal_api.projects import SERVICE_USER_ROLE, ProjectFacts, Where
from crpatterns.patterns.internal_api.spec import InternalApiSpec, Names
from crpatterns.session import Session


def service(session: Session, name: str, region: str) -> dict[str, Any] | None:
    """The app's service, whose record says where its parts are (destroy takes only the app's name). Listed, not
    read: a destroy run again after the service went gets no 404 (the observation lists the region anyway)."""
    listed = session.kinds[KindKey.RUN_SERVICES].list(Scope(session.project, region))
    return next((s for s in listed if str(s.get("name", "")).rsplit("/", 1)[-1] == name), None)


def project_facts(session: Session, spec: InternalApiSpec) -> ProjectFacts:
    where = Where.of(spec)
    kinds = session.kinds
    reads: dict[str, Any] = {}
    if where.shared_vpc:
        host, project = where.network, where.frontend
        reads["status"] = lambda: kinds[KindKey.XPN_HOST].host_status(host, f"{host} (--network-project)")
        reads["attached"] = lambda: (kinds[KindKey.XPN_HOST].read(Scope(project), project) or {}).get("hostProject")
        reads["usable"] = lambda: kinds[KindKey.SUBNETWORKS].usable(project)
    if where.frontend != where.app:
        scope, backend = Scope(spec.project, spec.region), Names.of(spec.name).backend
        reads["policy"] = lambda: kinds[KindKey.REGION_BACKEND_SERVICE_IAM].read(scope, backend)
    if not reads:
        return ProjectFacts()
    found = together(session.parallelism, reads)
    return ProjectFacts(host_status=found.get("status") or "", attached_to=found.get("attached"),
                        usable=tuple(u.get("subnetwork", "") for u in found.get("usable") or ()),
                        service_users=frozenset(members_for(found.get("policy") or {}, SERVICE_USER_ROLE)))
