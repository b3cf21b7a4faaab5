"""One read per resource while a command makes up its mind.

The facts a pattern needs, the observation the planner diffs against and a status report all read
the same resources; within one command, before anything changes, the answers cannot differ, so each
(kind, scope, name) is read once. Writes go straight to the kind (and its own re-reads, such as an IAM
read-modify-write, are never cached)."""

from __future__ import annotations

import threading
from typing import Any

from crpatterns.engine.model import Scope


class CachedReads:
    """Wraps a resource kind: `read` and `list` are memoised, everything else is the kind's own."""

    def __init__(self, kind: Any) -> None:
        self._kind = kind
        self._lock = threading.Lock()
        self._reads: dict[tuple[Scope, str], Any] = {}
        self._lists: dict[Scope, Any] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._kind, name)

    def read(self, scope: Scope, name: str) -> dict[str, Any] | None:
        key = (scope, name)
        with self._lock:
            if key in self._reads:
                return self._reads[key]
        found = self._kind.read(scope, name)
        with self._lock:
            self._reads[key] = found
        return found

    def list(self, scope: Scope) -> list[dict[str, Any]]:
        with self._lock:
            if scope in self._lists:
                return self._lists[scope]
        found = self._kind.list(scope)
        with self._lock:
            self._lists[scope] = found
        return found


def cached(kinds: dict[str, Any]) -> dict[str, Any]:
    return {key: CachedReads(kind) for key, kind in kinds.items()}
