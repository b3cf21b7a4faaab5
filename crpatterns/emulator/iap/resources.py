"""IAP web resource names, and whether what they protect exists.

Forms (docs/google-behaviour.md, "IAP v1"; https://cloud.google.com/iap/docs/reference/rest):
  projects/P/iap_web                                   every web resource of the project
  projects/P/iap_web/compute                           global backend services
  projects/P/iap_web/compute-REGION                    regional backend services
  projects/P/iap_web/compute/services/BACKEND_SERVICE  (name or numeric id)
  projects/P/iap_web/compute-REGION/services/BS
  projects/P/iap_web/cloud_run-REGION                  Cloud Run services of a region
  projects/P/iap_web/cloud_run-REGION/services/NAME
P is a project number or id. Policies are stored under the number form (world.iam key
"//iap.googleapis.com/projects/NUMBER/iap_web/..."), with a backend service id turned into its name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from crpatterns.emulator.compute import regions as compute_regions
from crpatterns.emulator.core.errors import ApiError, permission_denied_project, service_disabled
from crpatterns.emulator.core.world import SERVICE_TITLES, Project, World
from crpatterns.emulator.run.locations import RUN_REGIONS

IAP_SERVICE = "iap.googleapis.com"
_FORM = re.compile(
    r"^projects/(?P<project>[^/]+)/iap_web"
    r"(?:/(?P<kind>compute|cloud_run)(?:-(?P<region>[a-z]+-[a-z]+\d+))?(?:/services/(?P<service>[^/]+))?)?$"
)


@dataclass(frozen=True)
class IapResource:
    project: Project
    kind: str | None  # "compute", "cloud_run" or None (the project level)
    region: str | None
    service: str | None  # backend service or Cloud Run service name
    uid: str | None = None  # the protected resource's id (backend service id, Cloud Run uid)

    @property
    def path(self) -> str:
        text = f"projects/{self.project.number}/iap_web"
        if self.kind:
            text += f"/{self.kind}" + (f"-{self.region}" if self.region else "")
        if self.service:
            text += f"/services/{self.service}"
        return text

    @property
    def policy_key(self) -> str:
        return f"//iap.googleapis.com/{self.path}"


def not_found(resource: str) -> ApiError:
    # IAP's wording for a resource that does not exist is UNCONFIRMED: the emulator answers 404 NOT_FOUND
    # naming the resource.
    return ApiError(404, f"The IAP resource '{resource}' was not found: the resource it protects does not exist.",
                    status="NOT_FOUND")


def invalid(resource: str) -> ApiError:
    # Wording UNCONFIRMED: the emulator answers 400 INVALID_ARGUMENT naming the resource.
    return ApiError(400, f"Invalid IAP resource name '{resource}'.", status="INVALID_ARGUMENT")


def parse(world: World, resource: str, permission: str) -> IapResource:
    """The resource, checked: project exists (403), IAP API enabled (403 SERVICE_DISABLED), protected
    resource exists (404)."""
    match = _FORM.match(resource.strip("/"))
    if match is None:
        raise invalid(resource)
    project = world.find_project(match["project"])
    if project is None:
        raise permission_denied_project(match["project"], permission)
    if IAP_SERVICE not in project.enabled_services:
        raise service_disabled(IAP_SERVICE, SERVICE_TITLES[IAP_SERVICE], project.number)
    kind, region, service = match["kind"], match["region"], match["service"]
    if kind == "cloud_run" and not region:
        raise invalid(resource)  # Cloud Run resources are always regional
    if region and not _region_exists(kind, region):
        raise not_found(resource)
    uid = None
    if service:
        if kind == "compute":
            found = _backend_service(world, project, region, service)
        else:
            run = world.apis.get("run")
            record = run.find_service(project.project_id, region, service) if run else None
            found = (record.service_id, record.uid) if record else None
        if found is None:
            raise not_found(resource)
        service, uid = found
    return IapResource(project, kind, region, service, uid)


def _region_exists(kind: str, region: str) -> bool:
    """Whether the product behind the resource serves that region. UNCONFIRMED: what IAP answers for
    `cloud_run-REGION` / `compute-REGION` with a region Google does not have; the emulator answers 404 like
    any web resource that does not exist."""
    if kind == "cloud_run":
        return region in RUN_REGIONS
    return compute_regions.known_region(region)


def _backend_service(world: World, project: Project, region: str | None, name_or_id: str,
                     ) -> tuple[str, str] | None:
    """(name, id) of the backend service, found by name or numeric id in Compute's state; None if absent."""
    compute = world.apis.get("compute")
    if compute is None:
        return None
    state = compute.state
    scope = f"regions/{region}" if region else "global"
    resource: dict[str, Any] | None = state.get(f"projects/{project.project_id}/{scope}/backendServices/{name_or_id}")
    if resource is None and name_or_id.isdigit():
        resource = next((r for r in state.in_scope(project.project_id, region, "backendServices")
                         if r.get("id") == name_or_id), None)
    return (resource["name"], str(resource.get("id"))) if resource else None
