"""sslCertificates (global) and regionSslCertificates: Google-managed and self-managed certificates.

Rules (docs/google-behaviour.md, "Compute: SSL certificates"): methods insert/get/list/
delete only. Global: `type: MANAGED` with `managed.domains` (1-100 domains, the per-certificate limit
of https://cloud.google.com/load-balancing/docs/quotas#ssl_certificates), status PROVISIONING with a
PROVISIONING `domainStatus` per domain, turning ACTIVE only once DNS for every domain points at the
load balancer (here: every domain marked through /_emulator/dns-ready); or SELF_MANAGED (the default
type) with a PEM certificate and private key; the key is never returned, expireTime and
subjectAlternativeNames come from the certificate. Regional: self-managed only (Google-managed regional
certificates exist only in Certificate Manager). Deleting one a target proxy uses:
resourceInUseByAnotherResource.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from crpatterns.emulator.compute.collection import Collection, invalid_field, required_field
from crpatterns.emulator.compute.store import ComputeState
from crpatterns.emulator.core.routing import ApiRequest

MAX_MANAGED_DOMAINS = 100
# A managed certificate's domain: a fully qualified host name, no wildcard (managed certificates do not
# cover wildcards), labels of 1-63 letters, digits and hyphens, at most 253 characters.
_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
_DOMAIN = re.compile(rf"^(?=.{{1,253}}$){_LABEL}(\.{_LABEL})+$")
MANAGED_LIFETIME = timedelta(days=90)  # Google-managed certificates are issued for 90 days


def rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def normalise_domain(domain: str) -> str:
    return domain.strip().lower().rstrip(".")


class _SslCertificates(Collection):
    kind = "compute#sslCertificate"
    snake = "ssl_certificate"
    fingerprinted = False  # SslCertificate has no fingerprint (discovery compute.v1)

    def validate(
        self, request: ApiRequest, resource: dict[str, Any], project: str, region: str | None,
        existing: dict[str, Any] | None,
    ) -> None:
        for field in ("expireTime", "subjectAlternativeNames"):  # output only
            resource.pop(field, None)
        kind = resource.setdefault("type", "SELF_MANAGED")
        if kind == "MANAGED":
            if region is not None:
                # Google-managed regional certificates come only through Certificate Manager
                # (docs/google-behaviour.md, "Compute: SSL certificates"). Wording UNCONFIRMED.
                raise invalid_field("resource.type", kind, "Google-managed SSL certificates are not supported "
                                    "for regional SSL certificates; use Certificate Manager.")
            self.check_managed(resource)
        elif kind == "SELF_MANAGED":
            self.check_self_managed(resource)
        else:
            raise invalid_field("resource.type", kind, "Unsupported SSL certificate type.")  # UNCONFIRMED

    # -- Google-managed -----------------------------------------------------------------------

    def check_managed(self, resource: dict[str, Any]) -> None:
        if resource.get("certificate") or resource.get("privateKey") or resource.get("selfManaged"):
            # UNCONFIRMED wording.
            raise invalid_field("resource.certificate", "", "A certificate and private key cannot be given for "
                                "a certificate of type MANAGED.")
        managed = resource.get("managed") or {}
        domains = managed.get("domains") or []
        if not domains:
            raise required_field("resource.managed.domains")
        if len(domains) > MAX_MANAGED_DOMAINS:
            raise invalid_field("resource.managed.domains", "", f"A managed SSL certificate takes at most "
                                f"{MAX_MANAGED_DOMAINS} domains.")  # wording UNCONFIRMED
        normalised = []
        for i, domain in enumerate(domains):
            name = normalise_domain(domain)
            if not _DOMAIN.match(name):
                # Wildcards and malformed names are refused; wording UNCONFIRMED.
                raise invalid_field(f"resource.managed.domains[{i}]", domain,
                                    "The domain is not a valid fully qualified domain name.")
            if name in normalised:
                raise invalid_field(f"resource.managed.domains[{i}]", domain, "Duplicate domain.")  # UNCONFIRMED
            normalised.append(name)
        resource["managed"] = {"domains": normalised}

    def server_fields(self, resource: dict[str, Any], project: str, region: str | None) -> None:
        if resource["type"] == "MANAGED":
            domains = resource["managed"]["domains"]
            resource["managed"].update(status="PROVISIONING",
                                       domainStatus=dict.fromkeys(domains, "PROVISIONING"))
            resource["subjectAlternativeNames"] = list(domains)
            advance(resource, self.state.dns_ready)

    # -- self-managed -------------------------------------------------------------------------

    @staticmethod
    def check_self_managed(resource: dict[str, Any]) -> None:
        given = resource.pop("selfManaged", None) or {}
        certificate_pem = resource.get("certificate") or given.get("certificate")
        key_pem = resource.pop("privateKey", None) or given.get("privateKey")
        if resource.get("managed"):
            raise invalid_field("resource.managed", "", "managed can only be set for a certificate of type "
                                "MANAGED.")  # wording UNCONFIRMED
        if not certificate_pem:
            raise required_field("resource.certificate")
        if not key_pem:
            raise required_field("resource.privateKey")
        # Wordings below UNCONFIRMED (recalled from Google's answers, not verified).
        try:
            certificate = x509.load_pem_x509_certificate(certificate_pem.encode())
        except ValueError:
            raise invalid_field("resource.certificate", "", "The SSL certificate could not be parsed.") from None
        try:
            key = serialization.load_pem_private_key(key_pem.encode(), password=None)
        except (ValueError, TypeError):
            raise invalid_field("resource.privateKey", "", "The SSL key could not be parsed.") from None
        public = serialization.PublicFormat.SubjectPublicKeyInfo
        encoding = serialization.Encoding.PEM
        if certificate.public_key().public_bytes(encoding, public) != key.public_key().public_bytes(encoding, public):
            raise invalid_field("resource.privateKey", "", "The SSL certificate and key do not match.")
        resource["certificate"] = certificate_pem
        resource["expireTime"] = rfc3339(certificate.not_valid_after_utc)
        try:
            names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
            alternative = names.get_values_for_type(x509.DNSName)
        except x509.ExtensionNotFound:
            alternative = []
        if alternative:
            resource["subjectAlternativeNames"] = alternative


class SslCertificates(_SslCertificates):
    name = "sslCertificates"
    verbs = (*_SslCertificates.verbs, "aggregatedList")


class RegionSslCertificates(_SslCertificates):
    name = "regionSslCertificates"


def advance(certificate: dict[str, Any], ready: set[str]) -> None:
    """Marks the certificate's ready domains ACTIVE, and the certificate once all of them are."""
    managed = certificate.get("managed") or {}
    statuses = managed.get("domainStatus") or {}
    for domain in statuses:
        if domain in ready:
            statuses[domain] = "ACTIVE"
    if statuses and all(status == "ACTIVE" for status in statuses.values()) and managed["status"] != "ACTIVE":
        managed["status"] = "ACTIVE"
        certificate["expireTime"] = rfc3339(datetime.now(UTC) + MANAGED_LIFETIME)


def mark_dns_ready(state: ComputeState, domain: str) -> None:
    """DNS for `domain` now points at the load balancer: managed certificates covering it progress.

    Simplification (UNCONFIRMED): Google also needs the certificate attached to a target HTTPS proxy
    behind a forwarding rule on that IP; the emulator only asks for the DNS step.
    """
    state.dns_ready.add(normalise_domain(domain))
    for resource in state.resources.values():
        if resource.get("kind") == "compute#sslCertificate" and resource.get("type") == "MANAGED":
            advance(resource, state.dns_ready)


COLLECTIONS = [SslCertificates, RegionSslCertificates]
