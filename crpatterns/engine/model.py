"""The engine's vocabulary: desired resources, what exists, and the plan between them.

Terraform's closed set of actions (create, update, replace, delete, no-op), each change recording the
fields that differ and which of them force a replacement (style.md, "Terraform", "Pulumi").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Action(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    REPLACE = "replace"
    DELETE = "delete"
    NOOP = "noop"


class Ownership(StrEnum):
    OWNED = "owned"  # the tool creates it, marks it, updates it, and deletes it on destroy
    SHARED = "shared"  # exists already and belongs to someone else: only the listed fields change
    EXTERNAL = "external"  # must exist; read, never changed
    BINDING = "binding"  # IAM members for one role on one resource


@dataclass(frozen=True)
class Ref:
    """A reference, inside a desired body, to another desired resource by its role.

    Resolved at plan time to the name that resource will have after apply (a replacement gets a new
    name), so dependents are re-pointed by an ordinary update.
    """

    role: str
    form: str = "url"  # "url": full selfLink; "path": projects/...; "name": the bare name


@dataclass(frozen=True)
class Scope:
    project: str
    region: str | None = None  # None: global

    def __str__(self) -> str:
        return f"{self.project}/{self.region or 'global'}"


@dataclass
class Desired:
    """One resource a pattern wants, as the API's JSON (camelCase) with Ref placeholders."""

    role: str  # unique within an app: "neg", "backend", "invoker"...
    kind: str  # kind key, e.g. "compute.regionNetworkEndpointGroups"
    name: str
    scope: Scope
    body: dict[str, Any] = field(default_factory=dict)
    ownership: Ownership = Ownership.OWNED
    depends_on: tuple[str, ...] = ()  # roles this needs beyond the Refs in its body
    notes: tuple[str, ...] = ()  # said in the plan next to the resource
    sensitive: tuple[str, ...] = ()  # dotted body paths shown as (sensitive)
    # BINDING only: "additive" adds members and leaves others; "authoritative" owns the role's members.
    binding_mode: str = "additive"


@dataclass
class Actual:
    """A resource as read from the API: its JSON, and whose it is according to its marker."""

    kind: str
    name: str
    scope: Scope
    body: dict[str, Any]
    app: str | None = None  # from the crpatterns marker; None: not ours
    role: str | None = None
    pattern: str | None = None

    @property
    def owned(self) -> bool:
        return self.app is not None


@dataclass(frozen=True)
class Change:
    field: str
    before: Any
    after: Any
    forces_replace: bool = False
    sensitive: bool = False


@dataclass
class Step:
    """One action of a plan, on one resource."""

    action: Action
    kind: str
    name: str
    scope: Scope
    role: str | None = None
    changes: tuple[Change, ...] = ()
    desired: Desired | None = None
    actual: Actual | None = None
    body: dict[str, Any] | None = None  # the desired body with references resolved
    depends_on: tuple[int, ...] = ()  # indexes of steps that must finish first
    notes: tuple[str, ...] = ()
    # A replacement shows as one "replace" step. Create-before-destroy: the step creates the new
    # resource (a new name or scope) and a hidden delete step removes the old one once every dependent
    # has been re-pointed. Delete-before-create: the step deletes, then creates, in one go.
    strategy: str | None = None  # "create-before-destroy" or "delete-before-create"
    hidden: bool = False  # the delete half of a create-before-destroy replacement
    shared: bool = False  # changes a resource the tool does not own

    @property
    def label(self) -> str:
        return f"{self.kind} {self.name}"


@dataclass
class Plan:
    pattern: str
    app: str
    project: str
    steps: list[Step] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        counts = {action.value: 0 for action in (Action.CREATE, Action.UPDATE, Action.REPLACE, Action.DELETE)}
        for step in self.steps:
            if step.action is not Action.NOOP and not step.hidden:
                counts[step.action.value] += 1
        return counts

    @property
    def has_changes(self) -> bool:
        return any(step.action is not Action.NOOP for step in self.steps)
