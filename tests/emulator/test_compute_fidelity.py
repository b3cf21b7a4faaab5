"""Compute refuses what Google refuses (issue 10): target-proxy rules and port fields, proxy-only subnets in use,
fingerprints on every method that takes one, projects the caller cannot see, unknown regions, and references
to resources still being created. Sources: docs/google-behaviour.md, Compute sections."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from google.cloud import compute_v1

from crpatterns.emulator.core import discovery
from crpatterns.emulator.server import create_emulator
from tests.emulator.clients import compute
from tests.emulator.lb import (
    assert_refused,
    backend_service,
    done,
    global_,
    http_proxy,
    https_proxy,
    internal_rule,
    managed_certificate,
    regional,
    regional_internal_chain,
    self_managed_certificate,
    self_signed,
    serverless_neg,
    url_map,
)
from tests.emulator.networking import PROJECT, REGION, create_subnet, expect_error
from tests.support import EmulatorProcess

V1 = "compute/v1/"
PROXY_SUBNET = regional("proxy-only", "subnetworks")
RULE = regional("rule", "forwardingRules")


@cache
def compute_routes() -> list[Any]:
    return [route for route in create_emulator().routes if route.api.name == "compute"]


def url(route: Any, **values: str) -> str:
    """The route's URL with its path parameters filled in (`x` for resource names)."""
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), "x"), route.template)


def global_chain(emulator: EmulatorProcess) -> None:
    """Pattern 1's chain (global address `lb-ip`, backend `backend`, URL map `urlmap`, managed certificate,
    HTTPS proxy `proxy`, rule `https`) on a NEG `gneg` of us-east1, so it sits beside the regional chain."""
    done(emulator, compute(emulator, "GlobalAddressesClient").insert(
        project=PROJECT, address_resource=compute_v1.Address(name="lb-ip")))
    neg = serverless_neg(emulator, name="gneg", region="us-east1")
    backend = backend_service(emulator, "backend", [neg.self_link], region=None, scheme="EXTERNAL_MANAGED")
    um = url_map(emulator, "urlmap", region=None, default_service=backend.self_link)
    cert = managed_certificate(emulator, "cert", ["app.example.com"])
    https_proxy(emulator, "proxy", um.self_link, [cert.self_link])
    rule = compute_v1.ForwardingRule(name="https", load_balancing_scheme="EXTERNAL_MANAGED", port_range="443",
                                     target=global_("proxy", "targetHttpsProxies"),
                                     I_p_address=global_("lb-ip", "addresses"))
    done(emulator, compute(emulator, "GlobalForwardingRulesClient").insert(project=PROJECT,
                                                                          forwarding_rule_resource=rule))


# -- 1. forwarding rules of Application Load Balancers take portRange ---------------------------------------


def test_a_target_proxy_rule_takes_port_range_never_ports_or_all_ports(emulator: EmulatorProcess) -> None:
    """discovery ForwardingRule.ports: "It's applicable only to the following products: internal passthrough
    Network Load Balancers, backend service-based external passthrough Network Load Balancers, and internal
    protocol forwarding."; allPorts: "...and internal and external protocol forwarding."; portRange: "...internal
    and external Application Load Balancers..."."""
    regional_internal_chain(emulator)
    rules = f"{V1}projects/{PROJECT}/regions/{REGION}/forwardingRules"
    body = {"name": "rule2", "loadBalancingScheme": "INTERNAL_MANAGED", "network": global_("vpc", "networks"),
            "subnetwork": regional("app", "subnetworks"), "target": regional("proxy", "targetHttpProxies")}
    why = "field applies only to passthrough Network Load Balancers and protocol forwarding; a forwarding rule " \
          "whose target is a target proxy takes portRange."
    assert_refused(emulator.call("POST", rules, {**body, "ports": ["8080"]}),
                   f"Invalid value for field 'resource.ports': '8080'. The ports {why}")
    assert_refused(emulator.call("POST", rules, {**body, "allPorts": True}),
                   f"Invalid value for field 'resource.allPorts': 'true'. The allPorts {why}")
    global_chain(emulator)
    global_rule = {"name": "g", "loadBalancingScheme": "EXTERNAL_MANAGED", "ports": ["443"],
                   "target": global_("proxy", "targetHttpsProxies")}
    assert_refused(emulator.call("POST", f"{V1}projects/{PROJECT}/global/forwardingRules", global_rule),
                   f"Invalid value for field 'resource.ports': '443'. The ports {why}")
    # discovery ForwardingRule.backendService: "It cannot be set by other load balancer types and protocol
    # forwarding rules."
    assert_refused(emulator.call("POST", rules, {**body, "portRange": "8080", "backendService": regional(
        "backend", "backendServices")}), "The backendService field applies only to passthrough Network Load "
                   "Balancers and protocol forwarding; a forwarding rule whose target is a target proxy has none.")
    status, _ = emulator.call("POST", rules, {**body, "portRange": "8080"})
    assert status == 200


# -- 2. an active proxy-only subnet in use cannot be deleted ---------------------------------------------


def test_an_active_proxy_only_subnet_cannot_be_deleted_while_a_rule_uses_it(emulator: EmulatorProcess) -> None:
    """https://cloud.google.com/load-balancing/docs/proxy-only-subnets, "Delete a proxy-only subnet": the
    forwarding rules of the Envoy-based load balancers using the active proxy-only subnet go first."""
    regional_internal_chain(emulator)
    subnets = compute(emulator, "SubnetworksClient")
    create_subnet(emulator, "proxy-backup", "vpc", "10.130.0.0/23", purpose="REGIONAL_MANAGED_PROXY", role="BACKUP")
    with expect_error(400, f"The subnetwork resource '{PROXY_SUBNET}' is already being used by '{RULE}'",
                      "resourceInUseByAnotherResource"):
        subnets.delete(project=PROJECT, region=REGION, subnetwork="proxy-only")
    # The BACKUP subnet serves nothing: it goes.
    done(emulator, subnets.delete(project=PROJECT, region=REGION, subnetwork="proxy-backup"), REGION)
    done(emulator, compute(emulator, "ForwardingRulesClient").delete(project=PROJECT, region=REGION,
                                                                   forwarding_rule="rule"), REGION)
    done(emulator, subnets.delete(project=PROJECT, region=REGION, subnetwork="proxy-only"), REGION)


def test_a_rule_of_another_region_or_network_does_not_hold_the_proxy_only_subnet(emulator: EmulatorProcess) -> None:
    regional_internal_chain(emulator)
    create_subnet(emulator, "proxy-east", "vpc", "10.131.0.0/23", region="us-east1",
                  purpose="REGIONAL_MANAGED_PROXY", role="ACTIVE")
    done(emulator, compute(emulator, "SubnetworksClient").delete(project=PROJECT, region="us-east1",
                                                               subnetwork="proxy-east"), "us-east1")


# -- 3. fingerprints ---------------------------------------------------------------------------------------

# Every method the emulator serves whose request body carries a fingerprint or labelFingerprint, and the
# resource it is tried on (the two chains plus the pieces built in `fingerprinted_world`).
FINGERPRINTED = {
    "compute.subnetworks.patch": regional("app", "subnetworks"),
    "compute.regionBackendServices.patch": regional("backend", "backendServices"),
    "compute.regionBackendServices.update": regional("backend", "backendServices"),
    "compute.backendServices.patch": global_("backend", "backendServices"),
    "compute.backendServices.update": global_("backend", "backendServices"),
    "compute.regionUrlMaps.patch": regional("urlmap", "urlMaps"),
    "compute.regionUrlMaps.update": regional("urlmap", "urlMaps"),
    "compute.urlMaps.patch": global_("urlmap", "urlMaps"),
    "compute.urlMaps.update": global_("urlmap", "urlMaps"),
    "compute.targetHttpProxies.patch": global_("http", "targetHttpProxies"),
    "compute.targetHttpsProxies.patch": global_("proxy", "targetHttpsProxies"),
    "compute.regionTargetHttpsProxies.patch": regional("https", "targetHttpsProxies"),
    "compute.forwardingRules.patch": RULE,
    "compute.globalForwardingRules.patch": global_("https", "forwardingRules"),
    "compute.forwardingRules.setLabels": RULE,
    "compute.globalForwardingRules.setLabels": global_("https", "forwardingRules"),
    "compute.addresses.setLabels": regional("ip", "addresses"),
    "compute.globalAddresses.setLabels": global_("lb-ip", "addresses"),
}
INVALID_FINGERPRINT = "Invalid fingerprint."
STALE = "AAAAAAAAAAA="


def test_the_fingerprint_table_lists_every_method_that_takes_one() -> None:
    doc = discovery.document("compute.v1")["schemas"]
    taking = set()
    for route in compute_routes():
        schema = discovery.request_schema("compute.v1", route.method_id)
        verb = route.method_id.rsplit(".", 1)[-1]
        # Insert ignores it: "This field will be ignored when inserting a ForwardingRule."
        if schema and verb != "insert" and {"fingerprint", "labelFingerprint"} & set(doc[schema]["properties"]):
            taking.add(route.method_id)
    assert taking == set(FINGERPRINTED)


def fingerprinted_world(emulator: EmulatorProcess) -> None:
    """Both chains, a port-80 HTTP proxy, a regional HTTPS proxy and a regional address."""
    regional_internal_chain(emulator)
    global_chain(emulator)
    redirect = url_map(emulator, "redirect", region=None, default_url_redirect=compute_v1.HttpRedirectAction(
        https_redirect=True))
    http_proxy(emulator, "http", redirect.self_link, region=None)
    certificate = self_managed_certificate(emulator, "cert", self_signed("api.internal"), region=REGION)
    https_proxy(emulator, "https", regional("urlmap", "urlMaps"), [certificate.self_link], region=REGION)
    done(emulator, compute(emulator, "AddressesClient").insert(project=PROJECT, region=REGION,
                                                              address_resource=compute_v1.Address(name="ip")), REGION)


def call_with_fingerprint(emulator: EmulatorProcess, method_id: str, path: str, value: str | None) -> tuple[int, Any]:
    """Calls the method on `path` with fingerprint (or labelFingerprint) `value`, or without one (None)."""
    method = discovery.method("compute.v1", method_id)
    verb = method_id.rsplit(".", 1)[-1]
    if verb == "setLabels":
        body: dict[str, Any] = {"labels": {"env": "prod"}}
        field = "labelFingerprint"
    else:
        _, current = emulator.call("GET", V1 + path)
        body = {k: v for k, v in current.items() if k != "fingerprint"} if verb == "update" else {}
        field = "fingerprint"
    if value is not None:
        body[field] = value
    return emulator.call(method["httpMethod"], V1 + path + ("/setLabels" if verb == "setLabels" else ""), body)


def test_every_method_taking_a_fingerprint_refuses_a_stale_one(emulator: EmulatorProcess) -> None:
    """Stale: 412 conditionNotMet `Invalid fingerprint.` (kubernetes/ingress-gce#396); discovery, e.g.
    BackendService.fingerprint: "An up-to-date fingerprint must be provided in order to update the
    BackendService, otherwise the request will fail with error 412 conditionNotMet." Missing on patch or
    update: 400 `Required field 'resource.fingerprint' not specified` (ansible/ansible#70230,
    GoogleCloudPlatform/k8s-multicluster-ingress#70), except on forwarding rules, where it is optional
    (ForwardingRule.fingerprint: "Include the fingerprint in patch request to ensure that you do not overwrite
    changes"); missing on setLabels: 412 (GlobalSetLabelsRequest.labelFingerprint: "You must always provide an
    up-to-date fingerprint hash when updating or changing labels, otherwise the request will fail with error
    412 conditionNotMet.")."""
    fingerprinted_world(emulator)
    wrong = []
    for method_id, path in FINGERPRINTED.items():
        status, body = call_with_fingerprint(emulator, method_id, path, STALE)
        reason = (body or {}).get("error", {}).get("errors", [{}])[0].get("reason")
        if (status, body["error"]["message"] if status >= 400 else None, reason) != (
                412, INVALID_FINGERPRINT, "conditionNotMet"):
            wrong.append(f"{method_id} stale: {status} {body}")
        status, body = call_with_fingerprint(emulator, method_id, path, None)
        verb = method_id.rsplit(".", 1)[-1]
        expected = 412 if verb == "setLabels" else 200 if "orwardingRules" in method_id else 400
        if status != expected:
            wrong.append(f"{method_id} missing: {status} {body}")
        elif expected == 400 and body["error"]["message"] != "Required field 'resource.fingerprint' not specified":
            wrong.append(f"{method_id} missing: {body['error']['message']}")
    assert not wrong, "\n".join(wrong)


# -- 4. projects the caller cannot see ------------------------------------------------------------------------


def test_a_project_the_caller_cannot_see_is_403_naming_the_permission_and_resource(emulator: EmulatorProcess) -> None:
    """`Required 'compute.networks.get' permission for 'projects/P/global/networks/default'`
    (hashicorp/terraform-provider-google#8262), reason forbidden; a list names the project
    (`Required 'compute.instances.list' permission for 'projects/P'`), an insert the new resource."""
    cases = [
        ("GET", "projects/nobody/global/networks/default", None,
         "Required 'compute.networks.get' permission for 'projects/nobody/global/networks/default'"),
        ("GET", "projects/nobody/regions/us-central1/subnetworks", None,
         "Required 'compute.subnetworks.list' permission for 'projects/nobody'"),
        ("POST", "projects/nobody/global/addresses", {"name": "lb-ip"},
         "Required 'compute.globalAddresses.create' permission for 'projects/nobody/global/addresses/lb-ip'"),
        ("PATCH", "projects/nobody/regions/us-central1/backendServices/b", {},
         "Required 'compute.regionBackendServices.update' permission for "
         "'projects/nobody/regions/us-central1/backendServices/b'"),
        ("POST", "projects/nobody/regions/us-central1/addresses/ip/setLabels", {},
         "Required 'compute.addresses.setLabels' permission for 'projects/nobody/regions/us-central1/addresses/ip'"),
        ("GET", "projects/nobody/aggregated/forwardingRules", None,
         "Required 'compute.forwardingRules.list' permission for 'projects/nobody'"),
        ("GET", "projects/nobody/global/operations/op", None,
         "Required 'compute.globalOperations.get' permission for 'projects/nobody/global/operations/op'"),
    ]
    for method, path, body, message in cases:
        status, answer = emulator.call(method, V1 + path, body)
        assert (status, answer["error"]["message"], answer["error"]["errors"][0]["reason"]) == (
            403, message, "forbidden"), (path, answer)


def test_every_compute_route_answers_an_unseen_project_with_compute_s_403(emulator: EmulatorProcess) -> None:
    wrong = []
    for route in compute_routes():
        status, answer = emulator.call(route.http_method, url(route, project="nobody", region=REGION),
                                       {} if route.http_method != "GET" else None)
        message = (answer or {}).get("error", {}).get("message", "")
        if status != 403 or not re.fullmatch(r"Required 'compute\.\w+\.\w+' permission for 'projects/nobody[^']*'",
                                             message):
            wrong.append(f"{route.method_id}: {status} {message}")
    assert not wrong, "\n".join(wrong)


# -- 5. unknown regions -----------------------------------------------------------------------------------


def test_every_regional_route_refuses_an_unknown_region(emulator: EmulatorProcess) -> None:
    """`Invalid value for field 'region': 'asia-northeast3'. Unknown region.` (googleapis/nodejs-compute#390,
    subnetworks.get; kelseyhightower/kubernetes-the-hard-way#164, subnetworks.insert), reason invalid; a value
    that is no name at all fails the name pattern first (GoogleCloudPlatform/terraformer#746)."""
    wrong = []
    regional_routes = [route for route in compute_routes() if "{region}" in route.template]
    assert len(regional_routes) > 40
    for route in regional_routes:
        for region, message in (
            ("mars-north1", "Invalid value for field 'region': 'mars-north1'. Unknown region."),
            ("US_CENTRAL1", "Invalid value for field 'region': 'US_CENTRAL1'. Must be a match of regex "
                            "'[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?'"),
        ):
            status, answer = emulator.call(route.http_method, url(route, project=PROJECT, region=region),
                                           {} if route.http_method != "GET" else None)
            error = (answer or {}).get("error", {})
            if (status, error.get("message"), error.get("errors", [{}])[0].get("reason")) != (400, message, "invalid"):
                wrong.append(f"{route.method_id} {region}: {status} {error.get('message')}")
    assert not wrong, "\n".join(wrong)


def test_regions_opened_since_2021_are_known(emulator: EmulatorProcess) -> None:
    subnet = compute(emulator, "SubnetworksClient").get(project=PROJECT, region="me-west1", subnetwork="default")
    assert subnet.ip_cidr_range == "10.208.0.0/20"


# -- 7. a reference to a resource still being created ---------------------------------------------------


def test_a_reference_to_a_resource_still_being_created_is_not_ready(emulator: EmulatorProcess) -> None:
    """`Error 400: The resource 'projects/P/global/backendServices/B' is not ready, resourceNotReady`
    (kubernetes/ingress-gce#396; terraform-provider-google#12631 for other collections)."""
    regional_internal_chain(emulator)
    emulator.admin("POST", "latency", {"op": 5.0})
    try:
        status, _ = emulator.call("POST", f"{V1}projects/{PROJECT}/regions/{REGION}/subnetworks", {
            "name": "late", "network": global_("vpc", "networks"), "ipCidrRange": "10.7.0.0/24"})
        assert status == 200
        address = {"name": "ip", "addressType": "INTERNAL", "subnetwork": regional("late", "subnetworks")}
        status, answer = emulator.call("POST", f"{V1}projects/{PROJECT}/regions/{REGION}/addresses", address)
        assert (status, answer["error"]["message"], answer["error"]["errors"][0]["reason"]) == (
            400, f"The resource '{regional('late', 'subnetworks')}' is not ready", "resourceNotReady")
        with expect_error(400, f"The resource '{regional('late', 'subnetworks')}' is not ready", "resourceNotReady"):
            compute(emulator, "ForwardingRulesClient").insert(
                project=PROJECT, region=REGION, forwarding_rule_resource=internal_rule(
                    name="late-rule", subnetwork=regional("late", "subnetworks")))
    finally:
        emulator.admin("POST", "latency", {"op": 0.0})
