"""The read phase: everything the planner needs, fetched concurrently, reads only.

1. Each desired resource by its name (absent, ours, or someone else's).
2. Every resource of the pattern's kinds marked for the app by this very pattern (what another pattern
   made for an app of the same name is that pattern's, never this one's), in the scopes searched: the
   project's global scope and the pattern's regions (and those of the other projects the pattern names),
   then (a second round) any region that a resource found in the first round points into, so a resource
   left in an old region by a region change is found too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol

from crpatterns.concurrency import run_all
from crpatterns.engine.model import Actual, Desired, Observation, Scope


class KindReader(Protocol):
    key: str
    regional: bool

    def read(self, scope: Scope, name: str) -> dict[str, Any] | None: ...

    def list(self, scope: Scope) -> list[dict[str, Any]]: ...

    def to_actual(self, scope: Scope, body: dict[str, Any]) -> Actual: ...

    def references(self, body: dict[str, Any]) -> list[str]: ...


_REGION = re.compile(r"/regions/([a-z0-9-]+)/|/locations/([a-z0-9-]+)/")


def _scope_of(kind: KindReader, project: str, region: str | None) -> Scope:
    return Scope(project, region if kind.regional else None)


def observe(
    desired: Iterable[Desired],
    kinds: Mapping[str, KindReader],
    app: str,
    pattern: str,
    project: str,
    regions: Iterable[str],
    owned_kinds: Iterable[str],
    parallelism: int = 8,
    also: Iterable[str] = (),
) -> Observation:
    """`also`: other projects where the app has resources (a frontend in another project), searched alike."""
    observation = Observation()
    projects = list(dict.fromkeys((project, *also)))
    desired = list(desired)
    owned_kinds = list(dict.fromkeys(owned_kinds))
    searched: set[tuple[str, Scope]] = set()

    def run(tasks: list[Callable[[], None]]) -> None:
        run_all(parallelism, tasks)

    def read_named(d: Desired) -> Callable[[], None]:
        def task() -> None:
            observation.by_key[(d.kind, d.scope, d.name)] = kinds[d.kind].read(d.scope, d.name)

        return task

    found: list[Actual] = []

    def list_owned(kind_key: str, scope: Scope) -> Callable[[], None]:
        def task() -> None:
            kind = kinds[kind_key]
            for body in kind.list(scope):
                actual = kind.to_actual(scope, body)
                if actual.app == app and actual.pattern == pattern:
                    found.append(actual)

        return task

    def listing_tasks(region_set: Iterable[str | None]) -> list[Callable[[], None]]:
        tasks = []
        for kind_key in owned_kinds:
            for region in region_set:
                for where in projects:
                    scope = _scope_of(kinds[kind_key], where, region)
                    if (kind_key, scope) not in searched:
                        searched.add((kind_key, scope))
                        tasks.append(list_owned(kind_key, scope))
        return tasks

    first_regions = set(regions)
    run([read_named(d) for d in desired] + listing_tasks(first_regions or {None}))
    more: set[str] = set()
    for actual in found:
        for reference in kinds[actual.kind].references(actual.body):
            match = _REGION.search("/" + reference + "/")
            if match:
                more.add(match.group(1) or match.group(2))
    run(listing_tasks(more - first_regions))
    unique: dict[tuple[str, Scope, str], Actual] = {}
    for actual in found:
        unique[(actual.kind, actual.scope, actual.name)] = actual
    observation.owned = list(unique.values())
    return observation
