"""Compute networks and subnetworks through google-cloud-compute, as the patterns' code would use them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from google.cloud import compute_v1

from tests.emulator.clients import compute, wait
from tests.emulator.networking import (
    PROJECT,
    REGION,
    create_network,
    create_subnet,
    custom_network_with_subnet,
    expect_error,
)
from tests.support import EmulatorProcess

NAME_REGEX = "(?:[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?)"


# -- networks --------------------------------------------------------------------------------------


def test_every_project_has_the_auto_mode_default_network(emulator: EmulatorProcess) -> None:
    network = compute(emulator, "NetworksClient").get(project="demo-service", network="default")
    assert network.auto_create_subnetworks is True
    assert network.routing_config.routing_mode == "REGIONAL"
    subnets = compute(emulator, "SubnetworksClient")
    for region, cidr in (("us-central1", "10.128.0.0/20"), ("us-east1", "10.142.0.0/20"),
                         ("europe-west1", "10.132.0.0/20")):
        subnet = subnets.get(project="demo-service", region=region, subnetwork="default")
        assert subnet.ip_cidr_range == cidr
        assert subnet.gateway_address == cidr.replace("0/20", "1")
        assert subnet.private_ip_google_access is False
        assert subnet.self_link in network.subnetworks


def test_custom_network_lifecycle(emulator: EmulatorProcess) -> None:
    networks = compute(emulator, "NetworksClient")
    network = create_network(emulator, "vpc")
    assert network.auto_create_subnetworks is False
    assert list(network.subnetworks) == []
    assert network.mtu == 1460
    assert network.self_link == f"https://www.googleapis.com/compute/v1/projects/{PROJECT}/global/networks/vpc"
    assert "vpc" in [n.name for n in networks.list(project=PROJECT)]

    # No fingerprint on networks: a patch needs none.
    operation = networks.patch(project=PROJECT, network="vpc", network_resource=compute_v1.Network(
        routing_config=compute_v1.NetworkRoutingConfig(routing_mode="GLOBAL")))
    wait(emulator, operation, PROJECT)
    assert networks.get(project=PROJECT, network="vpc").routing_config.routing_mode == "GLOBAL"

    wait(emulator, networks.delete(project=PROJECT, network="vpc"), PROJECT)
    with expect_error(404, f"The resource 'projects/{PROJECT}/global/networks/vpc' was not found", "notFound"):
        networks.get(project=PROJECT, network="vpc")


def test_auto_mode_network_gets_a_subnet_per_region_and_takes_them_when_deleted(emulator: EmulatorProcess) -> None:
    network = create_network(emulator, "auto-net", auto=True)
    subnets = compute(emulator, "SubnetworksClient")
    subnet = subnets.get(project=PROJECT, region="europe-west1", subnetwork="auto-net")
    assert subnet.ip_cidr_range == "10.132.0.0/20"
    assert subnet.network == network.self_link
    assert len(network.subnetworks) >= 3

    wait(emulator, compute(emulator, "NetworksClient").delete(project=PROJECT, network="auto-net"), PROJECT)
    with expect_error(404):
        subnets.get(project=PROJECT, region="europe-west1", subnetwork="auto-net")


def test_network_with_a_custom_subnet_cannot_be_deleted(emulator: EmulatorProcess) -> None:
    custom_network_with_subnet(emulator)
    with expect_error(
        400,
        f"The network resource 'projects/{PROJECT}/global/networks/vpc' is already being used by "
        f"'projects/{PROJECT}/regions/{REGION}/subnetworks/app'",
        "resourceInUseByAnotherResource",
    ):
        compute(emulator, "NetworksClient").delete(project=PROJECT, network="vpc")


def test_network_name_rules_and_conflicts(emulator: EmulatorProcess) -> None:
    networks = compute(emulator, "NetworksClient")
    with expect_error(400, f"Invalid value for field 'resource.name': 'Bad_Name'. Must be a match of regex "
                           f"'{NAME_REGEX}'", "invalid"):
        networks.insert(project=PROJECT, network_resource=compute_v1.Network(name="Bad_Name",
                                                                               auto_create_subnetworks=False))
    with expect_error(409, f"The resource 'projects/{PROJECT}/global/networks/default' already exists",
                      "alreadyExists"):
        networks.insert(project=PROJECT, network_resource=compute_v1.Network(name="default",
                                                                               auto_create_subnetworks=True))


def test_unknown_field_is_refused(emulator: EmulatorProcess) -> None:
    status, body = emulator.call("POST", f"compute/v1/projects/{PROJECT}/global/networks",
                                 {"name": "vpc", "autoCreateSubnetworks": False, "colour": "blue"})
    assert status == 400
    assert body["error"]["message"] == (
        "Invalid JSON payload received. Unknown name \"colour\" at 'resource': Cannot find field.")


def test_unknown_project_and_disabled_api(emulator: EmulatorProcess) -> None:
    with expect_error(403):
        compute(emulator, "NetworksClient").list(project="nobody-project")
    emulator.add_project("no-compute", "100000000099", services=[])
    with expect_error(403, reason="accessNotConfigured") as info:
        compute(emulator, "NetworksClient").list(project="no-compute")
    assert "Compute Engine API has not been used in project 100000000099" in info.value.message


def test_request_id_makes_insert_idempotent(emulator: EmulatorProcess) -> None:
    create_network(emulator, "vpc")
    subnets = compute(emulator, "SubnetworksClient")
    request = compute_v1.InsertSubnetworkRequest(
        project=PROJECT, region=REGION, request_id="5c1c1b8e-6f55-4d3b-9d8e-1a2b3c4d5e6f",
        subnetwork_resource=compute_v1.Subnetwork(name="app", network="global/networks/vpc",
                                                  ip_cidr_range="10.0.0.0/24"))
    first = subnets.insert(request=request)
    second = subnets.insert(request=request)
    assert first.name == second.name
    wait(emulator, first, PROJECT, REGION)
    assert [s.name for s in subnets.list(project=PROJECT, region=REGION) if s.network.endswith("/vpc")] == ["app"]


# -- subnetworks -----------------------------------------------------------------------------------


def test_subnet_fields_and_aggregated_list(emulator: EmulatorProcess) -> None:
    subnet = custom_network_with_subnet(emulator)
    assert subnet.gateway_address == "10.0.0.1"
    assert subnet.purpose == "PRIVATE"
    assert subnet.fingerprint
    assert subnet.region.endswith(f"/regions/{REGION}")
    assert subnet.network == f"https://www.googleapis.com/compute/v1/projects/{PROJECT}/global/networks/vpc"
    pages = compute(emulator, "SubnetworksClient").aggregated_list(project=PROJECT)
    scopes = dict(pages)
    assert "app" in [s.name for s in scopes[f"regions/{REGION}"].subnetworks]
    assert "regions/europe-west1" in scopes


@pytest.mark.parametrize(
    ("cidr", "region", "message"),
    [
        ("10.0.0.128/25", REGION, "Invalid value for field 'resource.ipCidrRange': '10.0.0.128/25'. Invalid "
                                  f"IPCidrRange: 10.0.0.128/25 conflicts with existing subnetwork 'app' in region "
                                  f"'{REGION}'."),
        ("10.0.0.0/16", "us-east1", "Invalid value for field 'resource.ipCidrRange': '10.0.0.0/16'. Invalid "
                                    "IPCidrRange: 10.0.0.0/16 conflicts with existing subnetwork 'app' in region "
                                    f"'{REGION}'."),
        ("10.1.0.1/24", REGION, "Invalid value for field 'resource.ipCidrRange': '10.1.0.1/24'. Invalid "
                                "IPCidrRange: 10.1.0.1/24."),
        ("169.254.0.0/24", REGION, None),
        ("10.2.0.0/30", REGION, None),
    ],
)
def test_subnet_ranges_are_checked(emulator: EmulatorProcess, cidr: str, region: str, message: str | None) -> None:
    custom_network_with_subnet(emulator)
    with expect_error(400, message, "invalid"):
        create_subnet(emulator, "other", "vpc", cidr, region=region)


def test_custom_subnet_of_an_auto_network_stays_out_of_the_auto_block(emulator: EmulatorProcess) -> None:
    with expect_error(400, "Invalid value for field 'resource.ipCidrRange': '10.200.0.0/16'. Extended "
                           "subnetworks in auto subnet mode networks cannot overlap with 10.128.0.0/9."):
        create_subnet(emulator, "extra", "default", "10.200.0.0/16")
    assert create_subnet(emulator, "extra", "default", "10.10.0.0/24").ip_cidr_range == "10.10.0.0/24"


def test_subnet_needs_an_existing_network(emulator: EmulatorProcess) -> None:
    with expect_error(404, f"The resource 'projects/{PROJECT}/global/networks/missing' was not found", "notFound"):
        create_subnet(emulator, "app", "missing", "10.0.0.0/24")


def test_proxy_only_subnet_rules(emulator: EmulatorProcess) -> None:
    custom_network_with_subnet(emulator)
    purpose = "REGIONAL_MANAGED_PROXY"
    with expect_error(400, "Invalid value for field 'resource.role': 'UNSPECIFIED_ROLE'. Subnetwork role must be "
                           "specified when purpose set to REGIONAL_MANAGED_PROXY."):
        create_subnet(emulator, "proxy", "vpc", "10.129.0.0/23", purpose=purpose)
    with expect_error(400, "Invalid value for field 'resource.logConfig': '{  \"enable\": false}'. Invalid field "
                           "set in subnetwork with purpose REGIONAL_MANAGED_PROXY."):
        create_subnet(emulator, "proxy", "vpc", "10.129.0.0/23", purpose=purpose, role="ACTIVE",
                      log_config=compute_v1.SubnetworkLogConfig(enable=False))
    with expect_error(400, "Invalid value for field 'resource.privateIpGoogleAccess': 'true'. Invalid field set "
                           "in subnetwork with purpose REGIONAL_MANAGED_PROXY."):
        create_subnet(emulator, "proxy", "vpc", "10.129.0.0/23", purpose=purpose, role="ACTIVE",
                      private_ip_google_access=True)
    with expect_error(400):  # smaller than /26
        create_subnet(emulator, "proxy", "vpc", "10.129.0.0/27", purpose=purpose, role="ACTIVE")

    proxy = create_subnet(emulator, "proxy", "vpc", "10.129.0.0/23", purpose=purpose, role="ACTIVE")
    assert (proxy.purpose, proxy.role, proxy.state) == (purpose, "ACTIVE", "READY")
    with expect_error(400):  # one ACTIVE per network and region
        create_subnet(emulator, "proxy-2", "vpc", "10.130.0.0/23", purpose=purpose, role="ACTIVE")
    with expect_error(400):  # never next to the deprecated purpose
        create_subnet(emulator, "proxy-old", "vpc", "10.130.0.0/23", purpose="INTERNAL_HTTPS_LOAD_BALANCER",
                      role="BACKUP")
    backup = create_subnet(emulator, "proxy-2", "vpc", "10.130.0.0/23", purpose=purpose, role="BACKUP")
    assert backup.role == "BACKUP"
    # Another region has its own.
    create_subnet(emulator, "proxy-east", "vpc", "10.131.0.0/23", region="us-east1", purpose=purpose, role="ACTIVE")

    subnets = compute(emulator, "SubnetworksClient")
    with expect_error(400):
        subnets.set_private_ip_google_access(
            project=PROJECT, region=REGION, subnetwork="proxy",
            subnetworks_set_private_ip_google_access_request_resource=compute_v1.SubnetworksSetPrivateIpGoogleAccessRequest(
                private_ip_google_access=True))


def test_patch_needs_the_current_fingerprint(emulator: EmulatorProcess) -> None:
    subnet = custom_network_with_subnet(emulator)
    subnets = compute(emulator, "SubnetworksClient")
    with expect_error(412, reason="conditionNotMet"):
        subnets.patch(project=PROJECT, region=REGION, subnetwork="app", subnetwork_resource=compute_v1.Subnetwork(
            fingerprint="c3RhbGU=", secondary_ip_ranges=[]))
    patch = compute_v1.Subnetwork(fingerprint=subnet.fingerprint, secondary_ip_ranges=[
        compute_v1.SubnetworkSecondaryRange(range_name="pods", ip_cidr_range="10.4.0.0/16")])
    wait(emulator, subnets.patch(project=PROJECT, region=REGION, subnetwork="app", subnetwork_resource=patch),
         PROJECT, REGION)
    patched = subnets.get(project=PROJECT, region=REGION, subnetwork="app")
    assert [r.ip_cidr_range for r in patched.secondary_ip_ranges] == ["10.4.0.0/16"]
    assert patched.fingerprint != subnet.fingerprint
    # The old fingerprint is stale now.
    with expect_error(412):
        subnets.patch(project=PROJECT, region=REGION, subnetwork="app", subnetwork_resource=patch)
    with expect_error(400):  # the range changes only through expandIpCidrRange
        subnets.patch(project=PROJECT, region=REGION, subnetwork="app", subnetwork_resource=compute_v1.Subnetwork(
            fingerprint=patched.fingerprint, ip_cidr_range="10.0.0.0/23"))


def test_private_google_access_is_an_operation(emulator: EmulatorProcess) -> None:
    subnet = custom_network_with_subnet(emulator)
    subnets = compute(emulator, "SubnetworksClient")
    operation = subnets.set_private_ip_google_access(
        project=PROJECT, region=REGION, subnetwork="app",
        subnetworks_set_private_ip_google_access_request_resource=compute_v1.SubnetworksSetPrivateIpGoogleAccessRequest(
            private_ip_google_access=True))
    done = wait(emulator, operation, PROJECT, REGION)
    assert done.operation_type == "setPrivateIpGoogleAccess"
    assert done.target_link == subnet.self_link
    updated = subnets.get(project=PROJECT, region=REGION, subnetwork="app")
    assert updated.private_ip_google_access is True
    assert updated.fingerprint != subnet.fingerprint


def test_subnet_iam_policy_read_modify_write(emulator: EmulatorProcess) -> None:
    custom_network_with_subnet(emulator)
    subnets = compute(emulator, "SubnetworksClient")
    policy = subnets.get_iam_policy(request=compute_v1.GetIamPolicySubnetworkRequest(
        project=PROJECT, region=REGION, resource="app", options_requested_policy_version=3))
    assert policy.etag and not policy.bindings
    member = "serviceAccount:runner@demo-service.iam.gserviceaccount.com"
    written = subnets.set_iam_policy(
        project=PROJECT, region=REGION, resource="app",
        region_set_policy_request_resource=compute_v1.RegionSetPolicyRequest(policy=compute_v1.Policy(
            etag=policy.etag, bindings=[compute_v1.Binding(role="roles/compute.networkUser", members=[member])])))
    assert [list(b.members) for b in written.bindings] == [[member]]
    read = subnets.get_iam_policy(project=PROJECT, region=REGION, resource="app")
    assert read.etag == written.etag
    with expect_error(409):  # stale etag
        subnets.set_iam_policy(
            project=PROJECT, region=REGION, resource="app",
            region_set_policy_request_resource=compute_v1.RegionSetPolicyRequest(policy=compute_v1.Policy(
                etag=policy.etag, bindings=[])))
    with expect_error(404):
        subnets.get_iam_policy(project=PROJECT, region=REGION, resource="missing")


def test_subnet_used_by_an_address_cannot_be_deleted(emulator: EmulatorProcess) -> None:
    custom_network_with_subnet(emulator)
    addresses = compute(emulator, "AddressesClient")
    wait(emulator, addresses.insert(project=PROJECT, region=REGION, address_resource=compute_v1.Address(
        name="ip", address_type="INTERNAL", subnetwork=f"regions/{REGION}/subnetworks/app")), PROJECT, REGION)
    subnets = compute(emulator, "SubnetworksClient")
    with expect_error(400, f"The subnetwork resource 'projects/{PROJECT}/regions/{REGION}/subnetworks/app' is "
                           f"already being used by 'projects/{PROJECT}/regions/{REGION}/addresses/ip'",
                      "resourceInUseByAnotherResource"):
        subnets.delete(project=PROJECT, region=REGION, subnetwork="app")
    wait(emulator, addresses.delete(project=PROJECT, region=REGION, address="ip"), PROJECT, REGION)
    wait(emulator, subnets.delete(project=PROJECT, region=REGION, subnetwork="app"), PROJECT, REGION)


# -- operations that take time ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def slow_emulator() -> Iterator[EmulatorProcess]:
    """An emulator whose operations take 0.3 s, as Google's do (seconds to minutes)."""
    process = EmulatorProcess.start("--op-latency", "0.3")
    yield process
    process.stop()


def test_a_subnet_exists_only_once_its_insert_is_done(slow_emulator: EmulatorProcess) -> None:
    slow_emulator.reset()
    networks = compute(slow_emulator, "NetworksClient")
    network_op = networks.insert(project=PROJECT, network_resource=compute_v1.Network(
        name="vpc", auto_create_subnetworks=False))
    assert network_op.status != compute_v1.Operation.Status.DONE
    wait(slow_emulator, network_op, PROJECT)

    subnets = compute(slow_emulator, "SubnetworksClient")
    operation = subnets.insert(project=PROJECT, region=REGION, subnetwork_resource=compute_v1.Subnetwork(
        name="app", network="global/networks/vpc", ip_cidr_range="10.0.0.0/24"))
    assert operation.status == compute_v1.Operation.Status.RUNNING
    with expect_error(404):
        subnets.get(project=PROJECT, region=REGION, subnetwork="app")
    # Not usable either: an address cannot be reserved in it yet.
    with expect_error(400, reason="resourceNotReady"):
        compute(slow_emulator, "AddressesClient").insert(project=PROJECT, region=REGION, address_resource=(
            compute_v1.Address(name="ip", address_type="INTERNAL", subnetwork=f"regions/{REGION}/subnetworks/app")))
    # Its range is taken already, though: a second subnet cannot claim it meanwhile.
    with expect_error(400):
        subnets.insert(project=PROJECT, region=REGION, subnetwork_resource=compute_v1.Subnetwork(
            name="app-2", network="global/networks/vpc", ip_cidr_range="10.0.0.0/24"))

    done = wait(slow_emulator, operation, PROJECT, REGION)
    assert done.progress == 100 and done.end_time
    assert subnets.get(project=PROJECT, region=REGION, subnetwork="app").ip_cidr_range == "10.0.0.0/24"


def test_wait_returns_when_the_operation_is_done(slow_emulator: EmulatorProcess) -> None:
    import time

    slow_emulator.reset()
    networks = compute(slow_emulator, "NetworksClient")
    started = time.monotonic()
    operation = networks.insert(project=PROJECT, network_resource=compute_v1.Network(
        name="vpc", auto_create_subnetworks=True))
    done = wait(slow_emulator, operation, PROJECT)
    elapsed = time.monotonic() - started
    assert 0.25 <= elapsed < 2.0
    assert done.status == compute_v1.Operation.Status.DONE
    assert networks.get(project=PROJECT, network="vpc").subnetworks
