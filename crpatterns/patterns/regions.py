"""Patterns that run in several regions (web-app, internal-api): a Cloud Run service, a serverless NEG and
what else each region needs, all behind one load balancer. Pure helpers for naming them in the plan and for
saying what a change of the region list adds and removes.

A single region keeps today's roles ("service", "neg"...); several regions use one role per region
("neg@us-east1", engine/model.per_region), whose marker still says "neg", so the resources an app made in
one region play the same role when it grows to several, and the other way round.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from crpatterns.engine.model import per_region
from crpatterns.gcp.load_balancing import region_in


def role(base: str, region: str, regions: tuple[str, ...]) -> str:
    """The role of a region's resource: the plain role for a single-region app, ROLE@REGION otherwise."""
    return per_region(base, region) if len(regions) > 1 else base


def backend_regions(backend: dict[str, Any] | None) -> tuple[str, ...]:
    """The regions of the serverless NEGs a backend service holds now, in its order."""
    return tuple(dict.fromkeys(r for b in (backend or {}).get("backends", []) if (r := region_in(b.get("group")))))


def ordered(regions: Iterable[str]) -> list[str]:
    """Regions in one order whatever order the flags gave them (a backend service's list is compared in order)."""
    return sorted(set(regions))


def changes(wanted: Iterable[str], current: Iterable[str]) -> tuple[list[str], list[str]]:
    """(regions added, regions removed) going from `current` to `wanted`, each sorted."""
    wanted_set, current_set = set(wanted), set(current)
    return sorted(wanted_set - current_set), sorted(current_set - wanted_set)


def backend_notes(added: Iterable[str], removed: Iterable[str]) -> tuple[str, ...]:
    """What a change of regions does to the backend service, and in which order (web-app and internal-api)."""
    added, removed = list(added), list(removed)
    notes = []
    if added:
        notes.append(f"adds the NEG of {', '.join(added)} as a backend, once the NEG exists")
    if removed:
        notes.append(f"removes the NEG of {', '.join(removed)} from its backends before that NEG and its service are "
                     "deleted, so the load balancer always keeps a backend")
    return tuple(notes)
