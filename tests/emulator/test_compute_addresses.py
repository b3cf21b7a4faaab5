"""Compute addresses (regional and global) and Shared VPC projects through google-cloud-compute."""

from __future__ import annotations

from google.cloud import compute_v1

from tests.emulator.clients import compute, wait
from tests.emulator.lb import global_external_chain, insert_regional_rule, internal_rule, regional_internal_chain
from tests.emulator.networking import PROJECT, REGION, custom_network_with_subnet, expect_error
from tests.support import EmulatorProcess

HOST, SERVICE = "demo-host", "demo-service"


def reserve(emulator: EmulatorProcess, name: str, project: str = PROJECT, **fields: object) -> compute_v1.Address:
    addresses = compute(emulator, "AddressesClient")
    operation = addresses.insert(project=project, region=REGION, address_resource=compute_v1.Address(
        name=name, **fields))
    wait(emulator, operation, project, REGION)
    return addresses.get(project=project, region=REGION, address=name)


def internal(emulator: EmulatorProcess, name: str, subnet: str = "app", project: str = PROJECT,
             **fields: object) -> compute_v1.Address:
    return reserve(emulator, name, project=project, address_type="INTERNAL",
                   subnetwork=f"regions/{REGION}/subnetworks/{subnet}", **fields)


# -- regional internal addresses -------------------------------------------------------------------


def test_internal_addresses_take_free_ips_from_their_subnet(emulator: EmulatorProcess) -> None:
    subnet = custom_network_with_subnet(emulator)
    first = internal(emulator, "first")
    assert (first.address, first.status, first.purpose, first.network_tier) == (
        "10.0.0.2", "RESERVED", "GCE_ENDPOINT", "PREMIUM")
    assert first.subnetwork == subnet.self_link
    assert internal(emulator, "second").address == "10.0.0.3"
    assert internal(emulator, "chosen", address="10.0.0.200").address == "10.0.0.200"


def test_a_requested_internal_ip_must_be_inside_the_subnet_and_free(emulator: EmulatorProcess) -> None:
    custom_network_with_subnet(emulator)
    internal(emulator, "taken", address="10.0.0.10")
    with expect_error(400, "IP '10.0.0.10' is already being used by another resource."):
        internal(emulator, "again", address="10.0.0.10")
    with expect_error(400, "Invalid value for field 'resource.address': '10.9.0.5'. Requested internal IP is "
                           "outside the subnetwork CIDR range.", "invalid"):
        internal(emulator, "outside", address="10.9.0.5")
    with expect_error(400):  # the gateway is Google's
        internal(emulator, "gateway", address="10.0.0.1")


def test_internal_address_without_subnet_uses_the_default_network(emulator: EmulatorProcess) -> None:
    address = reserve(emulator, "implicit", address_type="INTERNAL")
    assert address.subnetwork.endswith(f"/regions/{REGION}/subnetworks/default")
    assert address.address == "10.128.0.2"

    wait(emulator, compute(emulator, "AddressesClient").delete(project=PROJECT, region=REGION, address="implicit"),
         PROJECT, REGION)
    wait(emulator, compute(emulator, "NetworksClient").delete(project=PROJECT, network="default"), PROJECT)
    with expect_error(400, "Invalid value for field 'resource.subnetwork': ''. No default subnetwork was found for "
                           "an address with type INTERNAL."):
        reserve(emulator, "implicit", address_type="INTERNAL")


def test_addresses_cannot_come_from_a_proxy_only_subnet(emulator: EmulatorProcess) -> None:
    custom_network_with_subnet(emulator)
    subnets = compute(emulator, "SubnetworksClient")
    wait(emulator, subnets.insert(project=PROJECT, region=REGION, subnetwork_resource=compute_v1.Subnetwork(
        name="proxy", network="global/networks/vpc", ip_cidr_range="10.129.0.0/23",
        purpose="REGIONAL_MANAGED_PROXY", role="ACTIVE")), PROJECT, REGION)
    with expect_error(400):
        internal(emulator, "vip", subnet="proxy")


# -- external and global addresses -----------------------------------------------------------------


def test_global_external_addresses_get_unique_public_ips(emulator: EmulatorProcess) -> None:
    addresses = compute(emulator, "GlobalAddressesClient")
    for name in ("lb-ip", "lb-ip-2"):
        wait(emulator, addresses.insert(project=PROJECT, address_resource=compute_v1.Address(name=name)), PROJECT)
    first = addresses.get(project=PROJECT, address="lb-ip")
    second = addresses.get(project=PROJECT, address="lb-ip-2")
    assert (first.address_type, first.network_tier, first.ip_version, first.status) == (
        "EXTERNAL", "PREMIUM", "IPV4", "RESERVED")
    assert first.address != second.address
    assert not first.address.startswith(("10.", "192.168.", "172."))
    assert first.self_link == f"https://www.googleapis.com/compute/v1/projects/{PROJECT}/global/addresses/lb-ip"
    assert [a.name for a in addresses.list(project=PROJECT)] == ["lb-ip", "lb-ip-2"]
    with expect_error(400):  # global addresses are always PREMIUM
        addresses.insert(project=PROJECT, address_resource=compute_v1.Address(name="cheap", network_tier="STANDARD"))
    with expect_error(409, f"The resource 'projects/{PROJECT}/global/addresses/lb-ip' already exists"):
        addresses.insert(project=PROJECT, address_resource=compute_v1.Address(name="lb-ip"))


def test_regional_external_address_and_aggregated_list(emulator: EmulatorProcess) -> None:
    address = reserve(emulator, "egress")
    assert address.address_type == "EXTERNAL" and address.region.endswith(f"/regions/{REGION}")
    scopes = dict(compute(emulator, "AddressesClient").aggregated_list(project=PROJECT))
    assert [a.name for a in scopes[f"regions/{REGION}"].addresses] == ["egress"]


def test_labels_change_only_with_the_current_label_fingerprint(emulator: EmulatorProcess) -> None:
    addresses = compute(emulator, "GlobalAddressesClient")
    wait(emulator, addresses.insert(project=PROJECT, address_resource=compute_v1.Address(name="lb-ip")), PROJECT)
    before = addresses.get(project=PROJECT, address="lb-ip")
    with expect_error(412, reason="conditionNotMet"):
        addresses.set_labels(project=PROJECT, resource="lb-ip", global_set_labels_request_resource=(
            compute_v1.GlobalSetLabelsRequest(label_fingerprint="c3RhbGU=", labels={"app": "web"})))
    wait(emulator, addresses.set_labels(project=PROJECT, resource="lb-ip", global_set_labels_request_resource=(
        compute_v1.GlobalSetLabelsRequest(label_fingerprint=before.label_fingerprint, labels={"app": "web"}))),
        PROJECT)
    after = addresses.get(project=PROJECT, address="lb-ip")
    assert dict(after.labels) == {"app": "web"}
    assert after.label_fingerprint != before.label_fingerprint

    regional = compute(emulator, "AddressesClient")
    reserve(emulator, "egress")
    with expect_error(412):
        regional.set_labels(project=PROJECT, region=REGION, resource="egress", region_set_labels_request_resource=(
            compute_v1.RegionSetLabelsRequest(label_fingerprint="c3RhbGU=", labels={"a": "b"})))


def test_global_address_used_by_a_forwarding_rule_is_in_use(emulator: EmulatorProcess) -> None:
    rule = global_external_chain(emulator)
    addresses = compute(emulator, "GlobalAddressesClient")
    address = addresses.get(project=PROJECT, address="lb-ip")
    assert (address.status, list(address.users)) == ("IN_USE", [rule.self_link])
    assert rule.I_p_address == address.address
    with expect_error(400, f"The address resource 'projects/{PROJECT}/global/addresses/lb-ip' is already being used "
                           f"by 'projects/{PROJECT}/global/forwardingRules/https'", "resourceInUseByAnotherResource"):
        addresses.delete(project=PROJECT, address="lb-ip")
    wait(emulator, compute(emulator, "GlobalForwardingRulesClient").delete(project=PROJECT, forwarding_rule="https"),
         PROJECT)
    freed = addresses.get(project=PROJECT, address="lb-ip")
    assert (freed.status, list(freed.users)) == ("RESERVED", [])


def test_internal_address_used_by_an_internal_rule(emulator: EmulatorProcess) -> None:
    """The rule names the address by its IP: the address is IN_USE all the same, and the IP is taken."""
    regional_internal_chain(emulator)
    vip = internal(emulator, "vip", address="10.0.0.20")
    insert_regional_rule(emulator, internal_rule("rule-2", I_p_address="10.0.0.20", port_range="8080"))
    assert compute(emulator, "AddressesClient").get(project=PROJECT, region=REGION, address="vip").status == "IN_USE"
    assert vip.status == "RESERVED"
    # The first rule took a free IP of the subnet: reserving it promotes the ephemeral IP ("Promote an ephemeral
    # internal IPv4 address", https://cloud.google.com/vpc/docs/reserve-static-internal-ip-address), after which
    # no other address can claim it.
    first = compute(emulator, "ForwardingRulesClient").get(project=PROJECT, region=REGION, forwarding_rule="rule")
    internal(emulator, "promoted", address=first.I_p_address)
    assert compute(emulator, "AddressesClient").get(project=PROJECT, region=REGION,
                                                    address="promoted").status == "IN_USE"
    with expect_error(400, f"IP '{first.I_p_address}' is already being used by another resource."):
        internal(emulator, "clash", address=first.I_p_address)


# -- Shared VPC ------------------------------------------------------------------------------------


def attach(emulator: EmulatorProcess, host: str = HOST, service: str = SERVICE) -> None:
    projects = compute(emulator, "ProjectsClient")
    wait(emulator, projects.enable_xpn_host(project=host), host)
    wait(emulator, projects.enable_xpn_resource(
        project=host, projects_enable_xpn_resource_request_resource=compute_v1.ProjectsEnableXpnResourceRequest(
            xpn_resource=compute_v1.XpnResourceId(id=service, type_="PROJECT"))), host)


def test_compute_project_resource(emulator: EmulatorProcess) -> None:
    project = compute(emulator, "ProjectsClient").get(project=HOST)
    assert project.name == HOST
    assert project.default_service_account == "100000000002-compute@developer.gserviceaccount.com"
    assert project.xpn_project_status == "UNSPECIFIED_XPN_PROJECT_STATUS"
    assert project.self_link == f"https://www.googleapis.com/compute/v1/projects/{HOST}"


def test_service_projects_attach_only_to_a_host(emulator: EmulatorProcess) -> None:
    projects = compute(emulator, "ProjectsClient")
    request = compute_v1.ProjectsEnableXpnResourceRequest(xpn_resource=compute_v1.XpnResourceId(
        id=SERVICE, type_="PROJECT"))
    with expect_error(400, f"Invalid resource usage: ''projects/{HOST}' is not a shared VPC host project.'.",
                      "invalidResourceUsage"):
        projects.enable_xpn_resource(project=HOST, projects_enable_xpn_resource_request_resource=request)
    assert compute(emulator, "ProjectsClient").get_xpn_host(project=SERVICE).name == ""

    attach(emulator)
    assert projects.get(project=HOST).xpn_project_status == "HOST"
    assert [(r.id, r.type_) for r in projects.get_xpn_resources(project=HOST)] == [(SERVICE, "PROJECT")]
    assert projects.get_xpn_host(project=SERVICE).name == HOST

    with expect_error(400):  # service projects first
        projects.disable_xpn_host(project=HOST)
    wait(emulator, projects.disable_xpn_resource(
        project=HOST, projects_disable_xpn_resource_request_resource=compute_v1.ProjectsDisableXpnResourceRequest(
            xpn_resource=compute_v1.XpnResourceId(id="100000000003", type_="PROJECT"))), HOST)
    assert list(projects.get_xpn_resources(project=HOST)) == []
    with expect_error(400, reason="invalidResourceUsage"):  # not attached any more
        projects.disable_xpn_resource(
            project=HOST, projects_disable_xpn_resource_request_resource=compute_v1.ProjectsDisableXpnResourceRequest(
                xpn_resource=compute_v1.XpnResourceId(id=SERVICE, type_="PROJECT")))
    wait(emulator, projects.disable_xpn_host(project=HOST), HOST)
    assert projects.get(project=HOST).xpn_project_status == "UNSPECIFIED_XPN_PROJECT_STATUS"


def test_attaching_unknown_or_compute_disabled_projects(emulator: EmulatorProcess) -> None:
    projects = compute(emulator, "ProjectsClient")
    wait(emulator, projects.enable_xpn_host(project=HOST), HOST)

    def enable(service: str) -> None:
        projects.enable_xpn_resource(
            project=HOST, projects_enable_xpn_resource_request_resource=compute_v1.ProjectsEnableXpnResourceRequest(
                xpn_resource=compute_v1.XpnResourceId(id=service, type_="PROJECT")))

    with expect_error(403):
        enable("nobody-project")
    emulator.add_project("no-compute", "100000000098", services=["run.googleapis.com"])
    with expect_error(403, reason="accessNotConfigured"):
        enable("no-compute")


def test_service_project_reserves_an_ip_in_the_hosts_shared_subnet(emulator: EmulatorProcess) -> None:
    custom_network_with_subnet(emulator, project=HOST)
    shared = f"projects/{HOST}/regions/{REGION}/subnetworks/app"
    with expect_error(403):  # not attached yet
        reserve(emulator, "vip", project=SERVICE, address_type="INTERNAL", subnetwork=shared)
    attach(emulator)
    address = reserve(emulator, "vip", project=SERVICE, address_type="INTERNAL", subnetwork=shared)
    assert address.address == "10.0.0.2"
    assert address.subnetwork == f"https://www.googleapis.com/compute/v1/{shared}"


def test_list_usable_shows_the_hosts_subnets_to_an_attached_service_project(emulator: EmulatorProcess) -> None:
    custom_network_with_subnet(emulator, project=HOST)
    subnets = compute(emulator, "SubnetworksClient")
    shared = f"https://www.googleapis.com/compute/v1/projects/{HOST}/regions/{REGION}/subnetworks/app"
    assert shared not in [s.subnetwork for s in subnets.list_usable(project=SERVICE)]
    attach(emulator)
    usable = {s.subnetwork: s for s in subnets.list_usable(project=SERVICE)}
    assert usable[shared].ip_cidr_range == "10.0.0.0/24"
    assert usable[shared].network.endswith(f"projects/{HOST}/global/networks/vpc")
