"""Fault injection: make the next N matching calls fail, fail inside their operation, or slow down.

A rule matches on HTTP method ("*" for any) and a regular expression searched in the request path.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any

from crpatterns.emulator.core.errors import ApiError


@dataclass
class Fault:
    method: str
    path: re.Pattern[str]
    kind: str  # "http": answer with an error; "operation": accept, then the operation ends in error;
    # "latency": add `latency` seconds; "every": fail every `every`-th matching call (throttling);
    # "policy-race": someone else adds `binding` {role, members} to the IAM policy this call writes, just
    # before it (so a read-modify-write carrying the old etag meets a genuine 409 ABORTED)
    status: int = 503
    message: str = "The service is currently unavailable."
    reason: str | None = None
    grpc_status: str | None = None
    count: int = 1  # remaining matches; -1 for unlimited
    latency: float = 0.0
    every: int = 0
    seen: int = 0
    binding: dict[str, Any] | None = None

    def describe(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "path": self.path.pattern,
            "kind": self.kind,
            "status": self.status,
            "count": self.count,
            "latency": self.latency,
            "every": self.every,
        }

    def error(self) -> ApiError:
        return ApiError(self.status, self.message, reason=self.reason, status=self.grpc_status)


class FaultTable:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.rules: list[Fault] = []

    def add(self, spec: dict[str, Any]) -> Fault:
        fault = Fault(
            method=spec.get("method", "*").upper(),
            path=re.compile(spec.get("path", ".*")),
            kind=spec.get("kind", "http"),
            status=int(spec.get("status", 503)),
            message=spec.get("message") or _default_message(int(spec.get("status", 503))),
            reason=spec.get("reason"),
            grpc_status=spec.get("grpcStatus"),
            count=int(spec.get("count", 1)),
            latency=float(spec.get("latency", 0.0)),
            every=int(spec.get("every", 0)),
            binding=spec.get("binding"),
        )
        with self._lock:
            self.rules.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self.rules.clear()

    def take(self, method: str, path: str) -> list[Fault]:
        """The faults that apply to this call, consuming one use of each."""
        hits = []
        with self._lock:
            for fault in list(self.rules):
                if fault.method not in ("*", method) or not fault.path.search(path):
                    continue
                fault.seen += 1
                if fault.kind == "every":
                    if fault.every and fault.seen % fault.every == 0:
                        hits.append(fault)
                    continue
                hits.append(fault)
                if fault.count > 0:
                    fault.count -= 1
                    if fault.count == 0:
                        self.rules.remove(fault)
        return hits


def _default_message(status: int) -> str:
    return {
        429: "Quota exceeded for quota metric 'Write requests' and limit 'Write requests per minute'.",
        409: "There were concurrent policy changes. Please retry the whole read-modify-write with "
        "exponential backoff.",
        500: "Internal error. Please try again or contact Google Support.",
    }.get(status, "The service is currently unavailable.")
