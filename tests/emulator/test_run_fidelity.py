"""Cloud Run v2 and IAP answers that follow Google's: update masks, locations, error texts
(docs/google-behaviour.md, "Cloud Run Admin API v2" and "IAP v1")."""

from __future__ import annotations

import pytest

from tests.emulator.serverless import PARENT, REGION, create, error_of, raw_body

NAME = f"{PARENT}/services/hello"


def patch(emulator, mask: str, body: dict) -> dict:
    status, operation = emulator.call("PATCH", f"v2/{NAME}?updateMask={mask}", body)
    assert status == 200, operation
    status, done = emulator.call("POST", f"v2/{operation['name']}:wait", {})
    assert status == 200 and done["done"] and "response" in done, done
    return done["response"]


# -- update masks ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["template.max_instance_request_concurrency",
                                  "template.maxInstanceRequestConcurrency"])
def test_mask_paths_are_snake_or_camel_case(emulator, path):
    """AIP-161 paths are proto (snake_case) names; the JSON form of a FieldMask, which REST clients send,
    is lowerCamelCase. Both name the same field."""
    create(emulator)
    body = raw_body(description="kept")
    body["template"]["maxInstanceRequestConcurrency"] = 7
    updated = patch(emulator, path, body)
    assert updated["template"]["maxInstanceRequestConcurrency"] == 7
    assert "description" not in updated  # not in the mask


def test_a_mask_naming_no_field_applies_the_body_as_without_a_mask(emulator):
    """temporalio/temporal-auto-scaled-workers#77: "Cloud Run silently ignores an unknown mask path and
    applies the sparse WorkerPool wholesale" (googleapis/google-cloud-python#14259 shows the same)."""
    create(emulator)
    updated = patch(emulator, "scaling.noSuchField", raw_body(description="applied", labels={"team": "a"}))
    assert updated["description"] == "applied" and updated["labels"] == {"team": "a"}


# -- locations: https://cloud.google.com/run/docs/locations ---------------------------------------------


@pytest.mark.parametrize("method, path", [
    ("GET", "v2/projects/demo-project/locations/us-moon1/services"),
    ("GET", "v2/projects/demo-project/locations/us-moon1/services/hello"),
    ("GET", "v2/projects/demo-project/locations/us-moon1/services/hello:getIamPolicy"),
    ("GET", "v2/projects/demo-project/locations/us-moon1/operations"),
    ("GET", "v2/projects/demo-project/locations/us-moon1/operations/x"),
])
def test_an_unknown_region_is_refused_on_every_location_scoped_call(emulator, method, path):
    error = error_of(emulator.call(method, path))
    assert (error["code"], error["status"]) == (403, "PERMISSION_DENIED")
    assert error["message"] == "Permission denied on 'locations/us-moon1' (or it may not exist)."


def test_create_in_an_unknown_region_is_refused_before_the_body(emulator):
    error = error_of(emulator.call("POST", "v2/projects/demo-project/locations/us-moon1/services?serviceId=x",
                                   raw_body()))
    assert error["code"] == 403
    assert error["details"][0]["metadata"]["permission"] == "run.services.create"


def test_every_cloud_run_region_is_known(emulator):
    create(emulator, "far", parent="projects/demo-project/locations/europe-west12")


@pytest.mark.parametrize("resource", ["cloud_run-us-moon1", "compute-us-moon1"])
def test_iap_regional_resources_need_a_real_region(emulator, resource):
    status, _ = emulator.call("POST", f"v1/projects/100000000001/iap_web/{resource}:getIamPolicy", {})
    assert status == 404
    status, _ = emulator.call("POST", f"v1/projects/100000000001/iap_web/cloud_run-{REGION}:getIamPolicy", {})
    assert status == 200


# -- the revision's service account ----------------------------------------------------------------------


def test_the_runtime_service_account_must_exist(emulator):
    """google/keyword_factory#22: 403 "Permission 'iam.serviceaccounts.actAs' denied on service account
    ...-compute@developer.gserviceaccount.com (or it may not exist)."."""
    body = raw_body()
    body["template"]["serviceAccount"] = "api@demo-project.iam.gserviceaccount.com"
    error = error_of(emulator.call("POST", f"v2/{PARENT}/services?serviceId=hello", body))
    assert (error["code"], error["status"]) == (403, "PERMISSION_DENIED")
    assert error["message"] == ("Permission 'iam.serviceaccounts.actAs' denied on service account "
                                "api@demo-project.iam.gserviceaccount.com (or it may not exist).")
    emulator.add_service_account("api@demo-project.iam.gserviceaccount.com")
    assert emulator.call("POST", f"v2/{PARENT}/services?serviceId=hello", body)[0] == 200
    # No service account: the project's Compute default one, which exists only once Compute is enabled.
    emulator.add_project("run-only", "100000000096", services=["run.googleapis.com"])
    error = error_of(emulator.call("POST", f"v2/projects/run-only/locations/{REGION}/services?serviceId=x", raw_body()))
    assert "100000000096-compute@developer.gserviceaccount.com (or it may not exist)" in error["message"]
