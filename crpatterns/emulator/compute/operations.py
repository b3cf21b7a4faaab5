"""Compute operations: every mutation answers with one, which completes after the operation latency.

Shape (docs/google-behaviour.md, "Compute: errors, operations, fingerprints"): kind compute#operation, id, name,
operationType, targetLink, targetId, status PENDING/RUNNING/DONE, progress, error.errors[],
httpErrorStatusCode, httpErrorMessage, region, insertTime/startTime/endTime, selfLink.
`wait` returns as soon as the operation is DONE, or after a bounded time with the operation as it is
(Google: about 2 minutes; here capped lower so a stuck test fails fast).
A repeated `requestId` returns the first request's operation and does nothing again.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable
from typing import Any

from crpatterns.emulator.compute.regions import check_region
from crpatterns.emulator.compute.store import COMPUTE, ComputeState, scope_path, self_link
from crpatterns.emulator.core import discovery
from crpatterns.emulator.core.errors import ApiError, compute_not_found
from crpatterns.emulator.core.routing import ApiRequest, Route
from crpatterns.emulator.core.world import now_rfc3339

WAIT_LIMIT_SECONDS = 120.0

Commit = Callable[[], None]


class Operations:
    def __init__(self, state: ComputeState) -> None:
        self.state = state
        self.world = state.world
        self.by_path: dict[str, dict[str, Any]] = {}
        self.by_request_id: dict[tuple[str, str], str] = {}

    def start(
        self,
        request: ApiRequest,
        operation_type: str,
        target_path: str,
        commit: Commit,
        region: str | None = None,
        target_id: str | None = None,
        prepare: Commit | None = None,
    ) -> dict[str, Any]:
        """Records an operation; `prepare` runs now (e.g. reserve a name), `commit` when it completes.

        If `commit` raises ApiError, or an "operation" fault was injected, the operation ends DONE with
        that error and the change is not made.
        """
        project = self.state.project_id(request.params["project"])
        request_id = request.arg("requestId")
        if request_id and (project, request_id) in self.by_request_id:
            return self.public(self.by_path[self.by_request_id[(project, request_id)]])
        name = f"operation-{int(time.time() * 1000)}-{secrets.token_hex(6)}"
        path = f"{scope_path(project, region)}/operations/{name}"
        now = now_rfc3339()
        operation: dict[str, Any] = {
            "kind": "compute#operation",
            "id": self.world.next_id(),
            "name": name,
            "operationType": operation_type,
            "targetLink": self_link(target_path),
            "targetId": target_id or self.world.next_id(),
            "status": "RUNNING",
            "user": "crpatterns-emulator@example.com",
            "progress": 0,
            "insertTime": now,
            "startTime": now,
            "selfLink": self_link(path),
        }
        if region:
            operation["region"] = self_link(f"projects/{project}/regions/{region}")
        self.by_path[path] = operation
        if request_id:
            self.by_request_id[(project, request_id)] = path
        fault = request.operation_fault
        if prepare is not None and fault is None:
            prepare()

        def complete() -> None:
            error: ApiError | None = None
            if fault is not None:
                error = ApiError(int(fault.get("status", 500)), fault["message"], reason=fault.get("reason"))
            else:
                try:
                    commit()
                except ApiError as raised:
                    error = raised
            operation.update(status="DONE", progress=100, endTime=now_rfc3339())
            if error is not None:
                reason = error.compute_body()["error"]["errors"][0]["reason"]
                # Operation error codes are the reason in UPPER_SNAKE: resourceInUseByAnotherResource
                # -> RESOURCE_IN_USE_BY_ANOTHER_RESOURCE.
                code = re.sub(r"(?<!^)(?=[A-Z])", "_", reason).upper()
                operation["error"] = {"errors": [{"code": code if fault is None else "INTERNAL_ERROR",
                                                  "message": error.message}]}
                operation["httpErrorStatusCode"] = error.code
                operation["httpErrorMessage"] = _http_phrase(error.code)

        self.world.after_op_latency(complete)
        return self.public(operation)

    @staticmethod
    def public(operation: dict[str, Any]) -> dict[str, Any]:
        return dict(operation)

    # -- routes -------------------------------------------------------------------------------

    def routes(self) -> list[Route]:
        routes = []
        for collection in ("regionOperations", "globalOperations"):
            for verb, handler, mutating in (
                ("get", self.get, False),
                ("wait", self.wait, False),
                ("list", self.list, False),
                ("delete", self.delete, True),
            ):
                method_id = f"compute.{collection}.{verb}"
                method = discovery.method(COMPUTE.discovery, method_id)
                routes.append(
                    Route(COMPUTE, method["httpMethod"], "compute/v1/" + method["path"], method_id,
                          handler, mutating=mutating)
                )
        return routes

    def _path(self, request: ApiRequest) -> str:
        project = self.state.project_id(request.params["project"])
        return f"{scope_path(project, self._region(request))}/operations/{request.params['operation']}"

    @staticmethod
    def _region(request: ApiRequest) -> str | None:
        """The region of a regionOperations call (400 when unknown, as every regional Compute method)."""
        if "region" not in request.params:
            return None
        check_region(request.params["region"])
        return request.params["region"]

    def _find(self, request: ApiRequest) -> dict[str, Any]:
        path = self._path(request)
        operation = self.by_path.get(path)
        if operation is None:
            raise compute_not_found(path)
        return operation

    def get(self, request: ApiRequest) -> dict[str, Any]:
        return self.public(self._find(request))

    def wait(self, request: ApiRequest) -> dict[str, Any]:
        operation = self._find(request)
        self.world.wait_for(lambda: operation["status"] == "DONE", timeout=WAIT_LIMIT_SECONDS)
        return self.public(operation)

    def list(self, request: ApiRequest) -> dict[str, Any]:
        project = self.state.project_id(request.params["project"])
        prefix = scope_path(project, self._region(request)) + "/operations/"
        items = [self.public(op) for path, op in self.by_path.items() if path.startswith(prefix)]
        return {"kind": "compute#operationList", "id": prefix.rstrip("/"), "items": items,
                "selfLink": self_link(prefix.rstrip("/"))}

    def delete(self, request: ApiRequest) -> dict[str, Any]:
        """200 with `{}`: compute.v1 discovery gives the method no response body, and google-cloud-compute
        (DeleteRegionOperationResponse / DeleteGlobalOperationResponse) parses the answer as JSON, so an
        empty 204 makes the real client raise ParseError. Google's exact status code is UNCONFIRMED."""
        self._find(request)
        del self.by_path[self._path(request)]
        return {}


def _http_phrase(code: int) -> str:
    return {400: "BAD REQUEST", 403: "FORBIDDEN", 404: "NOT FOUND", 409: "CONFLICT", 412: "PRECONDITION FAILED",
            429: "TOO MANY REQUESTS", 500: "INTERNAL SERVER ERROR", 503: "SERVICE UNAVAILABLE"}.get(code, "ERROR")
