"""Forwarding rules and the two whole load-balancer chains through google-cloud-compute."""

from __future__ import annotations

from typing import Any

from google.cloud import compute_v1

from tests.emulator.clients import compute
from tests.emulator.lb import (
    backend_service,
    done,
    global_,
    global_external_chain,
    http_proxy,
    insert_regional_rule,
    internal_rule,
    link,
    regional,
    regional_internal_chain,
    serverless_neg,
    url_map,
    vpc_with_proxy_subnet,
)
from tests.emulator.networking import PROJECT, REGION, create_subnet, expect_error
from tests.support import EmulatorProcess

PROXY = regional("proxy", "targetHttpProxies")
RULE = regional("rule", "forwardingRules")


def regional_chain_without_rule(emulator: EmulatorProcess, proxy_subnet: bool = True) -> None:
    vpc_with_proxy_subnet(emulator, proxy_subnet)
    neg = serverless_neg(emulator)
    backend = backend_service(emulator, "backend", [neg.self_link])
    um = url_map(emulator, "urlmap", default_service=backend.self_link)
    http_proxy(emulator, "proxy", um.self_link)


def rules(emulator: EmulatorProcess) -> Any:
    return compute(emulator, "ForwardingRulesClient")


def insert_rule(emulator: EmulatorProcess, **fields: Any) -> Any:
    return rules(emulator).insert(project=PROJECT, region=REGION, forwarding_rule_resource=internal_rule(**fields))


# -- the regional internal Application Load Balancer (pattern 2) -----------------------------------


def test_regional_internal_chain(emulator: EmulatorProcess) -> None:
    rule = regional_internal_chain(emulator)
    assert rule.load_balancing_scheme == "INTERNAL_MANAGED"
    assert rule.I_p_address == "10.0.0.2"  # first usable IP of 10.0.0.0/24 (allocation order UNCONFIRMED)
    assert rule.I_p_protocol == "TCP"
    assert rule.port_range == "80-80"
    assert rule.network_tier == "PREMIUM"
    assert rule.network == link(global_("vpc", "networks"))
    assert rule.subnetwork == link(regional("app", "subnetworks"))
    assert rule.target == link(PROXY)
    assert rule.label_fingerprint and rule.fingerprint
    # Deletion order protection: rule -> proxy -> URL map -> backend service -> NEG.
    chain = [
        ("ForwardingRulesClient", "forwarding_rule", "rule", None),
        ("RegionTargetHttpProxiesClient", "target_http_proxy", "proxy", ("target_http_proxy", PROXY, RULE)),
        ("RegionUrlMapsClient", "url_map", "urlmap", ("url_map", regional("urlmap", "urlMaps"), PROXY)),
        ("RegionBackendServicesClient", "backend_service", "backend",
         ("backend_service", regional("backend", "backendServices"), regional("urlmap", "urlMaps"))),
        ("RegionNetworkEndpointGroupsClient", "network_endpoint_group", "neg",
         ("network_endpoint_group", regional("neg", "networkEndpointGroups"), regional("backend", "backendServices"))),
    ]
    for client_name, param, name, blocked in reversed(chain):
        if blocked:
            snake, path, user = blocked
            with expect_error(400, f"The {snake} resource '{path}' is already being used by '{user}'",
                              "resourceInUseByAnotherResource"):
                compute(emulator, client_name).delete(project=PROJECT, region=REGION, **{param: name})
    for client_name, param, name, _ in chain:
        done(emulator, compute(emulator, client_name).delete(project=PROJECT, region=REGION, **{param: name}),
             REGION)


def test_rule_needs_an_active_proxy_only_subnet(emulator: EmulatorProcess) -> None:
    regional_chain_without_rule(emulator, proxy_subnet=False)
    with expect_error(400, f"Invalid value for field 'resource.target': '{PROXY}'. An active proxy-only "
                           "subnetwork is required in the same region and VPC as the forwarding rule."):
        insert_rule(emulator)
    # A BACKUP proxy-only subnet is not enough.
    create_subnet(emulator, "proxy-backup", "vpc", "10.130.0.0/23", purpose="REGIONAL_MANAGED_PROXY", role="BACKUP")
    with expect_error(400, "An active proxy-only subnetwork is required in the same region and VPC as the "
                           "forwarding rule."):
        insert_rule(emulator)


def test_rule_subnetwork_must_be_a_regular_one(emulator: EmulatorProcess) -> None:
    regional_chain_without_rule(emulator)
    with expect_error(400, "The subnetwork of a forwarding rule cannot have purpose REGIONAL_MANAGED_PROXY."):
        insert_rule(emulator, subnetwork=regional("proxy-only", "subnetworks"))
    with expect_error(400, "Required field 'resource.subnetwork' not specified"):
        insert_rule(emulator, subnetwork=None)


def test_rule_ip_address(emulator: EmulatorProcess) -> None:
    regional_chain_without_rule(emulator)
    network = link(global_("vpc", "networks"))
    with expect_error(400, f"Address '10.9.9.9' is not in the subnetwork ranges of network '{network}'"):
        insert_rule(emulator, I_p_address="10.9.9.9")
    with expect_error(400, "The IP address is reserved in the subnetwork."):
        insert_rule(emulator, I_p_address="10.0.0.1")
    rule = insert_regional_rule(emulator, internal_rule(I_p_address="10.0.0.50"))
    assert rule.I_p_address == "10.0.0.50"
    # The same IP and port: refused; another port: accepted.
    with expect_error(400, "Specified IP address is in-use and would result in a conflict with "
                           f"'{RULE}'."):
        insert_rule(emulator, name="rule2", I_p_address="10.0.0.50")
    second = insert_regional_rule(emulator, internal_rule(name="rule2", I_p_address="10.0.0.50", port_range="8080"))
    assert second.port_range == "8080-8080"


def test_rule_on_a_reserved_internal_address(emulator: EmulatorProcess) -> None:
    regional_chain_without_rule(emulator)
    addresses = compute(emulator, "AddressesClient")
    done(emulator, addresses.insert(project=PROJECT, region=REGION, address_resource=compute_v1.Address(
        name="api-ip", address_type="INTERNAL", subnetwork=regional("app", "subnetworks"), address="10.0.0.20")),
         REGION)
    rule = insert_regional_rule(emulator, internal_rule(I_p_address=regional("api-ip", "addresses")))
    assert rule.I_p_address == "10.0.0.20"
    address = addresses.get(project=PROJECT, region=REGION, address="api-ip")
    assert address.status == "IN_USE"
    assert list(address.users) == [link(RULE)]
    with expect_error(400, f"The address resource '{regional('api-ip', 'addresses')}' is already being used by "
                           f"'{RULE}'", "resourceInUseByAnotherResource"):
        addresses.delete(project=PROJECT, region=REGION, address="api-ip")
    done(emulator, rules(emulator).delete(project=PROJECT, region=REGION, forwarding_rule="rule"), REGION)
    assert addresses.get(project=PROJECT, region=REGION, address="api-ip").status == "RESERVED"
    done(emulator, addresses.delete(project=PROJECT, region=REGION, address="api-ip"), REGION)


def test_rule_target_and_ports(emulator: EmulatorProcess) -> None:
    regional_chain_without_rule(emulator)
    with expect_error(400, "The ports, portRange and allPorts fields are mutually exclusive."):
        insert_rule(emulator, ports=["80"])
    with expect_error(400, "Required field 'resource.portRange' not specified"):
        insert_rule(emulator, port_range=None)
    with expect_error(400, "A forwarding rule with a target proxy takes a single port."):
        insert_rule(emulator, port_range="80-81")
    with expect_error(404, f"The resource '{regional('other', 'targetHttpProxies')}' was not found"):
        insert_rule(emulator, target=regional("other", "targetHttpProxies"))
    with expect_error(400, "The forwarding rule must point at a regional target proxy in region 'us-central1'."):
        insert_rule(emulator, target=global_("proxy", "targetHttpProxies"))
    with expect_error(400, "The forwarding rule must point at a regional target proxy in region 'us-central1'."):
        insert_rule(emulator, target=regional("proxy", "targetHttpProxies", region="us-east1"))


def test_scheme_must_match_the_backend(emulator: EmulatorProcess) -> None:
    regional_chain_without_rule(emulator)
    with expect_error(400, "Load balancing scheme EXTERNAL_MANAGED does not match the backend service load "
                           "balancing scheme INTERNAL_MANAGED."):
        insert_rule(emulator, load_balancing_scheme="EXTERNAL_MANAGED", subnetwork=None)


def test_changes_that_would_break_a_running_load_balancer(emulator: EmulatorProcess) -> None:
    regional_internal_chain(emulator)
    mismatch = ("Load balancing scheme INTERNAL_MANAGED does not match the backend service load balancing scheme "
                "EXTERNAL_MANAGED.")
    backends = compute(emulator, "RegionBackendServicesClient")
    backend = backends.get(project=PROJECT, region=REGION, backend_service="backend")
    with expect_error(400, mismatch):
        backends.patch(project=PROJECT, region=REGION, backend_service="backend",
                       backend_service_resource=compute_v1.BackendService(
                           fingerprint=backend.fingerprint, load_balancing_scheme="EXTERNAL_MANAGED"))
    other = backend_service(emulator, "external", [regional("neg", "networkEndpointGroups")],
                            scheme="EXTERNAL_MANAGED")
    maps = compute(emulator, "RegionUrlMapsClient")
    current = maps.get(project=PROJECT, region=REGION, url_map="urlmap")
    with expect_error(400, mismatch):
        maps.patch(project=PROJECT, region=REGION, url_map="urlmap", url_map_resource=compute_v1.UrlMap(
            fingerprint=current.fingerprint, default_service=other.self_link))
    url_map(emulator, "external", default_service=other.self_link)
    with expect_error(400, mismatch):
        compute(emulator, "RegionTargetHttpProxiesClient").set_url_map(
            project=PROJECT, region=REGION, target_http_proxy="proxy",
            url_map_reference_resource=compute_v1.UrlMapReference(url_map=regional("external", "urlMaps")))


def test_labels_and_patch(emulator: EmulatorProcess) -> None:
    regional_chain_without_rule(emulator)
    rule = insert_regional_rule(emulator, internal_rule(allow_global_access=True, labels={"app": "api"}))
    assert dict(rule.labels) == {"app": "api"}
    client = rules(emulator)
    request = compute_v1.RegionSetLabelsRequest(labels={"app": "api", "env": "prod"},
                                                label_fingerprint="AAAAAAAAAAA=")
    with expect_error(412, reason="conditionNotMet"):
        client.set_labels(project=PROJECT, region=REGION, resource="rule", region_set_labels_request_resource=request)
    request.label_fingerprint = rule.label_fingerprint
    done(emulator, client.set_labels(project=PROJECT, region=REGION, resource="rule",
                                     region_set_labels_request_resource=request), REGION)
    labelled = client.get(project=PROJECT, region=REGION, forwarding_rule="rule")
    assert dict(labelled.labels) == {"app": "api", "env": "prod"}
    assert labelled.label_fingerprint != rule.label_fingerprint
    # allowGlobalAccess is fixed at creation for INTERNAL_MANAGED; other fields cannot be patched.
    with expect_error(400, "allowGlobalAccess cannot be changed after creation for load balancing scheme "
                           "INTERNAL_MANAGED."):
        client.patch(project=PROJECT, region=REGION, forwarding_rule="rule",
                     forwarding_rule_resource=compute_v1.ForwardingRule(allow_global_access=False))
    with expect_error(400, "Field 'portRange' cannot be patched."):
        client.patch(project=PROJECT, region=REGION, forwarding_rule="rule",
                     forwarding_rule_resource=compute_v1.ForwardingRule(port_range="8080"))


def test_set_target(emulator: EmulatorProcess) -> None:
    regional_chain_without_rule(emulator)
    insert_regional_rule(emulator, internal_rule())
    http_proxy(emulator, "proxy2", regional("urlmap", "urlMaps"))
    client = rules(emulator)
    done(emulator, client.set_target(project=PROJECT, region=REGION, forwarding_rule="rule",
                                     target_reference_resource=compute_v1.TargetReference(
                                         target=regional("proxy2", "targetHttpProxies"))), REGION)
    assert client.get(project=PROJECT, region=REGION, forwarding_rule="rule").target == link(
        regional("proxy2", "targetHttpProxies"))
    # The old proxy is free now.
    done(emulator, compute(emulator, "RegionTargetHttpProxiesClient").delete(
        project=PROJECT, region=REGION, target_http_proxy="proxy"), REGION)


# -- the global external Application Load Balancer (pattern 1) -------------------------------------


def test_global_external_chain(emulator: EmulatorProcess) -> None:
    rule = global_external_chain(emulator, ("app.example.com",))
    address = compute(emulator, "GlobalAddressesClient").get(project=PROJECT, address="lb-ip")
    assert rule.I_p_address == address.address
    assert rule.port_range == "443-443"
    assert rule.network_tier == "PREMIUM"
    assert not rule.network
    assert address.status == "IN_USE"
    certificates = compute(emulator, "SslCertificatesClient")
    assert certificates.get(project=PROJECT, ssl_certificate="cert").managed.status == "PROVISIONING"
    emulator.dns_ready("app.example.com")
    assert certificates.get(project=PROJECT, ssl_certificate="cert").managed.status == "ACTIVE"
    # HTTP -> HTTPS: a redirect URL map, an HTTP proxy and a port-80 rule on the same address.
    redirect = url_map(emulator, "redirect", region=None, default_url_redirect=compute_v1.HttpRedirectAction(
        https_redirect=True, redirect_response_code="MOVED_PERMANENTLY_DEFAULT"))
    http_proxy(emulator, "http", redirect.self_link, region=None)
    global_rules = compute(emulator, "GlobalForwardingRulesClient")
    http_rule = compute_v1.ForwardingRule(name="http", load_balancing_scheme="EXTERNAL_MANAGED",
                                          target=global_("http", "targetHttpProxies"), port_range="80",
                                          I_p_address=address.address)
    done(emulator, global_rules.insert(project=PROJECT, forwarding_rule_resource=http_rule))
    assert global_rules.get(project=PROJECT, forwarding_rule="http").I_p_address == address.address
    # Another rule on port 443 of the same address conflicts.
    clash = compute_v1.ForwardingRule(name="clash", load_balancing_scheme="EXTERNAL_MANAGED",
                                      target=global_("proxy", "targetHttpsProxies"), port_range="443",
                                      I_p_address=address.address)
    with expect_error(400, "Specified IP address is in-use and would result in a conflict with "
                           f"'{global_('https', 'forwardingRules')}'."):
        global_rules.insert(project=PROJECT, forwarding_rule_resource=clash)
    with expect_error(400, f"The address resource '{global_('lb-ip', 'addresses')}' is already being used by "
                           f"'{global_('http', 'forwardingRules')}'", "resourceInUseByAnotherResource"):
        compute(emulator, "GlobalAddressesClient").delete(project=PROJECT, address="lb-ip")


def global_rule_body(**fields: Any) -> dict[str, Any]:
    return {"name": "rule", "loadBalancingScheme": "EXTERNAL_MANAGED", "portRange": "443",
            "target": global_("proxy", "targetHttpsProxies"), **fields}


def insert_global(emulator: EmulatorProcess, body: dict[str, Any]) -> tuple[int, Any]:
    return emulator.call("POST", f"compute/v1/projects/{PROJECT}/global/forwardingRules", body)


def test_global_rule_rules(emulator: EmulatorProcess) -> None:
    global_external_chain(emulator)
    cases = [
        ({"networkTier": "STANDARD"}, "Global forwarding rules support only the PREMIUM network tier."),
        ({"network": global_("default", "networks")}, "A network cannot be specified for an external global "
                                                      "forwarding rule."),
        ({"IPAddress": global_("missing", "addresses")}, f"The resource '{global_('missing', 'addresses')}' "
                                                         "was not found"),
        ({"IPAddress": "203.0.113.7"}, "The IP address is not a global address reserved in this project."),
        ({"target": regional("proxy", "targetHttpProxies")}, "The forwarding rule must point at a global target "
                                                             "proxy."),
        ({"loadBalancingScheme": "EXTERNAL"}, "Load balancing scheme EXTERNAL does not match the backend service "
                                              "load balancing scheme EXTERNAL_MANAGED."),
        ({"IPProtocol": "UDP"}, "A forwarding rule with a target proxy must use IPProtocol TCP."),
    ]
    for fields, message in cases:
        status, body = insert_global(emulator, global_rule_body(**fields))
        assert status in (400, 404), (fields, body)
        assert body["error"]["message"].endswith(message), (fields, body["error"]["message"])


def test_classic_external_scheme_mismatch_and_ports(emulator: EmulatorProcess) -> None:
    neg = serverless_neg(emulator)
    backend = backend_service(emulator, "classic", [neg.self_link], region=None, scheme="EXTERNAL")
    um = url_map(emulator, "classic", region=None, default_service=backend.self_link)
    http_proxy(emulator, "classic", um.self_link, region=None)
    body = {"name": "rule", "target": global_("classic", "targetHttpProxies"), "portRange": "80"}
    status, answer = insert_global(emulator, {**body, "loadBalancingScheme": "EXTERNAL_MANAGED"})
    assert status == 400
    assert answer["error"]["message"] == ("Load balancing scheme EXTERNAL_MANAGED does not match the backend "
                                          "service load balancing scheme EXTERNAL.")
    status, answer = insert_global(emulator, {**body, "portRange": "8443"})
    assert status == 400
    assert answer["error"]["message"].endswith("Port must be one of 80, 8080 for this target proxy.")
    status, _ = insert_global(emulator, body)  # scheme EXTERNAL by default, ephemeral IP
    assert status == 200
    _, rule = emulator.call("GET", f"compute/v1/{global_('rule', 'forwardingRules')}")
    assert rule["loadBalancingScheme"] == "EXTERNAL"
    assert rule["IPAddress"]
