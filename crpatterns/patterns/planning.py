"""From a spec to a plan, the way every command and status does it: read the facts, decide, observe what
exists, plan (pure). And, for status, each difference between the plan and what exists as a finding."""

from __future__ import annotations

from typing import Any

from crpatterns.engine.model import SENSITIVE_TEXT, Action, Ownership, Plan, Step, shown
from crpatterns.patterns.base import Intent, Pattern, Spec
from crpatterns.session import Session


def plan_spec(session: Session, pattern: Pattern, spec: Spec, adopt: bool = False) -> tuple[Plan, Intent]:
    from crpatterns.engine.planner import make_plan
    from crpatterns.engine.reader import observe

    facts = pattern.read(session, spec)
    intent = pattern.decide(spec, facts)
    if spec.stack:
        mark_stack(intent, spec.stack)
    observation = observe(intent.desired, session.kinds, spec.name, pattern.name, session.project, spec.regions,
                          pattern.owned_kinds, session.parallelism, also=intent.projects)
    observation.keep.update(intent.keep)
    observation.reasons.update(intent.deleting)
    observation.after.update(intent.delete_after)
    for (kind, scope, name), reason in intent.release.items():
        body = session.kinds[kind].read(scope, name)
        actual = session.kinds[kind].to_actual(scope, body) if body is not None else None
        # Only what this pattern made (for another app) is ever released: never an unmarked resource, nor
        # another pattern's, whatever the key says.
        if actual is not None and actual.app is not None and actual.pattern == pattern.name:
            observation.released.append((actual, reason))
    plan = make_plan(pattern.name, spec.name, session.project, intent.desired, observation, session.kinds,
                     adopt=adopt)
    plan.warnings.extend(intent.warnings)
    return plan, intent


def mark_stack(intent: Intent, stack: str) -> None:
    """An app applied from a stack carries the stack's name on its Cloud Run services (label
    crpatterns-stack), whatever its pattern: what `--prune` of that stack, and only that stack, may take."""
    from crpatterns.engine.ownership import LABEL_STACK
    from crpatterns.kinds.keys import KindKey

    for desired in intent.desired:
        if desired.kind == KindKey.RUN_SERVICES and desired.ownership in (Ownership.OWNED, Ownership.SHARED):
            desired.body = {**desired.body, "labels": {**(desired.body.get("labels") or {}), LABEL_STACK: stack}}


def drift_findings(plan: Plan, covered: set[tuple[str, str]] = frozenset()) -> list[str]:
    """Each change the plan would make, as a sentence: what `create` would repair. `covered`: (kind, field)
    pairs the pattern reports in its own words already."""
    found: list[str] = []
    for step in plan.steps:
        if step.hidden or step.action is Action.NOOP:
            continue
        found.extend(_step_findings(step, covered))
    return found


def _step_findings(step: Step, covered: set[tuple[str, str]]) -> list[str]:
    what = f"{step.kind} {step.name}"
    binding = step.desired is not None and step.desired.ownership is Ownership.BINDING
    if step.action is Action.CREATE and not binding:
        return [f"{what} is missing."]
    if step.action is Action.DELETE:
        return [f"{what} is left over from an earlier change; create deletes it."]
    said = [f for kind, f in covered if kind == step.kind]
    changes = [c for c in step.changes if not any(c.field == f or c.field.startswith(f + ".") for f in said)]
    if not changes:
        return []
    if step.action is Action.REPLACE:
        return [f"{what} differs in {', '.join(c.field for c in changes)}: create replaces it."]
    return [f"{what}: {c.field} is {_shown(c.before, c.sensitive)}, should be {_shown(c.after, c.sensitive)}."
            for c in changes]


def _shown(value: Any, sensitive: bool) -> str:
    return SENSITIVE_TEXT if sensitive and value is not None else shown(value)
