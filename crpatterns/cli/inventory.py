"""Which apps crpatterns manages in a project, found without a state file: every app has a Cloud Run
service, marked with the ownership labels (crpatterns/engine/ownership.py) or, for a service shared-vpc
connected without creating it, the `crpatterns-shared-vpc` label. Cloud Run lists one region at a time
(discovery run.v2 services.list: the parent "cannot be the '-' wildcard"), so every region is listed at
once, up to --parallelism. Health is each app's own `status`. Reads only."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from crpatterns.errors import CrpatternsError

HEALTHY = "healthy"  # the app exists and status finds nothing
UNHEALTHY = "unhealthy"  # status has findings: something breaks the pattern's promise
UNKNOWN = "unknown"  # status could not be read (its error is given)
# The worst health of an app's regions is the app's.
SEVERITY = {HEALTHY: 0, UNKNOWN: 1, UNHEALTHY: 2}


@dataclass
class ManagedApp:
    name: str
    pattern: str
    regions: list[str]
    stack: str | None = None  # the stack file it was applied from (label crpatterns-stack), if any
    health: str = UNKNOWN
    findings: list[str] = field(default_factory=list)
    error: str | None = None


def marker_of(service: dict[str, Any], patterns: dict[str, Any], created_only: bool = False) -> tuple[str, str] | None:
    """(app, pattern) a Cloud Run service belongs to, or None when crpatterns does not manage it.
    `created_only`: only services crpatterns created (ownership labels), not the ones shared-vpc connected."""
    from crpatterns.engine.ownership import from_labels
    from crpatterns.patterns.shared_vpc.spec import CONNECTED_LABEL, PATTERN_NAME

    labels = service.get("labels") or {}
    marker = from_labels(labels)
    if marker is not None and marker[1] in patterns:
        return marker[0], marker[1]
    if labels.get(CONNECTED_LABEL) and not created_only:
        return str(service.get("name", "")).rsplit("/", 1)[-1], PATTERN_NAME
    return None


def managed_apps(session: Any, regions: list[str], created_only: bool = False) -> list[ManagedApp]:
    """Every managed app in the regions (its Cloud Run service's markers), health not read yet."""
    from crpatterns.concurrency import together
    from crpatterns.engine.model import Scope
    from crpatterns.engine.ownership import LABEL_STACK
    from crpatterns.kinds.keys import KindKey
    from crpatterns.patterns.registry import all_patterns

    patterns = all_patterns()
    services = session.kinds[KindKey.RUN_SERVICES]
    listed = together(session.parallelism, {
        region: (lambda r=region: services.list(Scope(session.project, r))) for region in regions})
    found: dict[tuple[str, str], list[str]] = {}
    stacks: dict[tuple[str, str], str] = {}
    for region in regions:
        for service in listed[region]:
            marker = marker_of(service, patterns, created_only)
            if marker is not None:
                found.setdefault(marker, []).append(region)
                stack = (service.get("labels") or {}).get(LABEL_STACK)
                if stack:
                    stacks[marker] = stack
    return [ManagedApp(name, pattern, sorted(set(where)), stack=stacks.get((name, pattern)))
            for (name, pattern), where in sorted(found.items())]


def find_apps(session: Any, regions: list[str]) -> list[ManagedApp]:
    """Every managed app in the regions, with its health (the worst of its regions)."""
    from crpatterns.concurrency import together
    from crpatterns.patterns.registry import all_patterns

    patterns = all_patterns()
    apps = managed_apps(session, regions)
    checks = {f"{i}/{region}": (lambda app=app, r=region: _health(session, patterns[app.pattern], app.name, r))
              for i, app in enumerate(apps) for region in app.regions}
    healths = together(session.parallelism, checks)
    for i, app in enumerate(apps):
        results = [healths[f"{i}/{region}"] for region in app.regions]
        app.health = max((health for health, _, _ in results), key=SEVERITY.__getitem__)
        app.findings = [finding for _, findings, _ in results for finding in findings]
        app.error = next((error for _, _, error in results if error), None)
    return apps


def _health(session: Any, pattern: Any, name: str, region: str) -> tuple[str, list[str], str | None]:
    from crpatterns.patterns.base import Teardown

    try:
        report = pattern.status(session, Teardown(name=name, region=region, project=session.project,
                                                  project_number=session.number))
    except CrpatternsError as error:
        return UNKNOWN, [], str(error)
    findings = [f"{region}: {finding}" for finding in report.findings]
    return (UNHEALTHY if findings or not report.exists else HEALTHY), findings, None
