"""Ordering desired resources by the references between them (a topological sort)."""

from __future__ import annotations

from typing import Any

from crpatterns.engine.model import Desired, Ref
from crpatterns.errors import PlanError


def refs_in(value: Any) -> set[str]:
    if isinstance(value, Ref):
        return {value.role}
    if isinstance(value, dict):
        return set().union(*(refs_in(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(refs_in(v) for v in value)) if value else set()
    return set()


def order_desired(desired: list[Desired]) -> list[Desired]:
    """Dependencies first; otherwise the pattern's order. Unknown or cyclic references are a bug in
    the pattern, reported as such."""
    by_role = {d.role: d for d in desired}
    if len(by_role) != len(desired):
        raise PlanError("internal error: two desired resources share a role")
    ordered: list[Desired] = []
    state: dict[str, int] = {}

    def visit(d: Desired) -> None:
        if state.get(d.role) == 2:
            return
        if state.get(d.role) == 1:
            raise PlanError(f"internal error: desired resources reference each other in a cycle at {d.role}")
        state[d.role] = 1
        for role in sorted(refs_in(d.body) | set(d.depends_on)):
            if role not in by_role:
                raise PlanError(f"internal error: {d.role} references unknown role {role}")
            visit(by_role[role])
        state[d.role] = 2
        ordered.append(d)

    for d in desired:
        visit(d)
    return ordered
