"""IAP v1 through google-cloud-iap (REST): policies and settings of backend services and Cloud Run services."""

from __future__ import annotations

import pytest
from google.api_core import exceptions
from google.cloud import iap_v1
from google.iam.v1 import iam_policy_pb2, options_pb2, policy_pb2
from google.protobuf import field_mask_pb2

from tests.emulator.clients import compute, iap_admin, run_services, wait
from tests.emulator.serverless import REGION, backend_service, create, error_of

ACCESSOR = "roles/iap.httpsResourceAccessor"


def get_policy(client, resource: str) -> policy_pb2.Policy:
    return client.get_iam_policy(request=iam_policy_pb2.GetIamPolicyRequest(
        resource=resource, options=options_pb2.GetPolicyOptions(requested_policy_version=3)))


def grant(client, resource: str, member: str) -> policy_pb2.Policy:
    policy = get_policy(client, resource)
    policy.bindings.append(policy_pb2.Binding(role=ACCESSOR, members=[member]))
    return client.set_iam_policy(request=iam_policy_pb2.SetIamPolicyRequest(resource=resource, policy=policy))


def members(policy: policy_pb2.Policy) -> list[tuple[str, list[str]]]:
    return [(b.role, list(b.members)) for b in policy.bindings]


def test_global_backend_service_policy_by_number_id_or_name(emulator):
    created = backend_service(emulator)
    client = iap_admin(emulator)
    by_number = "projects/100000000001/iap_web/compute/services/web-backend"
    grant(client, by_number, "group:staff@example.com")
    expected = [(ACCESSOR, ["group:staff@example.com"])]
    assert members(get_policy(client, by_number)) == expected
    assert members(get_policy(client, "projects/demo-project/iap_web/compute/services/web-backend")) == expected
    assert members(get_policy(client, f"projects/100000000001/iap_web/compute/services/{created.id}")) == expected


def test_regional_backend_service_policy(emulator):
    backend_service(emulator, "internal-backend", REGION)
    client = iap_admin(emulator)
    resource = f"projects/100000000001/iap_web/compute-{REGION}/services/internal-backend"
    grant(client, resource, "user:alice@example.com")
    assert members(get_policy(client, resource)) == [(ACCESSOR, ["user:alice@example.com"])]
    with pytest.raises(exceptions.NotFound):  # the global collection has no such backend service
        get_policy(client, "projects/100000000001/iap_web/compute/services/internal-backend")


def test_missing_backend_service_is_404(emulator):
    with pytest.raises(exceptions.NotFound):
        get_policy(iap_admin(emulator), "projects/100000000001/iap_web/compute/services/nope")


def test_stale_etag_is_409_aborted(emulator):
    backend_service(emulator)
    client = iap_admin(emulator)
    resource = "projects/100000000001/iap_web/compute/services/web-backend"
    stale = get_policy(client, resource)
    grant(client, resource, "user:bob@example.com")
    stale.bindings.append(policy_pb2.Binding(role=ACCESSOR, members=["user:eve@example.com"]))
    with pytest.raises(exceptions.Conflict) as conflict:
        client.set_iam_policy(request=iam_policy_pb2.SetIamPolicyRequest(resource=resource, policy=stale))
    assert conflict.value.response.json()["error"]["status"] == "ABORTED"


def test_cloud_run_service_policy_exists_with_the_service(emulator):
    client = iap_admin(emulator)
    resource = f"projects/100000000001/iap_web/cloud_run-{REGION}/services/hello"
    with pytest.raises(exceptions.NotFound):
        get_policy(client, resource)
    create(emulator)
    grant(client, resource, "domain:example.com")
    assert members(get_policy(client, resource)) == [(ACCESSOR, ["domain:example.com"])]
    run_services(emulator).delete_service(name=f"projects/demo-project/locations/{REGION}/services/hello").result()
    create(emulator)
    assert not get_policy(client, resource).bindings  # the policy went with the deleted service


def test_parent_levels(emulator):
    client = iap_admin(emulator)
    for resource in ("projects/100000000001/iap_web", "projects/100000000001/iap_web/compute",
                     f"projects/100000000001/iap_web/compute-{REGION}",
                     f"projects/demo-project/iap_web/cloud_run-{REGION}"):
        grant(client, resource, "user:admin@example.com")
        assert members(get_policy(client, resource)) == [(ACCESSOR, ["user:admin@example.com"])]


def test_bad_names_unknown_projects_and_disabled_api(emulator):
    assert error_of(emulator.call("POST", "v1/projects/100000000001/iap_web/appengine-x:getIamPolicy", {}))[
        "code"] == 400
    assert error_of(emulator.call("POST", "v1/projects/999/iap_web:getIamPolicy", {}))["code"] == 403
    emulator.add_project("no-iap", "100000000077", services=["compute.googleapis.com"])
    error = error_of(emulator.call("POST", "v1/projects/100000000077/iap_web:getIamPolicy", {}))
    assert error["details"][0]["reason"] == "SERVICE_DISABLED"


def test_gcloud_style_raw_calls(emulator):
    backend_service(emulator)
    resource = "v1/projects/100000000001/iap_web/compute/services/web-backend"
    status, policy = emulator.call("POST", f"{resource}:getIamPolicy", {"options": {"requestedPolicyVersion": 3}})
    assert status == 200
    policy["bindings"] = [{"role": ACCESSOR, "members": ["user:a@example.com"]}]
    policy["version"] = 3
    status, written = emulator.call("POST", f"{resource}:setIamPolicy", {"policy": policy})
    assert status == 200 and written["bindings"] == policy["bindings"]


def test_iap_settings(emulator):
    backend_service(emulator)
    client = iap_admin(emulator)
    name = "projects/100000000001/iap_web/compute/services/web-backend"
    assert client.get_iap_settings(request=iap_v1.GetIapSettingsRequest(name=name)).name == name
    settings = iap_v1.IapSettings(name=name, access_settings=iap_v1.AccessSettings(
        cors_settings=iap_v1.CorsSettings(allow_http_options=True)))
    updated = client.update_iap_settings(request=iap_v1.UpdateIapSettingsRequest(
        iap_settings=settings, update_mask=field_mask_pb2.FieldMask(paths=["access_settings.cors_settings"])))
    assert updated.access_settings.cors_settings.allow_http_options
    read = client.get_iap_settings(request=iap_v1.GetIapSettingsRequest(name=name))
    assert read.access_settings.cors_settings.allow_http_options
    with pytest.raises(exceptions.NotFound):
        client.get_iap_settings(request=iap_v1.GetIapSettingsRequest(
            name="projects/100000000001/iap_web/compute/services/nope"))


def test_a_recreated_backend_service_starts_without_the_old_policy(emulator):
    backend_service(emulator)
    client = iap_admin(emulator)
    resource = "projects/100000000001/iap_web/compute/services/web-backend"
    grant(client, resource, "user:old@example.com")
    wait(emulator, compute(emulator, "BackendServicesClient").delete(project="demo-project",
                                                                     backend_service="web-backend"), "demo-project")
    with pytest.raises(exceptions.NotFound):
        get_policy(client, resource)
    backend_service(emulator)
    assert not get_policy(client, resource).bindings
