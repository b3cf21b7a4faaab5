"""The conformance checker catches what it is there to catch: each kind of departure from a discovery
schema, and each departure from Google's two error shapes. Without these, a lenient checker would let
the conformance tests pass vacuously."""

from __future__ import annotations

import pytest

from tests.emulator.discovery_check import Checker, error_problems

OPERATION = {
    "kind": "compute#operation", "id": "123", "name": "operation-1", "operationType": "insert",
    "status": "DONE", "progress": 100, "targetLink": "https://www.googleapis.com/compute/v1/projects/p/global/x",
    "error": {"errors": [{"code": "NOT_FOUND", "message": "gone"}]}, "httpErrorStatusCode": 404,
}
SERVICE = {
    "name": "projects/p/locations/us-central1/services/s", "generation": "2", "ingress": "INGRESS_TRAFFIC_ALL",
    "createTime": "2026-01-01T00:00:00.123Z", "template": {"timeout": "300s", "containers": [{"image": "i"}]},
    "labels": {"team": "web"}, "etag": "\"abc\"",
}


def compute(value: object, schema: str = "Operation") -> list[str]:
    return Checker("compute.v1").problems(schema, value)


def run(value: object, schema: str = "GoogleCloudRunV2Service", int_enums: bool = False) -> list[str]:
    return Checker("run.v2", int_enums).problems(schema, value)


def test_valid_bodies_pass():
    assert compute(OPERATION) == []
    assert run(SERVICE) == []
    assert run({**SERVICE, "ingress": 1}, int_enums=True) == []


@pytest.mark.parametrize(("change", "expected"), [
    ({"bogus": 1}, "unknown field 'bogus'"),
    ({"error": {"errors": [{"code": "X", "nested": True}]}}, "$.error.errors[0]: unknown field 'nested'"),
    ({"id": 123}, "expected a string (uint64)"),  # int64/uint64 travel as strings
    ({"id": "-1"}, "is not a decimal uint64"),
    ({"progress": "100"}, "expected a JSON integer (int32)"),  # int32 travels as a number
    ({"progress": True}, "expected a JSON integer"),
    ({"status": "FINISHED"}, "'FINISHED' is not one of"),
    ({"kind": "compute#operationList"}, "Google's is 'compute#operation'"),
    ({"warnings": {"code": "X"}}, "expected an array"),
])
def test_compute_departures_are_caught(change, expected):
    problems = compute({**OPERATION, **change})
    assert any(expected in p for p in problems), problems


@pytest.mark.parametrize(("change", "expected"), [
    ({"labels": {"team": 1}}, "$.labels['team']: expected a string"),  # maps: additionalProperties
    ({"createTime": "yesterday"}, "not an RFC 3339 timestamp"),
    ({"template": {"timeout": "300"}}, "not a duration"),
    ({"generation": 2}, "expected a string (int64)"),
    ({"ingress": 1}, "expected a string"),  # a number where the caller asked for names
])
def test_run_departures_are_caught(change, expected):
    problems = run({**SERVICE, **change})
    assert any(expected in p for p in problems), problems


def test_int_enums_must_be_numbers_when_asked():
    assert any("enum asked as int" in p for p in run(SERVICE, int_enums=True))


def test_any_values_are_checked_by_their_type_url():
    operation = {"name": "operations/1", "done": True,
                 "metadata": {"@type": "type.googleapis.com/google.cloud.run.v2.Service", **SERVICE}}
    assert run(operation, "GoogleLongrunningOperation") == []
    operation["metadata"]["bogus"] = 1
    assert run(operation, "GoogleLongrunningOperation") == ["$.metadata: unknown field 'bogus'"]
    operation["metadata"] = {"@type": "type.googleapis.com/google.cloud.run.v2.Nothing"}
    assert "not a message described" in run(operation, "GoogleLongrunningOperation")[0]


def test_service_usage_any_names_resolve_both_ways():
    checker = Checker("serviceusage.v1")
    assert checker.schema_for_type_url("type.googleapis.com/google.api.serviceusage.v1.Service") == (
        "GoogleApiServiceusageV1Service")
    assert checker.schema_for_type_url("type.googleapis.com/google.api.serviceusage.v1.EnableServiceResponse") == (
        "EnableServiceResponse")


def test_byte_fields_are_base64():
    policy = {"version": 3, "etag": "BwX+abc=", "bindings": [{"role": "roles/viewer", "members": ["allUsers"]}]}
    assert Checker("iap.v1").problems("Policy", policy) == []
    assert "not base64" in Checker("iap.v1").problems("Policy", {**policy, "etag": "not base64!"})[0]


COMPUTE_ERROR = {"error": {"code": 404, "message": "m", "errors": [{"message": "m", "domain": "global",
                                                                   "reason": "notFound"}]}}
AIP_ERROR = {"error": {"code": 403, "message": "m", "status": "PERMISSION_DENIED", "details": [
    {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "SERVICE_DISABLED", "domain": "googleapis.com",
     "metadata": {"service": "run.googleapis.com"}}]}}


def test_error_shapes():
    assert error_problems(COMPUTE_ERROR, "compute", 404) == []
    assert error_problems(AIP_ERROR, "aip", 403) == []
    assert error_problems(COMPUTE_ERROR, "compute", 400)  # code differs from the HTTP status
    assert error_problems(COMPUTE_ERROR, "aip", 404)  # no status
    assert error_problems(AIP_ERROR, "compute", 403)  # no errors[]
    assert error_problems({"error": {**AIP_ERROR["error"], "status": "DENIED"}}, "aip", 403)
    assert error_problems({"error": {**AIP_ERROR["error"], "details": [{"reason": "x"}]}}, "aip", 403)
    bad_info = {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "metadata": {"n": 1}}
    assert error_problems({"error": {**AIP_ERROR["error"], "details": [bad_info]}}, "aip", 403)
    missing_reason = {"error": {**COMPUTE_ERROR["error"], "errors": [{"message": "m", "domain": "global"}]}}
    assert error_problems(missing_reason, "compute", 404)
    assert error_problems({"message": "m"}, "aip", 500)
