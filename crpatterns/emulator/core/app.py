"""The WSGI application: routes each call to its API handler the way Google's front end would.

Order of checks, as Google applies them: route exists; fault injection (admin); the project exists
(403 otherwise) and has the API enabled (403 SERVICE_DISABLED); the body parses against the
discovery schema (400); then the handler, under the world's lock. Every call is logged.
"""

from __future__ import annotations

import json
import re
import sys
import time
import traceback
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.wrappers import Request, Response

from crpatterns.emulator.core import discovery
from crpatterns.emulator.core.caller import Callers
from crpatterns.emulator.core.errors import ApiError, permission_denied_project, service_disabled
from crpatterns.emulator.core.faults import FaultTable
from crpatterns.emulator.core.latency import LatencyModel
from crpatterns.emulator.core.quotas import QuotaTable
from crpatterns.emulator.core.routing import Api, ApiRequest, Route, build_map
from crpatterns.emulator.core.schema import BodyChecker
from crpatterns.emulator.core.world import SERVICE_TITLES, Project, World

# Services whose calls Google checks against the caller's quota project, not the project in the path,
# so a disabled API in the target project does not refuse them.
_UNCHECKED_SERVICES = {"cloudresourcemanager.googleapis.com", "serviceusage.googleapis.com"}
_MATCH_CACHE_SIZE = 4096


class ApiModule(Protocol):
    """An emulated API: its routes, its per-project seed, and what it holds (for the inventory)."""

    api: Api

    def routes(self) -> list[Route]: ...

    def seed_project(self, project: Project) -> None: ...

    def inventory(self) -> dict[str, Any]: ...


ModuleFactory = Callable[[World], ApiModule]


class RequestLog:
    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []

    def add(self, entry: dict[str, Any]) -> None:
        entry["seq"] = len(self.entries) + 1
        self.entries.append(entry)


class Emulator:
    def __init__(
        self,
        module_factories: list[ModuleFactory],
        projects: list[Project],
        op_latency: float = 0.0,
        read_latency: float = 0.0,
        latency: LatencyModel | None = None,
        quota_limits: dict[str, int] | None = None,
        caller: str | None = None,
    ) -> None:
        self.module_factories = module_factories
        self.seed_projects = projects
        self.faults = FaultTable()
        self.log = RequestLog()
        latency = latency or LatencyModel.flat(op_latency, read_latency)
        self.world = World(latency=latency)
        # The limits given at start; /_emulator/reset comes back to them.
        self.quota_limits = dict(quota_limits or {})
        self.quotas = QuotaTable(self.quota_limits, scale=lambda: self.world.latency.scale)
        self.callers = Callers(caller)  # who calls (core/caller.py): kept across resets, like the quotas given
        self.build(latency)

    # -- state --------------------------------------------------------------------------------

    def build(self, latency: LatencyModel) -> None:
        """(Re)creates the world from the seed: used at start and by /_emulator/reset (the latency model
        stays; quotas come back to the limits given at start, with no usage)."""
        self.world.cancel_timers()
        self.quotas.configure(self.quota_limits)
        world = World(latency=latency)
        modules = [factory(world) for factory in self.module_factories]
        for module in modules:
            world.apis[module.api.name] = module
        for seed in self.seed_projects:
            self.add_project(world, modules, Project(seed.project_id, seed.number))
        routes = [route for module in modules for route in module.routes()]
        self.world, self.modules, self.routes = world, modules, routes
        self.url_map = build_map(routes)
        self.matches: dict[tuple[str, str], tuple[int, dict[str, str]]] = {}
        self.checkers = {
            module.api.name: BodyChecker(discovery.document(module.api.discovery), module.api.enum_numbers)
            for module in modules
        }

    @staticmethod
    def add_project(world: World, modules: list[ApiModule], project: Project) -> None:
        with world.lock:
            world.add_project(project)
            for module in modules:
                module.seed_project(project)

    # -- WSGI ---------------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        request = Request(environ)
        if request.path.startswith("/_emulator/"):
            from crpatterns.emulator.core.admin import handle_admin

            response = handle_admin(self, request)
        else:
            response = self.handle_api(request)
        return response(environ, start_response)

    def handle_api(self, request: Request) -> Response:
        started = time.perf_counter()
        route: Route | None = None
        reason: str | None = None
        try:
            endpoint, params = self.match(request.method, request.path)
            route = self.routes[endpoint]
            status, body = self.dispatch(route, params, request)
        except (NotFound, MethodNotAllowed):
            status, body = 404, ApiError(404, f"The requested URL {request.path} was not found on this server.",
                                         reason="notFound").aip_body()
        except ApiError as error:
            status, body = error.code, error.render(route.api.error_style if route else "aip")
            reason = error.reason or error.status
        except Exception as error:  # a bug in the emulator: say so like Google's 500, and log it
            traceback.print_exc(file=sys.stderr)
            status, body = 500, ApiError(500, f"Internal error in the emulator: {error}").render(
                route.api.error_style if route else "aip"
            )
        elapsed_ms = round((time.perf_counter() - started) * 1000, 2)
        self.log.add(
            {
                "method": request.method,
                "path": request.path,
                "query": request.query_string.decode(),
                "status": status,
                "reason": reason,
                "ms": elapsed_ms,
                "methodId": route.method_id if route else None,
                "mutating": route.mutating if route else False,
            }
        )
        return Response(json.dumps(body), status=status, content_type="application/json; charset=UTF-8")

    def match(self, method: str, path: str) -> tuple[int, dict[str, str]]:
        """The route and path parameters for a call, remembered per (method, path): werkzeug's matcher
        tries the rules one by one (over half the emulator's own time per read before this cache), while
        clients read the same few paths over and over. Bounded; rebuilt with the routes on reset."""
        key = (method, path)
        found = self.matches.get(key)
        if found is None:
            adapter = self.url_map.bind("emulator", path_info=path, url_scheme="http")
            found = adapter.match(method=method)  # raises NotFound / MethodNotAllowed: not remembered
            if len(self.matches) >= _MATCH_CACHE_SIZE:
                self.matches.clear()
            self.matches[key] = found
        return found[0], dict(found[1])

    def dispatch(self, route: Route, params: dict[str, str], request: Request) -> tuple[int, Any]:
        api_request = ApiRequest(
            api=route.api,
            method_id=route.method_id,
            params=params,
            query=request.args,
            body=None,
            world=self.world,
        )
        policy_race = None
        for fault in self.faults.take(request.method, request.path):
            if fault.kind == "latency":
                time.sleep(fault.latency)
            elif fault.kind == "operation":
                api_request.operation_fault = fault.describe() | {"message": fault.message}
            elif fault.kind == "policy-race":
                policy_race = fault.binding
            else:
                raise fault.error()
        raw = request.get_data()
        if route.project_param:
            self.check_project(route, params, raw)
        if raw.strip():
            try:
                payload = json.loads(raw)
            except ValueError as error:
                raise ApiError(400, f"Invalid JSON payload received. {error}.", reason="parseError") from None
            schema = discovery.request_schema(route.api.discovery, route.method_id)
            if schema is not None:
                payload = self.checkers[route.api.name].check(schema, payload, route.body_root)
            api_request.body = payload
        latency = self.world.latency
        delay = latency.write_seconds(route.method_id) if route.mutating else latency.read_seconds()
        if delay > 0:
            time.sleep(delay)
        with self.world.lock:
            project = self.quota_project(route, params)
            if project is not None:
                self.quotas.admit(route.api.name, route.method_id, route.mutating, project.project_id,
                                  project.number, params.get("region") or params.get("locationsId"))
            # A concurrent writer's change lands just before this call's: its etag goes stale.
            self.world.iam.interference = policy_race
            self.world.calling, self.world.operations_started = route.method_id, []
            self.world.caller = self.callers.who(request.headers.get("Authorization"))
            try:
                result = route.handler(api_request)
            finally:
                self.world.iam.interference = None
                self.world.calling = self.world.caller = None
            if project is not None:
                for seconds in self.world.operations_started:
                    self.quotas.operation_started(route.api.name, project.project_id, seconds)
        status, body = (result if isinstance(result, tuple) else (route.status, result))
        if "enum-encoding=int" in request.args.get("$alt", ""):
            body = self.encode_enums(route, body)
        return status, body

    def quota_project(self, route: Route, params: dict[str, str]) -> Project | None:
        """The project a call's quota is charged to (the one in its path), when quotas are in force."""
        if not self.quotas.usage or not route.mutating or not route.project_param:
            return None
        return self.world.find_project(params.get(route.project_param, ""))

    def check_project(self, route: Route, params: dict[str, str], raw: bytes) -> None:
        id_or_number = params[route.project_param or "project"]
        project = self.world.find_project(id_or_number)
        if project is None:
            if route.api.project_denied is not None:
                raise route.api.project_denied(route.method_id, params, raw)
            permission = re.sub(r"\.(insert|patch|update)$", ".create", route.method_id)
            raise permission_denied_project(id_or_number, permission)
        service = route.api.service
        if service not in _UNCHECKED_SERVICES and service not in project.enabled_services:
            raise service_disabled(service, SERVICE_TITLES.get(service, service), project.number)

    def encode_enums(self, route: Route, body: Any) -> Any:
        schema = discovery.response_schema(route.api.discovery, route.method_id)
        checker = self.checkers[route.api.name]
        if schema is None:
            return body
        encoded = checker.encode_enums(schema, body)
        return _encode_any(checker, encoded)


def _encode_any(checker: BodyChecker, value: Any) -> Any:
    """Encodes enums inside google.protobuf.Any values (an operation's metadata and response)."""
    if isinstance(value, list):
        return [_encode_any(checker, v) for v in value]
    if not isinstance(value, dict):
        return value
    type_url = value.get("@type", "")
    match = re.fullmatch(r"type\.googleapis\.com/(google(?:\.[a-z0-9]+)+)\.([A-Z]\w*)", type_url)
    if match:
        # Discovery names a message either by its full proto name (run.v2: GoogleCloudRunV2Service) or by
        # its last part (serviceusage.v1: EnableServiceResponse, whose Service.state must be encoded too).
        full = "".join(part[:1].upper() + part[1:] for part in match.group(1).split(".")) + match.group(2)
        schema = next((name for name in (full, match.group(2)) if name in checker.schemas), None)
        if schema is not None:
            inner = checker.encode_enums(schema, {k: v for k, v in value.items() if k != "@type"})
            return {"@type": type_url, **inner}
    return {k: _encode_any(checker, v) for k, v in value.items()}
