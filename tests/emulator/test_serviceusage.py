"""Service Usage through google-cloud-service-usage (REST, v1) and raw v1beta1 calls."""

from __future__ import annotations

import pytest
from google.api_core import exceptions
from google.cloud import service_usage_v1

from tests.emulator.clients import service_usage
from tests.emulator.serverless import INT_ENUMS, error_of

RUN_AGENT = "service-100000000055@serverless-robot-prod.iam.gserviceaccount.com"
IAP_AGENT = "service-100000000001@gcp-sa-iap.iam.gserviceaccount.com"


@pytest.fixture
def bare(emulator):
    """A project with only Service Usage enabled."""
    emulator.add_project("bare-project", "100000000055", services=["serviceusage.googleapis.com"])
    return emulator


def test_get_by_id_or_number(emulator):
    client = service_usage(emulator)
    got = client.get_service(request={"name": "projects/demo-project/services/run.googleapis.com"})
    assert got.name == "projects/100000000001/services/run.googleapis.com"
    assert got.parent == "projects/100000000001"
    assert got.state == service_usage_v1.State.ENABLED
    assert got.config.title == "Cloud Run Admin API"
    assert client.get_service(request={"name": "projects/100000000001/services/iap.googleapis.com"}).config.name == (
        "iap.googleapis.com")


def test_list_with_state_filter(bare):
    client = service_usage(bare)
    enabled = client.list_services(request=service_usage_v1.ListServicesRequest(
        parent="projects/bare-project", filter="state:ENABLED"))
    assert [s.config.name for s in enabled] == ["serviceusage.googleapis.com"]
    disabled = [s.config.name for s in client.list_services(request=service_usage_v1.ListServicesRequest(
        parent="projects/bare-project", filter="state:DISABLED"))]
    assert "run.googleapis.com" in disabled and "serviceusage.googleapis.com" not in disabled


def test_enabling_run_creates_its_service_agent(bare):
    client = service_usage(bare)
    assert RUN_AGENT not in bare.inventory()["serviceAgents"]
    status, refused = bare.call("GET", "v2/projects/bare-project/locations/us-central1/services")
    assert status == 403 and refused["error"]["details"][0]["reason"] == "SERVICE_DISABLED"
    operation = client.enable_service(request={"name": "projects/bare-project/services/run.googleapis.com"})
    response = operation.result(timeout=30)
    assert response.service.state == service_usage_v1.State.ENABLED
    assert RUN_AGENT in bare.inventory()["serviceAgents"]
    assert bare.call("GET", "v2/projects/bare-project/locations/us-central1/services")[0] == 200


def test_enabling_iap_does_not_create_its_agent(bare):
    name = "projects/bare-project/services/iap.googleapis.com"
    service_usage(bare).enable_service(request={"name": name}).result(timeout=30)
    agents = bare.inventory()["serviceAgents"]
    assert not any("gcp-sa-iap" in a and "100000000055" in a for a in agents)


def test_enable_already_enabled_is_a_done_noop_operation(emulator):
    status, operation = emulator.call("POST", "v1/projects/demo-project/services/run.googleapis.com:enable", {})
    assert status == 200
    assert operation["name"] == "operations/noop.DONE_OPERATION" and operation["done"]
    assert operation["response"]["@type"] == "type.googleapis.com/google.api.serviceusage.v1.EnableServiceResponse"


def test_disable(emulator):
    client = service_usage(emulator)
    response = client.disable_service(request=service_usage_v1.DisableServiceRequest(
        name="projects/demo-project/services/dns.googleapis.com")).result(timeout=30)
    assert response.service.state == service_usage_v1.State.DISABLED
    got = client.get_service(request={"name": "projects/demo-project/services/dns.googleapis.com"})
    assert got.state == service_usage_v1.State.DISABLED


def test_batch_enable_and_batch_get(bare):
    client = service_usage(bare)
    request = service_usage_v1.BatchEnableServicesRequest(
        parent="projects/100000000055", service_ids=["run.googleapis.com", "compute.googleapis.com"])
    response = client.batch_enable_services(request=request).result(timeout=30)
    assert sorted(s.config.name for s in response.services) == ["compute.googleapis.com", "run.googleapis.com"]
    got = client.batch_get_services(request=service_usage_v1.BatchGetServicesRequest(
        parent="projects/bare-project", names=["projects/bare-project/services/run.googleapis.com"]))
    assert got.services[0].state == service_usage_v1.State.ENABLED


def test_unknown_service_is_403(emulator):
    client = service_usage(emulator)
    with pytest.raises(exceptions.Forbidden) as refused:
        client.enable_service(request={"name": "projects/demo-project/services/nope.googleapis.com"})
    assert refused.value.message.endswith(": Not found or permission denied for service(s): nope.googleapis.com.")
    error = error_of(emulator.call("POST", "v1/projects/demo-project/services:batchEnable",
                                   {"serviceIds": ["run.googleapis.com", "nope.googleapis.com"]}))
    assert error["details"][0]["reason"] == "SERVICE_CONFIG_NOT_FOUND_OR_PERMISSION_DENIED"


def test_unknown_project_is_403(emulator):
    with pytest.raises(exceptions.Forbidden):
        service_usage(emulator).get_service(request={"name": "projects/nope/services/run.googleapis.com"})


def test_enable_completes_after_the_latency(bare):
    bare.admin("POST", "latency", {"op": 0.5})
    try:
        name = "projects/bare-project/services/compute.googleapis.com"
        operation = service_usage(bare).enable_service(request={"name": name})
        assert not operation.done()
        assert "compute.googleapis.com" not in next(
            p for p in bare.inventory()["projects"] if p["projectId"] == "bare-project")["enabledServices"]
        operation.result(timeout=30)
        _status, polled = bare.call("GET", f"v1/{operation.operation.name}")
        assert polled["done"] and "response" in polled
    finally:
        bare.admin("POST", "latency", {"op": 0})


def test_generate_service_identity_creates_the_iap_agent(emulator):
    assert IAP_AGENT not in emulator.inventory()["serviceAgents"]
    status, operation = emulator.call(
        "POST", "v1beta1/projects/demo-project/services/iap.googleapis.com:generateServiceIdentity")
    assert status == 200 and operation["done"]
    assert operation["response"] == {
        "@type": "type.googleapis.com/google.api.serviceusage.v1beta1.ServiceIdentity",
        "email": IAP_AGENT, "uniqueId": operation["response"]["uniqueId"]}
    assert operation["response"]["uniqueId"].isdigit()
    assert IAP_AGENT in emulator.inventory()["serviceAgents"]
    status, polled = emulator.call("GET", f"v1beta1/{operation['name']}")
    assert polled["response"]["email"] == IAP_AGENT


def test_int_enum_answers(emulator):
    _status, got = emulator.call("GET", f"v1/projects/demo-project/services/run.googleapis.com?{INT_ENUMS}")
    assert got["state"] == 2  # ENABLED
