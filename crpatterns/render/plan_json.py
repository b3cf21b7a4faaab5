"""`--format json`: one document on stdout, the plan as data. Its shape is
crpatterns/render/output.schema.json (`formatVersion` changes when a field changes meaning or goes)."""

from __future__ import annotations

import json
from typing import Any

from crpatterns.engine.model import Action, Change, Plan, Step
from crpatterns.render.fields import create_fields, narrowed
from crpatterns.render.vocabulary import SENSITIVE

FORMAT_VERSION = "1.0"


def _value(change: Change, value: Any) -> Any:
    return SENSITIVE if change.sensitive and value is not None else value


def step_json(step: Step) -> dict[str, Any]:
    item: dict[str, Any] = {
        "action": step.action.value,
        "kind": step.kind,
        "name": step.name,
        "scope": step.scope.region or "global",
        "project": step.scope.project,
        "changes": _changes(step),
    }
    if step.role:
        item["role"] = step.role
    if step.strategy:
        item["strategy"] = step.strategy
        if step.actual is not None and (step.actual.name, step.actual.scope) != (step.name, step.scope):
            item["replaces"] = step.actual.name
    if step.shared:
        item["shared"] = True
    if step.notes:
        item["notes"] = list(step.notes)
    return item


def _changes(step: Step) -> list[dict[str, Any]]:
    """A create: every desired attribute (before null). Otherwise the fields that differ, narrowed as the
    text plan shows them."""
    if step.action is Action.CREATE:
        return [{"field": path, "before": None, "after": SENSITIVE if secret else value}
                for path, value, secret in create_fields(step)]
    return [{"field": c.field, "before": _value(c, c.before), "after": _value(c, c.after),
             **({"forcesReplacement": True} if c.forces_replace else {})}
            for change in step.changes for c in narrowed(change)]


def _actions(plan: Plan) -> list[dict[str, Any]]:
    """Visible steps, each with `dependsOn`: the indexes (in this list) of the actions it waits for.
    A hidden step (the delete half of a replacement) passes its own dependencies on."""
    position = {i: n for n, i in enumerate(i for i, s in enumerate(plan.steps) if not s.hidden)}

    def visible_deps(index: int, seen: set[int]) -> set[int]:
        found: set[int] = set()
        for dep in plan.steps[index].depends_on:
            if dep in seen:
                continue
            seen.add(dep)
            found |= {position[dep]} if dep in position else visible_deps(dep, seen)
        return found

    actions = []
    for i, step in enumerate(plan.steps):
        if step.hidden:
            continue
        item = step_json(step)
        item["dependsOn"] = sorted(visible_deps(i, set()))
        actions.append(item)
    return actions


def plan_document(plan: Plan, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    document = {
        "formatVersion": FORMAT_VERSION,
        "pattern": plan.pattern,
        "name": plan.app,
        "project": plan.project,
        "actions": _actions(plan),
        "summary": plan.counts(),
        "warnings": list(plan.warnings),
    }
    if extra:
        document.update(extra)
    return document


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=False, default=str)
