"""The name of every resource kind: the API collection it stands for, as patterns, the planner and the
renderers refer to it. Pure (no client code), so patterns can name kinds without importing them."""

from __future__ import annotations

from enum import StrEnum


class KindKey(StrEnum):
    RUN_SERVICES = "run.services"
    RUN_SERVICE_IAM = "run.services.iamPolicy"
    IAP_WEB_IAM = "iap.webIamPolicy"
    PROJECT_IAM = "cloudresourcemanager.projects.iamPolicy"
    NETWORKS = "compute.networks"
    SUBNETWORKS = "compute.subnetworks"
    SUBNETWORK_IAM = "compute.subnetworks.iamPolicy"
    REGION_BACKEND_SERVICE_IAM = "compute.regionBackendServices.iamPolicy"
    XPN_HOST = "compute.projects.xpnHost"
    REGION_NEGS = "compute.regionNetworkEndpointGroups"
    GLOBAL_ADDRESSES = "compute.globalAddresses"
    ADDRESSES = "compute.addresses"
    BACKEND_SERVICES = "compute.backendServices"
    REGION_BACKEND_SERVICES = "compute.regionBackendServices"
    URL_MAPS = "compute.urlMaps"
    REGION_URL_MAPS = "compute.regionUrlMaps"
    SSL_CERTIFICATES = "compute.sslCertificates"
    REGION_SSL_CERTIFICATES = "compute.regionSslCertificates"
    TARGET_HTTP_PROXIES = "compute.targetHttpProxies"
    REGION_TARGET_HTTP_PROXIES = "compute.regionTargetHttpProxies"
    TARGET_HTTPS_PROXIES = "compute.targetHttpsProxies"
    REGION_TARGET_HTTPS_PROXIES = "compute.regionTargetHttpsProxies"
    GLOBAL_FORWARDING_RULES = "compute.globalForwardingRules"
    FORWARDING_RULES = "compute.forwardingRules"
