"""Enum numbering taken from the protocol buffer definitions shipped in Google's client libraries.

Discovery documents list enum names but not their numbers, and the order is not always the numbering
(google.api.LaunchStage: UNIMPLEMENTED is 6 but listed second). Cloud Run and IAP clients send and ask
for numbers (`$alt=json;enum-encoding=int`), so the emulator needs the real numbering: it finds, among
the enums of the given proto packages, the one whose value names are exactly the discovery enum's.
"""

from __future__ import annotations

import functools
import importlib
import inspect
from collections.abc import Iterable
from typing import Any


def _walk_enums(message_descriptor: Any) -> Iterable[Any]:
    yield from message_descriptor.enum_types
    for nested in message_descriptor.nested_types:
        yield from _walk_enums(nested)


def _files(module_names: tuple[str, ...]) -> Iterable[Any]:
    seen: set[str] = set()
    stack = []
    for module_name in module_names:
        module = importlib.import_module(module_name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            pb = getattr(cls, "pb", None)
            if callable(pb):
                try:
                    stack.append(pb(cls()).DESCRIPTOR.file)
                except Exception:  # enums and helpers among the module's classes have no pb()
                    continue
    while stack:
        file = stack.pop()
        if file.name in seen:
            continue
        seen.add(file.name)
        yield file
        stack.extend(file.dependencies)


@functools.cache
def table(module_names: tuple[str, ...]) -> dict[frozenset[str], dict[int, str]]:
    found: dict[frozenset[str], dict[int, str]] = {}
    for file in _files(module_names):
        enums = list(file.enum_types_by_name.values())
        for message in file.message_types_by_name.values():
            enums.extend(_walk_enums(message))
        for enum in enums:
            found.setdefault(frozenset(v.name for v in enum.values), {v.number: v.name for v in enum.values})
    return found


def numbering(module_names: tuple[str, ...]):
    """An EnumNumbers callback for schema.BodyChecker, backed by the given proto-plus type modules."""

    def lookup(names: tuple[str, ...]) -> dict[int, str] | None:
        return table(module_names).get(frozenset(names))

    return lookup
