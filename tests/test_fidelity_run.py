"""The crpatterns CLI end to end against the emulator's stricter Cloud Run, IAM and IAP rules (issue 10):
what Google refuses, the tool must not send, and what Google needs, the tool must grant."""

from __future__ import annotations

from typing import Any

from google.cloud import run_v2

from tests.cli import run
from tests.emulator.clients import run_services
from tests.emulator.networking import create_network, create_subnet
from tests.emulator.serverless import attach, enable_xpn_host

HOST, SERVICE_PROJECT, REGION = "demo-host", "demo-service", "us-central1"
AGENT = "serviceAccount:service-100000000003@serverless-robot-prod.iam.gserviceaccount.com"
IMAGE = "us-docker.pkg.dev/demo/app/api:1"


def bindings(emulator: Any, path: str) -> dict[str, set[str]]:
    """A policy's bindings by role; Cloud Run v2 reads with GET, Resource Manager with POST."""
    if path.startswith("v2/"):
        status, policy = emulator.call("GET", f"{path}:getIamPolicy?options.requestedPolicyVersion=3")
    else:
        status, policy = emulator.call("POST", f"{path}:getIamPolicy", {"options": {"requestedPolicyVersion": 3}})
    assert status == 200, policy
    return {b["role"]: set(b["members"]) for b in policy.get("bindings", [])}


def test_shared_vpc_enable_grants_what_direct_vpc_egress_needs(emulator: Any) -> None:
    """https://cloud.google.com/run/docs/configuring/shared-vpc-direct-vpc#set_up_iam_permissions: networkUser
    on the subnet and networkViewer on the host project, both before the revision is created."""
    create_network(emulator, "shared", project=HOST)
    create_subnet(emulator, "run-egress", "shared", "10.8.0.0/24", project=HOST)
    enable_xpn_host(emulator, HOST)
    attach(emulator, SERVICE_PROJECT, HOST)
    outcome = run("shared-vpc", "enable", "api", "--image", IMAGE, "--region", REGION, "--host-project", HOST,
                  "--network", "shared", "--subnet", "run-egress", "--project", SERVICE_PROJECT, "--yes")
    assert outcome.exit_code == 0, outcome
    service = run_services(emulator).get_service(name=f"projects/{SERVICE_PROJECT}/locations/{REGION}/services/api")
    assert service.terminal_condition.state == run_v2.Condition.State.CONDITION_SUCCEEDED
    assert service.latest_ready_revision == service.latest_created_revision
    assert AGENT in bindings(emulator, f"v3/projects/{HOST}")["roles/compute.networkViewer"]
    subnet = f"compute/v1/projects/{HOST}/regions/{REGION}/subnetworks/run-egress"
    status, policy = emulator.call("GET", f"{subnet}/getIamPolicy")
    assert status == 200 and any(AGENT in b["members"] for b in policy["bindings"]
                                 if b["role"] == "roles/compute.networkUser"), policy


def test_internal_api_invokers_must_exist(emulator: Any) -> None:
    """IAM: a user-managed service account of a project Google knows must exist ("Service account ... does
    not exist."); the tool reports Google's sentence and a declared account works."""
    command = ["internal-api", "create", "orders", "--image", IMAGE, "--region", REGION, "--network", "default",
               "--subnet", "default", "--project", "demo-project", "--yes", "--invoker"]
    missing = run(*command, "serviceAccount:ghost@demo-project.iam.gserviceaccount.com")
    assert missing.exit_code != 0
    assert "Service account ghost@demo-project.iam.gserviceaccount.com does not exist." in missing.stderr
    emulator.add_service_account("ghost@demo-project.iam.gserviceaccount.com")
    again = run(*command, "serviceAccount:ghost@demo-project.iam.gserviceaccount.com")
    assert again.exit_code == 0, again
    invokers = bindings(emulator, f"v2/projects/demo-project/locations/{REGION}/services/orders")
    assert "serviceAccount:ghost@demo-project.iam.gserviceaccount.com" in invokers["roles/run.invoker"]
