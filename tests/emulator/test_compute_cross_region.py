"""The cross-region internal Application Load Balancer through google-cloud-compute: a global INTERNAL_MANAGED
backend service with serverless NEGs of several regions, a global URL map and HTTP proxy, and one global
forwarding rule per region, each in a regional subnetwork and running on that region's GLOBAL_MANAGED_PROXY
proxy-only subnet (docs/google-behaviour.md, "Compute: cross-region internal Application Load Balancers")."""

from __future__ import annotations

import json
from typing import Any

from google.cloud import compute_v1

from tests.emulator.clients import compute
from tests.emulator.lb import (
    assert_refused,
    backend_service,
    done,
    global_,
    http_proxy,
    https_proxy,
    link,
    regional,
    self_managed_certificate,
    self_signed,
    serverless_neg,
    url_map,
)
from tests.emulator.networking import PROJECT, create_network, create_subnet, expect_error
from tests.support import EmulatorProcess

REGIONS = ("us-central1", "us-east1")
RANGES = {"us-central1": ("10.0.0.0/24", "10.129.0.0/23"), "us-east1": ("10.0.1.0/24", "10.130.0.0/23")}
V1 = "compute/v1/"


def cross_region_network(emulator: EmulatorProcess, proxy_subnets: tuple[str, ...] = REGIONS) -> None:
    """Network `vpc`, a regular subnet `app` in each region, and an ACTIVE GLOBAL_MANAGED_PROXY subnet
    `proxy-global` in each region of `proxy_subnets` (the ranges of Google's own example)."""
    create_network(emulator, "vpc")
    for region in REGIONS:
        app, proxy = RANGES[region]
        create_subnet(emulator, "app", "vpc", app, region=region)
        if region in proxy_subnets:
            create_subnet(emulator, "proxy-global", "vpc", proxy, region=region, purpose="GLOBAL_MANAGED_PROXY",
                          role="ACTIVE")


def cross_region_chain_without_rules(emulator: EmulatorProcess, proxy_subnets: tuple[str, ...] = REGIONS) -> None:
    """The network, a NEG `neg` per region, the global backend `backend` holding both, URL map `urlmap` and
    HTTP proxy `proxy`."""
    cross_region_network(emulator, proxy_subnets)
    negs = [serverless_neg(emulator, region=region).self_link for region in REGIONS]
    backend = backend_service(emulator, "backend", negs, region=None)
    um = url_map(emulator, "urlmap", region=None, default_service=backend.self_link)
    http_proxy(emulator, "proxy", um.self_link, region=None)


def rule_body(name: str, region: str, **fields: Any) -> dict[str, Any]:
    return {"name": name, "loadBalancingScheme": "INTERNAL_MANAGED", "network": global_("vpc", "networks"),
            "subnetwork": regional("app", "subnetworks", region), "portRange": "80", "IPProtocol": "TCP",
            "target": global_("proxy", "targetHttpProxies"), **fields}


def insert_rule(emulator: EmulatorProcess, name: str, region: str) -> compute_v1.ForwardingRule:
    rules = compute(emulator, "GlobalForwardingRulesClient")
    resource = compute_v1.ForwardingRule.from_json(json.dumps(rule_body(name, region)))
    done(emulator, rules.insert(project=PROJECT, forwarding_rule_resource=resource))
    return rules.get(project=PROJECT, forwarding_rule=name)


def test_a_global_internal_backend_takes_serverless_negs_of_several_regions(emulator: EmulatorProcess) -> None:
    negs = [serverless_neg(emulator, region=region).self_link for region in REGIONS]
    backend = backend_service(emulator, "backend", negs, region=None)
    assert backend.load_balancing_scheme == "INTERNAL_MANAGED"
    assert [b.group for b in backend.backends] == [link(regional("neg", "networkEndpointGroups", r)) for r in REGIONS]
    assert all(b.balancing_mode == "UTILIZATION" and b.capacity_scaler == 1.0 for b in backend.backends)


def test_one_global_rule_per_region_each_with_an_address_of_its_subnet(emulator: EmulatorProcess) -> None:
    cross_region_chain_without_rules(emulator)
    first, second = (insert_rule(emulator, f"rule-{region}", region) for region in REGIONS)
    assert (first.load_balancing_scheme, first.port_range, first.network_tier) == ("INTERNAL_MANAGED", "80-80",
                                                                                   "PREMIUM")
    assert first.subnetwork == link(regional("app", "subnetworks", "us-central1"))
    assert first.network == link(global_("vpc", "networks"))
    assert first.target == link(global_("proxy", "targetHttpProxies"))
    assert first.I_p_address.startswith("10.0.0.") and second.I_p_address.startswith("10.0.1.")
    # The GLOBAL_MANAGED_PROXY subnet of a region serves the rules there: it cannot go first.
    subnets = compute(emulator, "SubnetworksClient")
    with expect_error(400, f"is already being used by '{global_('rule-us-east1', 'forwardingRules')}'",
                      "resourceInUseByAnotherResource"):
        subnets.delete(project=PROJECT, region="us-east1", subnetwork="proxy-global")
    rules = compute(emulator, "GlobalForwardingRulesClient")
    done(emulator, rules.delete(project=PROJECT, forwarding_rule="rule-us-east1"))
    done(emulator, subnets.delete(project=PROJECT, region="us-east1", subnetwork="proxy-global"), "us-east1")


def test_a_global_internal_rule_needs_a_global_managed_proxy_subnet_in_its_region(emulator: EmulatorProcess) -> None:
    cross_region_chain_without_rules(emulator, proxy_subnets=("us-central1",))
    # A regional proxy-only subnet serves regional load balancers only.
    create_subnet(emulator, "proxy-regional", "vpc", "10.131.0.0/23", region="us-east1",
                  purpose="REGIONAL_MANAGED_PROXY", role="ACTIVE")
    path = f"{V1}projects/{PROJECT}/global/forwardingRules"
    assert_refused(emulator.call("POST", path, rule_body("rule", "us-east1")),
                   "An active proxy-only subnetwork with purpose GLOBAL_MANAGED_PROXY is required in the same region "
                   "and VPC as the forwarding rule's subnetwork.")
    status, body = emulator.call("POST", path, rule_body("rule", "us-central1"))
    assert status == 200, body


def test_a_global_internal_rule_refuses_what_google_refuses(emulator: EmulatorProcess) -> None:
    cross_region_chain_without_rules(emulator)
    path = f"{V1}projects/{PROJECT}/global/forwardingRules"
    no_subnet = {k: v for k, v in rule_body("rule", "us-central1").items() if k != "subnetwork"}
    assert_refused(emulator.call("POST", path, no_subnet), "Required field 'resource.subnetwork' not specified")
    proxy_subnet = rule_body("rule", "us-central1", subnetwork=regional("proxy-global", "subnetworks"))
    assert_refused(emulator.call("POST", path, proxy_subnet),
                   "The subnetwork of a forwarding rule cannot have purpose GLOBAL_MANAGED_PROXY.")
    assert_refused(emulator.call("POST", path, rule_body("rule", "us-central1", allowGlobalAccess=True)),
                   "a cross-region internal forwarding rule is reachable from every region.")
    assert_refused(emulator.call("POST", path, rule_body("rule", "us-central1", IPAddress="10.0.1.9")),
                   "Address '10.0.1.9' is not in the subnetwork ranges of network "
                   f"'{link(global_('vpc', 'networks'))}'", code=400)
    status, body = emulator.call("POST", path, rule_body("rule", "us-central1", IPAddress="10.0.0.99"))
    assert status == 200, body
    emulator.call("POST", f"{V1}{body['selfLink'].split('/compute/v1/')[1]}/wait")
    taken = rule_body("again", "us-central1", IPAddress="10.0.0.99")
    assert_refused(emulator.call("POST", path, taken), "Specified IP address is in-use and would result in a "
                   f"conflict with '{global_('rule', 'forwardingRules')}'.")


def test_a_regional_internal_rule_is_not_served_by_a_global_managed_proxy_subnet(emulator: EmulatorProcess) -> None:
    cross_region_network(emulator)
    neg = serverless_neg(emulator)
    backend = backend_service(emulator, "backend", [neg.self_link])
    um = url_map(emulator, "urlmap", default_service=backend.self_link)
    http_proxy(emulator, "proxy", um.self_link)
    body = {**rule_body("rule", "us-central1"), "target": regional("proxy", "targetHttpProxies")}
    assert_refused(emulator.call("POST", f"{V1}projects/{PROJECT}/regions/us-central1/forwardingRules", body),
                   "An active proxy-only subnetwork is required in the same region and VPC as the forwarding rule.")


def test_a_cross_region_https_proxy_takes_no_compute_ssl_certificate(emulator: EmulatorProcess) -> None:
    """discovery compute.v1 SslCertificate: classic certificates serve global external, classic and regional
    Application Load Balancers; cross-region internal ones take Certificate Manager certificates."""
    cross_region_chain_without_rules(emulator)
    certificate = self_managed_certificate(emulator, "cert", self_signed("api.internal.example.com"))
    with expect_error(400, "Compute Engine SSL certificates are not supported by cross-region internal "
                           "Application Load Balancers; use Certificate Manager certificates."):
        https_proxy(emulator, "https-proxy", link(global_("urlmap", "urlMaps")), [certificate.self_link])
