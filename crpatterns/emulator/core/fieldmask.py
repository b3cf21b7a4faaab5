"""Field masks of AIP-134 updates: the listed paths are taken from the body (cleared when absent there),
every other field keeps its current value; "*" replaces everything.

Paths may be snake_case (the proto field names that AIP-161 and the gRPC clients use) or lowerCamelCase (the
JSON form of a google.protobuf.FieldMask, which the REST clients send: "Fields name in each path are
converted to/from lower-camel naming conventions", protobuf's FieldMask JSON encoding). A path naming no field
is ignored, as Cloud Run does (docs/google-behaviour.md, "Cloud Run Admin API v2").
"""

from __future__ import annotations

import copy
import re
from typing import Any


def camel(segment: str) -> str:
    return re.sub(r"_([a-z])", lambda m: m.group(1).upper(), segment)


def apply_mask(current: dict[str, Any], body: dict[str, Any], mask: str, fields: tuple[str, ...],
               strip_prefix: str = "") -> dict[str, Any]:
    """`fields`: the top-level fields a caller may set; `strip_prefix`: a leading path segment some APIs put
    before every path (IAP: "iap_settings.access_settings")."""
    merged = {k: copy.deepcopy(current[k]) for k in fields if k in current}
    paths = mask_paths(mask)
    if strip_prefix:
        paths = [p.split(".", 1)[1] if camel(p.split(".", 1)[0]) == strip_prefix and "." in p else p for p in paths]
    if "*" in paths:
        return {k: copy.deepcopy(body[k]) for k in fields if body.get(k) is not None}
    for path in paths:
        segments = [camel(s) for s in path.split(".")]
        if segments[0] not in fields:
            continue
        source: Any = body
        for segment in segments:
            source = source.get(segment) if isinstance(source, dict) else None
        target = merged
        for segment in segments[:-1]:
            target = target.setdefault(segment, {})
        if source is None:
            target.pop(segments[-1], None)
        else:
            target[segments[-1]] = copy.deepcopy(source)
    return merged


def mask_paths(mask: str) -> list[str]:
    return [p.strip() for p in mask.split(",") if p.strip()]


def path_exists(schemas: dict[str, Any], schema: str, path: str) -> bool:
    """Whether a mask path names a field of the discovery schema `schema` (a map's keys are free)."""
    current: dict[str, Any] = schemas[schema]
    for segment in path.split("."):
        if "additionalProperties" in current and "properties" not in current:
            return True  # a key of a map (labels.team): any key may be set or cleared
        prop = current.get("properties", {}).get(camel(segment))
        if prop is None:
            return False
        prop = prop.get("items", prop)
        current = schemas[prop["$ref"]] if "$ref" in prop else prop
    return True


def known_paths(mask: str, schemas: dict[str, Any], schema: str, fields: tuple[str, ...]) -> list[str]:
    """The mask's paths that name a settable field ("*" included)."""
    return [path for path in mask_paths(mask)
            if path == "*" or (camel(path.split(".", 1)[0]) in fields and path_exists(schemas, schema, path))]
