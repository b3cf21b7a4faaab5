"""Compute's state: resources by path, the rules every Compute resource shares, and reference resolution.

A resource is stored as Compute returns it, keyed by its canonical path after `compute/v1/`, with the
project id (not number): `projects/P/regions/R/backendServices/N`, `projects/P/global/urlMaps/N`.
Internal bookkeeping lives in keys starting with "_" and never leaves the emulator.

Sources: docs/google-behaviour.md, "Compute: errors, operations, fingerprints" and "What the gcloud CLI
sends" (references arrive as full URLs on any host, or partial paths).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterator
from typing import Any

from crpatterns.emulator.compute.permissions import project_denied
from crpatterns.emulator.core.errors import ApiError, bad_request, compute_not_found
from crpatterns.emulator.core.routing import Api
from crpatterns.emulator.core.world import World

COMPUTE = Api("compute", "compute.googleapis.com", "compute.v1", "compute", project_denied=project_denied)
SELF_LINK_BASE = "https://www.googleapis.com/compute/v1/"
NAME_PATTERN = r"(?:[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?)"
_NAME = re.compile(rf"^{NAME_PATTERN}$")
LABEL_KEY = re.compile(r"^[a-z][a-z0-9_-]{0,62}$")
LABEL_VALUE = re.compile(r"^[a-z0-9_-]{0,63}$")


def check_name(name: Any, field: str = "resource.name") -> str:
    if not isinstance(name, str) or not _NAME.match(name):
        raise bad_request(
            f"Invalid value for field '{field}': '{name if name is not None else ''}'. "
            f"Must be a match of regex '{NAME_PATTERN}'"
        )
    return name


def check_labels(labels: Any, field: str = "resource.labels") -> None:
    if not labels:
        return
    if len(labels) > 64:
        raise bad_request(f"Invalid value for field '{field}': too many labels ({len(labels)}); at most 64.")
    for key, value in labels.items():
        if not LABEL_KEY.match(key):
            raise bad_request(
                f"Invalid value for field '{field}': '{key}'. Label keys must start with a lowercase letter "
                "and contain only lowercase letters, digits, underscores and dashes (at most 63 characters)."
            )
        if not isinstance(value, str) or not LABEL_VALUE.match(value):
            raise bad_request(
                f"Invalid value for field '{field}.{key}': '{value}'. Label values contain only lowercase "
                "letters, digits, underscores and dashes (at most 63 characters)."
            )


def fingerprint(resource: dict[str, Any], field: str = "fingerprint") -> str:
    """A hash of the resource's content, as Compute uses for optimistic locking."""
    content = {k: v for k, v in resource.items() if not k.startswith("_") and k not in (field, "labelFingerprint")}
    digest = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).digest()[:8]
    return base64.b64encode(digest).decode()


def same_fingerprint(given: Any, current: Any) -> bool:
    """Fingerprints are `bytes` fields: clients may send them back in URL-safe base64 (gcloud's apitools
    re-encodes them so), so compare the decoded bytes, not the text."""
    if not isinstance(given, str) or not isinstance(current, str):
        return given == current

    def decode(text: str) -> bytes | None:
        try:
            return base64.urlsafe_b64decode(text.replace("+", "-").replace("/", "_") + "=" * (-len(text) % 4))
        except ValueError:
            return None

    return decode(given) is not None and decode(given) == decode(current)


def self_link(path: str) -> str:
    return SELF_LINK_BASE + path


def public(resource: dict[str, Any]) -> dict[str, Any]:
    """The resource as the API returns it: without the emulator's own bookkeeping keys."""
    return {k: v for k, v in resource.items() if not k.startswith("_")}


def split_path(path: str) -> tuple[str, str | None, str, str]:
    """`projects/P/regions/R/backendServices/N` -> (P, R, "backendServices", N); region None if global."""
    parts = path.split("/")
    if len(parts) == 6 and parts[2] == "regions":
        return parts[1], parts[3], parts[4], parts[5]
    if len(parts) == 5 and parts[2] == "global":
        return parts[1], None, parts[3], parts[4]
    raise ValueError(path)


def scope_path(project: str, region: str | None) -> str:
    return f"projects/{project}/regions/{region}" if region else f"projects/{project}/global"


class ComputeState:
    """Every Compute resource of every project, and the Shared VPC relations between projects."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.resources: dict[str, dict[str, Any]] = {}
        # Shared VPC: host projects (by id), and service project id -> host project id.
        self.xpn_hosts: set[str] = set()
        self.xpn_attachments: dict[str, str] = {}
        # Domains whose DNS points at their load balancer (admin /_emulator/dns-ready): managed
        # certificates covering them can turn ACTIVE.
        self.dns_ready: set[str] = set()

    # -- paths and references -----------------------------------------------------------------

    def project_id(self, id_or_number: str) -> str:
        project = self.world.find_project(id_or_number)
        return project.project_id if project else id_or_number

    def canonical(self, path: str) -> str:
        """A path with the project number replaced by the id, so both forms find the same resource."""
        parts = path.split("/")
        if len(parts) >= 2 and parts[0] == "projects":
            parts[1] = self.project_id(parts[1])
        return "/".join(parts)

    def resolve(
        self,
        reference: Any,
        field: str,
        project: str,
        region: str | None,
        allowed: tuple[str, ...],
        must_exist: bool = True,
    ) -> str:
        """Turns a reference (full URL on any host, or partial path) into a canonical path.

        `allowed` lists acceptable (scope, segment) forms as "regions/backendServices" or
        "global/backendServices". A reference of another kind or scope is 400 invalid; one that
        names nothing is 404 notFound, as Compute answers.
        """
        if not isinstance(reference, str) or not reference:
            raise bad_request(f"Invalid value for field '{field}': '{reference or ''}'. The URL is malformed.")
        text = reference
        if "://" in text:
            marker = "/compute/v1/"
            if marker not in text:
                raise bad_request(f"Invalid value for field '{field}': '{reference}'. The URL is malformed.")
            text = text.split(marker, 1)[1]
        text = text.strip("/")
        if text.startswith(("regions/", "global/")):
            text = f"projects/{project}/{text}"
        elif not text.startswith("projects/"):
            # A bare name: same scope as the referring resource, first allowed form.
            scope, segment = allowed[0].split("/")
            text = f"{scope_path(project, region if scope == 'regions' else None)}/{segment}/{text}"
        text = self.canonical(text)
        try:
            _, ref_region, segment, _ = split_path(text)
        except ValueError:
            raise bad_request(f"Invalid value for field '{field}': '{reference}'. The URL is malformed.") from None
        form = f"{'regions' if ref_region else 'global'}/{segment}"
        if form not in allowed:
            raise bad_request(
                f"Invalid value for field '{field}': '{reference}'. Unexpected resource collection '{segment}'."
            )
        if must_exist:
            found = self.resources.get(text)
            if found is None or found.get("_creating"):
                if found is not None:
                    raise ApiError(400, f"The resource '{text}' is not ready", reason="resourceNotReady")
                raise compute_not_found(text)
            from crpatterns.emulator.compute.cross_project import check_reference

            check_reference(self, field, self.project_id(project), text, reference)
        return text

    # -- storage ------------------------------------------------------------------------------

    def get(self, path: str) -> dict[str, Any] | None:
        resource = self.resources.get(self.canonical(path))
        return None if resource is None or resource.get("_creating") else resource

    def require(self, path: str) -> dict[str, Any]:
        resource = self.get(path)
        if resource is None:
            raise compute_not_found(self.canonical(path))
        return resource

    def in_scope(self, project: str, region: str | None, segment: str) -> Iterator[dict[str, Any]]:
        prefix = f"{scope_path(self.project_id(project), region)}/{segment}/"
        for path, resource in self.resources.items():
            if path.startswith(prefix) and "/" not in path[len(prefix):] and not resource.get("_creating"):
                yield resource

    def users_of(self, path: str) -> list[str]:
        """Paths of the resources whose fields reference `path` (what blocks its deletion)."""
        users = []
        for other_path, resource in self.resources.items():
            if other_path == path:
                continue
            # `_uses`: references Google keeps without a URL field (a forwarding rule's IPAddress holds the
            # address's IP, not its URL, yet the address cannot be deleted while the rule exists).
            if path in resource.get("_uses", ()) or _references(public(resource), path, self):
                users.append(other_path)
        return sorted(users)

    def inventory(self) -> dict[str, Any]:
        by_segment: dict[str, list[dict[str, Any]]] = {}
        for path, resource in sorted(self.resources.items()):
            if resource.get("_creating"):
                continue
            _, region, segment, _ = split_path(path)
            key = f"regions/{segment}" if region else f"global/{segment}"
            by_segment.setdefault(key, []).append(public(resource))
        return {
            "resources": by_segment,
            "xpnHosts": sorted(self.xpn_hosts),
            "xpnAttachments": dict(sorted(self.xpn_attachments.items())),
        }


def _references(value: Any, path: str, state: ComputeState) -> bool:
    if isinstance(value, str):
        if value.endswith(path) and ("/compute/v1/" + path in value or value == path):
            return True
        if "/compute/v1/projects/" in value or value.startswith("projects/"):
            tail = value.split("/compute/v1/", 1)[-1]
            return state.canonical(tail) == path
        return False
    if isinstance(value, dict):
        # `users` (addresses) lists back-references: the referred-to resource does not use its users.
        return any(_references(v, path, state) for k, v in value.items() if k not in ("selfLink", "users"))
    if isinstance(value, list):
        return any(_references(v, path, state) for v in value)
    return False
