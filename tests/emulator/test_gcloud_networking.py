"""The real gcloud CLI against the emulator's networking: gcloud speaks the real API, so anything it sends
that the emulator refuses is an emulator bug."""

from __future__ import annotations

import pytest

from tests.gcloud import gcloud, gcloud_json, requires_gcloud
from tests.support import EmulatorProcess

pytestmark = requires_gcloud
REGION = "us-central1"
ROBOT = "serviceAccount:service-100000000003@serverless-robot-prod.iam.gserviceaccount.com"


def ok(emulator: EmulatorProcess, *args: str, project: str = "demo-project") -> str:
    result = gcloud(emulator.host, *args, project=project)
    assert result.returncode == 0, f"gcloud {' '.join(args)} failed:\n{result.stderr}"
    return result.stdout + result.stderr


@pytest.fixture
def vpc(emulator: EmulatorProcess) -> EmulatorProcess:
    """A custom mode network `vpc` with subnet `app` (10.0.0.0/24), made with gcloud."""
    ok(emulator, "compute", "networks", "create", "vpc", "--subnet-mode=custom")
    ok(emulator, "compute", "networks", "subnets", "create", "app", "--network=vpc", "--range=10.0.0.0/24",
       f"--region={REGION}")
    return emulator


def test_subnet_create_describe_list_delete(vpc: EmulatorProcess) -> None:
    subnet = gcloud_json(vpc.host, "compute", "networks", "subnets", "describe", "app", f"--region={REGION}")
    assert (subnet["ipCidrRange"], subnet["gatewayAddress"], subnet["privateIpGoogleAccess"]) == (
        "10.0.0.0/24", "10.0.0.1", False)
    listed = gcloud_json(vpc.host, "compute", "networks", "subnets", "list", "--network=vpc")
    assert [s["name"] for s in listed] == ["app"]
    every = gcloud_json(vpc.host, "compute", "networks", "subnets", "list")
    assert {"app", "default"} <= {s["name"] for s in every}

    ok(vpc, "compute", "networks", "subnets", "delete", "app", f"--region={REGION}", "--quiet")
    assert gcloud_json(vpc.host, "compute", "networks", "subnets", "list", "--network=vpc") == []


def test_overlapping_subnet_shows_googles_message(vpc: EmulatorProcess) -> None:
    result = gcloud(vpc.host, "compute", "networks", "subnets", "create", "other", "--network=vpc",
                    "--range=10.0.0.0/25", f"--region={REGION}")
    assert result.returncode != 0
    assert "Invalid IPCidrRange: 10.0.0.0/25 conflicts with existing subnetwork 'app' in region" in result.stderr


def test_enable_private_google_access(vpc: EmulatorProcess) -> None:
    ok(vpc, "compute", "networks", "subnets", "update", "app", f"--region={REGION}",
       "--enable-private-ip-google-access")
    subnet = gcloud_json(vpc.host, "compute", "networks", "subnets", "describe", "app", f"--region={REGION}")
    assert subnet["privateIpGoogleAccess"] is True


def test_proxy_only_subnet(vpc: EmulatorProcess) -> None:
    ok(vpc, "compute", "networks", "subnets", "create", "proxy", "--network=vpc", "--range=10.129.0.0/23",
       f"--region={REGION}", "--purpose=REGIONAL_MANAGED_PROXY", "--role=ACTIVE")
    subnet = gcloud_json(vpc.host, "compute", "networks", "subnets", "describe", "proxy", f"--region={REGION}")
    assert (subnet["purpose"], subnet["role"]) == ("REGIONAL_MANAGED_PROXY", "ACTIVE")
    result = gcloud(vpc.host, "compute", "networks", "subnets", "create", "proxy-2", "--network=vpc",
                    "--range=10.130.0.0/23", f"--region={REGION}", "--purpose=REGIONAL_MANAGED_PROXY")
    assert result.returncode != 0
    assert "Subnetwork role must be specified when purpose set to REGIONAL_MANAGED_PROXY." in result.stderr


def test_internal_addresses_in_a_subnet(vpc: EmulatorProcess) -> None:
    ok(vpc, "compute", "addresses", "create", "vip", f"--region={REGION}", "--subnet=app")
    ok(vpc, "compute", "addresses", "create", "fixed", f"--region={REGION}", "--subnet=app", "--addresses=10.0.0.50")
    ok(vpc, "compute", "addresses", "create", "lb", "--global")
    listed = {a["name"]: a for a in gcloud_json(vpc.host, "compute", "addresses", "list")}
    assert (listed["vip"]["address"], listed["vip"]["addressType"], listed["vip"]["status"]) == (
        "10.0.0.2", "INTERNAL", "RESERVED")
    assert listed["fixed"]["address"] == "10.0.0.50"
    assert listed["lb"]["addressType"] == "EXTERNAL"
    result = gcloud(vpc.host, "compute", "addresses", "create", "clash", f"--region={REGION}", "--subnet=app",
                    "--addresses=10.0.0.50")
    assert result.returncode != 0
    assert "IP '10.0.0.50' is already being used by another resource." in result.stderr


def test_shared_vpc_enable_associate_and_host_lookup(emulator: EmulatorProcess) -> None:
    ok(emulator, "compute", "shared-vpc", "enable", "demo-host")
    ok(emulator, "compute", "shared-vpc", "associated-projects", "add", "demo-service", "--host-project=demo-host")
    host = gcloud_json(emulator.host, "compute", "shared-vpc", "get-host-project", "demo-service")
    assert (host["name"], host["xpnProjectStatus"]) == ("demo-host", "HOST")
    associated = gcloud_json(emulator.host, "compute", "shared-vpc", "associated-projects", "list", "demo-host")
    assert associated == [{"id": "demo-service", "type": "PROJECT"}]


def test_associating_with_a_project_that_is_not_a_host_fails(emulator: EmulatorProcess) -> None:
    result = gcloud(emulator.host, "compute", "shared-vpc", "associated-projects", "add", "demo-service",
                    "--host-project=demo-host")
    assert result.returncode != 0
    assert "is not a shared VPC host project" in result.stderr


def test_subnet_iam_policy_binding(vpc: EmulatorProcess) -> None:
    before = gcloud_json(vpc.host, "compute", "networks", "subnets", "get-iam-policy", "app", f"--region={REGION}")
    assert "bindings" not in before
    ok(vpc, "compute", "networks", "subnets", "add-iam-policy-binding", "app", f"--region={REGION}",
       f"--member={ROBOT}", "--role=roles/compute.networkUser")
    after = gcloud_json(vpc.host, "compute", "networks", "subnets", "get-iam-policy", "app", f"--region={REGION}")
    assert after["bindings"] == [{"members": [ROBOT], "role": "roles/compute.networkUser"}]
    assert after["etag"] != before["etag"]


def test_list_usable_subnets(vpc: EmulatorProcess) -> None:
    usable = gcloud_json(vpc.host, "compute", "networks", "subnets", "list-usable")
    assert any(s["subnetwork"].endswith(f"/regions/{REGION}/subnetworks/app") for s in usable)
