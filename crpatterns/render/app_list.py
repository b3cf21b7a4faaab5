"""`crpatterns list`: the managed apps as a table for people and as one JSON document for programs."""

from __future__ import annotations

from typing import Any

from crpatterns.render.plan_json import FORMAT_VERSION

HEADERS = ("NAME", "PATTERN", "REGIONS", "HEALTH")


def table(project: str, apps: list[Any]) -> str:
    if not apps:
        return f"No apps managed by crpatterns in project {project}."
    rows = [HEADERS] + [(a.name, a.pattern, ",".join(a.regions), a.health) for a in apps]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADERS))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows)


def document(project: str, apps: list[Any]) -> dict[str, Any]:
    return {
        "formatVersion": FORMAT_VERSION,
        "project": project,
        "apps": [{"name": a.name, "pattern": a.pattern, "regions": list(a.regions), "health": a.health,
                  "findings": list(a.findings), **({"error": a.error} if a.error else {})} for a in apps],
    }
