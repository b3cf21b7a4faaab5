"""`crpatterns internal-api` across projects through the CLI against the emulator (issue 16, "Done means"):
the app in demo-service on demo-host's Shared VPC network; its frontend in demo-project (cross-project
service referencing) with the grant recorded and removed exactly; and a caller lacking the permission."""

from __future__ import annotations

from typing import Any

import pytest

from crpatterns.errors import ExitCode
from tests.cli import inventory_items, run
from tests.emulator.networking import create_network, create_subnet
from tests.emulator.serverless import attach, enable_xpn_host, grant_on_project, grant_on_subnet

HOST, APP, FRONT, REGION = "demo-host", "demo-service", "demo-project", "us-central1"
IMAGE = "us-docker.pkg.dev/demo/app/api:1"
ADMIN, OTHER, ALICE = "group:platform@example.com", "group:others@example.com", "user:alice@example.com"
SERVICE_USER = "roles/compute.loadBalancerServiceUser"
BACKEND_POLICY = f"//compute.googleapis.com/projects/{APP}/regions/{REGION}/backendServices/api-backend"


def create(*extra: str) -> list[str]:
    return ["internal-api", "create", "api", "--image", IMAGE, "--region", REGION, "--project", APP,
            "--no-invoker-iam", "--yes", *extra]


def on_host(*extra: str) -> list[str]:
    return create("--network", "shared", "--subnet", "apps", "--network-project", HOST, *extra)


def with_frontend(*extra: str) -> list[str]:
    return create("--network", "default", "--subnet", "default", "--frontend-project", FRONT, *extra)


def status() -> list[str]:
    return ["internal-api", "status", "api", "--region", REGION, "--project", APP]


def destroy() -> list[str]:
    return ["internal-api", "destroy", "api", "--region", REGION, "--project", APP, "--yes"]


def host_network(emulator: Any) -> None:
    create_network(emulator, "shared", project=HOST)
    create_subnet(emulator, "apps", "shared", "10.10.0.0/24", project=HOST)


def refused(emulator: Any, args: list[str], *words: str) -> None:
    """PlanError (exit 1), one sentence with `words`, and not one mutating call."""
    emulator.clear_requests()
    outcome = run(*args)
    assert outcome.exit_code == ExitCode.ERROR, outcome.stderr
    assert all(word in outcome.stderr for word in words), outcome.stderr
    assert outcome.stderr.count("Error: ") == 1
    assert emulator.mutating_requests() == []


def names(emulator: Any, collection: str, project: str) -> set[str]:
    return {r["name"] for r in inventory_items(emulator, collection) if f"/projects/{project}/" in r["selfLink"]}


def policy_members(emulator: Any, key: str, role: str) -> set[str]:
    policy = emulator.inventory()["iam"].get(key, {})
    return {m for b in policy.get("bindings", []) if b["role"] == role for m in b["members"]}


def test_on_a_shared_vpc_network(emulator):
    """Each refusal names who must act and changes nothing; then create, re-run, status, destroy, which keeps
    the host's proxy-only subnet and every other host resource."""
    host_network(emulator)
    refused(emulator, on_host(), f"{HOST} (--network-project) is not a Shared VPC host project",
            "gcloud compute shared-vpc enable")
    enable_xpn_host(emulator, HOST)
    refused(emulator, on_host(), f"Project {APP} is not attached to the Shared VPC host {HOST}",
            f"associated-projects add {APP} --host-project {HOST}")
    attach(emulator, APP, HOST)
    emulator.admin("POST", "caller", {"member": ALICE})
    refused(emulator, on_host(), f"Subnet apps of the host project {HOST} is not shared with project {APP}",
            "roles/compute.networkUser")
    grant_on_subnet(emulator, ALICE, subnet="apps", host=HOST)
    refused(emulator, on_host(), "has no active proxy-only subnet", "--create-proxy-subnet",
            "gcloud compute networks subnets create")

    created = run(*on_host("--create-proxy-subnet"))
    assert created.exit_code == ExitCode.OK, created.stderr
    assert names(emulator, "regions/forwardingRules", APP) == {"api-rule"}
    assert {"apps", "api-proxy-only"} <= names(emulator, "regions/subnetworks", HOST)
    again = run(*on_host())
    assert again.exit_code == ExitCode.OK and "No changes" in again.stdout, again.stdout + again.stderr
    report = run(*status())
    assert report.exit_code == ExitCode.OK, report.stdout
    assert f"network {HOST}" in report.stdout and "network shared, subnet apps" in report.stdout

    gone = run(*destroy())
    assert gone.exit_code == ExitCode.OK, gone.stderr
    assert "kept: a proxy-only subnet of project demo-host" in gone.stdout
    assert names(emulator, "regions/forwardingRules", APP) == set()
    assert {"apps", "api-proxy-only"} <= names(emulator, "regions/subnetworks", HOST)
    assert ALICE in policy_members(emulator, f"//compute.googleapis.com/projects/{HOST}/regions/{REGION}/"
                                   "subnetworks/apps", "roles/compute.networkUser")


def test_a_frontend_in_another_project(emulator):
    """The frontend in demo-project, the backend in demo-service: the grant recorded; dropping an admin revokes
    exactly that grant; destroy removes the frontend and the grant with the backend service, and keeps others'."""
    grant_on_project(emulator, OTHER, project=APP, role=SERVICE_USER)
    created = run(*with_frontend("--frontend-admin", ADMIN, "--frontend-admin", ALICE))
    assert created.exit_code == ExitCode.OK, created.stderr
    assert names(emulator, "regions/urlMaps", FRONT) == {"api-urlmap"}
    assert names(emulator, "regions/backendServices", APP) == {"api-backend"}
    assert policy_members(emulator, BACKEND_POLICY, SERVICE_USER) == {ADMIN, ALICE}
    service = emulator.inventory()["run"]["services"]
    annotations = next(s for s in service if s["name"].endswith("/services/api"))["annotations"]
    assert annotations["crpatterns.dev/frontend-admins"] == f"{ADMIN},{ALICE}"
    assert annotations["crpatterns.dev/projects"] == f"frontend={FRONT}"
    again = run(*with_frontend("--frontend-admin", ADMIN, "--frontend-admin", ALICE))
    assert "No changes" in again.stdout, again.stdout

    emulator.call("POST", f"compute/v1/projects/{APP}/regions/{REGION}/backendServices/api-backend/setIamPolicy",
                  {"policy": {"bindings": [{"role": SERVICE_USER, "members": [ADMIN, ALICE, OTHER]}]}})
    dropped = run(*with_frontend("--frontend-admin", ADMIN))
    assert dropped.exit_code == ExitCode.OK, dropped.stderr
    assert policy_members(emulator, BACKEND_POLICY, SERVICE_USER) == {ADMIN, OTHER}

    report = run(*status())
    assert f"frontend {FRONT}" in report.stdout and ADMIN in report.stdout, report.stdout
    gone = run(*destroy())
    assert gone.exit_code == ExitCode.OK, gone.stderr
    for collection in ("regions/urlMaps", "regions/targetHttpProxies", "regions/forwardingRules"):
        assert names(emulator, collection, FRONT) == set()
    assert BACKEND_POLICY not in emulator.inventory()["iam"]
    assert OTHER in policy_members(emulator, f"//cloudresourcemanager.googleapis.com/projects/{APP}", SERVICE_USER)


@pytest.mark.parametrize("admins", [[], ["--frontend-admin", ADMIN]])
def test_a_caller_without_the_permission_is_told_the_role(emulator, admins):
    """The emulator refuses the URL map's reference with Google's 403; the tool names the role in one sentence.
    A --frontend-admin grant to others does not help the caller."""
    emulator.admin("POST", "caller", {"member": ALICE})
    outcome = run(*with_frontend(*admins))
    assert outcome.exit_code == ExitCode.ERROR
    failure = next(line for line in outcome.stderr.splitlines() if "compute.regionUrlMaps api-urlmap failed" in line)
    assert "lacks compute.backendServices.use" in failure and SERVICE_USER in failure
    assert failure.count(". ") == 0 and failure.rstrip().endswith(").")
    assert names(emulator, "regions/urlMaps", FRONT) == set()
