"""Service Usage v1 and v1beta1: services get/list/enable/disable/batchEnable/batchGet, operations, and
v1beta1 generateServiceIdentity.

Behaviour:
- Service names as Google returns them: `projects/NUMBER/services/NAME`, parent `projects/NUMBER`; the
  project in the path may be an id or a number.
- enable/disable/batchEnable answer with an operation (`operations/...`) that completes after the operation
  latency; only then does the state change. Enabling an already enabled service answers the done
  operation `operations/noop.DONE_OPERATION` (what gcloud receives).
- An unknown service: 403 "Not found or permission denied for service(s): NAME." with ErrorInfo reason
  SERVICE_CONFIG_NOT_FOUND_OR_PERMISSION_DENIED (the reply gcloud prints as
  "PERMISSION_DENIED: Not found or permission denied for service(s)"; the ErrorInfo details are UNCONFIRMED,
  the emulator sends the reason and the service names).
- generateServiceIdentity creates the service agent (docs/google-behaviour.md, "IAP v1").
"""

from __future__ import annotations

import uuid
from typing import Any

from crpatterns.emulator.core import discovery
from crpatterns.emulator.core.errors import ApiError, permission_denied_project
from crpatterns.emulator.core.longrunning import LongRunningOperations
from crpatterns.emulator.core.proto_enums import numbering
from crpatterns.emulator.core.routing import Api, ApiRequest, Route
from crpatterns.emulator.core.world import SERVICE_TITLES, Project, World
from crpatterns.emulator.serviceusage import agents

_ENUMS = numbering(("google.cloud.service_usage_v1.types",))
V1 = Api("serviceusage", "serviceusage.googleapis.com", "serviceusage.v1", "aip", enum_numbers=_ENUMS)
V1BETA1 = Api("serviceusage.v1beta1", "serviceusage.googleapis.com", "serviceusage.v1beta1", "aip")
MAX_BATCH = 20  # discovery, BatchEnableServicesRequest.serviceIds: "A single request can enable a maximum of 20"
NOOP_OPERATION = "operations/noop.DONE_OPERATION"


def unknown_services(names: list[str]) -> ApiError:
    joined = ",".join(names)
    return ApiError(
        403,
        f"Not found or permission denied for service(s): {joined}.",
        status="PERMISSION_DENIED",
        details=[
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "SERVICE_CONFIG_NOT_FOUND_OR_PERMISSION_DENIED",
                "domain": "serviceusage.googleapis.com",
                "metadata": {"services": joined},
            }
        ],
    )


class ServiceUsage:
    """The state and handlers both versions share; `version` picks the @type names of the answers."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.operations = LongRunningOperations(world)

    # -- helpers ------------------------------------------------------------------------------

    def project(self, request: ApiRequest, permission: str) -> Project:
        container, id_or_number = request.params["container"], request.params["project"]
        project = self.world.find_project(id_or_number) if container == "projects" else None
        if project is None:
            raise permission_denied_project(id_or_number, permission)
        return project

    @staticmethod
    def resource(project: Project, service: str) -> dict[str, Any]:
        return {
            "name": f"projects/{project.number}/services/{service}",
            "config": {"name": service, "title": SERVICE_TITLES[service]},
            "state": "ENABLED" if service in project.enabled_services else "DISABLED",
            "parent": f"projects/{project.number}",
        }

    @staticmethod
    def known(names: list[str]) -> None:
        missing = [n for n in names if n not in SERVICE_TITLES]
        if missing:
            raise unknown_services(missing)

    def _metadata(self, version: str, project: Project, services: list[str]) -> dict[str, Any]:
        return {"@type": f"type.googleapis.com/google.api.serviceusage.{version}.OperationMetadata",
                "resourceNames": [f"services/{s}/projectSettings/{project.number}" for s in services]}

    def _operation_name(self, project: Project) -> str:
        return f"operations/acat.p2-{project.number}-{uuid.uuid4()}"

    # -- services -----------------------------------------------------------------------------

    def get(self, request: ApiRequest) -> dict[str, Any]:
        project = self.project(request, "serviceusage.services.get")
        service = request.params["service"]
        self.known([service])
        return self.resource(project, service)

    def list(self, request: ApiRequest) -> dict[str, Any]:
        project = self.project(request, "serviceusage.services.list")
        wanted = (request.arg("filter") or "").replace(" ", "")
        services = [self.resource(project, s) for s in sorted(SERVICE_TITLES)]
        if wanted:
            state = wanted.split(":", 1)[-1].upper()
            services = [s for s in services if s["state"] == state]
        start = int(request.arg("pageToken") or 0)
        size = min(int(request.arg("pageSize") or 50), 200)
        page = services[start:start + size]
        answer: dict[str, Any] = {"services": page}
        if start + size < len(services):
            answer["nextPageToken"] = str(start + size)
        return answer

    def batch_get(self, request: ApiRequest) -> dict[str, Any]:
        project = self.project(request, "serviceusage.services.get")
        names = [n.rsplit("/", 1)[-1] for n in request.query.getlist("names")]
        self.known(names)
        return {"services": [self.resource(project, s) for s in names]}

    def enable(self, request: ApiRequest, version: str) -> dict[str, Any]:
        project = self.project(request, "serviceusage.services.enable")
        service = request.params["service"]
        self.known([service])
        return self._change(request, version, project, [service], enable=True)

    def batch_enable(self, request: ApiRequest, version: str) -> dict[str, Any]:
        project = self.project(request, "serviceusage.services.enable")
        names = list((request.body or {}).get("serviceIds") or [])
        # Discovery BatchEnableServicesRequest.serviceIds, v1: "A single request can enable a maximum of 20
        # services at a time."; v1beta1 adds "Two or more services must be specified." Wording UNCONFIRMED: the
        # emulator answers 400 INVALID_ARGUMENT stating the bounds.
        least = 2 if version == "v1beta1" else 1
        if not least <= len(names) <= MAX_BATCH:
            raise ApiError(400, f"serviceIds must list between {least} and {MAX_BATCH} services.",
                           status="INVALID_ARGUMENT")
        self.known(names)
        return self._change(request, version, project, names, enable=True, batch=True)

    def disable(self, request: ApiRequest, version: str) -> dict[str, Any]:
        project = self.project(request, "serviceusage.services.disable")
        service = request.params["service"]
        self.known([service])
        return self._change(request, version, project, [service], enable=False)

    def _change(self, request: ApiRequest, version: str, project: Project, services: list[str], enable: bool,
                batch: bool = False) -> dict[str, Any]:
        prefix = f"type.googleapis.com/google.api.serviceusage.{version}."

        def response() -> dict[str, Any]:
            resources = [self.resource(project, s) for s in services]
            if batch:
                return {"@type": prefix + "BatchEnableServicesResponse", "services": resources}
            kind = "EnableServiceResponse" if enable else "DisableServiceResponse"
            return {"@type": prefix + kind, "service": resources[0]}

        if all((s in project.enabled_services) == enable for s in services) and request.operation_fault is None:
            return self.operations.finished(NOOP_OPERATION, None, response())

        def complete() -> dict[str, Any]:
            for service in services:
                if enable:
                    project.enabled_services.add(service)
                    agents.on_enabled(self.world, project, service)
                else:
                    project.enabled_services.discard(service)
            return response()

        return self.operations.start(self._operation_name(project), self._metadata(version, project, services),
                                     complete, request.operation_fault)

    def generate_identity(self, request: ApiRequest) -> dict[str, Any]:
        project = self.project(request, "serviceusage.services.generateServiceIdentity")
        service = request.params["service"]
        self.known([service])

        def complete() -> dict[str, Any]:
            identity = agents.generate(self.world, project, service)
            return {"@type": "type.googleapis.com/google.api.serviceusage.v1beta1.ServiceIdentity", **identity}

        metadata = {"@type": "type.googleapis.com/google.protobuf.Empty"}
        return self.operations.start(self._operation_name(project), metadata, complete, request.operation_fault)

    # -- operations ---------------------------------------------------------------------------

    def get_operation(self, request: ApiRequest) -> dict[str, Any]:
        name = f"operations/{request.params['operationsId']}"
        operation = self.operations.find(name)
        if operation is None:
            # 404 NOT_FOUND; wording UNCONFIRMED (not publicly quoted): the emulator names the operation.
            raise ApiError(404, f"Operation '{name}' not found.", status="NOT_FOUND")
        return operation

    def list_operations(self, request: ApiRequest) -> dict[str, Any]:
        return {"operations": self.operations.under("operations/")}


def _route(api: Api, method_id: str, handler: Any, mutating: bool, body_root: str = "") -> Route:
    """A route on the discovery flat path, with its generic segment names made meaningful."""
    method = discovery.method(api.discovery, method_id)
    template = method["flatPath"]
    for generic, meaning in (("{v1beta1Id1}", "{project}"), ("{v1beta1Id}", "{container}"),
                             ("{v1Id1}", "{project}"), ("{v1Id}", "{container}"), ("{servicesId}", "{service}")):
        template = template.replace(generic, meaning)
    return Route(api, method["httpMethod"], template, method_id, handler, mutating=mutating, project_param=None,
                 body_root=body_root or "request")


class V1Module:
    api = V1

    def __init__(self, world: World) -> None:
        self.world = world
        self.usage = ServiceUsage(world)

    def seed_project(self, project: Project) -> None:
        for service in project.enabled_services:
            agents.on_enabled(self.world, project, service)

    def inventory(self) -> dict[str, Any]:
        return {"operations": len(self.usage.operations.by_name)}

    def routes(self) -> list[Route]:
        usage = self.usage
        return [
            _route(V1, "serviceusage.services.get", usage.get, False),
            _route(V1, "serviceusage.services.list", usage.list, False),
            _route(V1, "serviceusage.services.batchGet", usage.batch_get, False),
            _route(V1, "serviceusage.services.enable", lambda r: usage.enable(r, "v1"), True,
                   "enable_service_request"),
            _route(V1, "serviceusage.services.disable", lambda r: usage.disable(r, "v1"), True,
                   "disable_service_request"),
            _route(V1, "serviceusage.services.batchEnable", lambda r: usage.batch_enable(r, "v1"), True,
                   "batch_enable_services_request"),
            _route(V1, "serviceusage.operations.get", usage.get_operation, False),
            _route(V1, "serviceusage.operations.list", usage.list_operations, False),
        ]


class V1Beta1Module:
    """v1beta1 shares the v1 module's state (one Service Usage behind both versions)."""

    api = V1BETA1

    def __init__(self, world: World) -> None:
        self.world = world

    @property
    def usage(self) -> ServiceUsage:
        return self.world.apis[V1.name].usage

    def seed_project(self, project: Project) -> None:
        pass

    def inventory(self) -> dict[str, Any]:
        return {}

    def routes(self) -> list[Route]:
        def call(method: str, *args: Any) -> Any:
            return lambda r: getattr(self.usage, method)(r, *args)

        return [
            _route(V1BETA1, "serviceusage.services.get", call("get"), False),
            _route(V1BETA1, "serviceusage.services.list", call("list"), False),
            _route(V1BETA1, "serviceusage.services.enable", call("enable", "v1beta1"), True,
                   "enable_service_request"),
            _route(V1BETA1, "serviceusage.services.disable", call("disable", "v1beta1"), True,
                   "disable_service_request"),
            _route(V1BETA1, "serviceusage.services.batchEnable", call("batch_enable", "v1beta1"), True,
                   "batch_enable_services_request"),
            _route(V1BETA1, "serviceusage.services.generateServiceIdentity", call("generate_identity"), True),
            _route(V1BETA1, "serviceusage.operations.get", call("get_operation"), False),
            _route(V1BETA1, "serviceusage.operations.list", call("list_operations"), False),
        ]
