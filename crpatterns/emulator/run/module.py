"""Cloud Run Admin API v2: services (CRUD, IAM), their revisions, and long-running operations.

Behaviour: docs/google-behaviour.md, "Cloud Run Admin API v2", "Wire facts for the Python client libraries" and
"Cloud Run: Direct VPC egress and Shared VPC". Routes are the
run.v2 discovery document's flat paths. Every write answers with a google.longrunning.Operation whose
metadata and response are `type.googleapis.com/google.cloud.run.v2.Service`; it completes after the
operation latency, when the new revision is checked (Shared VPC permissions) and becomes ready or fails.
"""

from __future__ import annotations

import copy
import dataclasses
import uuid
from typing import Any

from crpatterns.emulator.core import discovery
from crpatterns.emulator.core.errors import ApiError
from crpatterns.emulator.core.fieldmask import apply_mask, known_paths
from crpatterns.emulator.core.iam import policy_of, requested_version, tested_permissions
from crpatterns.emulator.core.longrunning import LongRunningOperations, parse_duration
from crpatterns.emulator.core.proto_enums import numbering
from crpatterns.emulator.core.routing import Api, ApiRequest, Route
from crpatterns.emulator.core.world import Project, World, now_rfc3339
from crpatterns.emulator.run import errors, rules, vpc
from crpatterns.emulator.run.locations import check_location
from crpatterns.emulator.run.models import USER_FIELDS, Revision, ServiceRecord, revision_config, with_defaults

RUN = Api("run", "run.googleapis.com", "run.v2", "aip", enum_numbers=numbering(("google.cloud.run_v2.types",)))
SERVICE_TYPE = "type.googleapis.com/google.cloud.run.v2.Service"
SERVICE_SCHEMA = "GoogleCloudRunV2Service"


def permission_of(method_id: str) -> str:
    """The IAM permission a method needs: run.projects.locations.services.patch -> run.services.update."""
    collection_and_verb = method_id.removeprefix("run.projects.locations.").replace("patch", "update")
    return "run." + collection_and_verb.replace("services.revisions.", "revisions.")


def typed(service: dict[str, Any]) -> dict[str, Any]:
    return {"@type": SERVICE_TYPE, **service}


def policy_key(project_id: str, location: str, service_id: str) -> str:
    """world.iam key of a service's policy."""
    return f"//run.googleapis.com/projects/{project_id}/locations/{location}/services/{service_id}"


def iap_policy_key(project: Project, location: str, service_id: str) -> str:
    """world.iam key of the service's direct-IAP policy (kept in step with iap/resources.py)."""
    return f"//iap.googleapis.com/projects/{project.number}/iap_web/cloud_run-{location}/services/{service_id}"


class RunModule:
    api = RUN

    def __init__(self, world: World) -> None:
        self.world = world
        self.services: dict[str, ServiceRecord] = {}  # by name (project id form)
        self.operations = LongRunningOperations(world)

    # -- module protocol ----------------------------------------------------------------------

    def seed_project(self, project: Project) -> None:
        """The Cloud Run service agent exists with the API (docs/google-behaviour.md, "Cloud Run: Direct VPC egress
        and Shared VPC"); enabling the API
        later through Service Usage creates it too (serviceusage/agents.py)."""
        if RUN.service in project.enabled_services:
            self.world.service_agents.add(vpc.run_agent(project))

    def inventory(self) -> dict[str, Any]:
        return {"services": [record.to_api() for record in self.services.values()],
                "operations": len(self.operations.by_name)}

    def find_service(self, project_id_or_number: str, location: str, service_id: str) -> ServiceRecord | None:
        """Used by the IAP module: the service, or None."""
        project = self.world.find_project(project_id_or_number)
        if project is None:
            return None
        return self.services.get(f"projects/{project.project_id}/locations/{location}/services/{service_id}")

    def routes(self) -> list[Route]:
        def route(method: str, handler: Any, mutating: bool, body_root: str = "service") -> Route:
            spec = discovery.method(RUN.discovery, f"run.projects.locations.{method}")
            return Route(RUN, spec["httpMethod"], spec["flatPath"], spec["id"], handler, mutating=mutating,
                         project_param="projectsId", body_root=body_root)

        return [
            route("services.create", self.create, True),
            route("services.get", self.get, False),
            route("services.list", self.list, False),
            route("services.patch", self.patch, True),
            route("services.delete", self.delete, True),
            route("services.getIamPolicy", self.get_iam_policy, False),
            route("services.setIamPolicy", self.set_iam_policy, True, "set_iam_policy_request"),
            route("services.testIamPermissions", self.test_iam_permissions, False, "test_iam_permissions_request"),
            route("services.revisions.get", self.get_revision, False),
            route("services.revisions.list", self.list_revisions, False),
            route("operations.get", self.get_operation, False),
            route("operations.list", self.list_operations, False),
            route("operations.wait", self.wait_operation, False, "wait_operation_request"),
            route("operations.delete", self.delete_operation, True),
        ]

    # -- lookups ------------------------------------------------------------------------------

    def _where(self, request: ApiRequest) -> tuple[Project, str]:
        project = self.world.find_project(request.params["projectsId"])
        assert project is not None  # the app checked it
        location = request.params["locationsId"]
        if location == "-":
            raise errors.bad_location(location)
        check_location(location, permission_of(request.method_id))
        return project, location

    def _name(self, project: Project, location: str, service_id: str) -> str:
        return f"projects/{project.project_id}/locations/{location}/services/{service_id}"

    def _record(self, request: ApiRequest) -> ServiceRecord:
        project, location = self._where(request)
        service_id = request.params["servicesId"]
        record = self.services.get(self._name(project, location, service_id))
        if record is None:
            raise errors.service_not_found(service_id, location, project.project_id)
        return record

    def _operation_name(self, project: Project, location: str) -> str:
        return f"projects/{project.project_id}/locations/{location}/operations/{uuid.uuid4()}"

    # -- services -----------------------------------------------------------------------------

    def create(self, request: ApiRequest) -> dict[str, Any]:
        project, location = self._where(request)
        kind = "CreateServiceRequest"
        # Discovery, services.create serviceId: "If not provided, the server will generate a unique `service_id`."
        service_id = rules.check_service_id(request.arg("serviceId") or self._generated_id(project, location), kind)
        return self._create(request, project, location, service_id, request.body or {}, kind)

    def _create(self, request: ApiRequest, project: Project, location: str, service_id: str,
                body: dict[str, Any], kind: str) -> dict[str, Any]:
        name = self._name(project, location, service_id)
        if name in self.services:
            raise errors.already_exists(service_id)
        rules.check_service(body, service_id, kind)
        vpc.check_interfaces(self.world, project.project_id, location, body["template"], kind, "service.template")
        record = ServiceRecord(project, location, service_id, with_defaults(body, project), etag=self._etag())
        self._check_runtime_account(record.spec)
        revision_name = record.spec["template"].get("revision") or record.new_revision_name()
        if request.flag("validateOnly"):
            record.reconciling = False
            return self.operations.finished(self._operation_name(project, location), typed(record.to_api()),
                                            typed(record.to_api()))
        self.services[name] = record
        revision = record.add_revision(revision_name, revision_config(record.spec))
        return self._reconcile(request, record, revision)

    def get(self, request: ApiRequest) -> dict[str, Any]:
        return self._record(request).to_api()

    def list(self, request: ApiRequest) -> dict[str, Any]:
        project, location = self._where(request)
        prefix = f"projects/{project.project_id}/locations/{location}/services/"
        found = [r.to_api() for name, r in sorted(self.services.items()) if name.startswith(prefix)]
        page, token = _page(found, request)
        return {"services": page, **({"nextPageToken": token} if token else {})}

    def patch(self, request: ApiRequest) -> dict[str, Any]:
        project, location = self._where(request)
        kind = "UpdateServiceRequest"
        service_id = request.params["servicesId"]
        body = request.body or {}
        record = self.services.get(self._name(project, location, service_id))
        if record is None:
            if not request.flag("allowMissing"):
                raise errors.service_not_found(service_id, location, project.project_id)
            rules.check_service_id(service_id, kind, "service.name")
            return self._create(request, project, location, service_id, body, kind)
        if body.get("etag") and body["etag"] != record.etag:
            raise errors.stale_etag(record.name)
        mask = self._known_mask(request.arg("updateMask"))
        merged = apply_mask(record.spec, body, mask, USER_FIELDS) if mask else {
            k: body[k] for k in USER_FIELDS if body.get(k) is not None}
        rules.check_service(merged, service_id, kind, existing=record.spec)
        vpc.check_interfaces(self.world, project.project_id, location, merged["template"], kind, "service.template")
        spec = with_defaults(merged, project)
        self._check_runtime_account(spec)
        config = revision_config(spec)
        requested = spec["template"].get("revision")
        latest = record.revisions.get(record.latest_created or "")
        new_revision: str | None = None
        if requested and requested in record.revisions:
            if record.revisions[requested].config != config:
                raise errors.revision_conflict(requested)
        elif requested or request.flag("forceNewRevision") or latest is None or latest.config != config:
            new_revision = requested or record.new_revision_name()
        if request.flag("validateOnly"):
            preview = dataclasses.replace(record, spec=spec, reconciling=False)
            return self.operations.finished(self._operation_name(project, location), typed(preview.to_api()),
                                            typed(preview.to_api()))
        if spec != record.spec or new_revision:
            record.generation += 1
        record.spec = spec
        record.update_time = now_rfc3339()
        record.etag = self._etag()
        revision = record.add_revision(new_revision, config) if new_revision else None
        return self._reconcile(request, record, revision)

    @staticmethod
    def _known_mask(mask: str | None) -> str | None:
        """The update mask without the paths that name no field of Service; None (the whole body applies)
        when none is left. temporalio/temporal-auto-scaled-workers#77 (Cloud Run v2, 2026): "Cloud Run
        silently ignores an unknown mask path and applies the sparse WorkerPool wholesale"
        (googleapis/google-cloud-python#14259 shows the same for a Service). Unknown paths mixed with known
        ones: UNCONFIRMED; the emulator ignores them and applies the known ones."""
        if not mask:
            return None
        schemas = discovery.document(RUN.discovery)["schemas"]
        return ",".join(known_paths(mask, schemas, SERVICE_SCHEMA, USER_FIELDS)) or None

    def delete(self, request: ApiRequest) -> dict[str, Any]:
        record = self._record(request)
        etag = request.arg("etag")
        if etag and etag != record.etag:
            raise errors.stale_etag(record.name)
        operation = self._operation_name(record.project, record.location)
        if request.flag("validateOnly"):
            return self.operations.finished(operation, typed(record.to_api()), typed(record.to_api()))
        record.delete_time = now_rfc3339()
        record.reconciling = True

        def complete() -> dict[str, Any]:
            self.services.pop(record.name, None)
            self.world.iam.drop(policy_key(record.project.project_id, record.location, record.service_id))
            self.world.iam.drop(iap_policy_key(record.project, record.location, record.service_id))
            record.reconciling = False
            return typed(record.to_api())

        return self.operations.start(operation, typed(record.to_api()), complete,
                                     request.operation_fault)

    def _reconcile(self, request: ApiRequest, record: ServiceRecord, revision: Revision | None) -> dict[str, Any]:
        """Starts the operation that brings the service to its desired state."""
        record.reconciling = True
        fault = request.operation_fault

        def complete() -> dict[str, Any]:
            record.reconciling = False
            if fault is not None:
                record.failure = fault.get("message") or "Internal error."
                raise ApiError(int(fault.get("status", 500)), record.failure, status=fault.get("grpcStatus"))
            target = revision or record.revisions.get(record.latest_created or "")
            if target is not None and not target.ready:
                target.failure = vpc.revision_failure(self.world, record.project, record.location, target.config)
                target.ready = target.failure is None
            if target is not None and target.failure:
                # UNCONFIRMED: Google's wording and code for a revision that cannot start; the emulator ends the
                # operation in FAILED_PRECONDITION with this sentence and the reason (vpc.revision_failure).
                record.failure = f"Revision '{target.name}' is not ready and cannot serve traffic. {target.failure}"
                raise ApiError(400, record.failure, status="FAILED_PRECONDITION")
            record.failure = None
            record.latest_ready = record.latest_created
            record.observed_generation = record.generation
            record.serving_traffic = copy.deepcopy(record.spec.get("traffic", []))
            return typed(record.to_api())

        return self.operations.start(self._operation_name(record.project, record.location),
                                     typed(record.to_api()), complete)

    def _check_runtime_account(self, spec: dict[str, Any]) -> None:
        """The revision's service account (given, or the Compute default one) must exist: the deployer needs
        iam.serviceaccounts.actAs on it, and Google answers one 403 whether it is missing or not permitted."""
        account = spec["template"]["serviceAccount"]
        if not self.world.iam.account_exists(account):
            raise errors.act_as_denied(account)

    def _generated_id(self, project: Project, location: str) -> str:
        """A free service id. UNCONFIRMED: the shape of the ids Cloud Run generates; the emulator makes
        `service-` and eight lowercase letters or digits."""
        while True:
            candidate = f"service-{uuid.uuid4().hex[:8]}"
            if self._name(project, location, candidate) not in self.services:
                return candidate

    def _etag(self) -> str:
        return f'"{self.world.next_etag()}"'

    # -- IAM ----------------------------------------------------------------------------------

    def get_iam_policy(self, request: ApiRequest) -> dict[str, Any]:
        record = self._record(request)
        return self.world.iam.get(policy_key(record.project.project_id, record.location, record.service_id),
                                  requested_version(request.arg("options.requestedPolicyVersion")))

    def set_iam_policy(self, request: ApiRequest) -> dict[str, Any]:
        record = self._record(request)
        policy = policy_of(request.body)
        return self.world.iam.set(policy_key(record.project.project_id, record.location, record.service_id),
                                  policy, record.project)

    def test_iam_permissions(self, request: ApiRequest) -> dict[str, Any]:
        self._record(request)
        return tested_permissions(request.body)

    # -- revisions ----------------------------------------------------------------------------

    def get_revision(self, request: ApiRequest) -> dict[str, Any]:
        record = self._record(request)
        revision = record.revisions.get(request.params["revisionsId"])
        if revision is None:
            raise errors.revision_not_found(request.params["revisionsId"], record.location,
                                            record.project.project_id)
        return record.revision_api(revision)

    def list_revisions(self, request: ApiRequest) -> dict[str, Any]:
        record = self._record(request)
        found = [record.revision_api(r) for r in reversed(record.revisions.values())]
        page, token = _page(found, request)
        return {"revisions": page, **({"nextPageToken": token} if token else {})}

    # -- operations ---------------------------------------------------------------------------

    def _operation_path(self, request: ApiRequest) -> str:
        project, location = self._where(request)
        return f"projects/{project.project_id}/locations/{location}/operations/{request.params['operationsId']}"

    def _operation_missing(self, name: str) -> ApiError:
        # 404 NOT_FOUND; wording UNCONFIRMED (not publicly quoted): the emulator names the operation.
        return ApiError(404, f"Operation '{name}' not found.", status="NOT_FOUND")

    def get_operation(self, request: ApiRequest) -> dict[str, Any]:
        name = self._operation_path(request)
        operation = self.operations.find(name)
        if operation is None:
            raise self._operation_missing(name)
        return operation

    def wait_operation(self, request: ApiRequest) -> dict[str, Any]:
        name = self._operation_path(request)
        timeout = parse_duration((request.body or {}).get("timeout"), 120.0)
        operation = self.operations.wait(name, timeout)
        if operation is None:
            raise self._operation_missing(name)
        return operation

    def list_operations(self, request: ApiRequest) -> dict[str, Any]:
        project, location = self._where(request)
        found = self.operations.under(f"projects/{project.project_id}/locations/{location}/operations/")
        page, token = _page(found, request)
        return {"operations": page, **({"nextPageToken": token} if token else {})}

    def delete_operation(self, request: ApiRequest) -> dict[str, Any]:
        name = self._operation_path(request)
        if not self.operations.delete(name):
            raise self._operation_missing(name)
        return {}


def _page(items: list[dict[str, Any]], request: ApiRequest) -> tuple[list[dict[str, Any]], str | None]:
    """pageSize / pageToken paging; the token is the offset of the next item."""
    try:
        start = int(request.arg("pageToken") or 0)
        size = int(request.arg("pageSize") or 0) or 100
    except ValueError:
        raise ApiError(400, "Invalid page token.", status="INVALID_ARGUMENT") from None
    page = items[start:start + size]
    return page, (str(start + size) if start + size < len(items) else None)
