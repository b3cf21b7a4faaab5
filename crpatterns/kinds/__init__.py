"""Resource kinds: one module per Google resource type, each knowing how to read, create, update,
delete and compare its resources. `all_kinds` builds them around one client factory."""

from __future__ import annotations

from crpatterns.gcp.clients import Clients
from crpatterns.kinds.base import Kind


def kind_classes() -> list[type[Kind]]:
    from crpatterns.kinds import (
        compute_addresses,
        compute_backend_services,
        compute_forwarding_rules,
        compute_negs,
        compute_networks,
        compute_ssl_certificates,
        compute_subnetworks,
        compute_target_proxies,
        compute_url_maps,
        iam_policies,
        run_services,
        xpn,
    )

    return [
        compute_addresses.GlobalAddresses, compute_addresses.Addresses,
        compute_backend_services.BackendServices, compute_backend_services.RegionBackendServices,
        compute_forwarding_rules.GlobalForwardingRules, compute_forwarding_rules.ForwardingRules,
        compute_negs.RegionNetworkEndpointGroups,
        compute_networks.Networks,
        compute_ssl_certificates.SslCertificates, compute_ssl_certificates.RegionSslCertificates,
        compute_subnetworks.Subnetworks,
        compute_target_proxies.TargetHttpProxies, compute_target_proxies.RegionTargetHttpProxies,
        compute_target_proxies.TargetHttpsProxies, compute_target_proxies.RegionTargetHttpsProxies,
        compute_url_maps.UrlMaps, compute_url_maps.RegionUrlMaps,
        iam_policies.RunServiceIam, iam_policies.IapWebIam, iam_policies.SubnetworkIam, iam_policies.ProjectIam,
        iam_policies.RegionBackendServiceIam,
        run_services.RunServices,
        xpn.XpnAttachment,
    ]


def all_kinds(clients: Clients) -> dict[str, Kind]:
    return {cls.key: cls(clients) for cls in kind_classes()}
