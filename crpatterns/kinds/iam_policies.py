"""Where each IAM policy the patterns touch lives, one class per API: Cloud Run services, IAP web
resources, Compute subnetworks (Shared VPC grants), regional backend services (cross-project service
referencing) and projects (networkViewer on the host)."""

from __future__ import annotations

import json
from typing import Any, ClassVar

from crpatterns.engine.model import Scope
from crpatterns.gcp.lazy_import import compute_types
from crpatterns.kinds.iam import IamBindingKind, policy_from_dict, policy_to_dict
from crpatterns.kinds.keys import KindKey


class RunServiceIam(IamBindingKind):
    """Policy of a Cloud Run service; `name` is the service id."""

    key = KindKey.RUN_SERVICE_IAM

    def resource(self, scope: Scope, name: str) -> str:
        return f"projects/{scope.project}/locations/{scope.region}/services/{name}"

    url = path = resource

    def get_policy(self, scope: Scope, name: str) -> dict[str, Any]:
        policy = self.clients.run_services().get_iam_policy(
            request={"resource": self.resource(scope, name), "options": {"requested_policy_version": 3}})
        return policy_to_dict(policy)

    def set_policy(self, scope: Scope, name: str, policy: dict[str, Any]) -> None:
        self.clients.run_services().set_iam_policy(
            request={"resource": self.resource(scope, name), "policy": policy_from_dict(policy)})


class IapWebIam(IamBindingKind):
    """Policy of an IAP web resource; `name` is its full path, e.g.
    projects/NUMBER/iap_web/compute/services/BACKEND (docs/google-behaviour.md, "IAP v1")."""

    key = KindKey.IAP_WEB_IAM
    regional = False

    def url(self, scope: Scope, name: str) -> str:
        return name

    path = url

    def get_policy(self, scope: Scope, name: str) -> dict[str, Any]:
        policy = self.clients.iap().get_iam_policy(
            request={"resource": name, "options": {"requested_policy_version": 3}})
        return policy_to_dict(policy)

    def set_policy(self, scope: Scope, name: str, policy: dict[str, Any]) -> None:
        self.clients.iap().set_iam_policy(request={"resource": name, "policy": policy_from_dict(policy)})


class RegionalComputeIam(IamBindingKind):
    """Policy of a regional Compute resource (getIamPolicy / setIamPolicy with a RegionSetPolicyRequest);
    `name` is the resource's name."""

    client_class: ClassVar[str]  # "SubnetworksClient"
    segment: ClassVar[str]  # "subnetworks"

    def url(self, scope: Scope, name: str) -> str:
        return f"projects/{scope.project}/regions/{scope.region}/{self.segment}/{name}"

    path = url

    def get_policy(self, scope: Scope, name: str) -> dict[str, Any]:
        from google.protobuf import json_format

        client = self.clients.compute(self.client_class)
        # The flattened arguments do not include the policy version: only the request form does.
        policy = client.get_iam_policy(request={"project": scope.project, "region": scope.region, "resource": name,
                                                "options_requested_policy_version": 3})
        return json_format.MessageToDict(type(policy).pb(policy))

    def set_policy(self, scope: Scope, name: str, policy: dict[str, Any]) -> None:
        compute_v1 = compute_types()

        request = compute_v1.RegionSetPolicyRequest(policy=compute_v1.Policy.from_json(json.dumps(policy)))
        self.clients.compute(self.client_class).set_iam_policy(
            project=scope.project, region=scope.region, resource=name, region_set_policy_request_resource=request)


class SubnetworkIam(RegionalComputeIam):
    """Policy of a Compute subnetwork (in the Shared VPC host project)."""

    key = KindKey.SUBNETWORK_IAM
    client_class = "SubnetworksClient"
    segment = "subnetworks"


class RegionBackendServiceIam(RegionalComputeIam):
    """Policy of a regional backend service: where roles/compute.loadBalancerServiceUser lets another project's
    URL map use it (docs/google-behaviour.md, "Compute: cross-project references"); `name` is the backend service."""

    key = KindKey.REGION_BACKEND_SERVICE_IAM
    client_class = "RegionBackendServicesClient"
    segment = "backendServices"


class ProjectIam(IamBindingKind):
    """Policy of a project; `name` is the project id."""

    key = KindKey.PROJECT_IAM
    regional = False

    def url(self, scope: Scope, name: str) -> str:
        return f"projects/{name}"

    path = url

    def get_policy(self, scope: Scope, name: str) -> dict[str, Any]:
        policy = self.clients.projects().get_iam_policy(
            request={"resource": f"projects/{name}", "options": {"requested_policy_version": 3}})
        return policy_to_dict(policy)

    def set_policy(self, scope: Scope, name: str, policy: dict[str, Any]) -> None:
        self.clients.projects().set_iam_policy(
            request={"resource": f"projects/{name}", "policy": policy_from_dict(policy)})
