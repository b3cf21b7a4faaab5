"""Which apps crpatterns manages in a project: found by the markers on what they made (labels, or the
same facts in descriptions), per pattern, in the regions asked about. Reads only."""

from __future__ import annotations

from dataclasses import dataclass

from crpatterns.concurrency import together
from crpatterns.engine.model import Scope
from crpatterns.patterns.registry import all_patterns
from crpatterns.session import Session


@dataclass(frozen=True, order=True)
class ManagedApp:
    pattern: str
    name: str
    regions: tuple[str, ...]


def managed_apps(session: Session, regions: tuple[str, ...]) -> list[ManagedApp]:
    """Every app some pattern made in the project, with the regions its regional resources are in."""
    reads = {}
    for pattern in all_patterns().values():
        for kind_key in pattern.owned_kinds:
            kind = session.kinds[kind_key]
            for region in (regions if kind.regional else (None,)):
                scope = Scope(session.project, region)
                reads[f"{pattern.name} {kind_key} {region}"] = (lambda k=kind, s=scope: (s, k.list(s)))
    found: dict[tuple[str, str], set[str]] = {}
    for key, (scope, bodies) in together(session.parallelism, reads).items():
        pattern_name, kind_key, _ = key.split(" ")
        for body in bodies:
            actual = session.kinds[kind_key].to_actual(scope, body)
            if actual.app and actual.pattern == pattern_name:
                found.setdefault((pattern_name, actual.app), set()).update([scope.region] if scope.region else [])
    return sorted(ManagedApp(p, a, tuple(sorted(r))) for (p, a), r in found.items())
