"""Compute's Project resource and Shared VPC (XPN): host projects and their service projects.

Rules and their sources (docs/google-behaviour.md, "Compute: Shared VPC"; discovery compute.v1, projects.*):
- enableXpnHost / disableXpnHost / enableXpnResource / disableXpnResource answer global operations.
- enableXpnResource `{xpnResource: {id, type: PROJECT}}` (id: project id or number) on a project that is
  not a host: 400 invalidResourceUsage `Invalid resource usage: ''projects/H' is not a shared VPC host
  project.'.` (quoted in GoogleCloudPlatform/gke-enterprise-mt#20).
- disableXpnResource of a project that is not attached: 400 invalidResourceUsage (terraform-provider-
  google treats exactly that reason as "already disabled"; message text UNCONFIRMED).
- getXpnHost: the host's Project, or an empty body when not attached; getXpnResources:
  `{kind: compute#projectsGetXpnResources, resources: [{id, type: PROJECT}]}`.
- Project: name = project id, defaultServiceAccount `NUMBER-compute@developer.gserviceaccount.com`,
  xpnProjectStatus HOST or UNSPECIFIED_XPN_PROJECT_STATUS.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from crpatterns.emulator.compute.store import COMPUTE, self_link
from crpatterns.emulator.core import discovery
from crpatterns.emulator.core.errors import ApiError, bad_request, service_disabled
from crpatterns.emulator.core.routing import ApiRequest, Route
from crpatterns.emulator.core.world import SERVICE_TITLES, Project

if TYPE_CHECKING:
    from crpatterns.emulator.compute.module import ComputeModule


def invalid_usage(message: str) -> ApiError:
    return ApiError(400, f"Invalid resource usage: '{message}'.", reason="invalidResourceUsage")


class XpnHandlers:
    """Handlers of the projects.* methods; Shared VPC state lives on ComputeState."""

    def __init__(self, module: ComputeModule) -> None:
        self.state = module.state
        self.operations = module.operations
        self.world = module.world

    def project(self, request: ApiRequest) -> Project:
        project = self.world.find_project(request.params["project"])
        assert project is not None  # the app answered 403 for unknown projects already
        return project

    def describe(self, project: Project) -> dict[str, Any]:
        host = project.project_id in self.state.xpn_hosts
        return {
            "kind": "compute#project",
            # UNCONFIRMED: Compute's numeric project id is shown as the project number here.
            "id": project.number,
            "name": project.project_id,
            "creationTimestamp": project.create_time,
            "selfLink": self_link(f"projects/{project.project_id}"),
            "commonInstanceMetadata": {"kind": "compute#metadata", "fingerprint": "42WmSpB8rSM="},
            "defaultServiceAccount": f"{project.number}-compute@developer.gserviceaccount.com",
            "defaultNetworkTier": "PREMIUM",
            "xpnProjectStatus": "HOST" if host else "UNSPECIFIED_XPN_PROJECT_STATUS",
            "vmDnsSetting": "ZONAL_ONLY",
            "quotas": [],
        }

    # -- reads --------------------------------------------------------------------------------

    def get(self, request: ApiRequest) -> dict[str, Any]:
        return self.describe(self.project(request))

    def get_xpn_host(self, request: ApiRequest) -> dict[str, Any]:
        host = self.state.xpn_attachments.get(self.project(request).project_id)
        found = self.world.find_project(host) if host else None
        return self.describe(found) if found else {}

    def get_xpn_resources(self, request: ApiRequest) -> dict[str, Any]:
        host = self.project(request).project_id
        services = sorted(s for s, h in self.state.xpn_attachments.items() if h == host)
        return {"kind": "compute#projectsGetXpnResources",
                "resources": [{"id": s, "type": "PROJECT"} for s in services]}

    # -- host ---------------------------------------------------------------------------------

    def enable_xpn_host(self, request: ApiRequest) -> dict[str, Any]:
        project = self.project(request).project_id
        if project in self.state.xpn_attachments:
            # UNCONFIRMED wording: a service project cannot also be a host.
            raise invalid_usage(f"'projects/{project}' is a service project of "
                                f"'projects/{self.state.xpn_attachments[project]}' and cannot be a shared VPC host.")
        return self.operations.start(request, "enableXpnHost", f"projects/{project}",
                                     lambda: self.state.xpn_hosts.add(project))

    def disable_xpn_host(self, request: ApiRequest) -> dict[str, Any]:
        project = self.project(request).project_id
        services = sorted(s for s, h in self.state.xpn_attachments.items() if h == project)
        if services:
            # UNCONFIRMED wording: service projects must be detached first.
            raise invalid_usage(f"'projects/{project}' still has service project 'projects/{services[0]}' "
                                "attached.")
        return self.operations.start(request, "disableXpnHost", f"projects/{project}",
                                     lambda: self.state.xpn_hosts.discard(project))

    # -- service projects ---------------------------------------------------------------------

    def service_project(self, request: ApiRequest) -> Project:
        resource = (request.body or {}).get("xpnResource") or {}
        if resource.get("type", "XPN_RESOURCE_TYPE_UNSPECIFIED") != "PROJECT":
            raise bad_request(f"Invalid value for field 'xpnResource.type': '{resource.get('type', '')}'. "
                              "Only PROJECT is supported.")  # UNCONFIRMED wording
        if not resource.get("id"):
            raise ApiError(400, "Required field 'xpnResource.id' not specified", reason="required")
        service = self.world.find_project(str(resource["id"]))
        if service is None:
            # Unknown and inaccessible projects look alike (docs/google-behaviour.md, "Compute: regions and
            # projects"); wording UNCONFIRMED.
            raise ApiError(403, f"Required 'compute.projects.get' permission for 'projects/{resource['id']}'",
                           reason="forbidden")
        return service

    def enable_xpn_resource(self, request: ApiRequest) -> dict[str, Any]:
        host = self.project(request).project_id
        if host not in self.state.xpn_hosts:
            raise invalid_usage(f"'projects/{host}' is not a shared VPC host project.")
        service = self.service_project(request)
        if "compute.googleapis.com" not in service.enabled_services:
            raise service_disabled("compute.googleapis.com", SERVICE_TITLES["compute.googleapis.com"],
                                   service.number)
        sid = service.project_id
        if sid == host or sid in self.state.xpn_hosts:
            raise invalid_usage(f"'projects/{sid}' is a shared VPC host project and cannot be a service "
                                "project.")  # UNCONFIRMED wording
        current = self.state.xpn_attachments.get(sid)
        if current not in (None, host):
            raise invalid_usage(f"'projects/{sid}' is already a service project of 'projects/{current}'.")

        def commit() -> None:
            self.state.xpn_attachments[sid] = host

        return self.operations.start(request, "enableXpnResource", f"projects/{host}", commit)

    def disable_xpn_resource(self, request: ApiRequest) -> dict[str, Any]:
        host = self.project(request).project_id
        service = self.service_project(request)
        sid = service.project_id
        if self.state.xpn_attachments.get(sid) != host:
            raise invalid_usage(f"'projects/{sid}' is not a service project of 'projects/{host}'.")

        def commit() -> None:
            self.state.xpn_attachments.pop(sid, None)

        return self.operations.start(request, "disableXpnResource", f"projects/{host}", commit)


def extra_routes(module: ComputeModule) -> list[Route]:
    handlers = XpnHandlers(module)
    served = {
        "get": (handlers.get, "resource"),
        "getXpnHost": (handlers.get_xpn_host, "resource"),
        "getXpnResources": (handlers.get_xpn_resources, "resource"),
        "enableXpnHost": (handlers.enable_xpn_host, "resource"),
        "disableXpnHost": (handlers.disable_xpn_host, "resource"),
        "enableXpnResource": (handlers.enable_xpn_resource, "projects_enable_xpn_resource_request_resource"),
        "disableXpnResource": (handlers.disable_xpn_resource, "projects_disable_xpn_resource_request_resource"),
    }
    routes = []
    for verb, (handler, body_root) in served.items():
        method_id = f"compute.projects.{verb}"
        method = discovery.method(COMPUTE.discovery, method_id)
        routes.append(Route(COMPUTE, method["httpMethod"], "compute/v1/" + method["path"], method_id, handler,
                            mutating=method["httpMethod"] != "GET", body_root=body_root))
    return routes
