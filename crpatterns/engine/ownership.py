"""How a resource says it belongs to crpatterns, without a state file.

Resources that take labels carry `managed-by=crpatterns`, `crpatterns-app=NAME`,
`crpatterns-pattern=PATTERN` and `crpatterns-role=ROLE`; the others carry the same facts in their
description. The role lets the engine find a resource again after a replacement gave it a new name.
Destroy deletes only resources whose marker names the app.
"""

from __future__ import annotations

import re
from typing import Any

MANAGED_BY = "crpatterns"
LABEL_MANAGED_BY = "managed-by"
LABEL_APP = "crpatterns-app"
LABEL_PATTERN = "crpatterns-pattern"
LABEL_ROLE = "crpatterns-role"
LABEL_STACK = "crpatterns-stack"  # on an app's Cloud Run service: the stack file it was applied from
_DESCRIPTION = re.compile(r"managed-by=crpatterns app=([a-z0-9-]+) pattern=([a-z0-9-]+) role=([a-z0-9-]+)")


def labels(app: str, pattern: str, role: str) -> dict[str, str]:
    return {LABEL_MANAGED_BY: MANAGED_BY, LABEL_APP: app, LABEL_PATTERN: pattern, LABEL_ROLE: role}


def description(app: str, pattern: str, role: str) -> str:
    return f"Created by crpatterns; do not edit by hand. managed-by=crpatterns app={app} pattern={pattern} role={role}"


def from_labels(found: dict[str, Any] | None) -> tuple[str, str, str] | None:
    found = found or {}
    if found.get(LABEL_MANAGED_BY) != MANAGED_BY or LABEL_APP not in found:
        return None
    return found[LABEL_APP], found.get(LABEL_PATTERN, ""), found.get(LABEL_ROLE, "")


def from_description(text: str | None) -> tuple[str, str, str] | None:
    match = _DESCRIPTION.search(text or "")
    return (match.group(1), match.group(2), match.group(3)) if match else None


def marker(body: dict[str, Any] | None) -> tuple[str, str, str] | None:
    """(app, pattern, role) of a crpatterns marker in a resource's labels or description, else None."""
    body = body or {}
    return from_labels(body.get("labels")) or from_description(body.get("description"))


def made_by(body: dict[str, Any] | None, app: str, pattern: str) -> bool:
    """Whether this pattern made the resource for this app (ownership is per app AND pattern)."""
    found = marker(body)
    return found is not None and found[:2] == (app, pattern)
