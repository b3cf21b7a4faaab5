"""Routes as data: each one a discovery method (its id and path template) and the handler serving it.

Templates are copied from the discovery documents (`flatPath`, or `path` where there is no flatPath)
with the service path in front, so a conformance test can compare every route with Google's.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from werkzeug.datastructures import MultiDict
from werkzeug.routing import BaseConverter, Map, Rule


@dataclass(frozen=True)
class Api:
    """One emulated Google API."""

    name: str  # "compute", "run", ...
    service: str  # "compute.googleapis.com": checked against the project's enabled services
    discovery: str  # discovery document stem, "compute.v1"
    error_style: str  # "compute" or "aip"
    # Returns enum numbering for a discovery enum's value names (see proto_enums); None: discovery order.
    enum_numbers: Callable[[tuple[str, ...]], dict[int, str] | None] | None = None
    # The API's own 403 for a project the caller cannot see, from (method id, path parameters, raw body);
    # None: the AIP-style PERMISSION_DENIED on the project (core/errors.permission_denied_project).
    project_denied: Callable[[str, dict[str, str], bytes], Exception] | None = None


@dataclass
class ApiRequest:
    """What a handler receives: path parameters, query, validated body, and the shared world."""

    api: Api
    method_id: str
    params: dict[str, str]
    query: MultiDict
    body: dict[str, Any] | None
    world: Any
    operation_fault: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def arg(self, name: str, default: str | None = None) -> str | None:
        return self.query.get(name, default)

    def flag(self, name: str) -> bool:
        return (self.query.get(name) or "").lower() in ("true", "1")


Handler = Callable[[ApiRequest], Any]


@dataclass(frozen=True)
class Route:
    api: Api
    http_method: str
    # e.g. "compute/v1/projects/{project}/global/networks/{network}"; `{+name}` spans several segments
    template: str
    method_id: str  # e.g. "compute.networks.get"
    handler: Handler
    mutating: bool
    project_param: str | None = "project"  # path parameter naming the project, checked before the handler
    body_root: str = "resource"  # proto name of the body field, used in validation messages
    status: int = 200


class SegmentConverter(BaseConverter):
    """One path segment, stopping at ':' so `services/{id}:getIamPolicy` routes apart from `services/{id}`."""

    regex = r"[^/:]+"


class RestConverter(BaseConverter):
    """A `{+name}` parameter: several path segments (e.g. an IAP resource), stopping at ':'."""

    regex = r"[^:]+?"
    weight = 200
    # Werkzeug matches a converter within one segment unless told otherwise (it guesses from a literal "/"
    # in the regex); a `{+name}` spans segments.
    part_isolating = False


def rule_for(route: Route, endpoint: int) -> Rule:
    path = re.sub(r"\{\+([A-Za-z0-9_]+)\}", r"<rest:\1>", route.template)
    path = "/" + re.sub(r"\{([A-Za-z0-9_]+)\}", r"<seg:\1>", path)
    return Rule(path, methods=[route.http_method], endpoint=endpoint)


def build_map(routes: list[Route]) -> Map:
    return Map(
        [rule_for(route, i) for i, route in enumerate(routes)],
        converters={"seg": SegmentConverter, "rest": RestConverter},
        strict_slashes=False,
        merge_slashes=False,
    )
