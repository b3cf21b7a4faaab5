"""A realistic workload over every route the emulator serves, for the conformance tests.

The patterns' own resources, built the way the tool builds them (real client libraries, REST transport,
anonymous credentials): the regional internal load balancer with its proxy-only subnet, the global
external one with a managed certificate, Shared VPC with a Cloud Run service on the host's subnet, IAP
policies and settings, Service Usage and Resource Manager; then every change, list and delete Google
offers on them, a handful of Google's errors, and, before each teardown, a raw re-read of everything
with string enums (`reread`). `via` is an EmulatorProcess whose host is the recording proxy.
"""

from __future__ import annotations

from typing import Any

from google.cloud import compute_v1

from tests.emulator import lb
from tests.emulator.clients import compute, wait
from tests.support import EmulatorProcess

PROJECT, REGION, NUMBER = "demo-project", "us-central1", "100000000001"
LINK = "https://www.googleapis.com/compute/v1/"


def op(via: EmulatorProcess, operation: Any, region: str | None = None, project: str = PROJECT) -> None:
    errors = wait(via, operation, project, region).error.errors
    assert not errors, errors


def raw(via: EmulatorProcess, method: str, path: str, body: Any = None, ok: bool = True) -> Any:
    status, answer = via.call(method, path, body)
    if ok:
        assert status == 200, (method, path, status, answer)
    return answer


# -- networking ---------------------------------------------------------------------------------------


def networking(via: EmulatorProcess) -> None:
    """Networks, subnets (patch, IAM, Private Google Access, listUsable) and addresses (setLabels)."""
    lb.vpc_with_proxy_subnet(via)
    networks = compute(via, "NetworksClient")
    list(networks.list(project=PROJECT))
    op(via, networks.patch(project=PROJECT, network="vpc", network_resource=compute_v1.Network(
        routing_config=compute_v1.NetworkRoutingConfig(routing_mode="GLOBAL"))))

    subnets = compute(via, "SubnetworksClient")
    app = subnets.get(project=PROJECT, region=REGION, subnetwork="app")
    op(via, subnets.patch(project=PROJECT, region=REGION, subnetwork="app", subnetwork_resource=compute_v1.Subnetwork(
        fingerprint=app.fingerprint, log_config=compute_v1.SubnetworkLogConfig(enable=True))), REGION)
    op(via, subnets.set_private_ip_google_access(
        project=PROJECT, region=REGION, subnetwork="app",
        subnetworks_set_private_ip_google_access_request_resource=compute_v1.SubnetworksSetPrivateIpGoogleAccessRequest(
            private_ip_google_access=True)), REGION)
    list(subnets.list(project=PROJECT, region=REGION))
    list(subnets.aggregated_list(project=PROJECT))
    list(subnets.list_usable(project=PROJECT))
    policy = subnets.get_iam_policy(project=PROJECT, region=REGION, resource="app")
    policy.bindings.append(compute_v1.Binding(role="roles/compute.networkUser", members=["group:net@example.com"]))
    subnets.set_iam_policy(project=PROJECT, region=REGION, resource="app",
                           region_set_policy_request_resource=compute_v1.RegionSetPolicyRequest(policy=policy))

    addresses = compute(via, "AddressesClient")
    op(via, addresses.insert(project=PROJECT, region=REGION, address_resource=compute_v1.Address(
        name="internal-ip", address_type="INTERNAL", subnetwork=lb.regional("app", "subnetworks"))), REGION)
    internal = addresses.get(project=PROJECT, region=REGION, address="internal-ip")
    op(via, addresses.set_labels(project=PROJECT, region=REGION, resource="internal-ip",
                                 region_set_labels_request_resource=compute_v1.RegionSetLabelsRequest(
                                     labels={"app": "web"}, label_fingerprint=internal.label_fingerprint)), REGION)
    list(addresses.list(project=PROJECT, region=REGION))
    list(addresses.aggregated_list(project=PROJECT))

    global_addresses = compute(via, "GlobalAddressesClient")
    op(via, global_addresses.insert(project=PROJECT, address_resource=compute_v1.Address(name="lb-ip")))
    address = global_addresses.get(project=PROJECT, address="lb-ip")
    op(via, global_addresses.set_labels(project=PROJECT, resource="lb-ip",
                                        global_set_labels_request_resource=compute_v1.GlobalSetLabelsRequest(
                                            labels={"app": "web"}, label_fingerprint=address.label_fingerprint)))
    list(global_addresses.list(project=PROJECT))


# -- the load balancers ---------------------------------------------------------------------------------


def change(via: EmulatorProcess, client_name: str, param: str, message: type, name: str,
           region: str | None = None, update: bool = False) -> None:
    """Lists the collection (and its aggregatedList where Google has one), patches the resource's
    description with its current fingerprint, and with `update` PUTs the whole resource back changed."""
    client = compute(via, client_name)
    scope = {"project": PROJECT, **({"region": region} if region else {})}
    list(client.list(**scope))
    if hasattr(client, "aggregated_list"):
        list(client.aggregated_list(project=PROJECT))
    current = client.get(**scope, **{param: name})
    patch = message(description="patched", fingerprint=current.fingerprint)
    op(via, client.patch(**scope, **{param: name, f"{param}_resource": patch}), region)
    if update:
        current = client.get(**scope, **{param: name})
        current.description = "updated"
        op(via, client.update(**scope, **{param: name, f"{param}_resource": current}), region)


def regional_lb(via: EmulatorProcess) -> None:
    """Pattern 2: NEG -> backend -> URL map -> HTTP proxy -> forwarding rule in us-central1, then an
    HTTPS proxy with a regional self-managed certificate, and every change the regional collections allow."""
    neg = lb.serverless_neg(via)
    backend = lb.backend_service(via, "backend", [neg.self_link])
    url_map = lb.url_map(via, "urlmap", default_service=backend.self_link)
    lb.http_proxy(via, "proxy", url_map.self_link)
    lb.insert_regional_rule(via, lb.internal_rule())
    list(compute(via, "RegionNetworkEndpointGroupsClient").list(project=PROJECT, region=REGION))
    list(compute(via, "NetworkEndpointGroupsClient").aggregated_list(project=PROJECT))
    change(via, "RegionBackendServicesClient", "backend_service", compute_v1.BackendService, "backend", REGION, True)
    backends = compute(via, "RegionBackendServicesClient")
    policy = backends.get_iam_policy(project=PROJECT, region=REGION, resource="backend")
    policy.bindings.append(compute_v1.Binding(role="roles/compute.loadBalancerServiceUser",
                                              members=["group:platform@example.com"]))
    backends.set_iam_policy(project=PROJECT, region=REGION, resource="backend",
                            region_set_policy_request_resource=compute_v1.RegionSetPolicyRequest(policy=policy))
    change(via, "RegionUrlMapsClient", "url_map", compute_v1.UrlMap, "urlmap", REGION, True)
    second = lb.url_map(via, "urlmap-2", default_service=backend.self_link)
    list(compute(via, "RegionTargetHttpProxiesClient").list(project=PROJECT, region=REGION))
    op(via, compute(via, "RegionTargetHttpProxiesClient").set_url_map(
        project=PROJECT, region=REGION, target_http_proxy="proxy",
        url_map_reference_resource=compute_v1.UrlMapReference(url_map=second.self_link)), REGION)

    certificate = lb.self_managed_certificate(via, "internal-cert", lb.self_signed("internal.example.com"), REGION)
    spare = lb.self_managed_certificate(via, "internal-cert-2", lb.self_signed("internal.example.com"), REGION)
    list(compute(via, "RegionSslCertificatesClient").list(project=PROJECT, region=REGION))
    https = lb.https_proxy(via, "https-proxy", url_map.self_link, [certificate.self_link], REGION)
    change(via, "RegionTargetHttpsProxiesClient", "target_https_proxy", compute_v1.TargetHttpsProxy, "https-proxy",
           REGION)
    https_proxies = compute(via, "RegionTargetHttpsProxiesClient")
    op(via, https_proxies.set_url_map(project=PROJECT, region=REGION, target_https_proxy="https-proxy",
                                      url_map_reference_resource=compute_v1.UrlMapReference(
                                          url_map=second.self_link)), REGION)
    op(via, https_proxies.set_ssl_certificates(
        project=PROJECT, region=REGION, target_https_proxy="https-proxy",
        region_target_https_proxies_set_ssl_certificates_request_resource=(
            compute_v1.RegionTargetHttpsProxiesSetSslCertificatesRequest(ssl_certificates=[spare.self_link]))), REGION)

    lb.insert_regional_rule(via, lb.internal_rule("rule-443", target=https.self_link, port_range="443"))
    rules = compute(via, "ForwardingRulesClient")
    list(rules.list(project=PROJECT, region=REGION))
    list(rules.aggregated_list(project=PROJECT))
    rule = rules.get(project=PROJECT, region=REGION, forwarding_rule="rule")
    op(via, rules.patch(project=PROJECT, region=REGION, forwarding_rule="rule",
                        forwarding_rule_resource=compute_v1.ForwardingRule(
                            network_tier="PREMIUM", fingerprint=rule.fingerprint)), REGION)
    rule = rules.get(project=PROJECT, region=REGION, forwarding_rule="rule")
    op(via, rules.set_labels(project=PROJECT, region=REGION, resource="rule",
                             region_set_labels_request_resource=compute_v1.RegionSetLabelsRequest(
                                 labels={"tier": "internal"}, label_fingerprint=rule.label_fingerprint)), REGION)
    op(via, rules.set_target(project=PROJECT, region=REGION, forwarding_rule="rule-443",
                             target_reference_resource=compute_v1.TargetReference(target=https.self_link)), REGION)


def teardown_regional_lb(via: EmulatorProcess) -> None:
    scope = {"project": PROJECT, "region": REGION}
    for client, param, names in (
        ("ForwardingRulesClient", "forwarding_rule", ("rule-443", "rule")),
        ("RegionTargetHttpsProxiesClient", "target_https_proxy", ("https-proxy",)),
        ("RegionTargetHttpProxiesClient", "target_http_proxy", ("proxy",)),
        ("RegionSslCertificatesClient", "ssl_certificate", ("internal-cert", "internal-cert-2")),
        ("RegionUrlMapsClient", "url_map", ("urlmap", "urlmap-2")),
        ("RegionBackendServicesClient", "backend_service", ("backend",)),
        ("RegionNetworkEndpointGroupsClient", "network_endpoint_group", ("neg",)),
    ):
        for name in names:
            op(via, compute(via, client).delete(**scope, **{param: name}), REGION)


def global_lb(via: EmulatorProcess) -> None:
    """Pattern 1: address, NEG, backend, URL map, managed certificate, HTTPS proxy and rule on 443, plus
    the HTTP to HTTPS redirect on port 80 (second URL map, HTTP proxy, second rule), and the global changes."""
    neg = lb.serverless_neg(via)
    backend = lb.backend_service(via, "backend", [neg.self_link], region=None, scheme="EXTERNAL_MANAGED",
                                 protocol="HTTPS")
    url_map = lb.url_map(via, "urlmap", region=None, default_service=backend.self_link)
    certificate = lb.managed_certificate(via, "cert", ["app.example.com"])
    https = lb.https_proxy(via, "proxy", url_map.self_link, [certificate.self_link])
    redirect = lb.url_map(via, "redirect", region=None, default_url_redirect=compute_v1.HttpRedirectAction(
        https_redirect=True, redirect_response_code="MOVED_PERMANENTLY_DEFAULT"))
    http = lb.http_proxy(via, "http-proxy", redirect.self_link, region=None)
    rules = compute(via, "GlobalForwardingRulesClient")
    for name, target, port in (("https", https.self_link, "443"), ("http", http.self_link, "80")):
        op(via, rules.insert(project=PROJECT, forwarding_rule_resource=compute_v1.ForwardingRule(
            name=name, load_balancing_scheme="EXTERNAL_MANAGED", target=target, port_range=port,
            I_p_address=lb.global_("lb-ip", "addresses"), I_p_protocol="TCP")))
    via.dns_ready("app.example.com")

    change(via, "BackendServicesClient", "backend_service", compute_v1.BackendService, "backend", update=True)
    backends = compute(via, "BackendServicesClient")
    policy = backends.get_iam_policy(project=PROJECT, resource="backend")
    policy.bindings.append(compute_v1.Binding(role="roles/compute.loadBalancerServiceUser",
                                              members=["group:platform@example.com"]))
    backends.set_iam_policy(project=PROJECT, resource="backend",
                            global_set_policy_request_resource=compute_v1.GlobalSetPolicyRequest(policy=policy))
    change(via, "UrlMapsClient", "url_map", compute_v1.UrlMap, "urlmap", update=True)
    change(via, "TargetHttpProxiesClient", "target_http_proxy", compute_v1.TargetHttpProxy, "http-proxy")
    change(via, "TargetHttpsProxiesClient", "target_https_proxy", compute_v1.TargetHttpsProxy, "proxy")
    second = lb.url_map(via, "urlmap-2", region=None, default_service=backend.self_link)
    redirect_2 = lb.url_map(via, "redirect-2", region=None, default_url_redirect=compute_v1.HttpRedirectAction(
        https_redirect=True))
    op(via, compute(via, "TargetHttpProxiesClient").set_url_map(
        project=PROJECT, target_http_proxy="http-proxy",
        url_map_reference_resource=compute_v1.UrlMapReference(url_map=redirect_2.self_link)))

    certificates = compute(via, "SslCertificatesClient")
    list(certificates.list(project=PROJECT))
    list(certificates.aggregated_list(project=PROJECT))
    spare = lb.self_managed_certificate(via, "cert-2", lb.self_signed("app.example.com"))
    https_proxies = compute(via, "TargetHttpsProxiesClient")
    op(via, https_proxies.set_url_map(project=PROJECT, target_https_proxy="proxy",
                                      url_map_reference_resource=compute_v1.UrlMapReference(url_map=second.self_link)))
    op(via, https_proxies.set_ssl_certificates(
        project=PROJECT, target_https_proxy="proxy",
        target_https_proxies_set_ssl_certificates_request_resource=(
            compute_v1.TargetHttpsProxiesSetSslCertificatesRequest(
                ssl_certificates=[certificate.self_link, spare.self_link]))))

    list(rules.list(project=PROJECT))
    rule = rules.get(project=PROJECT, forwarding_rule="https")
    op(via, rules.patch(project=PROJECT, forwarding_rule="https", forwarding_rule_resource=compute_v1.ForwardingRule(
        network_tier="PREMIUM", fingerprint=rule.fingerprint)))
    rule = rules.get(project=PROJECT, forwarding_rule="https")
    op(via, rules.set_labels(project=PROJECT, resource="https", global_set_labels_request_resource=(
        compute_v1.GlobalSetLabelsRequest(labels={"tier": "edge"}, label_fingerprint=rule.label_fingerprint))))
    op(via, rules.set_target(project=PROJECT, forwarding_rule="https",
                             target_reference_resource=compute_v1.TargetReference(target=https.self_link)))


def teardown_global_lb(via: EmulatorProcess) -> None:
    for client, param, names in (
        ("GlobalForwardingRulesClient", "forwarding_rule", ("https", "http")),
        ("TargetHttpsProxiesClient", "target_https_proxy", ("proxy",)),
        ("TargetHttpProxiesClient", "target_http_proxy", ("http-proxy",)),
        ("SslCertificatesClient", "ssl_certificate", ("cert", "cert-2")),
        ("UrlMapsClient", "url_map", ("urlmap", "urlmap-2", "redirect", "redirect-2")),
        ("BackendServicesClient", "backend_service", ("backend",)),
    ):
        for name in names:
            op(via, compute(via, client).delete(project=PROJECT, **{param: name}))
    op(via, compute(via, "RegionNetworkEndpointGroupsClient").delete(
        project=PROJECT, region=REGION, network_endpoint_group="neg"), REGION)


def teardown_networking(via: EmulatorProcess) -> None:
    op(via, compute(via, "GlobalAddressesClient").delete(project=PROJECT, address="lb-ip"))
    op(via, compute(via, "AddressesClient").delete(project=PROJECT, region=REGION, address="internal-ip"), REGION)
    subnets = compute(via, "SubnetworksClient")
    for name in ("app", "proxy-only"):
        op(via, subnets.delete(project=PROJECT, region=REGION, subnetwork=name), REGION)
    op(via, compute(via, "NetworksClient").delete(project=PROJECT, network="vpc"))


# -- Compute operations and projects ---------------------------------------------------------------


def compute_operations(via: EmulatorProcess) -> None:
    """get, list, wait and delete on both operation collections."""
    regional = compute(via, "RegionOperationsClient")
    first = next(iter(regional.list(project=PROJECT, region=REGION)))
    regional.get(project=PROJECT, region=REGION, operation=first.name)
    regional.wait(project=PROJECT, region=REGION, operation=first.name)
    regional.delete(project=PROJECT, region=REGION, operation=first.name)
    global_ = compute(via, "GlobalOperationsClient")
    first = next(iter(global_.list(project=PROJECT)))
    global_.get(project=PROJECT, operation=first.name)
    global_.delete(project=PROJECT, operation=first.name)


def shared_vpc_compute(via: EmulatorProcess) -> None:
    """The host side of Shared VPC: a network and subnet in demo-host, Shared VPC on, demo-service
    attached, the service project's Cloud Run agent granted networkUser on the subnet and networkViewer on
    the host (https://cloud.google.com/run/docs/configuring/shared-vpc-direct-vpc#set_up_iam_permissions)."""
    from tests.emulator.serverless import attach, enable_xpn_host, grant_on_project, grant_on_subnet, shared_vpc_host

    shared_vpc_host(via)
    enable_xpn_host(via)
    attach(via)
    agent = "serviceAccount:service-100000000003@serverless-robot-prod.iam.gserviceaccount.com"
    grant_on_subnet(via, agent)
    grant_on_project(via, agent)
    projects = compute(via, "ProjectsClient")
    projects.get(project="demo-host")
    projects.get_xpn_host(project="demo-service")
    projects.get_xpn_resources(project="demo-host")
    list(compute(via, "SubnetworksClient").list_usable(project="demo-service"))


def teardown_shared_vpc(via: EmulatorProcess) -> None:
    projects = compute(via, "ProjectsClient")
    detach = compute_v1.ProjectsDisableXpnResourceRequest(
        xpn_resource=compute_v1.XpnResourceId(id="demo-service", type_="PROJECT"))
    op(via, projects.disable_xpn_resource(project="demo-host", projects_disable_xpn_resource_request_resource=detach),
       project="demo-host")
    op(via, projects.disable_xpn_host(project="demo-host"), project="demo-host")
    subnets = compute(via, "SubnetworksClient")
    op(via, subnets.delete(project="demo-host", region=REGION, subnetwork="run-egress"), REGION, "demo-host")
    op(via, compute(via, "NetworksClient").delete(project="demo-host", network="shared"), project="demo-host")

