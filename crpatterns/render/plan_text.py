"""The plan as people read it, in Terraform's vocabulary: `+`, `~`, `-/+`, `-`, and a summary line."""

from __future__ import annotations

from crpatterns.engine.model import Action, Change, Ownership, Plan, Step, shown
from crpatterns.render.fields import create_fields, narrowed
from crpatterns.render.vocabulary import NO_CHANGES, SENSITIVE, SYMBOL, summary_line

MAX_CREATE_FIELDS = 14
# The ownership marker: the same on every resource, said once in the README instead of on every create
# (the JSON plan carries it).
MARKER_FIELDS = (
    "labels.managed-by", "labels.crpatterns-app", "labels.crpatterns-pattern", "labels.crpatterns-role",
    "description",
)


show = shown  # the engine's one way of showing a value


def _where(step: Step) -> str:
    return step.scope.region or "global"


def _change_line(change: Change) -> str:
    before = SENSITIVE if change.sensitive and change.before is not None else show(change.before)
    after = SENSITIVE if change.sensitive else show(change.after)
    forced = "  # forces replacement" if change.forces_replace else ""
    return f"{change.field}: {before} -> {after}{forced}"


def step_lines(step: Step) -> list[str]:
    symbol = SYMBOL[step.action]
    head = f"{symbol} {step.kind} {step.name} ({_where(step)})"
    if step.action is Action.REPLACE and step.actual is not None:
        old = step.actual.name
        if step.actual.scope != step.scope:
            old = f"{step.actual.name} in {step.actual.scope.region or 'global'}"
        if (step.actual.name, step.actual.scope) != (step.name, step.scope):
            head = f"{symbol} {step.kind} {old} -> {step.name} ({_where(step)})"
        head += f"  [{step.strategy}]"
    if step.shared:
        head += "  [shared: not created by crpatterns]"
    lines = [head]
    detail: list[str] = []
    if step.action is Action.CREATE and step.body:
        fields = [f for f in create_fields(step) if f[0] not in MARKER_FIELDS]
        for key, value, secret in fields[:MAX_CREATE_FIELDS]:
            detail.append(f"{key}: {SENSITIVE if secret else show(value)}")
        if len(fields) > MAX_CREATE_FIELDS:
            detail.append(f"... and {len(fields) - MAX_CREATE_FIELDS} more fields")
    elif step.action in (Action.UPDATE, Action.REPLACE):
        detail.extend(_change_line(n) for c in step.changes for n in narrowed(c))
    detail.extend(f"note: {n}" for n in step.notes)
    lines.extend(f"    {d}" for d in detail)
    return lines


def _worth_noting(step: Step) -> bool:
    """Unchanged resources are left out, except those the tool uses without owning and those it keeps
    although nothing desires them (the plan says which, and why)."""
    if not step.notes:
        return False
    return step.desired is None or step.desired.ownership in (Ownership.EXTERNAL, Ownership.SHARED)


def render(plan: Plan, show_noop: bool = False) -> str:
    out = [f'{plan.pattern} "{plan.app}" in project {plan.project}:']
    if not plan.has_changes:
        for step in plan.steps:
            if _worth_noting(step):
                out.extend(f"  note: {n}" for n in step.notes)
        out.extend(f"  warning: {w}" for w in plan.warnings)
        out.append(NO_CHANGES)
        return "\n".join(out)
    out.append("")
    for step in plan.steps:
        if step.hidden or (step.action is Action.NOOP and not show_noop and not _worth_noting(step)):
            continue
        out.extend("  " + line for line in step_lines(step))
    out.append("")
    out.extend(f"warning: {w}" for w in plan.warnings)
    out.append(summary_line(plan.counts()))
    return "\n".join(out)
