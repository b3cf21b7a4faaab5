"""A plan as a file: what `crpatterns plan --out` saves and `crpatterns apply PLAN` applies exactly.

The file holds every step as the executor needs it (action, kind, name, scope, the body to send with
references resolved, what was read, dependencies), and for each resource the plan touches a digest of
what was read, so a plan made stale by any change since is refused before a single call (as Terraform
refuses a stale saved plan). Secrets never enter it: a sensitive value is replaced by where it comes
from (a file, read again at apply time) and the SHA-256 of what was planned.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from crpatterns.engine.model import (
    Action,
    Actual,
    Change,
    Desired,
    Ownership,
    Plan,
    ReplaceStrategy,
    Scope,
    Step,
)

FORMAT_VERSION = 1
SECRET_KEY = "$secret"
# Fields Google computes and may change on its own (readiness, timestamps, who uses an address): never a
# reason to call a plan stale. Everything else, fingerprints and etags included, is.
VOLATILE = frozenset({
    "conditions", "terminalCondition", "observedGeneration", "latestReadyRevision", "latestCreatedRevision",
    "trafficStatuses", "reconciling", "updateTime", "uri", "urls", "users", "status", "creationTimestamp",
    "expireTime", "lastModifier",
})
# ... and inside objects: a managed certificate's provisioning state.
VOLATILE_NESTED = {"managed": frozenset({"status", "domainStatus"})}


def digest(body: dict[str, Any] | None) -> str | None:
    """What a resource looked like when the plan was made (None: it did not exist)."""
    if body is None:
        return None
    kept = {k: v for k, v in body.items() if k not in VOLATILE}
    for key, inner in VOLATILE_NESTED.items():
        if isinstance(kept.get(key), dict):
            kept[key] = {k: v for k, v in kept[key].items() if k not in inner}
    return hashlib.sha256(json.dumps(kept, sort_keys=True, default=str).encode()).hexdigest()


def secret_hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


@dataclass(frozen=True)
class SecretSource:
    """Where a sensitive value comes from: a file read again at apply time, as the CLI reads it."""

    file: str
    reader: str  # "raw": the whole file (a key); "text": its stripped text (a secret); "certificates": its
    # CERTIFICATE blocks (cli/validation.py certificate_blocks)


# -- writing ---------------------------------------------------------------------------------------------


def scope_dict(scope: Scope) -> dict[str, Any]:
    return {"project": scope.project, "region": scope.region}


def _with_secrets(body: Any, sensitive: tuple[str, ...], sources: dict[str, SecretSource], path: str = "") -> Any:
    if not isinstance(body, dict):
        return body
    out: dict[str, Any] = {}
    for key, value in body.items():
        here = f"{path}{key}"
        if here in sensitive and isinstance(value, str):
            source = sources.get(value)
            if source is None:
                raise ValueError(f"{here} is sensitive and comes from no file: it cannot be saved in a plan")
            out[key] = {SECRET_KEY: {"file": source.file, "reader": source.reader, "sha256": secret_hash(value)}}
        else:
            out[key] = _with_secrets(value, sensitive, sources, f"{here}.")
    return out


def step_dict(step: Step, sources: dict[str, SecretSource]) -> dict[str, Any]:
    sensitive = step.desired.sensitive if step.desired else ()
    item: dict[str, Any] = {
        "action": step.action.value, "kind": step.kind, "name": step.name, "scope": scope_dict(step.scope),
        "role": step.role, "dependsOn": list(step.depends_on), "notes": list(step.notes),
        "strategy": step.strategy.value if step.strategy else None, "hidden": step.hidden, "shared": step.shared,
        "changes": [{"field": c.field, "before": None if c.sensitive else c.before,
                     "after": None if c.sensitive else c.after, "forcesReplace": c.forces_replace,
                     "sensitive": c.sensitive} for c in step.changes],
        "body": _with_secrets(step.body, sensitive, sources) if step.body is not None else None,
    }
    if step.desired is not None:
        item["desired"] = {"role": step.desired.role, "kind": step.desired.kind, "name": step.desired.name,
                           "scope": scope_dict(step.desired.scope), "ownership": step.desired.ownership.value,
                           "sensitive": list(sensitive), "notes": list(step.desired.notes)}
    if step.actual is not None:
        # Never the body: a resource crpatterns did not create may hold someone's secrets (a service's
        # environment). The digest in `read` stands for it, and apply uses the body it reads again.
        item["actual"] = {"kind": step.actual.kind, "name": step.actual.name, "scope": scope_dict(step.actual.scope),
                          "app": step.actual.app, "role": step.actual.role, "pattern": step.actual.pattern}
    return item


def plan_dict(plan: Plan, sources: dict[str, SecretSource], read: dict[str, str | None]) -> dict[str, Any]:
    """`read`: the digest of every resource the plan depends on, by `kind scope name` key."""
    return {"pattern": plan.pattern, "app": plan.app, "project": plan.project, "warnings": list(plan.warnings),
            "steps": [step_dict(s, sources) for s in plan.steps], "read": read}


def resource_key(kind: str, scope: Scope, name: str) -> str:
    return f"{kind} {scope.project}/{scope.region or 'global'} {name}"


# -- reading -----------------------------------------------------------------------------------------------


def _scope(data: dict[str, Any]) -> Scope:
    return Scope(data["project"], data.get("region"))


def step_from(item: dict[str, Any]) -> Step:
    desired = None
    if item.get("desired"):
        d = item["desired"]
        desired = Desired(d["role"], d["kind"], d["name"], _scope(d["scope"]), ownership=Ownership(d["ownership"]),
                          notes=tuple(d["notes"]), sensitive=tuple(d["sensitive"]))
    actual = None
    if item.get("actual"):
        a = item["actual"]
        actual = Actual(a["kind"], a["name"], _scope(a["scope"]), {}, a["app"], a["role"], a["pattern"])
    return Step(
        Action(item["action"]), item["kind"], item["name"], _scope(item["scope"]), item["role"],
        tuple(Change(c["field"], c["before"], c["after"], c["forcesReplace"], c["sensitive"]) for c in item["changes"]),
        desired, actual, item["body"], tuple(item["dependsOn"]), tuple(item["notes"]),
        ReplaceStrategy(item["strategy"]) if item["strategy"] else None, item["hidden"], item["shared"])


def plan_from(data: dict[str, Any]) -> Plan:
    return Plan(data["pattern"], data["app"], data["project"], [step_from(s) for s in data["steps"]],
                list(data["warnings"]))


def secrets_in(body: Any) -> list[dict[str, Any]]:
    """Every secret reference in a saved body."""
    if isinstance(body, dict):
        if SECRET_KEY in body:
            return [body[SECRET_KEY]]
        return [s for value in body.values() for s in secrets_in(value)]
    if isinstance(body, list):
        return [s for value in body for s in secrets_in(value)]
    return []


def fill_secrets(body: Any, values: dict[str, str]) -> Any:
    """The body with each secret reference replaced by its value (`values`: file -> value)."""
    if isinstance(body, dict):
        if SECRET_KEY in body:
            return values[body[SECRET_KEY]["file"]]
        return {k: fill_secrets(v, values) for k, v in body.items()}
    if isinstance(body, list):
        return [fill_secrets(v, values) for v in body]
    return body
