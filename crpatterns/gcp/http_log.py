"""Observing every HTTP call the client libraries make: `--verbose` logging and call counting.

The REST transports of Google's clients all use a `requests` session; a response hook sees every call
(method, URL, status, time) without touching the clients' code, like gcloud's --log-http.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

_SECRET_QUERY = re.compile(r"(?i)((?:key|access_token|token|secret)=)[^&]+")
READ_METHODS = {"GET"}


def mask(url: str) -> str:
    return _SECRET_QUERY.sub(r"\1***", url)


@dataclass
class CallLog:
    """Counts calls (for benchmarks) and, when verbose, reports each one to `emit`."""

    emit: Callable[[str], None] | None = None
    calls: list[tuple[str, str, int, float]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    started: float = field(default_factory=time.perf_counter)

    def hook(self, response: Any, *args: Any, **kwargs: Any) -> Any:
        request = response.request
        elapsed_ms = response.elapsed.total_seconds() * 1000
        url = mask(request.url)
        with self._lock:
            self.calls.append((request.method, url, response.status_code, elapsed_ms))
        if self.emit is not None:
            at = time.perf_counter() - self.started
            self.emit(f"[{at:7.3f}s] {request.method} {url} -> {response.status_code} ({elapsed_ms:.0f} ms)")
        return response

    def attach(self, session: Any) -> None:
        session.hooks.setdefault("response", []).append(self.hook)

    @property
    def count(self) -> int:
        return len(self.calls)
