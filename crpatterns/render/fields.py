"""The fields a plan shows, shared by the text and JSON renderers: a create's attributes one per line,
and a change narrowed to the fields that really differ.

The engine compares a list of objects (a service's `template.containers`) as one field, and keeps, of
the value before, only the keys the pattern sets at the top of each object. Shown as it is, changing
only the image reads as if ports and resources were being removed; shown per element and key it reads
`template.containers[0].image: "...:1" -> "...:2"`. The engine's changes stay as they are (an update
sends whole top-level fields); only what is shown is narrowed.
"""

from __future__ import annotations

from typing import Any

from crpatterns.engine.diff import diff
from crpatterns.engine.model import Change, Step

# How the tool applies an IAM binding (bookkeeping in the step's body), not part of any resource.
BOOKKEEPING_FIELDS = ("mode", "agents", "agentProject", "refusedMembers")


def flatten(value: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """Nested objects as dotted paths to their values (lists stay values)."""
    if isinstance(value, dict) and value:
        out: list[tuple[str, Any]] = []
        for key, item in value.items():
            out.extend(flatten(item, f"{prefix}{key}."))
        return out
    return [(prefix.rstrip("."), value)]


def is_sensitive(path: str, sensitive: tuple[str, ...]) -> bool:
    return any(path == s or path.startswith(s + ".") for s in sensitive)


def create_fields(step: Step) -> list[tuple[str, Any, bool]]:
    """A create's attributes: (dotted path, value, sensitive), bookkeeping left out."""
    sensitive = step.desired.sensitive if step.desired else ()
    return [(path, value, is_sensitive(path, sensitive))
            for path, value in flatten(step.body or {}) if path not in BOOKKEEPING_FIELDS]


def _same(before: Any, after: Any) -> bool:
    """Equal as the engine compares (references by path, lists of plain values as sets)."""
    return not diff({"value": after}, {"value": before})


def narrowed(change: Change) -> list[Change]:
    """A change split into the fields that differ: objects key by key (the keys the pattern sets), lists of
    objects of the same length element by element. A secret stays one line; a list whose length changes
    stays whole."""
    if change.sensitive:
        return [change]
    return [Change(path, before, after, change.forces_replace, False)
            for path, before, after in _split(change.field, change.before, change.after)]


def _split(path: str, before: Any, after: Any) -> list[tuple[str, Any, Any]]:
    if isinstance(after, dict) and isinstance(before, dict) and after:
        found: list[tuple[str, Any, Any]] = []
        for key, value in after.items():
            if not _same(before.get(key), value):
                found.extend(_split(f"{path}.{key}", before.get(key), value))
        return found or [(path, before, after)]
    if (isinstance(after, list) and isinstance(before, list) and after and len(after) == len(before)
            and all(isinstance(v, dict) for v in after + before)):
        found = []
        for index, (old, new) in enumerate(zip(before, after, strict=True)):
            if not _same(old, new):
                found.extend(_split(f"{path}[{index}]", old, new))
        return found or [(path, before, after)]
    return [(path, before, after)]
