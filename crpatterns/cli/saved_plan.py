"""Saved plans: what `crpatterns plan --out` writes and `crpatterns apply PLAN` applies exactly.

The file (crpatterns/engine/plan_file.py) holds each app's steps and a digest of every resource they
touch, never the resources' bodies (a service crpatterns did not create may hold someone's secrets in its
environment) and never a secret of the tool's own (a key or OAuth secret is the file it is read from, and a
SHA-256). Applying it reads every resource again: a digest that differs, a secret file that changed, a
plan made for another project or endpoint, or a delete of something this pattern did not make refuses the
whole plan before any change; otherwise the steps run on the bodies just read.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crpatterns.errors import PlanError, UsageError

PLAN_KIND = "crpatterns-plan"
PRIVATE_FILE_MODE = 0o600  # a plan names secret files and resources: readable by its owner only
# The shape a plan file must have before anything of it is trusted (a hand-edited or truncated file).
PLAN_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["kind", "formatVersion", "project", "endpoint", "apps"],
    "properties": {
        "project": {"type": "string"},
        "endpoint": {"type": "string"},
        "apps": {"type": "array", "items": {
            "type": "object", "required": ["pattern", "app", "project", "steps", "read", "warnings"],
            "properties": {
                "pattern": {"type": "string"}, "app": {"type": "string"},
                "read": {"type": "object", "additionalProperties": {"type": ["string", "null"]}},
                "steps": {"type": "array", "items": {
                    "type": "object",
                    "required": ["action", "kind", "name", "scope", "dependsOn", "changes", "notes", "hidden",
                                 "shared", "strategy", "body", "role"],
                    "properties": {
                        "action": {"enum": ["create", "update", "replace", "delete", "noop"]},
                        "kind": {"type": "string"}, "name": {"type": "string"},
                        "scope": {"type": "object", "required": ["project", "region"]},
                        "dependsOn": {"type": "array", "items": {"type": "integer", "minimum": 0}},
                    }}},
            }}},
    },
}


@dataclass
class AppPlan:
    """One app's part of a stack plan."""

    pattern: str
    name: str
    plan: Any  # engine.model.Plan
    sources: dict[str, Any] = field(default_factory=dict)  # secret value -> SecretSource
    pruned: bool = False


@dataclass
class Fresh:
    """What applying a saved plan read again: each resource's body, and each secret file's value."""

    bodies: dict[str, dict[str, Any] | None]
    secrets: dict[str, str]  # file -> the value its reader gives, checked against the plan's hash


def secret_sources(flags: dict[str, Any]) -> dict[str, Any]:
    """Each sensitive value an app's spec may hold, mapped to the file it came from, as the CLI read it:
    the whole text (a key), its stripped text (a secret), or its certificate blocks."""
    from crpatterns.cli.validation import certificate_blocks
    from crpatterns.engine.plan_file import SecretSource

    sources: dict[str, Any] = {}
    for param, value in flags.items():
        if param.endswith("_file") and isinstance(value, str) and value:
            try:
                text = Path(value).read_text()
            except OSError:
                continue
            sources[text] = SecretSource(value, "raw")
            sources[text.strip()] = SecretSource(value, "text")
            sources.setdefault(certificate_blocks(text)[0], SecretSource(value, "certificates"))
    return sources


def read_secret_source(source: dict[str, Any]) -> str:
    from crpatterns.cli.validation import certificate_blocks

    text = Path(source["file"]).read_text()
    return {"raw": text, "text": text.strip(), "certificates": certificate_blocks(text)[0]}[source["reader"]]


def endpoint_name() -> str:
    from crpatterns.gcp.endpoint import Endpoint

    endpoint = Endpoint.from_env()
    return f"emulator {endpoint.emulator_host}" if endpoint.is_emulator else "Google Cloud"


def check_writable(path: str) -> None:
    """--out is checked before any call: a plan nobody can save is refused as bad input up front."""
    folder = Path(path).resolve().parent
    if not folder.is_dir() or not os.access(folder, os.W_OK) or Path(path).is_dir():
        raise UsageError(f"--out {path} cannot be written: {folder} is not a writable folder.")


def save(path: str, file: str, project: str, plans: list[AppPlan]) -> None:
    from crpatterns.engine.model import Action
    from crpatterns.engine.plan_file import FORMAT_VERSION, digest, plan_dict, resource_key

    apps = []
    for app in plans:
        read: dict[str, str | None] = {}
        for step in app.plan.steps:
            if step.actual is not None:
                read[resource_key(step.kind, step.actual.scope, step.actual.name)] = digest(step.actual.body)
            elif step.desired is not None and step.action in (Action.CREATE, Action.REPLACE):
                read[resource_key(step.kind, step.scope, step.name)] = None
        try:
            saved = plan_dict(app.plan, app.sources, read)
        except ValueError as error:
            raise UsageError(f"{app.pattern} {app.name!r}: {error}.") from None
        apps.append({**saved, "pruned": app.pruned})
    document = {"kind": PLAN_KIND, "formatVersion": FORMAT_VERSION, "stack": file, "project": project,
                "endpoint": endpoint_name(), "apps": apps}
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE_MODE)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(json.dumps(document, indent=1, default=str) + "\n")
        os.chmod(path, PRIVATE_FILE_MODE)
    except OSError as error:
        raise UsageError(f"--out {path} cannot be written: {error}.") from None


def load(path: str) -> dict[str, Any]:
    """The saved plan, its shape checked before anything of it is trusted."""
    import jsonschema

    from crpatterns.engine.plan_file import FORMAT_VERSION
    from crpatterns.patterns.registry import all_patterns

    try:
        document = json.loads(Path(path).read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UsageError(f"PLAN {path} cannot be read as a saved plan: {error}.") from None
    if not isinstance(document, dict) or document.get("kind") != PLAN_KIND:
        raise UsageError(f"PLAN {path} is not a plan saved by `crpatterns plan --out`.")
    if document.get("formatVersion") != FORMAT_VERSION:
        raise UsageError(f"PLAN {path} has format version {document.get('formatVersion')}; this crpatterns "
                         f"applies version {FORMAT_VERSION}: plan again.")
    error = next(iter(jsonschema.Draft202012Validator(PLAN_SCHEMA).iter_errors(document)), None)
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "the top level"
        raise UsageError(f"PLAN {path} is damaged at {where}: {error.message}. Plan again.")
    unknown = sorted({app["pattern"] for app in document["apps"]} - set(all_patterns()))
    if unknown:
        raise UsageError(f"PLAN {path} names pattern {unknown[0]}, which this crpatterns does not have.")
    return document


def read_again(session: Any, document: dict[str, Any], path: str) -> Fresh:
    """Everything the plan touches, read again: it must look as it did when the plan was made (volatile
    fields aside), a resource it deletes must still be this pattern's, and every secret file must hold what
    was planned. Reads only; refuses the whole plan on the first difference."""
    from crpatterns.concurrency import together
    from crpatterns.engine.model import Scope
    from crpatterns.engine.plan_file import digest, resource_key, secret_hash, secrets_in

    reads = {}
    for app in document["apps"]:
        for key in app["read"]:
            kind, where, name = key.split(" ", 2)
            project, _, region = where.partition("/")
            scope = Scope(project, None if region == "global" else region)
            reads[key] = (lambda k=kind, s=scope, n=name: session.writers[k].read(s, n))
    now = together(session.parallelism, reads)
    secrets: dict[str, str] = {}
    for app in document["apps"]:
        for key, then in app["read"].items():
            if digest(now[key]) != then:
                what = "was created" if then is None else ("was deleted" if now[key] is None else "changed")
                raise PlanError(f"The saved plan {path} is stale: {key} {what} since it was made. Plan again "
                                "(crpatterns plan -f STACK --out PLAN) and review the new plan.")
        for step in app["steps"]:
            actual = step.get("actual")
            if step["action"] == "delete" and actual is not None:
                key = resource_key(actual["kind"], Scope(actual["scope"]["project"], actual["scope"]["region"]),
                                   actual["name"])
                found = session.writers[actual["kind"]].to_actual(Scope(actual["scope"]["project"],
                                                                         actual["scope"]["region"]), now[key] or {})
                if found.pattern != app["pattern"] or found.app is None:
                    raise PlanError(f"The saved plan {path} deletes {key}, which crpatterns {app['pattern']} did "
                                    "not make: it is refused whole. Plan again.")
            for secret in secrets_in(step.get("body")):
                try:
                    value = read_secret_source(secret)
                except OSError as error:
                    raise PlanError(f"The saved plan {path} needs {secret['file']}, which cannot be read: "
                                    f"{error}.") from None
                if secret_hash(value) != secret["sha256"]:
                    raise PlanError(f"The saved plan {path} is stale: {secret['file']} changed since it was made. "
                                    "Plan again.")
                secrets[secret["file"]] = value
    return Fresh(now, secrets)


def plans_of(document: dict[str, Any], fresh: Fresh) -> list[AppPlan]:
    """The saved steps, on the bodies just read and with the secret values just checked."""
    from crpatterns.engine.plan_file import fill_secrets, plan_from, resource_key, secrets_in

    plans = []
    for app in document["apps"]:
        plan = plan_from(app)
        for step in plan.steps:
            if step.actual is not None:
                step.actual.body = fresh.bodies.get(resource_key(step.kind, step.actual.scope, step.actual.name)) or {}
            if secrets_in(step.body):
                step.body = fill_secrets(step.body, fresh.secrets)
        plans.append(AppPlan(plan.pattern, plan.app, plan, {}, bool(app.get("pruned"))))
    return plans


def session_for(common: Any, console: Any, document: dict[str, Any], path: str) -> Any:
    from crpatterns.patterns.registry import get
    from crpatterns.session import open_session

    if common.project and common.project != document["project"]:
        raise UsageError(f"PLAN {path} was made for project {document['project']}, not --project {common.project}.")
    here = endpoint_name()
    if document["endpoint"] != here:
        raise UsageError(f"PLAN {path} was made against {document['endpoint']}, and this run talks to {here}: plan "
                         "again where you apply.")
    apis = tuple(sorted({api for app in document["apps"] for api in get(app["pattern"]).apis}))
    return open_session(document["project"], apis, parallelism=common.parallelism,
                        log=console.debug if common.verbose else None, say=console.say)
