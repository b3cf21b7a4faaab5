"""`crpatterns shared-vpc status` against the emulator: what it reports, and a non-zero exit on findings."""

from __future__ import annotations

from typing import Any

from google.cloud import compute_v1

from tests.cli import run
from tests.emulator.clients import compute, wait
from tests.test_shared_vpc import AGENT, HOST, REGION, SERVICE_PROJECT, SUBNET, enable, existing_service, host_network


def status(*extra: str, name: str = "api") -> list[str]:
    return ["shared-vpc", "status", name, "--region", REGION, "--project", SERVICE_PROJECT, *extra]


def test_status_after_enable_reports_every_part_and_exits_0(emulator: Any) -> None:
    host_network(emulator)
    existing_service(emulator)
    assert run(*enable("--network-tag", "api", "--yes")).exit_code == 0
    emulator.clear_requests()
    outcome = run(*status("--format", "json"))
    assert outcome.exit_code == 0, outcome
    report = outcome.json()
    assert report["host"] == HOST and report["subnet"] == SUBNET
    assert report["network"] == f"projects/{HOST}/global/networks/shared"
    assert (report["egress"], report["ingress"], report["tags"]) == ("ALL_TRAFFIC", "INGRESS_TRAFFIC_INTERNAL_ONLY",
                                                                     ["api"])
    assert report["agent"] == AGENT.removeprefix("serviceAccount:")
    assert report["agentCanUseSubnet"] and report["privateGoogleAccess"]
    assert report["hostIsSharedVpcHost"] and report["attachedTo"] == HOST
    assert report["findings"] == []
    assert emulator.mutating_requests() == []
    text = run(*status())
    assert text.exit_code == 0 and "OK:" in text.stdout and "can use the subnet: yes" in text.stdout


def test_a_revoked_grant_and_private_google_access_off_are_findings(emulator: Any) -> None:
    host_network(emulator)
    existing_service(emulator)
    assert run(*enable("--yes")).exit_code == 0
    subnets = compute(emulator, "SubnetworksClient")
    policy = subnets.get_iam_policy(project=HOST, region=REGION, resource="run-egress")
    kept = [b for b in policy.bindings if AGENT not in b.members]  # an empty binding is refused
    del policy.bindings[:]
    policy.bindings.extend(kept)
    subnets.set_iam_policy(project=HOST, region=REGION, resource="run-egress",
                           region_set_policy_request_resource=compute_v1.RegionSetPolicyRequest(policy=policy))
    request = compute_v1.SubnetworksSetPrivateIpGoogleAccessRequest(private_ip_google_access=False)
    wait(emulator, subnets.set_private_ip_google_access(
        project=HOST, region=REGION, subnetwork="run-egress",
        subnetworks_set_private_ip_google_access_request_resource=request), HOST, REGION)
    outcome = run(*status())
    assert outcome.exit_code == 1, outcome
    assert "lacks roles/compute.networkUser" in outcome.stdout
    assert "Private Google Access is off" in outcome.stdout
    # enable repairs both, and status is clean again
    assert run(*enable("--yes")).exit_code == 0
    assert run(*status()).exit_code == 0


def test_a_service_without_the_connection_is_a_finding(emulator: Any) -> None:
    existing_service(emulator)
    outcome = run(*status())
    assert outcome.exit_code == 1
    assert "not connected to a Shared VPC subnet" in outcome.stdout
    missing = run(*status(name="nothing"))
    assert missing.exit_code == 1 and "does not exist" in missing.stdout
