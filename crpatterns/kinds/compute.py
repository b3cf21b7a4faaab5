"""The shape every Compute collection shares: one client class, one message type, operations.

Each concrete kind (one module per Google resource type) names its client, message and parameters,
its immutable fields, and how it updates: `patch` with the current fingerprint, or set* methods.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any, ClassVar

from crpatterns.engine.model import Actual, Change, Scope
from crpatterns.gcp.lazy_import import compute_types
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
        compute_v1 = compute_types()

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

    def aggregated_list(self, project: str) -> list[dict[str, Any]]:
        """Everything of this (regional) kind in the project, in every region: one aggregatedList call."""
        items_field = re.sub(r"(?<!^)(?=[A-Z])", "_", self.segment).lower()  # forwardingRules -> forwarding_rules

        def listing() -> list[dict[str, Any]]:
            return [to_dict(item) for _, scoped in self.client.aggregated_list(project=project)
                    for item in getattr(scoped, items_field)]

        return self.call(f"(aggregated list in {project})", "aggregatedList", listing)

    # -- writing ------------------------------------------------------------------------------

    def operate(self, name: str, scope: Scope, verb: str, method: str, **args: Any) -> None:
        """Calls a mutating method (with a requestId, the same on every retry, so Compute does it
        once) and waits for its operation through the same endpoint."""
        client_method = getattr(self.client, method)
        request_id = str(uuid.uuid4())

        def start() -> Any:
            return client_method(request={**self.where(scope), **args, "request_id": request_id})

        operation = self.call(name, verb, start)
        if operation is not None:
            self.call(name, f"{verb} (operation)", lambda: self.wait(operation, scope))

    def create(self, scope: Scope, name: str, body: dict[str, Any]) -> None:
        resource = self.build({**body, "name": name})
        self.create_tolerating_own(scope, name, body, lambda: self.operate(
            name, scope, "insert", "insert", **{f"{self.name_arg}_resource": resource}))

    def patch(self, actual: Actual, patch_body: dict[str, Any]) -> None:
        """PATCH with the fingerprint read at plan time (a stale one fails 412: a rerun re-reads)."""
        body = dict(patch_body)
        if "fingerprint" in actual.body:
            body["fingerprint"] = actual.body["fingerprint"]
        self.operate(actual.name, actual.scope, "patch", "patch",
                     **{self.name_arg: actual.name, f"{self.name_arg}_resource": self.build(body)})

    def update(self, actual: Actual, body: dict[str, Any], changes: tuple[Change, ...]) -> None:
        fields = {c.field.split(".")[0] for c in changes}
        self.patch(actual, {f: body[f] for f in fields if f in body})

    def set_labels(self, actual: Actual, labels: dict[str, str]) -> None:
        compute_v1 = compute_types()

        if self.regional:
            arg = {"region_set_labels_request_resource": compute_v1.RegionSetLabelsRequest(
                labels=labels, label_fingerprint=actual.body.get("labelFingerprint", ""))}
        else:
            arg = {"global_set_labels_request_resource": compute_v1.GlobalSetLabelsRequest(
                labels=labels, label_fingerprint=actual.body.get("labelFingerprint", ""))}
        self.operate(actual.name, actual.scope, "setLabels", "set_labels", resource=actual.name, **arg)

    def delete(self, actual: Actual) -> None:
        try:
            self.operate(actual.name, actual.scope, "delete", "delete", **{self.name_arg: actual.name})
        except Exception as error:
            if getattr(error, "status", None) != 404:
                raise
            # Already gone: the goal of the step is reached.


class ImmutableComputeKind(ComputeKind):
    """A collection with no update method (serverless NEGs, certificates): any change replaces it."""

    marker_mutable = False

    def diff(self, desired: dict[str, Any], actual: dict[str, Any]) -> list[Change]:
        return [Change(c.field, c.before, c.after, True, c.sensitive) for c in super().diff(desired, actual)]

    def update(self, actual: Actual, body: dict[str, Any], changes: tuple[Change, ...]) -> None:
        raise AssertionError(f"{self.key} cannot be updated in place; the planner replaces it")
