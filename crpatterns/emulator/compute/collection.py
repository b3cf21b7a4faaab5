"""One Compute collection served generically: insert, get, list, delete, patch, update, setLabels.

Subclasses declare what the collection is and add Google's rules in `validate`; paths and verbs come
from the discovery document, so a route can only exist where Google has the method.
Rules shared by every collection: names (400 invalid), labels, 409 alreadyExists, 404 notFound,
412 conditionNotMet on a stale fingerprint, 400 resourceInUseByAnotherResource on deleting something
still referenced, and every mutation answering with an operation.
"""

from __future__ import annotations

import copy
import functools
import re
from typing import Any, ClassVar

from crpatterns.emulator.compute import field_rules
from crpatterns.emulator.compute.operations import Operations
from crpatterns.emulator.compute.regions import check_region
from crpatterns.emulator.compute.store import (
    COMPUTE,
    ComputeState,
    check_labels,
    check_name,
    fingerprint,
    public,
    same_fingerprint,
    scope_path,
    self_link,
    split_path,
)
from crpatterns.emulator.core import discovery
from crpatterns.emulator.core.errors import (
    ApiError,
    bad_request,
    compute_already_exists,
    compute_in_use,
    stale_fingerprint,
)
from crpatterns.emulator.core.routing import ApiRequest, Route
from crpatterns.emulator.core.world import now_rfc3339

# Fields the server owns: never taken from a request body.
OUTPUT_ONLY = ("id", "kind", "selfLink", "creationTimestamp", "region", "fingerprint", "labelFingerprint")


class Collection:
    name: ClassVar[str]  # discovery collection, e.g. "regionBackendServices"
    kind: ClassVar[str]  # "compute#backendService"
    snake: ClassVar[str]  # "backend_service", as in resourceInUseByAnotherResource messages
    verbs: ClassVar[tuple[str, ...]] = ("insert", "get", "list", "delete")
    labels: ClassVar[bool] = False  # has labels and labelFingerprint (changed through setLabels)
    fingerprinted: ClassVar[bool] = True  # patch/update need the current fingerprint
    # Fields a patch or update may not change (Compute answers 400).
    immutable: ClassVar[tuple[str, ...]] = ()

    def __init__(self, state: ComputeState, operations: Operations) -> None:
        self.state = state
        self.operations = operations
        get = discovery.method(COMPUTE.discovery, f"compute.{self.name}.get")
        self.param = re.findall(r"\{(\w+)\}", get["path"])[-1]
        self.segment = get["path"].split("/")[-2]
        self.regional = "{region}" in get["path"]

    # -- hooks for subclasses -----------------------------------------------------------------

    def validate(
        self, request: ApiRequest, resource: dict[str, Any], project: str, region: str | None,
        existing: dict[str, Any] | None,
    ) -> None:
        """Google's rules for this collection; raise ApiError. `existing` is None on insert."""

    def server_fields(self, resource: dict[str, Any], project: str, region: str | None) -> None:
        """Fields the server fills in on insert (defaults, status)."""

    def before_delete(self, path: str, resource: dict[str, Any]) -> None:
        """Extra refusals on delete, beyond "still referenced"."""

    def present(self, resource: dict[str, Any]) -> dict[str, Any]:
        """The resource as get/list return it; override to add fields computed at read time."""
        return public(resource)

    def on_created(self, path: str, resource: dict[str, Any]) -> None:
        """Runs when the insert operation completes (e.g. a network creating its auto-mode subnets)."""

    def blocking_users(self, path: str, resource: dict[str, Any]) -> list[str]:
        """Paths of the resources that keep this one from being deleted."""
        return self.state.users_of(path)

    def on_deleted(self, path: str, resource: dict[str, Any]) -> None:
        """Runs when the delete operation completes, after the resource is gone."""

    def extra_routes(self) -> list[Route]:
        return []

    def rule_context(self, resource: dict[str, Any], region: str | None) -> field_rules.Context:
        """What the discovery field rules need to know of the resource: its load balancing scheme and scope."""
        return field_rules.Context(resource.get("loadBalancingScheme"), region is not None)

    def check_field_rules(self, request: ApiRequest, resource: dict[str, Any], region: str | None) -> None:
        """The rules discovery states in field descriptions (field_rules.py), on the body as it will be stored."""
        schema = discovery.request_schema(COMPUTE.discovery, request.method_id)
        if schema:
            field_rules.check_body(schema, resource, self.rule_context(resource, region))

    # -- routes -------------------------------------------------------------------------------

    def route(self, verb: str, handler: Any, mutating: bool | None = None, body_root: str = "resource") -> Route:
        method_id = f"compute.{self.name}.{verb}"
        method = discovery.method(COMPUTE.discovery, method_id)
        is_mutating = method["httpMethod"] != "GET" if mutating is None else mutating
        return Route(COMPUTE, method["httpMethod"], "compute/v1/" + method["path"], method_id, handler,
                     mutating=is_mutating, body_root=body_root)

    def routes(self) -> list[Route]:
        handlers = {"insert": self.insert, "get": self.get, "list": self.list, "delete": self.delete,
                    "patch": self.patch, "update": self.update, "setLabels": self.set_labels,
                    "aggregatedList": self.aggregated_list}
        return [self.route(verb, handlers[verb]) for verb in self.verbs] + self.extra_routes()

    # -- helpers ------------------------------------------------------------------------------

    def scope(self, request: ApiRequest) -> tuple[str, str | None]:
        """The call's project id and region (None for a global collection); an unknown region is 400."""
        project = self.state.project_id(request.params["project"])
        if not self.regional:
            return project, None
        region = request.params.get("region")
        check_region(region)
        return project, region

    def path_of(self, project: str, region: str | None, name: str) -> str:
        return f"{scope_path(project, region)}/{self.segment}/{name}"

    def target(self, request: ApiRequest, param: str | None = None) -> tuple[str, dict[str, Any]]:
        project, region = self.scope(request)
        path = self.path_of(project, region, request.params[param or self.param])
        return path, self.state.require(path)

    def link(self, reference: Any, field: str, project: str, region: str | None,
             allowed: tuple[str, ...]) -> str:
        """A reference as Google stores it, the canonical selfLink, whatever form the caller sent
        (404 when it names nothing, 400 when it names another kind of resource)."""
        return self_link(self.state.resolve(reference, field, project, region, allowed))

    def link_in_scope(self, reference: Any, field: str, project: str, region: str | None,
                      allowed: tuple[str, ...], why: str) -> str:
        """Like `link`, for a reference that must share the referring resource's scope (its region, or
        global): another scope is 400 `Invalid value for field ... <why>`, checked before the lookup."""
        path = self.state.resolve(reference, field, project, region, allowed, must_exist=False)
        if split_path(path)[1] != region:
            raise invalid_field(field, reference, why)
        return self.link(path, field, project, region, allowed)

    def operation(self, request: ApiRequest, kind: str, path: str, resource: dict[str, Any], commit,
                  prepare=None) -> dict[str, Any]:
        _, region = self.scope(request)
        return self.operations.start(request, kind, path, commit, region=region, target_id=resource.get("id"),
                                     prepare=prepare)

    # -- generic verbs ------------------------------------------------------------------------

    def insert(self, request: ApiRequest) -> dict[str, Any]:
        project, region = self.scope(request)
        body = copy.deepcopy(request.body or {})
        name = check_name(body.get("name"))
        if self.labels:
            check_labels(body.get("labels"))
        path = self.path_of(project, region, name)
        request_id = request.arg("requestId")
        if request_id and (project, request_id) in self.operations.by_request_id:
            return self.operations.start(request, "insert", path, lambda: None, region=region)
        if path in self.state.resources:
            raise compute_already_exists(path)
        resource = {k: v for k, v in body.items() if k not in OUTPUT_ONLY}
        self.check_field_rules(request, resource, region)
        self.validate(request, resource, project, region, None)
        resource.update(
            kind=self.kind,
            id=self.state.world.next_id(),
            creationTimestamp=now_rfc3339(),
            selfLink=self_link(path),
        )
        if region:
            resource["region"] = self_link(f"projects/{project}/regions/{region}")
        self.server_fields(resource, project, region)
        self.refresh_fingerprints(resource)
        resource["_creating"] = True

        def prepare() -> None:
            self.state.resources[path] = resource

        def commit() -> None:
            resource.pop("_creating", None)
            self.on_created(path, resource)

        def undo_on_error() -> None:
            try:
                commit()
            except ApiError:
                self.state.resources.pop(path, None)
                raise

        operation = self.operation(request, "insert", path, resource, undo_on_error, prepare=prepare)
        if "error" in operation or request.operation_fault:
            # The operation failed (fault injected): the resource never comes to exist.
            self.state.resources.pop(path, None)
        return operation

    def get(self, request: ApiRequest) -> dict[str, Any]:
        _, resource = self.target(request)
        return self.present(resource)

    def list(self, request: ApiRequest) -> dict[str, Any]:
        project, region = self.scope(request)
        items = [self.present(r) for r in self.state.in_scope(project, region, self.segment)]
        items = [r for r in items if matches_filter(r, request.arg("filter") or "")]
        items.sort(key=lambda r: r["name"])
        start = int(request.arg("pageToken") or 0)
        size = int(request.arg("maxResults") or 500)
        page = items[start:start + size]
        listing: dict[str, Any] = {
            "kind": response_kind(request.method_id),
            "id": f"{scope_path(project, region)}/{self.segment}",
            "items": page,
            "selfLink": self_link(f"{scope_path(project, region)}/{self.segment}"),
        }
        if start + size < len(items):
            listing["nextPageToken"] = str(start + size)
        return listing

    def aggregated_list(self, request: ApiRequest) -> dict[str, Any]:
        """`projects/P/aggregated/<collection>`: the resources of every region, keyed "regions/R", and
        the global ones of the same segment keyed "global" (backendServices, urlMaps, sslCertificates
        ... aggregate both); gcloud's `list` commands use it when no region is given."""
        project = self.state.project_id(request.params["project"])
        text = request.arg("filter") or ""
        by_scope: dict[str, list[dict[str, Any]]] = {}
        prefix = f"projects/{project}/"
        for path, resource in sorted(self.state.resources.items()):
            if not path.startswith(prefix) or resource.get("_creating"):
                continue
            _, region, segment, _ = split_path(path)
            if segment != self.segment:
                continue
            item = self.present(resource)
            if matches_filter(item, text):
                by_scope.setdefault(f"regions/{region}" if region else "global", []).append(item)
        return {
            "kind": response_kind(request.method_id),
            "id": f"projects/{project}/aggregated/{self.segment}",
            "items": {scope: {self.segment: items} for scope, items in by_scope.items()},
            "selfLink": self_link(f"projects/{project}/aggregated/{self.segment}"),
        }

    def delete(self, request: ApiRequest) -> dict[str, Any]:
        path, resource = self.target(request)
        users = self.blocking_users(path, resource)
        if users:
            raise compute_in_use(self.snake, path, users[0])
        self.before_delete(path, resource)

        def commit() -> None:
            self.state.resources.pop(path, None)
            self.state.world.iam.drop(f"//compute.googleapis.com/{path}")
            self.on_deleted(path, resource)

        return self.operation(request, "delete", path, resource, commit)

    def check_fingerprint(self, body: dict[str, Any], resource: dict[str, Any], path: str) -> None:
        """patch and update need the fingerprint read last (discovery, e.g. BackendService.fingerprint: "An
        up-to-date fingerprint must be provided in order to update the BackendService, otherwise the request
        will fail with error 412 conditionNotMet."). A body without one is 400 `Required field
        'resource.fingerprint' not specified` (ansible/ansible#70230 for backend services,
        GoogleCloudPlatform/k8s-multicluster-ingress#70 for URL maps; UNCONFIRMED for the other
        collections, which the emulator answers alike); a stale one 412 `Invalid fingerprint.`."""
        if not self.fingerprinted:
            return
        if not body.get("fingerprint"):
            raise required_field("resource.fingerprint")
        if not same_fingerprint(body["fingerprint"], resource.get("fingerprint")):
            raise stale_fingerprint()

    def check_immutable(self, before: dict[str, Any], after: dict[str, Any]) -> None:
        for field in self.immutable:
            if field in after and after.get(field) != before.get(field):
                raise bad_request(
                    f"Invalid value for field 'resource.{field}': '{after.get(field)}'. "
                    f"Field '{field}' cannot be changed after creation."
                )

    def replace_with(self, request: ApiRequest, path: str, resource: dict[str, Any],
                     new: dict[str, Any], kind: str) -> dict[str, Any]:
        """Validates `new` as the resource's next state and stores it when the operation completes."""
        project, region = self.scope(request)
        self.check_immutable(resource, new)
        self.check_field_rules(request, new, region)
        self.validate(request, new, project, region, resource)

        def commit() -> None:
            # Server-owned fields and the emulator's own "_" bookkeeping survive a patch/update.
            kept = {k: v for k, v in resource.items() if k in OUTPUT_ONLY or k.startswith("_")}
            resource.clear()
            resource.update(new)
            resource.update(kept)
            self.refresh_fingerprints(resource)

        return self.operation(request, kind, path, resource, commit)

    def patch(self, request: ApiRequest) -> dict[str, Any]:
        path, resource = self.target(request)
        body = request.body or {}
        self.check_fingerprint(body, resource, path)
        new = merge_patch(public(resource), {k: v for k, v in body.items() if k not in OUTPUT_ONLY})
        if "name" in body and body["name"] != resource["name"]:
            raise bad_request(f"Invalid value for field 'resource.name': '{body['name']}'. Name cannot be changed.")
        return self.replace_with(request, path, resource, new, "patch")

    def update(self, request: ApiRequest) -> dict[str, Any]:
        path, resource = self.target(request)
        body = request.body or {}
        self.check_fingerprint(body, resource, path)
        if body.get("name", resource["name"]) != resource["name"]:
            raise bad_request(f"Invalid value for field 'resource.name': '{body['name']}'. Name cannot be changed.")
        new = {k: v for k, v in body.items() if k not in OUTPUT_ONLY}
        new["name"] = resource["name"]
        if self.labels:
            new["labels"] = resource.get("labels", {})
        return self.replace_with(request, path, resource, new, "update")

    def set_labels(self, request: ApiRequest) -> dict[str, Any]:
        path, resource = self.target(request, "resource")
        body = request.body or {}
        # RegionSetLabelsRequest.labelFingerprint: "Make a get() request to the resource to get the latest
        # fingerprint." Missing or stale: 412 (discovery); the text as for a stale fingerprint (UNCONFIRMED).
        if not same_fingerprint(body.get("labelFingerprint"), resource.get("labelFingerprint")):
            raise stale_fingerprint()
        labels = body.get("labels") or {}
        check_labels(labels, "labels")

        def commit() -> None:
            resource["labels"] = labels
            if not labels:
                resource.pop("labels", None)
            self.refresh_fingerprints(resource)

        return self.operation(request, "setLabels", path, resource, commit)

    def refresh_fingerprints(self, resource: dict[str, Any]) -> None:
        if self.fingerprinted:
            resource["fingerprint"] = fingerprint(resource)
        if self.labels:
            resource["labelFingerprint"] = fingerprint({"labels": resource.get("labels", {})}, "x")


@functools.cache
def response_kind(method_id: str) -> str:
    """The `kind` of a method's answer: its compute.v1 response schema's `kind` default. Not derivable from
    the resource's kind: urlMaps.aggregatedList answers `compute#urlMapsAggregatedList`."""
    schema = discovery.response_schema(COMPUTE.discovery, method_id)
    return discovery.document(COMPUTE.discovery)["schemas"][schema]["properties"]["kind"]["default"]


def invalid_field(field: str, value: Any, why: str) -> ApiError:
    """Compute's usual 400: `Invalid value for field 'resource.x': 'v'. <why>`."""
    shown = "" if value is None else str(value).lower() if isinstance(value, bool) else value
    return bad_request(f"Invalid value for field '{field}': '{shown}'. {why}")


def required_field(field: str) -> ApiError:
    """Compute's 400 for a missing required field (reason `required`)."""
    return ApiError(400, f"Required field '{field}' not specified", reason="required")


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396 JSON merge patch, the semantics Compute documents for PATCH."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


_CLAUSE = re.compile(r"\(?\s*([\w.]+)\s*(=|!=|eq|ne)\s*(\"[^\"]*\"|'[^']*'|[^\s)]+)\s*\)?")


def matches_filter(resource: dict[str, Any], text: str) -> bool:
    """Compute list filters: `field = value`, `field != value`, `field eq regex`, `field ne regex`,
    several clauses joined by spaces or AND (all must hold)."""
    for field, op, raw in _CLAUSE.findall(text.replace(" AND ", " ")):
        value = raw.strip("\"'")
        actual: Any = resource
        for part in field.split("."):
            actual = actual.get(part) if isinstance(actual, dict) else None
        actual_text = "" if actual is None else str(actual).lower() if isinstance(actual, bool) else str(actual)
        if op in ("eq", "ne"):
            hit = re.fullmatch(value, actual_text) is not None
            if hit != (op == "eq"):
                return False
        elif (actual_text == value) != (op == "="):
            return False
    return True
