"""The planner: a pure function from (desired resources, what was observed) to a plan.

No I/O here: the decision is pure, as Pulumi keeps its engine apart from its providers. Rules:
- A desired resource is matched with the resource marked for the same app, pattern and role (wherever a
  past replacement put it), else with the resource of its name. A name taken by an unmarked resource is
  a plan error offering --adopt; one marked by another app or another pattern is a plan error naming its
  owner, which --adopt never overrides (ownership is per pattern, not per name).
- Fields that differ become an update; a difference in an immutable field (or a new region) becomes a
  replacement. Create-before-destroy wherever the name can change: the new resource gets the name with
  a short suffix, dependents are re-pointed (their references resolve to the new name, so they show as
  ordinary updates), and the old resource is deleted last. Delete-before-create only for kinds that
  keep their name, which are never in use by another resource.
- Resources marked for the app that nothing desires any more are deleted after everything that still
  references them has been re-pointed or deleted, unless the pattern decided, from facts read
  beforehand, to keep one (Observation.keep): the plan then shows it unchanged with the reason.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any, Protocol

from crpatterns.engine.diff import as_reference
from crpatterns.engine.graph import order_desired
from crpatterns.engine.model import (
    Action,
    Actual,
    Change,
    Desired,
    Observation,
    Ownership,
    Plan,
    Ref,
    ReplaceStrategy,
    Scope,
    Step,
    marker_role,
    role_region,
)
from crpatterns.errors import PlanError

COMPUTE_NAME_LIMIT = 63


class KindView(Protocol):
    """The pure part of a resource kind the planner relies on."""

    key: str
    immutable: tuple[str, ...]
    replace_strategy: ReplaceStrategy

    def url(self, scope: Scope, name: str) -> str: ...

    def path(self, scope: Scope, name: str) -> str: ...

    def with_marker(self, body: dict[str, Any], app: str, pattern: str, role: str) -> dict[str, Any]: ...

    def to_actual(self, scope: Scope, body: dict[str, Any]) -> Actual: ...

    def diff(self, desired: dict[str, Any], actual: dict[str, Any]) -> list[Change]: ...

    def references(self, body: dict[str, Any]) -> list[str]: ...

    def used_by(self, body: dict[str, Any]) -> list[str]: ...

    def must_outlive(self, body: dict[str, Any], other: Actual) -> bool: ...

    @property
    def marker_in(self) -> str: ...

    @property
    def marker_mutable(self) -> bool: ...


def replacement_name(base: str, body: dict[str, Any]) -> str:
    """A new name for a create-before-destroy replacement: the base name and a short content hash."""
    suffix = hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()[:5]
    stem = base[: COMPUTE_NAME_LIMIT - len(suffix) - 1].rstrip("-")
    return f"{stem}-{suffix}"


class _Planner:
    def __init__(self, pattern: str, app: str, project: str, kinds: Mapping[str, KindView],
                 observation: Observation, adopt: bool) -> None:
        self.plan = Plan(pattern, app, project)
        self.kinds = kinds
        self.observation = observation
        self.adopt = adopt
        self.errors: list[str] = []
        self.final: dict[str, tuple[Scope, str]] = {}  # role -> where it will be after apply
        self.step_of_role: dict[str, int] = {}
        self.matched: set[int] = set()  # ids of owned actuals matched with a desired resource
        self.replaced_old: list[tuple[int, Actual]] = []  # (replace step, old actual) for CBD

    # -- references ---------------------------------------------------------------------------

    def resolve(self, value: Any) -> Any:
        if isinstance(value, Ref):
            scope, name = self.final[value.role]
            kind = self.kinds[self.desired_by_role[value.role].kind]
            if value.form == "name":
                return name
            if value.form == "address":
                # An IP address: Google returns a forwarding rule's IPAddress as the literal IP, so the
                # reference is the address's IP when it exists already, its URL when it is being made.
                existing = self.existing_body(value.role)
                if existing and existing.get("address"):
                    return existing["address"]
                wanted = self.desired_by_role[value.role].body.get("address")
                if isinstance(wanted, str) and wanted:
                    return wanted  # an address being made for a known IP: the rule names the same IP
            if value.form == "path":
                return kind.path(scope, name)
            return kind.url(scope, name)
        if isinstance(value, dict):
            return {k: self.resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        return value

    # -- planning -----------------------------------------------------------------------------

    def run(self, desired: list[Desired]) -> Plan:
        self.desired_by_role = {d.role: d for d in desired}
        for d in order_desired(desired):
            self.plan_one(d)
        self.plan_leftovers()
        if self.errors:
            raise PlanError(" ".join(self.errors))
        self.link()
        return self.plan

    def add(self, step: Step) -> int:
        self.plan.steps.append(step)
        return len(self.plan.steps) - 1

    def plan_one(self, d: Desired) -> None:
        kind = self.kinds[d.kind]
        body = self.resolve(d.body)
        key = (d.kind, d.scope, d.name)
        by_name = self.observation.by_key.get(key)
        if d.ownership is Ownership.EXTERNAL:
            if by_name is None:
                self.errors.append(f"{kind.key} {d.name} ({d.scope}) does not exist.")
            self.final[d.role] = (d.scope, d.name)
            self.step_of_role[d.role] = self.add(
                Step(Action.NOOP, d.kind, d.name, d.scope, d.role, desired=d, notes=d.notes)
            )
            return
        if d.ownership in (Ownership.SHARED, Ownership.BINDING):
            self.final[d.role] = (d.scope, d.name)
            actual_body = by_name or {}
            if by_name is None and d.ownership is Ownership.SHARED:
                self.errors.append(f"{kind.key} {d.name} ({d.scope}) does not exist.")
                return
            changes = tuple(kind.diff(body, actual_body))
            action = Action.NOOP
            if changes:
                action = Action.UPDATE
                if d.ownership is Ownership.BINDING and not _has_members(actual_body, body):
                    action = Action.CREATE
            actual = kind.to_actual(d.scope, actual_body) if by_name is not None else None
            if actual is not None:
                actual.name = d.name  # an IAM policy carries no name of its own: it is the resource's
            self.step_of_role[d.role] = self.add(
                Step(action, d.kind, d.name, d.scope, d.role, changes, d, actual, body, notes=d.notes,
                     shared=d.ownership is Ownership.SHARED)
            )
            return
        body = kind.with_marker(body, self.plan.app, self.plan.pattern, marker_role(d.role))
        current = self.match_owned(d, kind, body)
        conflict = None
        if by_name is not None:
            candidate = kind.to_actual(d.scope, by_name)
            if not self.is_ours(candidate) and (current is None or current.name == d.name):
                conflict = candidate
            elif current is None and self.is_ours(candidate):
                current = candidate  # marked for the app, found by its name (its kind is not listed)
        notes = d.notes
        adopted = False
        if current is None and conflict is not None:
            if self.adopt and conflict.app is None:
                current, adopted = conflict, True
            else:
                self.errors.append(conflict_sentence(kind.key, d, conflict))
                self.final[d.role] = (d.scope, d.name)  # keep planning, to report every problem at once
                return
        if current is None:
            self.final[d.role] = (d.scope, d.name)
            self.step_of_role[d.role] = self.add(
                Step(Action.CREATE, d.kind, d.name, d.scope, d.role, (), d, None, body, notes=d.notes)
            )
            return
        changes = list(kind.diff(body, current.body))
        if adopted and any(c.forces_replace for c in changes if c.field != kind.marker_in):
            # Replacing would delete a resource crpatterns did not create: adopting never does that.
            fields = ", ".join(sorted({c.field for c in changes if c.forces_replace and c.field != kind.marker_in}))
            self.errors.append(f"{kind.key} {d.name} ({d.scope}) exists outside crpatterns and differs in {fields}, "
                               "which Google fixes at creation: adopting it would delete it. Choose another name, "
                               "or delete it yourself first.")
            self.final[d.role] = (d.scope, d.name)
            return
        if adopted and not kind.marker_mutable:
            # Adopting marks the resource where Google lets the marker change in place; where it cannot
            # (a description Google fixes at creation), the resource is taken as it is, unmarked.
            changes = [c for c in changes if c.field != kind.marker_in]
            notes = (*notes, f"adopted as it is: Google cannot change its {kind.marker_in}, so it stays unmarked "
                             "(--adopt is needed again, and destroy leaves it)")
        if current.scope != d.scope:
            changes.insert(0, Change("region", current.scope.region, d.scope.region, forces_replace=True))
        if not changes:
            self.final[d.role] = (current.scope, current.name)
            self.step_of_role[d.role] = self.add(
                Step(Action.NOOP, d.kind, current.name, current.scope, d.role, (), d, current, body, notes=notes)
            )
            return
        if not any(c.forces_replace for c in changes):
            self.final[d.role] = (current.scope, current.name)
            self.step_of_role[d.role] = self.add(
                Step(Action.UPDATE, d.kind, current.name, current.scope, d.role, tuple(changes), d, current, body,
                     notes=notes)
            )
            return
        self.plan_replace(d, kind, body, current, tuple(changes), notes)

    def plan_replace(self, d: Desired, kind: KindView, body: dict[str, Any], current: Actual,
                     changes: tuple[Change, ...], notes: tuple[str, ...]) -> None:
        if kind.replace_strategy is ReplaceStrategy.DELETE_BEFORE_CREATE and current.scope == d.scope:
            self.final[d.role] = (d.scope, current.name)
            self.step_of_role[d.role] = self.add(
                Step(Action.REPLACE, d.kind, current.name, d.scope, d.role, changes, d, current, body,
                     notes=notes, strategy=ReplaceStrategy.DELETE_BEFORE_CREATE)
            )
            return
        taken = current.scope == d.scope and current.name == d.name
        new_name = replacement_name(d.name, body) if taken else d.name
        if not taken and self.observation.by_key.get((d.kind, d.scope, d.name)) is not None:
            new_name = replacement_name(d.name, body)
        self.final[d.role] = (d.scope, new_name)
        index = self.add(
            Step(Action.REPLACE, d.kind, new_name, d.scope, d.role, changes, d, current, body, notes=notes,
                 strategy=ReplaceStrategy.CREATE_BEFORE_DESTROY)
        )
        self.step_of_role[d.role] = index
        self.replaced_old.append((index, current))

    def existing_body(self, role: str) -> dict[str, Any] | None:
        """The body of the resource that will hold `role` after apply, if it exists already unchanged."""
        index = self.step_of_role.get(role)
        if index is None:
            return None
        step = self.plan.steps[index]
        if step.action in (Action.NOOP, Action.UPDATE) and step.actual is not None:
            return step.actual.body
        if step.action is Action.NOOP and step.desired is not None:
            return self.observation.by_key.get((step.kind, step.scope, step.name))
        return None

    def is_ours(self, actual: Actual) -> bool:
        """Marked for this app by this pattern: another pattern's resource for an app of the same name
        belongs to that pattern."""
        return actual.app == self.plan.app and actual.pattern == self.plan.pattern

    def match_owned(self, d: Desired, kind: KindView, body: dict[str, Any]) -> Actual | None:
        """The app's resource that plays this role. Several can, after a replacement that did not finish
        (the new one was made, the old one not yet deleted): the one already as desired wins, so a rerun
        finishes that replacement instead of starting another. A per-region role (ROLE@REGION) is played only
        by a resource of its region: the others of that role belong to the app's other regions."""
        bound = role_region(d.role)
        candidates = [
            a for a in self.observation.owned
            if a.kind == d.kind and a.role == marker_role(d.role) and self.is_ours(a) and id(a) not in self.matched
            and (bound is None or a.scope == d.scope)
        ]
        if not candidates:
            return None

        def preference(a: Actual) -> tuple[int, int, int]:
            as_desired = a.scope == d.scope and not kind.diff(body, a.body)
            return (0 if as_desired else 1, 0 if a.scope == d.scope else 1, 0 if a.name == d.name else 1)

        best = min(candidates, key=preference)
        self.matched.add(id(best))
        return best

    def plan_leftovers(self) -> None:
        keep = self.observation.keep
        for actual in self.observation.owned:
            if id(actual) in self.matched or not self.is_ours(actual):
                continue
            self.matched.add(id(actual))
            key = (actual.kind, actual.scope, actual.name)
            reason = keep.get(key)
            action = Action.DELETE if reason is None else Action.NOOP
            why = reason if reason is not None else self.observation.reasons.get(key)
            self.add(Step(action, actual.kind, actual.name, actual.scope, actual.role, (), None, actual,
                          notes=() if why is None else (why,)))
        for actual, reason in self.observation.released:
            self.add(Step(Action.DELETE, actual.kind, actual.name, actual.scope, actual.role, (), None, actual,
                          notes=(reason,)))
        planned = {(s.kind, s.scope, s.name) for s in self.plan.steps}
        for (kind, scope, name), reason in keep.items():
            if (kind, scope, name) not in planned:
                self.add(Step(Action.NOOP, kind, name, scope, notes=(reason,)))

    # -- ordering -----------------------------------------------------------------------------

    def link(self) -> None:
        """Dependencies between steps: creations after what they reference; deletions after whatever
        still references the resource has been re-pointed or deleted."""
        for index, old in self.replaced_old:
            if old.app is None:
                continue  # never deleted: crpatterns did not create it (adopting refuses what would need it)
            if (old.kind, old.scope, old.name) in self.observation.keep:
                continue  # the pattern keeps the old one for now (a certificate still serving): plan_leftovers says why
            hidden = Step(Action.DELETE, old.kind, old.name, old.scope, old.role, (), None, old, hidden=True,
                          depends_on=(index,))
            self.add(hidden)
        steps = self.plan.steps
        # Which step touches each existing resource (by normalised path), to order deletions.
        path_of = {i: self._actual_path(s) for i, s in enumerate(steps) if s.actual is not None}
        for i, step in enumerate(steps):
            deps: set[int] = set(step.depends_on)
            if step.desired is not None and step.action is not Action.DELETE:
                for role in _roles_needed(step.desired):
                    dep = self.step_of_role.get(role)
                    if dep is not None and steps[dep].action is not Action.NOOP:
                        deps.add(dep)
            if step.action is Action.DELETE and step.desired is None and step.actual is not None:
                for role in self.observation.after.get((step.kind, step.scope, step.name), ()):
                    dep = self.step_of_role.get(role)
                    if dep is not None and steps[dep].action is not Action.NOOP:
                        deps.add(dep)
            if step.action is Action.DELETE or step.strategy is ReplaceStrategy.DELETE_BEFORE_CREATE:
                target = path_of.get(i)
                assert step.actual is not None
                kind = self.kinds[step.kind]
                users = {_normal(u) for u in kind.used_by(step.actual.body)}
                for j, other in enumerate(steps):
                    if j == i or other.actual is None or other.action is Action.NOOP:
                        continue
                    referenced = bool(target) and target in self._references(other.actual)
                    if referenced or path_of.get(j) in users or kind.must_outlive(step.actual.body, other.actual):
                        deps.add(j)
            step.depends_on = tuple(sorted(deps - {i}))
        _check_acyclic(steps)

    def _actual_path(self, step: Step) -> str | None:
        assert step.actual is not None
        return _normal(self.kinds[step.kind].path(step.actual.scope, step.actual.name))

    def _references(self, actual: Actual) -> set[str]:
        return {_normal(r) for r in self.kinds[actual.kind].references(actual.body)}


def conflict_sentence(kind: str, d: Desired, other: Actual) -> str:
    """Why a desired name cannot be used: someone else's resource holds it."""
    where = f"{kind} {d.name} ({d.scope}) already exists and"
    if other.app is None:
        return f"{where} was created outside crpatterns; rerun with --adopt to manage it, or choose another name."
    owner = f"crpatterns {other.pattern or 'pattern'} app {other.app!r}"
    return (f"{where} belongs to {owner}; choose another name (--adopt never takes over what another crpatterns "
            "app or pattern made).")


def _normal(path: str) -> str:
    return as_reference(path) or path


def _has_members(actual: dict[str, Any], desired: dict[str, Any]) -> bool:
    role = desired.get("role")
    return any(b.get("role") == role and b.get("members") for b in actual.get("bindings", []))


def _roles_needed(d: Desired) -> set[str]:
    roles = set(d.depends_on)

    def walk(value: Any) -> None:
        if isinstance(value, Ref):
            roles.add(value.role)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(d.body)
    return roles


def _check_acyclic(steps: list[Step]) -> None:
    from graphlib import CycleError, TopologicalSorter

    try:
        TopologicalSorter({i: step.depends_on for i, step in enumerate(steps)}).prepare()
    except CycleError as error:
        raise PlanError(f"internal error: the plan's steps depend on each other in a cycle at "
                        f"{steps[error.args[1][0]].label}") from None


def make_plan(pattern: str, app: str, project: str, desired: list[Desired], observation: Observation,
              kinds: Mapping[str, KindView], adopt: bool = False) -> Plan:
    return _Planner(pattern, app, project, kinds, observation, adopt).run(desired)


def make_destroy_plan(pattern: str, app: str, project: str, observation: Observation,
                      kinds: Mapping[str, KindView]) -> Plan:
    """Every resource marked for the app, deleted after whatever references it: the plan of wanting nothing."""
    return make_plan(pattern, app, project, [], observation, kinds)
