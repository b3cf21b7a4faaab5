"""Direct VPC egress into a Shared VPC subnet: the revision fails until the host is a Shared VPC host, the
service project is attached, and the service project's Cloud Run agent holds roles/compute.networkUser on
the host project, or networkUser on the subnet plus roles/compute.networkViewer on the host project
(https://cloud.google.com/run/docs/configuring/shared-vpc-direct-vpc#set_up_iam_permissions; docs/
google-behaviour.md, "Cloud Run: Direct VPC egress and Shared VPC"). The host side is built through the
Compute API."""

from __future__ import annotations

import pytest
from google.api_core import exceptions
from google.auth.credentials import AnonymousCredentials
from google.cloud import resourcemanager_v3, run_v2
from google.iam.v1 import iam_policy_pb2, policy_pb2

from tests.emulator.clients import options, run_services
from tests.emulator.serverless import (
    REGION,
    attach,
    enable_xpn_host,
    grant_on_project,
    grant_on_subnet,
    service,
    shared_vpc_host,
)

SERVICE_PARENT = f"projects/demo-service/locations/{REGION}"
AGENT = "service-100000000003@serverless-robot-prod.iam.gserviceaccount.com"


def egress_service(subnet: str) -> run_v2.Service:
    body = service(ingress=run_v2.IngressTraffic.INGRESS_TRAFFIC_INTERNAL_ONLY)
    body.template.vpc_access = run_v2.VpcAccess(
        network_interfaces=[run_v2.VpcAccess.NetworkInterface(
            network="projects/demo-host/global/networks/shared", subnetwork=subnet, tags=["svc"])],
        egress=run_v2.VpcAccess.VpcEgress.ALL_TRAFFIC)
    return body


def create_failing(emulator, subnet: str, service_id: str) -> str:
    """Creates the service, expects its operation to fail, and returns the error message."""
    client = run_services(emulator)
    operation = client.create_service(parent=SERVICE_PARENT, service_id=service_id, service=egress_service(subnet))
    with pytest.raises(exceptions.GoogleAPICallError) as failed:
        operation.result(timeout=30)
    got = client.get_service(name=f"{SERVICE_PARENT}/services/{service_id}")
    assert got.terminal_condition.state == run_v2.Condition.State.CONDITION_FAILED
    assert got.terminal_condition.message == failed.value.message
    assert got.latest_created_revision and not got.latest_ready_revision
    return failed.value.message


def test_refused_until_host_attachment_and_grant_are_all_present(emulator):
    subnet = shared_vpc_host(emulator)
    assert "is not a Shared VPC host project" in create_failing(emulator, subnet, "no-host")
    enable_xpn_host(emulator)
    assert "is not attached as a service project" in create_failing(emulator, subnet, "no-attachment")
    attach(emulator)
    message = create_failing(emulator, subnet, "no-grant")
    assert AGENT in message and "roles/compute.networkUser" in message and subnet in message
    grant_on_subnet(emulator, f"serviceAccount:{AGENT}")
    # networkUser on the subnet gives compute.subnetworks.use there, not the network reads on the host.
    message = create_failing(emulator, subnet, "no-viewer")
    assert "compute.networks.get" in message and "roles/compute.networkViewer" in message and AGENT in message
    grant_on_project(emulator, f"serviceAccount:{AGENT}")
    client = run_services(emulator)
    created = client.create_service(parent=SERVICE_PARENT, service_id="granted",
                                    service=egress_service(subnet)).result(timeout=30)
    assert created.terminal_condition.state == run_v2.Condition.State.CONDITION_SUCCEEDED
    assert created.template.vpc_access.egress == run_v2.VpcAccess.VpcEgress.ALL_TRAFFIC
    # The service that failed for want of the grant reconciles on its next update.
    failed = client.get_service(name=f"{SERVICE_PARENT}/services/no-grant")
    fixed = client.update_service(service=failed).result(timeout=30)
    assert fixed.latest_ready_revision == fixed.latest_created_revision


def test_a_grant_on_the_host_project_is_enough(emulator):
    subnet = shared_vpc_host(emulator)
    enable_xpn_host(emulator)
    attach(emulator)
    projects = resourcemanager_v3.ProjectsClient(transport="rest", client_options=options(emulator),
                                                 credentials=AnonymousCredentials())
    policy = projects.get_iam_policy(request=iam_policy_pb2.GetIamPolicyRequest(resource="projects/demo-host"))
    policy.bindings.append(policy_pb2.Binding(role="roles/compute.networkUser", members=[f"serviceAccount:{AGENT}"]))
    projects.set_iam_policy(request=iam_policy_pb2.SetIamPolicyRequest(resource="projects/demo-host", policy=policy))
    created = run_services(emulator).create_service(parent=SERVICE_PARENT, service_id="via-project",
                                                    service=egress_service(subnet)).result(timeout=30)
    assert created.latest_ready_revision


def test_a_grant_to_someone_else_does_not_count(emulator):
    subnet = shared_vpc_host(emulator)
    enable_xpn_host(emulator)
    attach(emulator)
    grant_on_subnet(emulator, "serviceAccount:service-100000000001@serverless-robot-prod.iam.gserviceaccount.com")
    grant_on_subnet(emulator, f"serviceAccount:{AGENT}", role="roles/compute.networkViewer")
    assert AGENT in create_failing(emulator, subnet, "wrong-grant")


def test_network_viewer_on_the_host_without_network_user_fails(emulator):
    subnet = shared_vpc_host(emulator)
    enable_xpn_host(emulator)
    attach(emulator)
    grant_on_project(emulator, f"serviceAccount:{AGENT}")
    message = create_failing(emulator, subnet, "viewer-only")
    assert "'compute.subnetworks.use'" in message and "roles/compute.networkUser" in message


def test_the_refusal_shows_after_the_operation_latency(emulator):
    subnet = shared_vpc_host(emulator)
    emulator.admin("POST", "latency", {"op": 0.5})
    try:
        client = run_services(emulator)
        operation = client.create_service(parent=SERVICE_PARENT, service_id="slow", service=egress_service(subnet))
        assert not operation.done()
        with pytest.raises(exceptions.GoogleAPICallError):
            operation.result(timeout=30)
        _status, raw = emulator.call("GET", f"v2/{operation.operation.name}")
        assert raw["done"] and "error" in raw and "response" not in raw
        assert raw["error"]["code"] == 9  # FAILED_PRECONDITION (UNCONFIRMED)
    finally:
        emulator.admin("POST", "latency", {"op": 0})


def test_short_names_mean_the_service_project(emulator):
    body = service()
    body.template.vpc_access = run_v2.VpcAccess(network_interfaces=[
        run_v2.VpcAccess.NetworkInterface(network="default", subnetwork="default")])
    created = run_services(emulator).create_service(parent=SERVICE_PARENT, service_id="own",
                                                    service=body).result(timeout=30)
    assert created.latest_ready_revision
