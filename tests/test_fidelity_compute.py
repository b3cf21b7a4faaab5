"""The tool end to end against Compute rules the emulator enforces because Google does (issue 10, Compute):
a stricter emulator must find the tool's calls already right."""

from __future__ import annotations

from typing import Any

from tests.cli import inventory_items, run

PROJECT = "demo-project"
REGION = "us-central1"
IMAGE = "us-docker.pkg.dev/demo/api/hello:1"
PROXY_RANGE = "10.2.0.0/23"  # outside the auto mode `default` network's 10.128.0.0/9


def create(name: str, *extra: str) -> list[str]:
    return ["internal-api", "create", name, "--image", IMAGE, "--region", REGION, "--network", "default",
            "--subnet", "default", "--project", PROJECT, "--no-invoker-iam", "--yes", *extra]


def destroy(name: str) -> list[str]:
    return ["internal-api", "destroy", name, "--region", REGION, "--project", PROJECT, "--yes"]


def proxy_subnets(emulator: Any) -> list[str]:
    return [s["name"] for s in inventory_items(emulator, "regions/subnetworks") if s.get("purpose") ==
            "REGIONAL_MANAGED_PROXY"]


def failed_calls(emulator: Any) -> list[dict[str, Any]]:
    return [r for r in emulator.requests() if r["status"] >= 400]


def test_two_apps_share_the_proxy_only_subnet_and_destroy_never_hits_googles_in_use_refusal(emulator: Any) -> None:
    """Google refuses to delete an ACTIVE proxy-only subnet while an Envoy-based load balancer's forwarding
    rule uses it (https://cloud.google.com/load-balancing/docs/proxy-only-subnets, "Delete a proxy-only
    subnet"); the emulator answers 400 resourceInUseByAnotherResource. The tool keeps the subnet while another
    app's rule runs on it and deletes it with the last one, without a single refused call."""
    assert run(*create("api", "--proxy-subnet-range", PROXY_RANGE)).exit_code == 0
    assert run(*create("other")).exit_code == 0
    assert proxy_subnets(emulator) == ["api-proxy-only"]

    emulator.clear_requests()
    first = run(*destroy("api"))
    assert first.exit_code == 0, first
    assert "kept: forwarding rule other-rule still runs on this proxy-only subnet" in first.stdout
    assert proxy_subnets(emulator) == ["api-proxy-only"]
    assert failed_calls(emulator) == []

    last = run(*destroy("other"))
    assert last.exit_code == 0, last
    assert run(*destroy("api")).exit_code == 0  # the creator's leftover subnet, now unused
    assert proxy_subnets(emulator) == []
    subnet_deletes = [r for r in emulator.requests() if r.get("methodId") == "compute.subnetworks.delete"]
    assert [r["status"] for r in subnet_deletes] == [200]
    assert failed_calls(emulator) == []
