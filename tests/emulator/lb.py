"""Helpers for the load-balancing tests: the two chains the patterns build, piece by piece, through the
real google-cloud-compute clients, plus PEM material for self-managed certificates."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from google.cloud import compute_v1

from tests.emulator.clients import compute, wait
from tests.emulator.networking import PROJECT, REGION, create_network, create_subnet
from tests.support import EmulatorProcess

LINK = "https://www.googleapis.com/compute/v1/"


def link(path: str) -> str:
    return LINK + path


def regional(name: str, segment: str, region: str = REGION, project: str = PROJECT) -> str:
    return f"projects/{project}/regions/{region}/{segment}/{name}"


def global_(name: str, segment: str, project: str = PROJECT) -> str:
    return f"projects/{project}/global/{segment}/{name}"


def done(emulator: EmulatorProcess, operation: Any, region: str | None = None) -> compute_v1.Operation:
    """Waits for the operation and fails on an operation error."""
    finished = wait(emulator, operation, PROJECT, region)
    assert not finished.error.errors, finished.error
    return finished


# -- pieces ---------------------------------------------------------------------------------------


def serverless_neg(emulator: EmulatorProcess, name: str = "neg", service: str = "hello",
                   region: str = REGION) -> compute_v1.NetworkEndpointGroup:
    negs = compute(emulator, "RegionNetworkEndpointGroupsClient")
    resource = compute_v1.NetworkEndpointGroup(
        name=name, network_endpoint_type="SERVERLESS",
        cloud_run=compute_v1.NetworkEndpointGroupCloudRun(service=service))
    done(emulator, negs.insert(project=PROJECT, region=region, network_endpoint_group_resource=resource), region)
    return negs.get(project=PROJECT, region=region, network_endpoint_group=name)


def backend_service(emulator: EmulatorProcess, name: str, groups: list[str], region: str | None = REGION,
                    scheme: str = "INTERNAL_MANAGED", **fields: Any) -> compute_v1.BackendService:
    resource = compute_v1.BackendService(
        name=name, load_balancing_scheme=scheme, protocol=fields.pop("protocol", "HTTP"),
        backends=[compute_v1.Backend(group=group) for group in groups], **fields)
    if region:
        client = compute(emulator, "RegionBackendServicesClient")
        done(emulator, client.insert(project=PROJECT, region=region, backend_service_resource=resource), region)
        return client.get(project=PROJECT, region=region, backend_service=name)
    client = compute(emulator, "BackendServicesClient")
    done(emulator, client.insert(project=PROJECT, backend_service_resource=resource))
    return client.get(project=PROJECT, backend_service=name)


def url_map(emulator: EmulatorProcess, name: str, region: str | None = REGION, **fields: Any) -> compute_v1.UrlMap:
    resource = compute_v1.UrlMap(name=name, **fields)
    if region:
        client = compute(emulator, "RegionUrlMapsClient")
        done(emulator, client.insert(project=PROJECT, region=region, url_map_resource=resource), region)
        return client.get(project=PROJECT, region=region, url_map=name)
    client = compute(emulator, "UrlMapsClient")
    done(emulator, client.insert(project=PROJECT, url_map_resource=resource))
    return client.get(project=PROJECT, url_map=name)


def http_proxy(emulator: EmulatorProcess, name: str, url_map_link: str,
               region: str | None = REGION) -> compute_v1.TargetHttpProxy:
    resource = compute_v1.TargetHttpProxy(name=name, url_map=url_map_link)
    if region:
        client = compute(emulator, "RegionTargetHttpProxiesClient")
        done(emulator, client.insert(project=PROJECT, region=region, target_http_proxy_resource=resource), region)
        return client.get(project=PROJECT, region=region, target_http_proxy=name)
    client = compute(emulator, "TargetHttpProxiesClient")
    done(emulator, client.insert(project=PROJECT, target_http_proxy_resource=resource))
    return client.get(project=PROJECT, target_http_proxy=name)


def https_proxy(emulator: EmulatorProcess, name: str, url_map_link: str, certificates: list[str],
                region: str | None = None) -> compute_v1.TargetHttpsProxy:
    resource = compute_v1.TargetHttpsProxy(name=name, url_map=url_map_link, ssl_certificates=certificates)
    if region:
        client = compute(emulator, "RegionTargetHttpsProxiesClient")
        done(emulator, client.insert(project=PROJECT, region=region, target_https_proxy_resource=resource), region)
        return client.get(project=PROJECT, region=region, target_https_proxy=name)
    client = compute(emulator, "TargetHttpsProxiesClient")
    done(emulator, client.insert(project=PROJECT, target_https_proxy_resource=resource))
    return client.get(project=PROJECT, target_https_proxy=name)


def managed_certificate(emulator: EmulatorProcess, name: str, domains: list[str]) -> compute_v1.SslCertificate:
    client = compute(emulator, "SslCertificatesClient")
    resource = compute_v1.SslCertificate(
        name=name, type_="MANAGED", managed=compute_v1.SslCertificateManagedSslCertificate(domains=domains))
    done(emulator, client.insert(project=PROJECT, ssl_certificate_resource=resource))
    return client.get(project=PROJECT, ssl_certificate=name)


@dataclass
class Pem:
    certificate: str
    key: str


def self_signed(*names: str, days: int = 30) -> Pem:
    """A self-signed certificate for `names` (the first is the CN), and its key, in PEM."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Pem(
        certificate.public_bytes(serialization.Encoding.PEM).decode(),
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                          serialization.NoEncryption()).decode(),
    )


def self_managed_certificate(emulator: EmulatorProcess, name: str, pem: Pem,
                             region: str | None = None) -> compute_v1.SslCertificate:
    resource = compute_v1.SslCertificate(name=name, certificate=pem.certificate, private_key=pem.key)
    if region:
        client = compute(emulator, "RegionSslCertificatesClient")
        done(emulator, client.insert(project=PROJECT, region=region, ssl_certificate_resource=resource), region)
        return client.get(project=PROJECT, region=region, ssl_certificate=name)
    client = compute(emulator, "SslCertificatesClient")
    done(emulator, client.insert(project=PROJECT, ssl_certificate_resource=resource))
    return client.get(project=PROJECT, ssl_certificate=name)


def vpc_with_proxy_subnet(emulator: EmulatorProcess, proxy_subnet: bool = True) -> None:
    """Network `vpc`, regular subnet `app` (10.0.0.0/24) and, unless told not to, the ACTIVE proxy-only
    subnet `proxy-only` (10.129.0.0/23), all in us-central1."""
    create_network(emulator, "vpc")
    create_subnet(emulator, "app", "vpc", "10.0.0.0/24")
    if proxy_subnet:
        create_subnet(emulator, "proxy-only", "vpc", "10.129.0.0/23", purpose="REGIONAL_MANAGED_PROXY",
                      role="ACTIVE")


def internal_rule(name: str = "rule", target: str = regional("proxy", "targetHttpProxies"),
                  **fields: Any) -> compute_v1.ForwardingRule:
    values: dict[str, Any] = dict(
        name=name, load_balancing_scheme="INTERNAL_MANAGED", network=global_("vpc", "networks"),
        subnetwork=regional("app", "subnetworks"), target=target, port_range="80", I_p_protocol="TCP")
    values.update(fields)
    return compute_v1.ForwardingRule(**values)


def insert_regional_rule(emulator: EmulatorProcess, rule: compute_v1.ForwardingRule) -> compute_v1.ForwardingRule:
    client = compute(emulator, "ForwardingRulesClient")
    done(emulator, client.insert(project=PROJECT, region=REGION, forwarding_rule_resource=rule), REGION)
    return client.get(project=PROJECT, region=REGION, forwarding_rule=rule.name)


# -- whole chains ---------------------------------------------------------------------------------


def regional_internal_chain(emulator: EmulatorProcess) -> compute_v1.ForwardingRule:
    """Pattern 2: vpc + proxy-only subnet, NEG `neg`, backend `backend`, URL map `urlmap`, HTTP proxy
    `proxy`, forwarding rule `rule`, all in us-central1."""
    vpc_with_proxy_subnet(emulator)
    neg = serverless_neg(emulator)
    backend = backend_service(emulator, "backend", [neg.self_link])
    um = url_map(emulator, "urlmap", default_service=backend.self_link)
    http_proxy(emulator, "proxy", um.self_link)
    return insert_regional_rule(emulator, internal_rule())


def global_external_chain(emulator: EmulatorProcess, domains: tuple[str, ...] = ("app.example.com",)) -> (
        compute_v1.ForwardingRule):
    """Pattern 1: global address `lb-ip`, NEG `neg` (us-central1), global backend `backend`
    (EXTERNAL_MANAGED, HTTPS), URL map `urlmap`, managed certificate `cert`, HTTPS proxy `proxy`,
    global forwarding rule `https` on port 443."""
    addresses = compute(emulator, "GlobalAddressesClient")
    done(emulator, addresses.insert(project=PROJECT, address_resource=compute_v1.Address(name="lb-ip")))
    neg = serverless_neg(emulator)
    backend = backend_service(emulator, "backend", [neg.self_link], region=None, scheme="EXTERNAL_MANAGED",
                              protocol="HTTPS")
    um = url_map(emulator, "urlmap", region=None, default_service=backend.self_link)
    cert = managed_certificate(emulator, "cert", list(domains))
    https_proxy(emulator, "proxy", um.self_link, [cert.self_link])
    rules = compute(emulator, "GlobalForwardingRulesClient")
    rule = compute_v1.ForwardingRule(
        name="https", load_balancing_scheme="EXTERNAL_MANAGED", target=global_("proxy", "targetHttpsProxies"),
        port_range="443", I_p_address=global_("lb-ip", "addresses"), I_p_protocol="TCP")
    done(emulator, rules.insert(project=PROJECT, forwarding_rule_resource=rule))
    return rules.get(project=PROJECT, forwarding_rule="https")
