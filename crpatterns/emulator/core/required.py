"""Fields a discovery description marks "Required.", found missing in a request body.

Google's discovery documents flag required fields in prose: the description starts with "Required." (AIP-203's
REQUIRED field behavior, rendered into the description) or "REQUIRED:" (google.iam.v1). An absent field, or one
holding the proto3 default (empty string, list or object), is missing. Only the parts of the body a caller
set are walked: a required field inside an absent optional message is not required.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from crpatterns.emulator.core.schema import snake

_REQUIRED = re.compile(r"^\s*(Required\.|REQUIRED:)")


def is_required(prop: dict[str, Any]) -> bool:
    return bool(_REQUIRED.match(prop.get("description", "")))


def missing(schemas: dict[str, Any], schema: str, body: Any, path: str,
            skip: frozenset[str] = frozenset()) -> Iterator[str]:
    """Proto paths (`service.template.containers[0].image`) of required fields missing from `body`.
    `skip`: `Schema.field` names whose requirement has exceptions a caller checks itself."""
    if not isinstance(body, dict):
        return
    for field, prop in schemas[schema].get("properties", {}).items():
        where = f"{path}.{snake(field)}"
        value = body.get(field)
        if is_required(prop) and f"{schema}.{field}" not in skip and value in (None, "", [], {}):
            yield where
            continue
        ref = prop.get("$ref") or prop.get("items", {}).get("$ref")
        if not ref or schemas[ref].get("type") != "object":
            continue
        if isinstance(value, list):
            for index, item in enumerate(value):
                yield from missing(schemas, ref, item, f"{where}[{index}]", skip)
        else:
            yield from missing(schemas, ref, value, where, skip)
