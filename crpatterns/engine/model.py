"""The engine's vocabulary: desired resources, what exists, and the plan between them.

Terraform's closed set of actions (create, update, replace, delete, no-op), each change recording the
fields that differ and which of them force a replacement (Terraform's plan: https://developer.hashicorp.com/terraform/internals/json-format,
Pulumi's preview).
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


class ReplaceStrategy(StrEnum):
    """How a resource whose immutable field changes is replaced (a kind's choice, shown in the plan)."""

    CREATE_BEFORE_DESTROY = "create-before-destroy"  # new name or scope; dependents re-pointed; old deleted last
    DELETE_BEFORE_CREATE = "delete-before-create"  # keeps its name: only for kinds nothing references


class BindingMode(StrEnum):
    """How an IAM binding step treats the members of its role (the body's "mode")."""

    ADDITIVE = "additive"  # add the members, leave everyone else
    AUTHORITATIVE = "authoritative"  # the members become the role's only unconditional members
    ABSENT = "absent"  # remove the members


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


# A pattern that makes one resource of a role in each of several regions names them ROLE@REGION ("neg@us-east1"):
# unique within the app, as roles must be, while the marker written on the resource says only ROLE (labels
# cannot hold "@"), so the resource a single-region app made in that region plays the same role.
REGION_SEPARATOR = "@"


def per_region(role: str, region: str) -> str:
    """The role of the one resource of `role` a pattern makes in `region`."""
    return f"{role}{REGION_SEPARATOR}{region}"


def marker_role(role: str) -> str:
    """The role as the resource's marker records it: without the region of a per-region role."""
    return role.split(REGION_SEPARATOR, 1)[0]


def role_region(role: str) -> str | None:
    """The region a per-region role is bound to, or None."""
    return role.split(REGION_SEPARATOR, 1)[1] if REGION_SEPARATOR in role else None


@dataclass
class Desired:
    """One resource a pattern wants, as the API's JSON (camelCase) with Ref placeholders."""

    role: str  # unique within an app: "neg", "backend", "invoker"...; "neg@us-east1" for one per region
    kind: str  # kind key, e.g. "compute.regionNetworkEndpointGroups"
    name: str
    scope: Scope
    body: dict[str, Any] = field(default_factory=dict)
    ownership: Ownership = Ownership.OWNED
    depends_on: tuple[str, ...] = ()  # roles this needs beyond the Refs in its body
    notes: tuple[str, ...] = ()  # said in the plan next to the resource
    sensitive: tuple[str, ...] = ()  # dotted body paths shown as (sensitive)


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
    strategy: ReplaceStrategy | None = None
    hidden: bool = False  # the delete half of a create-before-destroy replacement
    shared: bool = False  # changes a resource the tool does not own

    @property
    def label(self) -> str:
        return f"{self.kind} {self.name}"


ObservedKey = tuple[str, Scope, str]  # (kind key, scope, name)
SENSITIVE_TEXT = "(sensitive)"  # what a secret shows as, wherever a value is shown (plans, findings, JSON)


def shown(value: Any) -> str:
    """A value as the plan and status show it: JSON, `(none)` for nothing."""
    import json

    if isinstance(value, str):
        return json.dumps(value)
    if value is None:
        return "(none)"
    return json.dumps(value, sort_keys=True, separators=(", ", ": "))


@dataclass
class Observation:
    """What the read phase found: each desired name (None if absent), and every resource marked for
    the app and pattern in the scopes searched. `keep`: resources the pattern keeps although nothing
    desires them (or that it never owned but wants the plan to mention), with the reason the plan gives."""

    by_key: dict[ObservedKey, dict[str, Any] | None] = field(default_factory=dict)
    owned: list[Actual] = field(default_factory=list)
    keep: dict[ObservedKey, str] = field(default_factory=dict)
    # Resources another app of the same pattern made, that nothing uses any more and whose app is gone:
    # the pattern hands them to this run to delete (the last user of a shared resource cleans it up).
    released: list[tuple[Actual, str]] = field(default_factory=list)
    # Why the app's resources that nothing desires any more are deleted, where the pattern can say (a region
    # taken off the app): the plan shows it next to the deletion.
    reasons: dict[ObservedKey, str] = field(default_factory=dict)
    # Make before break: such a resource is deleted only after the steps of these desired roles (the old
    # load balancer's forwarding rule goes once the new one's exist).
    after: dict[ObservedKey, tuple[str, ...]] = field(default_factory=dict)


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
