"""`status` of an app in several regions (web-app, internal-api): for each region, whether its Cloud Run
service is ready, its latest revision, whether Cloud Run computes its health (service health), and whether
the load balancer holds its NEG. A region that is not ready is a finding. Pure: the statuses read the
services and hand them here.

Google exposes no per-region health value through the API (docs/google-behaviour.md, "Cloud Run: readiness
probes, minimum instances and service health"): what can be read is the service's Ready condition
(`terminalCondition`), its latest created and latest ready revisions, and whether what health is computed
from is there (a readiness probe and a minimum instance).
"""

from __future__ import annotations

from typing import Any

from crpatterns.patterns import failover

READY = "CONDITION_SUCCEEDED"
RECONCILING = "CONDITION_RECONCILING"


def _short(revision: str | None) -> str | None:
    return revision.rsplit("/", 1)[-1] if revision else None


def region_state(region: str, service: dict[str, Any] | None, in_load_balancer: bool) -> dict[str, Any]:
    """One region's entry: its service's readiness, revisions and service health, and its backend."""
    entry: dict[str, Any] = {"region": region, "exists": service is not None, "inLoadBalancer": in_load_balancer}
    if service is None:
        return entry
    condition = service.get("terminalCondition") or {}
    entry.update(
        ready=condition.get("state") == READY,
        readiness=condition.get("state") or "CONDITION_STATE_UNSPECIFIED",
        latestRevision=_short(service.get("latestReadyRevision")),
        latestCreatedRevision=_short(service.get("latestCreatedRevision")),
        serviceHealth=failover.health_computed(service),
        readinessPath=failover.readiness_path(service),
        minInstances=failover.min_instances(service),
    )
    if condition.get("message"):
        entry["message"] = condition["message"]
    return entry


def findings(name: str, entries: list[dict[str, Any]]) -> list[str]:
    """A region whose service is missing or not ready: the load balancer's backend there cannot serve."""
    found = []
    for entry in entries:
        where = f"Region {entry['region']}"
        if not entry["exists"]:
            found.append(f"{where}: Cloud Run service {name} does not exist"
                         + (", yet its NEG is a backend of the load balancer." if entry["inLoadBalancer"] else "."))
        elif not entry["ready"]:
            why = entry.get("message") or entry["readiness"]
            latest = entry.get("latestCreatedRevision")
            found.append(f"{where}: Cloud Run service {name} is not ready"
                         + (f" (revision {latest})" if latest and latest != entry.get("latestRevision") else "")
                         + f": {why.rstrip('.')}.")
    return found


def lines(entries: list[dict[str, Any]]) -> list[str]:
    """One text line per region."""
    out = []
    for entry in entries:
        head = f"region {entry['region']}: "
        if not entry["exists"]:
            out.append(head + "no service")
            continue
        state = "ready" if entry["ready"] else ("not ready yet" if entry["readiness"] == RECONCILING
                                                 else "NOT READY")
        health = (f"service health on (readiness {entry['readinessPath']}, {entry['minInstances']} minimum "
                  "instance(s))" if entry["serviceHealth"] else "service health off")
        backend = "backend of the load balancer" if entry["inLoadBalancer"] else "not a backend of the load balancer"
        out.append(f"{head}{state}, revision {entry.get('latestRevision') or '(none ready)'}, {health}, {backend}")
    return out
