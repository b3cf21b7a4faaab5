"""IAM policy rules every emulated API shares (core/iam.py, core/roles.py), through the Resource Manager v3,
Cloud Run v2 and IAP v1 endpoints: roles, members, versions and conditions."""

from __future__ import annotations

from typing import Any

import pytest

from tests.emulator.serverless import PARENT, REGION, create, error_of

PROJECT_POLICY = "v3/projects/demo-project"
SERVICE_POLICY = f"v2/{PARENT}/services/hello"
CONDITION = {"title": "until-2030", "expression": "request.time < timestamp('2030-01-01T00:00:00Z')"}


def read(emulator, resource: str = PROJECT_POLICY, version: int = 3) -> dict[str, Any]:
    """getIamPolicy: a GET with the version in the query on Cloud Run v2, a POST with options elsewhere."""
    if resource.startswith("v2/"):
        status, policy = emulator.call("GET", f"{resource}:getIamPolicy?options.requestedPolicyVersion={version}")
    else:
        status, policy = emulator.call("POST", f"{resource}:getIamPolicy",
                                       {"options": {"requestedPolicyVersion": version}})
    assert status == 200, policy
    return policy


def write(emulator, policy: dict[str, Any], resource: str = PROJECT_POLICY) -> tuple[int, Any]:
    return emulator.call("POST", f"{resource}:setIamPolicy", {"policy": policy})


def grant(emulator, role: str, member: str, resource: str = PROJECT_POLICY) -> tuple[int, Any]:
    """Read-modify-write adding one binding (with the etag read)."""
    policy = read(emulator, resource)
    policy.setdefault("bindings", []).append({"role": role, "members": [member]})
    return write(emulator, policy, resource)


def refusal(response: tuple[int, Any]) -> str:
    error = error_of(response)
    assert error["code"] == 400, error
    return error["message"]


# -- roles: https://cloud.google.com/iam/docs/roles-permissions/run, .../iap -----------------------------


def test_a_role_must_be_grantable_on_the_resource_type(emulator):
    create(emulator)
    assert grant(emulator, "roles/run.invoker", "user:a@example.com", SERVICE_POLICY)[0] == 200
    # "Lowest-level resources where you can grant this role" lists no Cloud Run service for IAP's roles.
    assert refusal(grant(emulator, "roles/iap.httpsResourceAccessor", "user:a@example.com", SERVICE_POLICY)) == (
        "Role roles/iap.httpsResourceAccessor is not supported for this resource.")
    # A project accepts every role that exists (a role granted low can be granted on the ancestors).
    assert grant(emulator, "roles/iap.httpsResourceAccessor", "user:a@example.com")[0] == 200
    resource = f"v1/projects/100000000001/iap_web/cloud_run-{REGION}/services/hello"
    assert refusal(grant(emulator, "roles/run.invoker", "user:a@example.com", resource)) == (
        "Role roles/run.invoker is not supported for this resource.")


def test_an_unknown_predefined_role_is_not_supported(emulator):
    # terraform-google-modules/terraform-google-iam#219: "Error 400: Role roles/custom.vertex.prediction is
    # not supported for this resource."
    assert refusal(grant(emulator, "roles/custom.vertex.prediction", "user:a@example.com")) == (
        "Role roles/custom.vertex.prediction is not supported for this resource.")


def test_custom_roles_exist_only_in_their_hierarchy(emulator):
    role = "projects/demo-project/roles/deployer"
    # GoogleCloudPlatform/pubsec-declarative-toolkit#608: "Role (organizations/.../roles/X) does not exist in
    # the resource's hierarchy."
    assert refusal(grant(emulator, role, "user:a@example.com")) == (
        f"Role ({role}) does not exist in the resource's hierarchy.")
    emulator.admin("POST", "custom-roles", {"name": role})
    emulator.admin("POST", "custom-roles", {"name": "organizations/123456789/roles/auditor"})
    assert grant(emulator, role, "user:a@example.com")[0] == 200
    assert grant(emulator, "organizations/123456789/roles/auditor", "user:a@example.com")[0] == 200
    assert "does not exist in the resource's hierarchy" in refusal(
        grant(emulator, role, "user:a@example.com", "v3/projects/demo-host"))


# -- members --------------------------------------------------------------------------------------------


def test_a_user_managed_service_account_of_a_known_project_must_exist(emulator):
    member = "serviceAccount:batch@demo-project.iam.gserviceaccount.com"
    assert refusal(grant(emulator, "roles/viewer", member)) == (
        "Service account batch@demo-project.iam.gserviceaccount.com does not exist.")
    emulator.add_service_account("batch@demo-project.iam.gserviceaccount.com")
    assert grant(emulator, "roles/viewer", member)[0] == 200
    # Accounts of projects the emulator does not hold are taken to exist.
    assert grant(emulator, "roles/viewer", "serviceAccount:ci@other-org-project.iam.gserviceaccount.com")[0] == 200
    # GoogleCloudPlatform/genai-for-marketing#139: Compute's default account exists once Compute is enabled.
    assert grant(emulator, "roles/viewer", "serviceAccount:100000000001-compute@developer.gserviceaccount.com"
                 )[0] == 200
    emulator.add_project("no-compute", "100000000097", services=["run.googleapis.com"])
    assert refusal(grant(emulator, "roles/viewer", "serviceAccount:100000000097-compute@developer.gserviceaccount.com"
                         )) == "Service account 100000000097-compute@developer.gserviceaccount.com does not exist."
    # terraform-google-modules/terraform-example-foundation#776: "Invalid service account ()."
    assert refusal(grant(emulator, "roles/viewer", "serviceAccount:")) == "Invalid service account ()."


def test_each_binding_needs_a_principal_and_groups_are_limited(emulator):
    # Discovery, Policy.bindings: "Each of the `bindings` must contain at least one principal. The `bindings`
    # in a `Policy` can refer to up to 1,500 principals; up to 250 of these principals can be Google groups."
    policy = read(emulator)
    policy["bindings"] = [{"role": "roles/viewer", "members": []}]
    assert "at least one principal" in refusal(write(emulator, policy))
    policy["bindings"] = [{"role": "roles/viewer", "members": [f"group:g{i}@example.com" for i in range(251)]}]
    assert "groups in the policy (251)" in refusal(write(emulator, policy))


# -- versions and conditions ----------------------------------------------------------------------------


def test_only_versions_0_1_and_3_are_valid(emulator):
    # Discovery, Policy.version: "Valid values are `0`, `1`, and `3`. Requests that specify an invalid value
    # are rejected."
    policy = read(emulator)
    policy["version"] = 2
    assert "valid values are 0, 1 and 3" in refusal(write(emulator, policy))
    status, _ = emulator.call("POST", f"{PROJECT_POLICY}:getIamPolicy", {"options": {"requestedPolicyVersion": 2}})
    assert status == 400


def test_conditional_bindings_need_version_3(emulator):
    # Discovery, Policy.version: "Any operation that affects conditional role bindings must specify version
    # `3`... * Getting a policy that includes a conditional role binding * Adding a conditional role binding".
    policy = read(emulator)
    assert policy["version"] == 1
    policy["bindings"] = [{"role": "roles/viewer", "members": ["user:a@example.com"], "condition": CONDITION}]
    policy["version"] = 1
    assert "need version 3" in refusal(write(emulator, policy))
    policy["version"] = 3
    status, written = write(emulator, policy)
    assert status == 200 and written["version"] == 3
    # hashicorp/vault-plugin-secrets-gcp#77: reading it at version 1 (or unset) is refused.
    status, body = emulator.call("POST", f"{PROJECT_POLICY}:getIamPolicy", {})
    assert body["error"]["message"].startswith(
        "Requested policy version (1) cannot be less than the existing policy version (3).")
    # hashicorp/vault-plugin-secrets-gcp#88: writing version 1 over it with its etag is refused...
    stale_format = {"bindings": [{"role": "roles/viewer", "members": ["user:b@example.com"]}],
                    "etag": written["etag"], "version": 1}
    assert refusal(write(emulator, stale_format)).startswith(
        "Specified policy version (1) cannot be less than the existing policy version (3).")
    # ...but Policy.etag: "If you omit this field, then IAM allows you to overwrite a version `3` policy with a
    # version `1` policy, and all of the conditions in the version `3` policy are lost."
    del stale_format["etag"]
    status, overwritten = write(emulator, stale_format)
    assert status == 200 and overwritten["version"] == 1
    assert read(emulator, version=1)["bindings"] == stale_format["bindings"]


@pytest.mark.parametrize("resource", ["v3/projects/demo-project", "v1/projects/demo-project"])
def test_resource_manager_versions_agree(emulator, resource):
    policy = read(emulator, resource)
    policy["bindings"] = [{"role": "roles/viewer", "members": ["user:a@example.com"]}]
    policy["version"] = 3
    status, written = write(emulator, policy, resource)
    # GetPolicyOptions.requestedPolicyVersion: "if you specify version 3, but the policy has no conditional
    # role bindings, the response uses version 1."
    assert status == 200 and written["version"] == 1
