"""Rate quotas and the latency model through Google's own client libraries: a spent quota is refused as
Google refuses it (Cloud Run 429 RESOURCE_EXHAUSTED, Compute 403 rateLimitExceeded and
CONCURRENT_OPERATIONS_QUOTA_EXCEEDED), the admin endpoint reports how close callers ran, and each kind of
operation takes its own time under the google profile; a serverless NEG may name a Cloud Run service that
does not exist yet (the patterns' critical path relies on it: docs/latency.md)."""

from __future__ import annotations

import pytest
from google.api_core import exceptions
from google.cloud import compute_v1

from tests.emulator.clients import compute, run_services, wait
from tests.emulator.serverless import PARENT, REGION, service

# A scale this large makes the quota window (a minute times the scale) outlast the test: no refill midway.
NO_REFILL_SCALE = 1000.0


@pytest.fixture
def quotas(emulator):
    def configure(**limits: int) -> None:
        emulator.admin("POST", "latency", {"op": 0.0, "read": 0.0, "scale": NO_REFILL_SCALE})
        emulator.admin("POST", "quotas", {name.replace("_", "-"): limit for name, limit in limits.items()})

    yield configure
    emulator.admin("POST", "quotas", {})


def neg(name: str) -> compute_v1.NetworkEndpointGroup:
    return compute_v1.NetworkEndpointGroup(name=name, network_endpoint_type="SERVERLESS",
                                           cloud_run=compute_v1.NetworkEndpointGroupCloudRun(service="hello"))


def test_cloud_run_writes_past_the_quota_are_429_resource_exhausted(emulator, quotas):
    quotas(run_writes_per_minute=2)
    client = run_services(emulator)
    client.create_service(parent=PARENT, service=service(), service_id="one").result()
    client.create_service(parent=PARENT, service=service(), service_id="two").result()
    with pytest.raises(exceptions.TooManyRequests) as refused:
        client.create_service(parent=PARENT, service=service(), service_id="three")
    assert "Write requests per minute per region" in refused.value.message
    assert refused.value.reason == "RATE_LIMIT_EXCEEDED"
    client.get_service(name=f"{PARENT}/services/one")  # reads are not writes
    usage = emulator.admin("GET", "quotas")["limits"]["run-writes-per-minute"]
    assert (usage["limit"], usage["peak"], usage["refused"]) == (2, 2, 1)


def test_compute_mutations_past_the_quota_are_403_rate_limit_exceeded(emulator, quotas):
    quotas(compute_mutations_per_minute=1)
    negs = compute(emulator, "RegionNetworkEndpointGroupsClient")
    wait(emulator, negs.insert(project="demo-project", region=REGION, network_endpoint_group_resource=neg("a")),
         "demo-project", REGION)
    with pytest.raises(exceptions.Forbidden) as refused:
        negs.insert(project="demo-project", region=REGION, network_endpoint_group_resource=neg("b"))
    assert refused.value.errors[0]["reason"] == "rateLimitExceeded"


def test_operations_running_at_once_past_the_quota_are_concurrent_operations_quota_exceeded(emulator, quotas):
    quotas(compute_concurrent_operations=1)
    emulator.admin("POST", "latency", {"op": 0.001, "read": 0.0, "scale": NO_REFILL_SCALE})  # 1 s per operation
    negs = compute(emulator, "RegionNetworkEndpointGroupsClient")
    running = negs.insert(project="demo-project", region=REGION, network_endpoint_group_resource=neg("a"))
    with pytest.raises(exceptions.Forbidden) as refused:
        negs.insert(project="demo-project", region=REGION, network_endpoint_group_resource=neg("b"))
    assert refused.value.message.endswith("Rate Limit Exceeded")
    assert refused.value.reason == "CONCURRENT_OPERATIONS_QUOTA_EXCEEDED"
    wait(emulator, running, "demo-project", REGION)
    wait(emulator, negs.insert(project="demo-project", region=REGION, network_endpoint_group_resource=neg("b")),
         "demo-project", REGION)  # a slot again once the first is DONE


def test_under_the_google_profile_a_cloud_run_create_outlasts_a_neg(emulator):
    emulator.admin("POST", "latency", {"profile": "google", "scale": 0.05})  # 1 s for the service, 0.25 s the NEG
    try:
        created = run_services(emulator).create_service(parent=PARENT, service=service(), service_id="slow")
        negs = compute(emulator, "RegionNetworkEndpointGroupsClient")
        wait(emulator, negs.insert(project="demo-project", region=REGION, network_endpoint_group_resource=neg("a")),
             "demo-project", REGION)
        assert not created.done()  # still reconciling after the NEG is DONE
        created.result()
    finally:
        emulator.admin("POST", "latency", {"op": 0.0, "read": 0.0})


def test_a_serverless_neg_may_name_a_cloud_run_service_not_made_yet(emulator):
    negs = compute(emulator, "RegionNetworkEndpointGroupsClient")
    wait(emulator, negs.insert(project="demo-project", region=REGION, network_endpoint_group_resource=neg("early")),
         "demo-project", REGION)
    made = negs.get(project="demo-project", region=REGION, network_endpoint_group="early")
    assert made.cloud_run.service == "hello"
    with pytest.raises(exceptions.NotFound):
        run_services(emulator).get_service(name=f"{PARENT}/services/hello")
