"""IAM policies of backend services (regionBackendServices and backendServices getIamPolicy / setIamPolicy,
discovery compute.v1): where cross-project service referencing grants roles/compute.loadBalancerServiceUser
(docs/google-behaviour.md, "Compute: cross-project references"). The policy goes with the backend service."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from crpatterns.emulator.core.errors import bad_request
from crpatterns.emulator.core.routing import ApiRequest, Route

if TYPE_CHECKING:
    from crpatterns.emulator.compute.collection import Collection

BODY_ROOTS = {"regionBackendServices": "region_set_policy_request_resource",
              "backendServices": "global_set_policy_request_resource"}


def policy_key(path: str) -> str:
    """The world.iam key of a backend service's policy: `//compute.googleapis.com/projects/P/.../backendServices/B`."""
    return f"//compute.googleapis.com/{path}"


def routes(collection: Collection) -> list[Route]:
    def get_policy(request: ApiRequest) -> dict[str, Any]:
        path, _ = collection.target(request, "resource")
        return collection.state.world.iam.get(policy_key(path))

    def set_policy(request: ApiRequest) -> dict[str, Any]:
        """Body {policy}, or the deprecated flattened `bindings` and `etag` (as subnetworks take them)."""
        path, _ = collection.target(request, "resource")
        body = request.body or {}
        policy = body.get("policy")
        if policy is None:
            if "bindings" not in body:
                raise bad_request("Invalid value for field 'policy': ''. The policy is required.")  # UNCONFIRMED
            policy = {"bindings": body["bindings"], "etag": body.get("etag")}
        project = collection.state.world.find_project(request.params["project"])
        return collection.state.world.iam.set(policy_key(path), policy, project)

    return [collection.route("getIamPolicy", get_policy),
            collection.route("setIamPolicy", set_policy, body_root=BODY_ROOTS[collection.name])]
