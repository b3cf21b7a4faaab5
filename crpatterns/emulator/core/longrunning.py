"""google.longrunning.Operation as the AIP-style APIs (Cloud Run v2, Service Usage) return it.

A done operation carries exactly one of `response` or `error` (docs/google-behaviour.md, "Wire facts for the
Python client libraries": the client raises on a done operation with neither). Operations complete through
`World.after_op_latency`, so the latency model delays them like Google's reconciliation does (`--op-latency`,
or under `--latency-profile google` the time of the method that started them: core/latency.py); `wait`
long-polls until done.
An injected "operation" fault (/_emulator/faults) makes the operation end in that error.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from crpatterns.emulator.core.errors import STATUS_FOR_HTTP, ApiError

# google.rpc.Code: the numeric code an operation's `error` carries.
RPC_CODES = {
    "OK": 0, "CANCELLED": 1, "UNKNOWN": 2, "INVALID_ARGUMENT": 3, "DEADLINE_EXCEEDED": 4, "NOT_FOUND": 5,
    "ALREADY_EXISTS": 6, "PERMISSION_DENIED": 7, "RESOURCE_EXHAUSTED": 8, "FAILED_PRECONDITION": 9,
    "ABORTED": 10, "OUT_OF_RANGE": 11, "UNIMPLEMENTED": 12, "INTERNAL": 13, "UNAVAILABLE": 14,
    "DATA_LOSS": 15, "UNAUTHENTICATED": 16,
}
WAIT_LIMIT_SECONDS = 120.0

# Runs when the operation completes: returns the `response`, or raises ApiError to end it in error.
Completion = Callable[[], dict[str, Any]]


def rpc_status(error: ApiError) -> dict[str, Any]:
    """An ApiError as the google.rpc.Status an operation's `error` field holds."""
    name = error.status or STATUS_FOR_HTTP.get(error.code, "UNKNOWN")
    status: dict[str, Any] = {"code": RPC_CODES.get(name, 2), "message": error.message}
    if error.details:
        status["details"] = copy.deepcopy(error.details)
    return status


class LongRunningOperations:
    """Operations by name, for one API."""

    def __init__(self, world: Any) -> None:
        self.world = world
        self.by_name: dict[str, dict[str, Any]] = {}

    def start(
        self,
        name: str,
        metadata: dict[str, Any] | None,
        complete: Completion,
        fault: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Records a running operation; `complete` runs (under the lock) once the latency has passed."""
        operation: dict[str, Any] = {"name": name, "done": False}
        if metadata is not None:
            operation["metadata"] = metadata
        self.by_name[name] = operation

        def finish() -> None:
            try:
                if fault is not None:
                    raise ApiError(int(fault.get("status", 500)), fault.get("message") or "Internal error.",
                                   status=fault.get("grpcStatus"))
                operation["response"] = complete()
            except ApiError as error:
                operation["error"] = rpc_status(error)
            operation["done"] = True

        self.world.after_op_latency(finish)
        return copy.deepcopy(operation)

    def finished(self, name: str, metadata: dict[str, Any] | None, response: dict[str, Any]) -> dict[str, Any]:
        """An operation that is done at once (nothing to wait for)."""
        operation: dict[str, Any] = {"name": name, "done": True, "response": response}
        if metadata is not None:
            operation["metadata"] = metadata
        self.by_name[name] = operation
        return copy.deepcopy(operation)

    def find(self, name: str) -> dict[str, Any] | None:
        operation = self.by_name.get(name)
        return copy.deepcopy(operation) if operation is not None else None

    def wait(self, name: str, timeout: float = WAIT_LIMIT_SECONDS) -> dict[str, Any] | None:
        """Blocks until the operation is done or `timeout` passes (Google: at most about 2 minutes)."""
        operation = self.by_name.get(name)
        if operation is None:
            return None
        self.world.wait_for(lambda: operation["done"], timeout=min(timeout, WAIT_LIMIT_SECONDS))
        return copy.deepcopy(operation)

    def under(self, prefix: str) -> list[dict[str, Any]]:
        return [copy.deepcopy(op) for name, op in self.by_name.items() if name.startswith(prefix)]

    def delete(self, name: str) -> bool:
        return self.by_name.pop(name, None) is not None


def parse_duration(text: str | None, default: float) -> float:
    """A google.protobuf.Duration in JSON ("30s", "1.5s"); `default` when absent or malformed."""
    if not text:
        return default
    try:
        return float(str(text).removesuffix("s"))
    except ValueError:
        return default
