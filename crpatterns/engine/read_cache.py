"""One read per resource while a command makes up its mind.

The facts a pattern needs, the observation the planner diffs against and a status report all read
the same resources; within one command, before anything changes, the answers cannot differ, so each
read (kind, method, arguments) is made once. Writes go straight to the kind (and its own re-reads, such
as an IAM read-modify-write, are never cached)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

# The kinds' read methods; anything else (create, update, delete...) passes through.
READ_METHODS = frozenset({"read", "list", "aggregated_list", "host_status"})


class CachedReads:
    """Wraps a resource kind: its read methods are memoised, everything else is the kind's own."""

    def __init__(self, kind: Any) -> None:
        self._kind = kind
        self._lock = threading.Lock()
        self._answers: dict[tuple[Any, ...], Any] = {}

    def __getattr__(self, name: str) -> Any:
        found = getattr(self._kind, name)
        if name not in READ_METHODS:
            return found
        return self._memoised(name, found)

    def _memoised(self, name: str, method: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any) -> Any:
            key = (name, *args)
            with self._lock:
                if key in self._answers:
                    return self._answers[key]
            answer = method(*args)
            with self._lock:
                self._answers[key] = answer
            return answer

        return call


def cached(kinds: dict[str, Any]) -> dict[str, Any]:
    return {key: CachedReads(kind) for key, kind in kinds.items()}
