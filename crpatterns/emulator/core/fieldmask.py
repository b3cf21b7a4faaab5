"""Field masks of AIP-134 updates: the listed paths are taken from the body (cleared when absent there),
every other field keeps its current value. Paths may be camelCase or snake_case; "*" replaces everything.
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
    paths = [p.strip() for p in mask.split(",") if p.strip()]
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
