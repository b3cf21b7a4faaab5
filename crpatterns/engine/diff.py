"""Comparing what a pattern wants with what the API holds.

Only the fields the pattern sets are compared (output-only and server-defaulted fields are absent from
the desired body, so they never show as changes). References compare by their path after
`projects/`, whether written as a full URL on any host or as a partial path. Lists of plain values
compare as sets; lists of objects element by element.
"""

from __future__ import annotations

import re
from typing import Any

from crpatterns.engine.model import Change

_COMPUTE_REF = re.compile(r"^(?:https?://[^/]+/compute/(?:v1|beta|alpha)/)?(projects/[^/]+/(?:global|regions/[^/]+)/.+)$")


def as_reference(value: Any) -> str | None:
    """The `projects/...` path of a Compute reference (full URL on any host, or partial); else None."""
    if isinstance(value, str):
        match = _COMPUTE_REF.match(value)
        if match:
            return match.group(1)
    return None


def normalize(value: Any) -> Any:
    if isinstance(value, str):
        match = _COMPUTE_REF.match(value)
        return match.group(1) if match else value
    if isinstance(value, list):
        items = [normalize(v) for v in value]
        if all(not isinstance(v, dict | list) for v in items):
            return sorted(items, key=repr)
        return items
    if isinstance(value, dict):
        return {k: normalize(v) for k, v in value.items()}
    return value


def _equal(desired: Any, actual: Any) -> bool:
    """Desired is a subset: every field it sets must match; fields it leaves out are not compared."""
    if isinstance(desired, dict):
        if actual is None:
            return all(_equal(v, None) for v in desired.values())  # keys wanted absent are absent
        if not isinstance(actual, dict):
            return not desired and actual == {}
        return all(_equal(v, actual.get(k)) for k, v in desired.items())
    if isinstance(desired, list):
        if not isinstance(actual, list):
            return not desired and actual is None
        if len(desired) != len(actual):
            return False
        return all(_equal(d, a) for d, a in zip(desired, actual, strict=True))
    if desired is None:
        return actual in (None, "", [], {}, False, 0)
    if isinstance(desired, bool | int | float) and actual is None:
        return not desired
    if isinstance(desired, str) and actual is None:
        return desired == ""
    return desired == actual


def diff(
    desired: dict[str, Any],
    actual: dict[str, Any],
    immutable: tuple[str, ...] = (),
    sensitive: tuple[str, ...] = (),
    prefix: str = "",
) -> list[Change]:
    """The top-level fields (and nested ones, dotted, for objects) where actual differs from desired."""
    changes: list[Change] = []
    for key, want in desired.items():
        path = f"{prefix}{key}"
        have = actual.get(key) if isinstance(actual, dict) else None
        want_n, have_n = normalize(want), normalize(have)
        if _equal(want_n, have_n):
            continue
        forced = any(path == f or path.startswith(f + ".") for f in immutable)
        nested_forced = any(f.startswith(path + ".") for f in immutable)
        if isinstance(want, dict) and isinstance(have, dict) and (not forced or nested_forced):
            changes.extend(diff(want, have, immutable, sensitive, prefix=f"{path}."))
            continue
        secret = any(path == s or path.startswith(s + ".") for s in sensitive)
        changes.append(Change(path, _shown(have, want), want, forces_replace=forced, sensitive=secret))
    return changes


def _shown(have: Any, want: Any) -> Any:
    """The actual value, trimmed to the fields the desired value speaks of (readable plans)."""
    if isinstance(want, dict) and isinstance(have, dict):
        return {k: _shown(have.get(k), v) for k, v in want.items() if k in have}
    return have
