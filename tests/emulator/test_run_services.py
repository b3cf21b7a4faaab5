"""Cloud Run v2 services through google-cloud-run (REST): CRUD, defaults, revisions, etags, operations."""

from __future__ import annotations

import re
import time

import pytest
from google.api import launch_stage_pb2
from google.api_core import exceptions
from google.cloud import run_v2
from google.protobuf import field_mask_pb2

from tests.emulator.clients import run_services
from tests.emulator.serverless import INT_ENUMS, PARENT, REGION, create, error_of, raw_body, service


def test_create_returns_the_service_with_googles_defaults(emulator):
    created = create(emulator)
    assert created.name == f"{PARENT}/services/hello"
    assert created.ingress == run_v2.IngressTraffic.INGRESS_TRAFFIC_ALL
    assert created.launch_stage == launch_stage_pb2.LaunchStage.GA
    template = created.template
    assert template.timeout.seconds == 300
    assert template.max_instance_request_concurrency == 80
    assert template.scaling.max_instance_count == 100
    assert template.service_account == "100000000001-compute@developer.gserviceaccount.com"
    assert dict(template.containers[0].resources.limits) == {"cpu": "1000m", "memory": "512Mi"}
    assert template.containers[0].ports[0].container_port == 8080
    assert [(t.type_.name, t.percent) for t in created.traffic] == [("TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", 100)]
    assert created.generation == created.observed_generation == 1
    assert re.fullmatch(rf"{PARENT}/services/hello/revisions/hello-00001-[a-z]{{3}}", created.latest_ready_revision)
    assert created.latest_created_revision == created.latest_ready_revision
    assert created.terminal_condition.type_ == "Ready"
    assert created.terminal_condition.state == run_v2.Condition.State.CONDITION_SUCCEEDED
    assert {c.type_ for c in created.conditions} == {"RoutesReady", "ConfigurationsReady"}
    assert re.fullmatch(r"https://hello-[a-z]{10}-uc\.a\.run\.app", created.uri)
    assert created.uri in created.urls
    assert created.uid and created.etag and created.creator and created.create_time
    assert not created.reconciling


def test_get_list_and_not_found(emulator):
    create(emulator, "one")
    create(emulator, "two")
    create(emulator, "elsewhere", parent="projects/demo-project/locations/europe-west1")
    client = run_services(emulator)
    names = [s.name.rsplit("/", 1)[-1] for s in client.list_services(parent=PARENT)]
    assert names == ["one", "two"]
    by_number = client.get_service(name=f"projects/100000000001/locations/{REGION}/services/one")
    assert by_number.name == f"{PARENT}/services/one"
    with pytest.raises(exceptions.NotFound) as missing:
        client.get_service(name=f"{PARENT}/services/nope")
    assert missing.value.message.endswith(
        ": Resource 'nope' of kind 'SERVICE' in region 'us-central1' in project 'demo-project' does not exist.")


def test_list_refuses_the_location_wildcard(emulator):
    # run.v2 discovery, services.list parent: "cannot be the "-" wildcard".
    error = error_of(emulator.call("GET", "v2/projects/demo-project/locations/-/services"))
    assert error["code"] == 400


def test_list_pages(emulator):
    for index in range(3):
        create(emulator, f"svc-{index}")
    pages = list(run_services(emulator).list_services(
        request=run_v2.ListServicesRequest(parent=PARENT, page_size=2)).pages)
    assert [len(p.services) for p in pages] == [2, 1]


def test_create_twice_is_409(emulator):
    create(emulator)
    with pytest.raises(exceptions.Conflict) as conflict:
        create(emulator)
    assert conflict.value.message.endswith(": Resource 'hello' already exists.")


def test_unknown_project_and_disabled_api(emulator):
    client = run_services(emulator)
    with pytest.raises(exceptions.Forbidden):
        client.get_service(name=f"projects/nope/locations/{REGION}/services/x")
    emulator.add_project("no-run", "100000000099", services=["compute.googleapis.com"])
    with pytest.raises(exceptions.Forbidden) as disabled:
        client.list_services(parent=f"projects/no-run/locations/{REGION}")
    assert "Cloud Run Admin API has not been used in project 100000000099" in disabled.value.message


def test_update_with_mask_changes_only_the_masked_field_and_keeps_the_revision(emulator):
    created = create(emulator)
    client = run_services(emulator)
    change = run_v2.Service(name=created.name, ingress=run_v2.IngressTraffic.INGRESS_TRAFFIC_INTERNAL_ONLY)
    updated = client.update_service(service=change, update_mask=field_mask_pb2.FieldMask(paths=["ingress"])).result()
    assert updated.ingress == run_v2.IngressTraffic.INGRESS_TRAFFIC_INTERNAL_ONLY
    assert updated.template.containers[0].image == created.template.containers[0].image
    assert updated.latest_created_revision == created.latest_created_revision
    assert updated.generation == 2 and updated.observed_generation == 2
    assert updated.etag != created.etag


def test_changing_the_template_creates_a_revision(emulator):
    created = create(emulator)
    client = run_services(emulator)
    created.template.containers[0].image = "us-docker.pkg.dev/cloudrun/container/hello:v2"
    updated = client.update_service(service=created).result()
    assert updated.latest_ready_revision.rsplit("/", 1)[-1].startswith("hello-00002-")
    revisions = next(iter(client.list_services(parent=PARENT)))
    assert revisions.latest_created_revision == updated.latest_created_revision
    same = client.update_service(service=updated).result()
    assert same.latest_created_revision == updated.latest_created_revision  # nothing changed: no revision
    body = raw_body(image="us-docker.pkg.dev/cloudrun/container/hello:v2")
    status, forced = emulator.call("PATCH", f"v2/{PARENT}/services/hello?forceNewRevision=true", body)
    assert status == 200, forced
    latest = client.get_service(name=created.name).latest_created_revision
    assert latest.rsplit("/", 1)[-1].startswith("hello-00003-")


def test_revisions_list_and_get(emulator):
    created = create(emulator)
    status, body = emulator.call("GET", f"v2/{PARENT}/services/hello/revisions")
    assert status == 200
    assert [r["name"] for r in body["revisions"]] == [created.latest_created_revision]
    status, revision = emulator.call("GET", f"v2/{created.latest_created_revision}")
    assert status == 200 and revision["service"] == created.name
    assert revision["conditions"][0]["state"] == "CONDITION_SUCCEEDED"


def test_update_missing_service_is_404_unless_allow_missing(emulator):
    client = run_services(emulator)
    body = service(name=f"{PARENT}/services/fresh")
    with pytest.raises(exceptions.NotFound):
        client.update_service(service=body).result()
    created = client.update_service(request=run_v2.UpdateServiceRequest(service=body, allow_missing=True)).result()
    assert created.name == f"{PARENT}/services/fresh"
    assert created.latest_ready_revision


def test_validate_only_persists_nothing(emulator):
    client = run_services(emulator)
    operation = client.create_service(request=run_v2.CreateServiceRequest(
        parent=PARENT, service_id="dry", service=service(), validate_only=True))
    assert operation.result().name == f"{PARENT}/services/dry"
    assert list(client.list_services(parent=PARENT)) == []
    created = create(emulator)
    change = run_v2.Service(name=created.name, ingress=run_v2.IngressTraffic.INGRESS_TRAFFIC_NONE)
    client.update_service(request=run_v2.UpdateServiceRequest(
        service=change, update_mask=field_mask_pb2.FieldMask(paths=["ingress"]), validate_only=True)).result()
    assert client.get_service(name=created.name).ingress == run_v2.IngressTraffic.INGRESS_TRAFFIC_ALL


def test_stale_etag_on_update_and_delete_is_409_aborted(emulator):
    created = create(emulator)
    client = run_services(emulator)
    created.description = "first"
    client.update_service(service=created).result()
    created.description = "second"  # still carries the etag read before the first update
    with pytest.raises(exceptions.Conflict) as conflict:
        client.update_service(service=created).result()
    assert conflict.value.response.json()["error"]["status"] == "ABORTED"
    with pytest.raises(exceptions.Conflict):
        client.delete_service(request=run_v2.DeleteServiceRequest(name=created.name, etag=created.etag)).result()
    current = client.get_service(name=created.name)
    deleted = client.delete_service(request=run_v2.DeleteServiceRequest(name=created.name, etag=current.etag)).result()
    assert deleted.name == created.name
    with pytest.raises(exceptions.NotFound):
        client.get_service(name=created.name)


def test_int_enum_bodies_and_answers(emulator):
    # LaunchStage BETA = 3 (google.api.LaunchStage), INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER = 3.
    body = raw_body(launchStage=3, iapEnabled=True, ingress=3)
    status, operation = emulator.call("POST", f"v2/{PARENT}/services?serviceId=enums&{INT_ENUMS}", body)
    assert status == 200, operation
    assert operation["metadata"]["@type"] == "type.googleapis.com/google.cloud.run.v2.Service"
    assert operation["metadata"]["ingress"] == 3
    status, named = emulator.call("GET", f"v2/{PARENT}/services/enums")
    assert named["ingress"] == "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER" and named["launchStage"] == "BETA"
    status, numbered = emulator.call("GET", f"v2/{PARENT}/services/enums?{INT_ENUMS}")
    assert numbered["ingress"] == 3 and numbered["launchStage"] == 3
    assert numbered["terminalCondition"]["state"] == 4  # CONDITION_SUCCEEDED


def test_operations_get_list_wait_delete(emulator):
    status, operation = emulator.call("POST", f"v2/{PARENT}/services?serviceId=ops", raw_body())
    assert status == 200 and operation["name"].startswith(f"{PARENT}/operations/")
    status, done = emulator.call("POST", f"v2/{operation['name']}:wait", {"timeout": "10s"})
    assert done["done"] is True and "response" in done and "error" not in done
    assert done["response"]["@type"] == "type.googleapis.com/google.cloud.run.v2.Service"
    status, listed = emulator.call("GET", f"v2/{PARENT}/operations")
    assert [op["name"] for op in listed["operations"]] == [operation["name"]]
    assert emulator.call("DELETE", f"v2/{operation['name']}")[0] == 200
    assert emulator.call("GET", f"v2/{operation['name']}")[0] == 404


def test_operations_complete_after_the_latency(emulator):
    emulator.admin("POST", "latency", {"op": 1.0})
    try:
        client = run_services(emulator)
        started = time.monotonic()
        operation = client.create_service(parent=PARENT, service_id="slow", service=service())
        assert not operation.done()
        reconciling = client.get_service(name=f"{PARENT}/services/slow")
        assert reconciling.reconciling
        assert reconciling.terminal_condition.state == run_v2.Condition.State.CONDITION_RECONCILING
        result = operation.result(timeout=30)
        assert time.monotonic() - started >= 1.0
        assert not result.reconciling and result.latest_ready_revision
        _status, waited = emulator.call("POST", f"v2/{operation.operation.name}:wait", {})
        assert waited["done"] and waited["response"]["name"] == result.name
    finally:
        emulator.admin("POST", "latency", {"op": 0})


def test_an_injected_operation_fault_ends_the_operation_in_error(emulator):
    emulator.fault(method="POST", path=r".*/services$", kind="operation", message="Internal error.", status=500)
    with pytest.raises(exceptions.GoogleAPICallError):
        create(emulator, "faulty")
    _status, body = emulator.call("GET", f"v2/{PARENT}/services/faulty")
    assert body["terminalCondition"]["state"] == "CONDITION_FAILED"


def test_delete_answers_an_operation_with_the_deleted_service(emulator):
    create(emulator)
    status, operation = emulator.call("DELETE", f"v2/{PARENT}/services/hello")
    assert status == 200 and operation["done"] is True
    assert operation["response"]["name"] == f"{PARENT}/services/hello"
    assert emulator.call("GET", f"v2/{PARENT}/services/hello")[0] == 404
