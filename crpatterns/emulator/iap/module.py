"""IAP v1: IAM policies and IAP settings of web resources (backend services, Cloud Run services).

Routes use the discovery `path` templates (`v1/{+resource}:getIamPolicy`): the resource spans several
segments, and names the project inside it, so the project is checked by the handler (project_param None).
docs/google-behaviour.md, "IAP v1" (gcloud posts getIamPolicy with
{"options": {"requestedPolicyVersion": 3}} on the number form of the project).
"""

from __future__ import annotations

import copy
from typing import Any

from crpatterns.emulator.core import discovery
from crpatterns.emulator.core.fieldmask import apply_mask
from crpatterns.emulator.core.iam import policy_of, requested_version, tested_permissions
from crpatterns.emulator.core.proto_enums import numbering
from crpatterns.emulator.core.routing import Api, ApiRequest, Route
from crpatterns.emulator.core.world import Project, World
from crpatterns.emulator.iap import resources
from crpatterns.emulator.iap import settings as settings_rules

IAP = Api("iap", "iap.googleapis.com", "iap.v1", "aip", enum_numbers=numbering(("google.cloud.iap_v1.types",)))
SETTINGS_FIELDS = ("accessSettings", "applicationSettings")


class IapModule:
    api = IAP

    def __init__(self, world: World) -> None:
        self.world = world
        self.settings: dict[str, dict[str, Any]] = {}  # by IapResource.path
        self.owners: dict[str, str] = {}  # IapResource.path -> id of the resource its policy/settings belong to

    def seed_project(self, project: Project) -> None:
        pass

    def inventory(self) -> dict[str, Any]:
        return {"settings": copy.deepcopy(self.settings)}

    def routes(self) -> list[Route]:
        def route(method_id: str, handler: Any, mutating: bool, body_root: str) -> Route:
            method = discovery.method(IAP.discovery, method_id)
            return Route(IAP, method["httpMethod"], method["path"], method_id, handler, mutating=mutating,
                         project_param=None, body_root=body_root)

        return [
            route("iap.getIamPolicy", self.get_iam_policy, False, "get_iam_policy_request"),
            route("iap.setIamPolicy", self.set_iam_policy, True, "set_iam_policy_request"),
            route("iap.testIamPermissions", self.test_iam_permissions, False, "test_iam_permissions_request"),
            route("iap.getIapSettings", self.get_settings, False, "iap_settings"),
            route("iap.updateIapSettings", self.update_settings, True, "iap_settings"),
        ]

    def _parse(self, name: str, permission: str) -> resources.IapResource:
        """The resource; a policy or settings left by a deleted resource of the same name are dropped, since
        Google deletes them with the resource (a recreated backend service starts with no IAP policy)."""
        resource = resources.parse(self.world, name, permission)
        if resource.uid is not None:
            if self.owners.get(resource.path, resource.uid) != resource.uid:
                self.world.iam.drop(resource.policy_key)
                self.settings.pop(resource.path, None)
            self.owners[resource.path] = resource.uid
        return resource

    def get_iam_policy(self, request: ApiRequest) -> dict[str, Any]:
        resource = self._parse(request.params["resource"], "iap.web.getIamPolicy")
        options = (request.body or {}).get("options") or {}
        return self.world.iam.get(resource.policy_key, requested_version(options.get("requestedPolicyVersion")))

    def set_iam_policy(self, request: ApiRequest) -> dict[str, Any]:
        resource = self._parse(request.params["resource"], "iap.web.setIamPolicy")
        return self.world.iam.set(resource.policy_key, policy_of(request.body), resource.project)

    def test_iam_permissions(self, request: ApiRequest) -> dict[str, Any]:
        self._parse(request.params["resource"], "iap.web.getIamPolicy")
        return tested_permissions(request.body)

    def get_settings(self, request: ApiRequest) -> dict[str, Any]:
        resource = self._parse(request.params["name"], "iap.web.getSettings")
        return {"name": resource.path, **settings_rules.shown(self.settings.get(resource.path, {}))}

    def update_settings(self, request: ApiRequest) -> dict[str, Any]:
        resource = self._parse(request.params["name"], "iap.web.updateSettings")
        body = request.body or {}
        settings_rules.check(body)
        settings_rules.check_mask(request.arg("updateMask"))
        current = self.settings.get(resource.path, {})
        mask = request.arg("updateMask")
        # Discovery, updateIapSettings.updateMask: "If omitted, then all of the settings are updated."
        merged = apply_mask(current, body, mask, SETTINGS_FIELDS, strip_prefix="iapSettings") if mask else {
            k: copy.deepcopy(body[k]) for k in SETTINGS_FIELDS if body.get(k) is not None}
        self.settings[resource.path] = merged
        return {"name": resource.path, **settings_rules.shown(merged)}
