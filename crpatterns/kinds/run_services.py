"""Cloud Run v2 services.

Updates send only the changed top-level fields with an update mask, each merged into what exists, so
settings the tool does not manage (environment, scaling, other labels, annotations) stay exactly as
they were. `launchStage` is sent when a feature needs it but never compared: Google reports the stage the
service actually uses, which would otherwise show as a change on every run (provider #13748,
and terraform-google-modules/terraform-google-lb-http#213). A pinned template.revision name is dropped on change (Google
refuses an existing revision name with a different configuration).
"""

from __future__ import annotations

import copy
import json
from typing import Any

from crpatterns.engine import diff as diffing
from crpatterns.engine.model import Actual, Change, ReplaceStrategy, Scope
from crpatterns.gcp.lazy_import import run_service_type
from crpatterns.gcp.operations import wait_run
from crpatterns.kinds.base import Kind, is_not_found
from crpatterns.kinds.keys import KindKey

SEND_ONLY = ("launchStage",)
_SNAKE = {"launchStage": "launch_stage", "iapEnabled": "iap_enabled", "defaultUriDisabled": "default_uri_disabled",
          "invokerIamDisabled": "invoker_iam_disabled", "binaryAuthorization": "binary_authorization"}


def merge(base: Any, overlay: Any) -> Any:
    """`overlay` written over `base`: objects merge key by key (a key set to None in the overlay is
    removed: how a pattern clears template.vpcAccess or one annotation and keeps the rest), lists of
    objects element by element, anything else is replaced."""
    if isinstance(overlay, dict):
        # A missing object (a service with no annotations yet) merges like an empty one, so a key set to
        # None is dropped rather than sent as null.
        merged = dict(base) if isinstance(base, dict) else {}
        for key, value in overlay.items():
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = merge(merged.get(key), value)
        return merged
    if isinstance(base, list) and isinstance(overlay, list) and all(isinstance(v, dict) for v in overlay):
        return [merge(base[i] if i < len(base) else None, v) for i, v in enumerate(overlay)]
    return copy.deepcopy(overlay)


def to_dict(message: Any) -> dict[str, Any]:
    from google.protobuf import json_format

    return json_format.MessageToDict(type(message).pb(message))


class RunServices(Kind):
    key = KindKey.RUN_SERVICES
    marker_in = "labels"
    replace_strategy = ReplaceStrategy.DELETE_BEFORE_CREATE

    def url(self, scope: Scope, name: str) -> str:
        return f"projects/{scope.project}/locations/{scope.region}/services/{name}"

    path = url

    @property
    def client(self) -> Any:
        return self.clients.run_services()

    def build(self, body: dict[str, Any]) -> Any:
        return run_service_type().from_json(json.dumps(body))

    def read(self, scope: Scope, name: str) -> dict[str, Any] | None:
        def get() -> dict[str, Any] | None:
            try:
                return to_dict(self.client.get_service(name=self.url(scope, name)))
            except Exception as error:
                if is_not_found(error):
                    return None
                raise

        return self.call(name, "get", get)

    def list(self, scope: Scope) -> list[dict[str, Any]]:
        parent = f"projects/{scope.project}/locations/{scope.region}"
        return self.call(f"(list in {scope})", "list",
                         lambda: [to_dict(s) for s in self.client.list_services(parent=parent)])

    def to_actual(self, scope: Scope, body: dict[str, Any]) -> Actual:
        actual = super().to_actual(scope, body)
        actual.name = body.get("name", "").rsplit("/", 1)[-1]
        return actual

    def must_outlive(self, body: dict[str, Any], other: Actual) -> bool:
        """A service an app made goes after the app's resources in other projects (a load balancer's frontend in
        another project): the service records those projects (internal-api's `crpatterns.dev/projects`), and a
        destroy stopped halfway must still find them when it runs again."""
        marker = self.marker_of(body)
        project = str(body.get("name", "")).split("/")[1:2]
        return (marker is not None and other.app == marker[0] and other.pattern == marker[1]
                and bool(project) and other.scope.project != project[0])

    def diff(self, desired: dict[str, Any], actual: dict[str, Any]) -> list[Change]:
        comparable = {k: v for k, v in desired.items() if k not in SEND_ONLY}
        return diffing.diff(comparable, actual, self.immutable, self.sensitive)

    def create(self, scope: Scope, name: str, body: dict[str, Any]) -> None:
        parent = f"projects/{scope.project}/locations/{scope.region}"
        service = self.build(body)

        def create() -> None:
            operation = self.call(name, "create",
                                  lambda: self.client.create_service(parent=parent, service=service, service_id=name))
            self.call(name, "create (operation)", lambda: wait_run(self.clients, operation))

        self.create_tolerating_own(scope, name, body, create)

    def update(self, actual: Actual, body: dict[str, Any], changes: tuple[Change, ...]) -> None:
        from google.protobuf import field_mask_pb2

        fields = sorted({c.field.split(".")[0] for c in changes} | {k for k in SEND_ONLY if k in body})
        patch: dict[str, Any] = {"name": self.url(actual.scope, actual.name)}
        for field in fields:
            patch[field] = merge(actual.body.get(field), body[field]) if field in body else None
        if "template" in patch and isinstance(patch["template"], dict):
            patch["template"].pop("revision", None)
        if actual.body.get("etag"):
            patch["etag"] = actual.body["etag"]
        mask = field_mask_pb2.FieldMask(paths=[_SNAKE.get(f, f) for f in fields])
        service = self.build({k: v for k, v in patch.items() if v is not None})
        operation = self.call(actual.name, "patch",
                              lambda: self.client.update_service(service=service, update_mask=mask))
        self.call(actual.name, "patch (operation)", lambda: wait_run(self.clients, operation))

    def delete(self, actual: Actual) -> None:
        def delete_once() -> Any:
            try:
                return self.client.delete_service(name=self.url(actual.scope, actual.name))
            except Exception as error:
                if is_not_found(error):
                    return None
                raise

        operation = self.call(actual.name, "delete", delete_once)
        if operation is not None:
            self.call(actual.name, "delete (operation)", lambda: wait_run(self.clients, operation))
