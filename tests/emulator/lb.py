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


def assert_refused(answer: tuple[int, Any], message: str, code: int = 400) -> None:
    """A raw `emulator.call` answer is Google's error `code` whose message ends with `message`."""
    status, body = answer
    assert status == code, body
    assert body["error"]["message"].endswith(message), body["error"]["message"]


# -- pieces ---------------------------------------------------------------------------------------


def create(emulator: EmulatorProcess, client_name: str, param: str, resource: Any,
           region: str | None = None) -> Any:
    """Inserts `resource` with the client (its "Region..." twin when `region` is given), waits, and
    reads it back; `param` names the resource in the client's calls, e.g. "backend_service"."""
    client = compute(emulator, f"Region{client_name}" if region else client_name)
    scope = {"project": PROJECT, **({"region": region} if region else {})}
    done(emulator, client.insert(**scope, **{f"{param}_resource": resource}), region)
    return client.get(**scope, **{param: resource.name})


def serverless_neg(emulator: EmulatorProcess, name: str = "neg", service: str = "hello",
                   region: str = REGION) -> compute_v1.NetworkEndpointGroup:
    resource = compute_v1.NetworkEndpointGroup(
        name=name, network_endpoint_type="SERVERLESS",
        cloud_run=compute_v1.NetworkEndpointGroupCloudRun(service=service))
    return create(emulator, "NetworkEndpointGroupsClient", "network_endpoint_group", resource, region)


def backend_service(emulator: EmulatorProcess, name: str, groups: list[str], region: str | None = REGION,
                    scheme: str = "INTERNAL_MANAGED", **fields: Any) -> compute_v1.BackendService:
    resource = compute_v1.BackendService(
        name=name, load_balancing_scheme=scheme, protocol=fields.pop("protocol", "HTTP"),
        backends=[compute_v1.Backend(group=group) for group in groups], **fields)
    return create(emulator, "BackendServicesClient", "backend_service", resource, region)


def url_map(emulator: EmulatorProcess, name: str, region: str | None = REGION, **fields: Any) -> compute_v1.UrlMap:
    return create(emulator, "UrlMapsClient", "url_map", compute_v1.UrlMap(name=name, **fields), region)


def http_proxy(emulator: EmulatorProcess, name: str, url_map_link: str,
               region: str | None = REGION) -> compute_v1.TargetHttpProxy:
    resource = compute_v1.TargetHttpProxy(name=name, url_map=url_map_link)
    return create(emulator, "TargetHttpProxiesClient", "target_http_proxy", resource, region)


def https_proxy(emulator: EmulatorProcess, name: str, url_map_link: str, certificates: list[str],
                region: str | None = None) -> compute_v1.TargetHttpsProxy:
    resource = compute_v1.TargetHttpsProxy(name=name, url_map=url_map_link, ssl_certificates=certificates)
    return create(emulator, "TargetHttpsProxiesClient", "target_https_proxy", resource, region)


def managed_certificate(emulator: EmulatorProcess, name: str, domains: list[str]) -> compute_v1.SslCertificate:
    resource = compute_v1.SslCertificate(
        name=name, type_="MANAGED", managed=compute_v1.SslCertificateManagedSslCertificate(domains=domains))
    return create(emulator, "SslCertificatesClient", "ssl_certificate", resource)


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
    return create(emulator, "SslCertificatesClient", "ssl_certificate", resource, region)


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
    # ForwardingRulesClient is the regional collection; it has no "Region..." twin.
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
