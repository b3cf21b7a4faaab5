"""Waiting for long-running operations through the same endpoint the change was made on.

Compute: `ExtendedOperation.result()` polls through an operations client built without the caller's
client_options, i.e. against compute.googleapis.com whatever the endpoint (docs/google-behaviour.md, "Wire
facts"), and its polling notices completion up to ~50% late. So we call RegionOperationsClient.wait /
GlobalOperationsClient.wait (a long poll that returns as soon as the operation is DONE) ourselves.
Cloud Run: google.longrunning operations, waited with the services client's wait_operation.
"""

from __future__ import annotations

import time
from typing import Any

from crpatterns.errors import ApiCallError
from crpatterns.gcp.clients import Clients
from crpatterns.gcp.retry import with_retry

DEFAULT_TIMEOUT = 1800.0


class OperationFailed(ApiCallError):
    """The call was accepted, but the operation it started ended in error."""


def wait_compute(clients: Clients, operation: Any, project: str, region: str | None,
                 timeout: float = DEFAULT_TIMEOUT) -> Any:
    """Waits for a Compute operation (the value an insert/patch/delete/set* call returned)."""
    name = operation.name
    deadline = time.monotonic() + timeout
    current = getattr(operation, "_extended_operation", operation)
    status = _status(current)
    if status != "DONE":
        if region:
            waiter = clients.compute("RegionOperationsClient")
            current = with_retry(lambda: waiter.wait(project=project, region=region, operation=name))
            while _status(current) != "DONE" and time.monotonic() < deadline:
                current = with_retry(lambda: waiter.wait(project=project, region=region, operation=name))
        else:
            waiter = clients.compute("GlobalOperationsClient")
            current = with_retry(lambda: waiter.wait(project=project, operation=name))
            while _status(current) != "DONE" and time.monotonic() < deadline:
                current = with_retry(lambda: waiter.wait(project=project, operation=name))
    if _status(current) != "DONE":
        raise OperationFailed(f"operation {name} did not finish within {timeout:.0f} s")
    errors = list(current.error.errors) if current.error and current.error.errors else []
    if errors:
        messages = "; ".join(e.message for e in errors)
        raise OperationFailed(messages, status=current.http_error_status_code or None,
                              reason=errors[0].code)
    return current


def _status(operation: Any) -> str:
    status = operation.status
    return status.name if hasattr(status, "name") else str(status)


def wait_run(clients: Clients, operation: Any, timeout: float = DEFAULT_TIMEOUT) -> Any:
    """Waits for a Cloud Run operation (google.api_core.operation.Operation or its name)."""
    from google.protobuf import duration_pb2

    name = operation if isinstance(operation, str) else operation.operation.name
    services = clients.run_services()
    deadline = time.monotonic() + timeout
    current = None if isinstance(operation, str) else operation.operation
    while current is None or not current.done:
        if time.monotonic() > deadline:
            raise OperationFailed(f"operation {name} did not finish within {timeout:.0f} s")
        request = {"name": name, "timeout": duration_pb2.Duration(seconds=60)}
        current = with_retry(lambda r=request: services.wait_operation(request=r))
    if current.HasField("error") and current.error.code:
        raise OperationFailed(current.error.message, status=_http_for_rpc(current.error.code))
    return current


def _http_for_rpc(code: int) -> int:
    return {3: 400, 5: 404, 6: 409, 7: 403, 9: 400, 10: 409, 8: 429, 13: 500, 14: 503}.get(code, 500)
