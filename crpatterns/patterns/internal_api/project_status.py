"""`internal-api status` across projects: the service's record (projects.py) says where the frontend and the
network are, so the forwarding rule, its addresses and certificate are read in the frontend's project and the
proxy-only subnets in the network's; the report says which projects, and who was granted use of the backend
service. Reads only."""

from __future__ import annotations

from typing import Any

from crpatterns.concurrency import together
from crpatterns.engine.model import Scope
from crpatterns.kinds.keys import KindKey
from crpatterns.patterns.base import Teardown
from crpatterns.patterns.internal_api.projects import Where, recorded_admins
from crpatterns.patterns.internal_api.spec import Names
from crpatterns.session import Session


def where(session: Session, service: dict[str, Any] | None) -> Where:
    return Where.recorded(session.project, service)


def reread(session: Session, target: Teardown, at: Where) -> dict[str, Any]:
    """The reads of the frontend and the network in their projects (the first round read the app's project)."""
    kinds, names, region = session.kinds, Names.of(target.name), target.region
    front = Scope(at.frontend, region)
    return together(session.parallelism, {
        "rule": lambda: kinds[KindKey.FORWARDING_RULES].read(front, names.rule),
        "address": lambda: kinds[KindKey.ADDRESSES].read(front, names.address),
        "certificate": lambda: kinds[KindKey.REGION_SSL_CERTIFICATES].read(front, names.certificate),
        "subnets": lambda: kinds[KindKey.SUBNETWORKS].aggregated_list(at.network),
    })


def details(at: Where, service: dict[str, Any] | None) -> dict[str, Any]:
    """The report's cross-project facts (none when everything is in the app's project)."""
    if not at.others:
        return {}
    return {"frontendProject": at.frontend, "networkProject": at.network,
            "frontendAdmins": sorted(recorded_admins(service))}


def spec_fields(report: dict[str, Any], project: str) -> dict[str, Any]:
    """The spec's cross-project fields that would have made what the report found."""
    frontend = report.get("frontendProject") or project
    network = report.get("networkProject") or frontend
    return {"frontend_project": frontend if frontend != project else "",
            "network_project": network if network != frontend else "",
            "frontend_admins": tuple(report.get("frontendAdmins") or ())}


def lines(report: dict[str, Any]) -> list[str]:
    if not report.get("frontendProject"):
        return []
    out = [f"projects: frontend {report['frontendProject']}, network {report['networkProject']}, backend and "
           "service here"]
    if report.get("frontendAdmins"):
        out.append(f"frontend admins (roles/compute.loadBalancerServiceUser on the backend service): "
                   f"{', '.join(report['frontendAdmins'])}")
    return out
