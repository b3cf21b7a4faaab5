"""The shape every Compute collection shares: one client class, one message type, operations.

Each concrete kind (one module per Google resource type) names its client, message and parameters,
its immutable fields, and how it updates: `patch` with the current fingerprint, or set* methods.
"""

from __future__ import annotations

import json
import uuid
from typing import Any, ClassVar

from crpatterns.engine.model import Actual, Change, Scope
from crpatterns.gcp.operations import wait_compute
from crpatterns.kinds.base import Kind, is_not_found

SELF_LINK_BASE = "https://www.googleapis.com/compute/v1/"


def to_dict(message: Any) -> dict[str, Any]:
    from google.protobuf import json_format

    return json_format.MessageToDict(type(message).pb(message))


class ComputeKind(Kind):
    client_class: ClassVar[str]  # "RegionNetworkEndpointGroupsClient"
    message: ClassVar[str]  # "NetworkEndpointGroup"
    name_arg: ClassVar[str]  # "network_endpoint_group"
    segment: ClassVar[str]  # "networkEndpointGroups"
    labels_supported: ClassVar[bool] = False

    @property
    def client(self) -> Any:
        return self.clients.compute(self.client_class)

    def url(self, scope: Scope, name: str) -> str:
        where = f"regions/{scope.region}" if self.regional else "global"
        return f"{SELF_LINK_BASE}projects/{scope.project}/{where}/{self.segment}/{name}"

    def path(self, scope: Scope, name: str) -> str:
        return self.url(scope, name).removeprefix(SELF_LINK_BASE)

    def where(self, scope: Scope) -> dict[str, str]:
        args = {"project": scope.project}
        if self.regional:
            assert scope.region, f"{self.key} needs a region"
            args["region"] = scope.region
        return args

    def build(self, body: dict[str, Any]) -> Any:
        from google.cloud import compute_v1

        return getattr(compute_v1, self.message).from_json(json.dumps(body))

    def wait(self, operation: Any, scope: Scope) -> None:
        wait_compute(self.clients, operation, scope.project, scope.region if self.regional else None)

    # -- reading ------------------------------------------------------------------------------

    def read(self, scope: Scope, name: str) -> dict[str, Any] | None:
        def get() -> dict[str, Any] | None:
            try:
                return to_dict(self.client.get(**self.where(scope), **{self.name_arg: name}))
            except Exception as error:
                if is_not_found(error):
                    return None
                raise

        return self.call(name, "get", get)

    def list(self, scope: Scope) -> list[dict[str, Any]]:
        return self.call(f"(list in {scope})", "list",
                         lambda: [to_dict(item) for item in self.client.list(**self.where(scope))])

    # -- writing ------------------------------------------------------------------------------

    def create(self, scope: Scope, name: str, body: dict[str, Any]) -> None:
        request_id = str(uuid.uuid4())  # the same id on every retry: Compute does the insert once
        resource = self.build({**body, "name": name})
        arg = f"{self.name_arg}_resource"
        operation = self.call(
            name, "insert",
            lambda: self.client.insert(**self.where(scope), **{arg: resource}, request_id=request_id),
        )
        self.call(name, "insert (operation)", lambda: self.wait(operation, scope))

    def patch(self, actual: Actual, patch_body: dict[str, Any]) -> None:
        """PATCH with the fingerprint read at plan time (a stale one fails 412: rerun re-reads)."""
        body = dict(patch_body)
        if "fingerprint" in actual.body:
            body["fingerprint"] = actual.body["fingerprint"]
        resource = self.build(body)
        arg = f"{self.name_arg}_resource"
        request_id = str(uuid.uuid4())
        operation = self.call(
            actual.name, "patch",
            lambda: self.client.patch(**self.where(actual.scope), **{self.name_arg: actual.name, arg: resource},
                                      request_id=request_id),
        )
        self.call(actual.name, "patch (operation)", lambda: self.wait(operation, actual.scope))

    def update(self, actual: Actual, body: dict[str, Any], changes: tuple[Change, ...]) -> None:
        self.patch(actual, {c.field.split(".")[0]: body[c.field.split(".")[0]] for c in changes})

    def set_labels(self, actual: Actual, labels: dict[str, str]) -> None:
        from google.cloud import compute_v1

        request_class = compute_v1.RegionSetLabelsRequest if self.regional else compute_v1.GlobalSetLabelsRequest
        request = request_class(labels=labels, label_fingerprint=actual.body.get("labelFingerprint", ""))
        arg = "region_set_labels_request_resource" if self.regional else "global_set_labels_request_resource"
        operation = self.call(
            actual.name, "setLabels",
            lambda: self.client.set_labels(**self.where(actual.scope), resource=actual.name, **{arg: request}),
        )
        self.call(actual.name, "setLabels (operation)", lambda: self.wait(operation, actual.scope))

    def delete(self, actual: Actual) -> None:
        def delete_once() -> Any:
            try:
                return self.client.delete(**self.where(actual.scope), **{self.name_arg: actual.name},
                                          request_id=request_id)
            except Exception as error:
                if is_not_found(error):
                    return None  # already gone: the goal is reached
                raise

        request_id = str(uuid.uuid4())
        operation = self.call(actual.name, "delete", delete_once)
        if operation is not None:
            self.call(actual.name, "delete (operation)", lambda: self.wait(operation, actual.scope))
