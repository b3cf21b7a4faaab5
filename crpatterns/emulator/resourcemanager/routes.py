"""Routes and handlers of Resource Manager projects (v1 and v3)."""

from __future__ import annotations

from typing import Any

from crpatterns.emulator.core.errors import permission_denied_project
from crpatterns.emulator.core.iam import policy_of, requested_version
from crpatterns.emulator.core.routing import Api, ApiRequest, Route
from crpatterns.emulator.core.world import Project, World

V1 = Api("resourcemanager.v1", "cloudresourcemanager.googleapis.com", "cloudresourcemanager.v1", "aip")
V3 = Api("resourcemanager.v3", "cloudresourcemanager.googleapis.com", "cloudresourcemanager.v3", "aip")


def policy_key(project: Project) -> str:
    return f"//cloudresourcemanager.googleapis.com/projects/{project.project_id}"


def _project(request: ApiRequest, param: str, permission: str) -> Project:
    project = request.world.find_project(request.params[param])
    if project is None:
        raise permission_denied_project(request.params[param], permission)
    return project


class _Base:
    api: Api

    def __init__(self, world: World) -> None:
        self.world = world

    def seed_project(self, project: Project) -> None:
        pass

    def inventory(self) -> dict[str, Any]:
        return {}

    def get_policy(self, request: ApiRequest, param: str) -> dict[str, Any]:
        project = _project(request, param, "resourcemanager.projects.getIamPolicy")
        options = (request.body or {}).get("options") or {}
        return self.world.iam.get(policy_key(project), requested_version(options.get("requestedPolicyVersion")))

    def set_policy(self, request: ApiRequest, param: str) -> dict[str, Any]:
        project = _project(request, param, "resourcemanager.projects.setIamPolicy")
        return self.world.iam.set(policy_key(project), policy_of(request.body), project)


class V1Module(_Base):
    api = V1

    def routes(self) -> list[Route]:
        return [
            Route(V1, "GET", "v1/projects/{projectId}", "cloudresourcemanager.projects.get", self.get,
                  mutating=False, project_param=None),
            Route(V1, "POST", "v1/projects/{resource}:getIamPolicy", "cloudresourcemanager.projects.getIamPolicy",
                  lambda r: self.get_policy(r, "resource"), mutating=False, project_param=None,
                  body_root="get_iam_policy_request"),
            Route(V1, "POST", "v1/projects/{resource}:setIamPolicy", "cloudresourcemanager.projects.setIamPolicy",
                  lambda r: self.set_policy(r, "resource"), mutating=True, project_param=None,
                  body_root="set_iam_policy_request"),
        ]

    def get(self, request: ApiRequest) -> dict[str, Any]:
        project = _project(request, "projectId", "resourcemanager.projects.get")
        kind, _, parent_id = project.parent.partition("/")
        return {
            "projectNumber": project.number,
            "projectId": project.project_id,
            "lifecycleState": "ACTIVE",
            "name": project.project_id,
            "createTime": project.create_time,
            "parent": {"type": kind.rstrip("s"), "id": parent_id},
        }


class V3Module(_Base):
    api = V3

    def routes(self) -> list[Route]:
        return [
            Route(V3, "GET", "v3/projects/{projectsId}", "cloudresourcemanager.projects.get", self.get,
                  mutating=False, project_param=None),
            Route(V3, "POST", "v3/projects/{projectsId}:getIamPolicy", "cloudresourcemanager.projects.getIamPolicy",
                  lambda r: self.get_policy(r, "projectsId"), mutating=False, project_param=None,
                  body_root="get_iam_policy_request"),
            Route(V3, "POST", "v3/projects/{projectsId}:setIamPolicy", "cloudresourcemanager.projects.setIamPolicy",
                  lambda r: self.set_policy(r, "projectsId"), mutating=True, project_param=None,
                  body_root="set_iam_policy_request"),
        ]

    def get(self, request: ApiRequest) -> dict[str, Any]:
        project = _project(request, "projectsId", "resourcemanager.projects.get")
        return {
            "name": f"projects/{project.number}",
            "projectId": project.project_id,
            "parent": project.parent,
            "state": "ACTIVE",
            "displayName": project.project_id,
            "createTime": project.create_time,
            "etag": f'W/"{project.number}"',
        }
