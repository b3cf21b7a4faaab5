"""`shared-vpc disable --delete-service` (issue 13, item 10): deletes the service `enable --image` created,
and only such a service; with --revoke-host-access the host grants the tool added go too."""

from __future__ import annotations

from typing import Any

from tests.cli import run
from tests.pattern_cases import CASES, enable_xpn_host

VPC = CASES[2]
AGENT = "serviceAccount:service-100000000003@serverless-robot-prod.iam.gserviceaccount.com"
SUBNET_POLICY = "//compute.googleapis.com/projects/demo-host/regions/us-central1/subnetworks/default"


def disable(*extra: str) -> list[str]:
    return [*VPC.destroy, "--delete-service", *extra]


def agent_roles(emulator: Any) -> set[str]:
    roles = set()
    for key, policy in emulator.inventory()["iam"].items():
        if "demo-host" in key:
            roles |= {b["role"] for b in policy.get("bindings", []) if AGENT in b["members"]}
    return roles


def test_delete_service_deletes_the_service_enable_created(emulator: Any) -> None:
    enable_xpn_host(emulator)
    assert run(*VPC.create, "--yes").exit_code == 0
    planned = run(*disable("--dry-run"))
    assert planned.exit_code == 0, planned
    assert "- run.services payments (us-central1)" in planned.stdout
    assert "add --revoke-host-access to remove them too" in planned.stdout
    emulator.clear_requests()
    done = run(*disable("--yes"))
    assert done.exit_code == 0, done
    assert emulator.inventory()["run"]["services"] == []
    assert agent_roles(emulator) == {"roles/compute.networkUser", "roles/compute.networkViewer"}, "kept without flag"
    again = run(*disable("--yes"))
    assert again.exit_code == 0 and "No changes." in again.stdout, "deleted already: nothing left to do"
    assert [r["method"] for r in emulator.mutating_requests()] == ["DELETE"], "one delete, and nothing on the rerun"


def test_delete_service_with_revoke_removes_the_grants_too(emulator: Any) -> None:
    enable_xpn_host(emulator)
    assert run(*VPC.create, "--yes").exit_code == 0
    assert agent_roles(emulator) == {"roles/compute.networkUser", "roles/compute.networkViewer"}
    done = run(*disable("--revoke-host-access", "--yes"))
    assert done.exit_code == 0, done
    assert emulator.inventory()["run"]["services"] == [] and agent_roles(emulator) == set()


def test_a_service_crpatterns_did_not_create_is_never_deleted(emulator: Any) -> None:
    enable_xpn_host(emulator)
    status, answer = emulator.call("POST", "v2/projects/demo-service/locations/us-central1/services?serviceId=payments",
                                   {"template": {"containers": [{"image": "us-docker.pkg.dev/team/payments:3"}]}})
    assert status == 200, answer
    without_image = [a for i, a in enumerate(VPC.create)
                     if a != "--image" and (i == 0 or VPC.create[i - 1] != "--image")]
    assert run(*without_image, "--yes").exit_code == 0
    emulator.clear_requests()
    refused = run(*disable("--yes"))
    assert refused.exit_code == 1, refused
    assert refused.stderr.startswith("Error: Cloud Run service payments in us-central1 was not created by crpatterns")
    assert "Traceback" not in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
    assert emulator.mutating_requests() == []
    assert [s["name"].rsplit("/", 1)[-1] for s in emulator.inventory()["run"]["services"]] == ["payments"]
