"""Every pattern by name: the CLI, the flow and (later) stack files find patterns here. Adding a
pattern is its folder plus one line below (or a `register` call, as the test suite does)."""

from __future__ import annotations

from crpatterns.patterns.base import Pattern

PATTERNS: dict[str, Pattern] = {}
_builtin_loaded = False


def register(pattern: Pattern) -> Pattern:
    PATTERNS[pattern.name] = pattern
    return pattern


def get(name: str) -> Pattern:
    return all_patterns()[name]


def all_patterns() -> dict[str, Pattern]:
    global _builtin_loaded
    if not _builtin_loaded:
        _builtin_loaded = True
        _register_builtin()
    return PATTERNS


def _register_builtin() -> None:
    from crpatterns.patterns.internal_api import PATTERN as INTERNAL_API
    from crpatterns.patterns.shared_vpc import PATTERN as SHARED_VPC
    from crpatterns.patterns.web_app import PATTERN as WEB_APP

    for pattern in (WEB_APP, INTERNAL_API, SHARED_VPC):
        register(pattern)
