"""Checks of user input, before any API call. Each failure is one sentence naming the flag and the
accepted form (UsageError: exit code 2)."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from pathlib import Path

from crpatterns.errors import UsageError
from crpatterns.patterns.common import PUBLIC_MEMBERS

# Cloud Run v2 service id: lowercase letters, digits, hyphens, a letter first, no hyphen last, fewer than 50
# characters (discovery run.v2 projects.locations.services.create, serviceId).
SERVICE_ID = re.compile(r"^[a-z](?:[-a-z0-9]*[a-z0-9])?$")
COMPUTE_NAME = re.compile(r"^[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?$")
# Regions where Cloud Run runs (cloud.google.com/run/docs/locations).
CLOUD_RUN_REGIONS = frozenset({
    "africa-south1", "asia-east1", "asia-east2", "asia-northeast1", "asia-northeast2", "asia-northeast3",
    "asia-south1", "asia-south2", "asia-southeast1", "asia-southeast2", "australia-southeast1",
    "australia-southeast2", "europe-central2", "europe-north1", "europe-north2", "europe-southwest1",
    "europe-west1", "europe-west2", "europe-west3", "europe-west4", "europe-west6", "europe-west8",
    "europe-west9", "europe-west10", "europe-west12", "me-central1", "me-central2", "me-west1",
    "northamerica-northeast1", "northamerica-northeast2", "northamerica-south1", "southamerica-east1",
    "southamerica-west1", "us-central1", "us-east1", "us-east4", "us-east5", "us-south1", "us-west1",
    "us-west2", "us-west3", "us-west4",
})
# registry[:port]/path[:tag][@sha256:digest], Docker's reference grammar, simplified.
IMAGE = re.compile(
    r"^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::\d+)?/)?"
    r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*"
    r"(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$"
)
HOSTNAME_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
EMAIL = re.compile(r"^[^@\s:]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
MEMBER_PREFIXES = ("user:", "group:", "domain:", "serviceAccount:", "principal://", "principalSet://")


def service_id(value: str, flag: str = "NAME") -> str:
    if not SERVICE_ID.match(value) or len(value) >= 50:
        raise UsageError(
            f"{flag} must be a Cloud Run service name: lowercase letters, digits and hyphens, starting with a "
            f"letter, not ending with a hyphen, fewer than 50 characters; got {value!r}."
        )
    return value


def name_and_region(name: str, region_name: str, derived: dict[str, str] | None = None, flag: str = "NAME") -> str:
    """The checks every command starts with: the service name (and the Compute names a pattern derives
    from it: Pattern.resource_names) and the region, which without --region comes from gcloud's run/region
    property (crpatterns/gcp/project.py). Returns the region."""
    from crpatterns.gcp.project import REGION_PROPERTY, default_region

    service_id(name, flag)
    if derived:
        compute_names(derived, flag)
    source = "--region"
    if not region_name:
        region_name, source = default_region()
    if not region_name:
        raise UsageError("--region is required: the Cloud Run region, e.g. --region us-central1 (or set it once with "
                         f"`gcloud config set {REGION_PROPERTY} REGION`).")
    return region(region_name, source)


def compute_names(names: dict[str, str], flag: str = "NAME") -> None:
    for what, name in names.items():
        if not COMPUTE_NAME.match(name):
            raise UsageError(
                f"{flag} is too long or malformed for the {what} name {name!r}: Compute names are at most 63 "
                "lowercase letters, digits and hyphens, starting with a letter."
            )


def region(value: str, flag: str = "--region") -> str:
    if value not in CLOUD_RUN_REGIONS:
        close = sorted(r for r in CLOUD_RUN_REGIONS if r.split("-")[0] == value.split("-")[0])[:6]
        hint = f" (for example {', '.join(close)})" if close else " (for example us-central1)"
        raise UsageError(f"{flag} must be a Cloud Run region{hint}; got {value!r}.")
    return value


def image(value: str, flag: str = "--image") -> str:
    if len(value) > 1024 or not IMAGE.match(value):
        raise UsageError(
            f"{flag} must be a container image reference such as us-docker.pkg.dev/PROJECT/REPO/IMAGE:TAG "
            f"(lowercase repository path, optional :tag or @sha256:digest); got {value!r}."
        )
    return value


def member(value: str, flag: str = "--member") -> str:
    if value in PUBLIC_MEMBERS:
        raise UsageError(
            f"{flag} {value} is refused: it would make the service public, which this pattern exists to prevent "
            "(and Domain Restricted Sharing org policies forbid); name users, groups or a domain instead."
        )
    if not value.startswith(MEMBER_PREFIXES):
        raise UsageError(
            f"{flag} must start with user:, group:, domain:, serviceAccount:, principal:// or principalSet://; "
            f"got {value!r}."
        )
    kind, _, rest = value.partition(":")
    if kind in ("user", "group", "serviceAccount") and not EMAIL.match(rest):
        raise UsageError(f"{flag} {kind}: needs an email address, as in {kind}:name@example.com; got {value!r}.")
    if kind == "domain" and not _is_hostname(rest):
        raise UsageError(f"{flag} domain: needs a domain name, as in domain:example.com; got {value!r}.")
    if kind in ("principal", "principalSet") and not rest.startswith("//iam.googleapis.com/"):
        raise UsageError(f"{flag} {kind}:// must name an IAM principal, as in "
                         f"{kind}://iam.googleapis.com/...; got {value!r}.")
    return value


def members(values: list[str], flag: str = "--member") -> list[str]:
    checked = [member(v, flag) for v in values]
    return sorted(dict.fromkeys(checked))


def _is_hostname(value: str) -> bool:
    labels = value.split(".")
    return len(value) <= 253 and len(labels) >= 2 and all(HOSTNAME_LABEL.match(label) for label in labels) \
        and not labels[-1].isdigit()


def domain(value: str, flag: str = "--domain") -> str:
    name = value.lower().rstrip(".")
    if not _is_hostname(name):
        raise UsageError(
            f"{flag} must be a fully qualified host name such as app.example.com (no scheme, path, port or "
            f"wildcard); got {value!r}."
        )
    return name


def cidr(value: str, flag: str, min_prefix: int | None = None, max_prefix: int | None = None) -> ipaddress.IPv4Network:
    try:
        network = ipaddress.IPv4Network(value, strict=True)
    except ValueError as error:
        raise UsageError(f"{flag} must be an IPv4 range in CIDR form such as 10.129.0.0/23; got {value!r} "
                         f"({error}).") from None
    if max_prefix is not None and network.prefixlen > max_prefix:
        raise UsageError(f"{flag} must be at least a /{max_prefix} (a /23 is recommended); got {value!r}.")
    if min_prefix is not None and network.prefixlen < min_prefix:
        raise UsageError(f"{flag} must be no larger than a /{min_prefix}; got {value!r}.")
    if not network.is_private:
        raise UsageError(f"{flag} must be a private (RFC 1918) range; got {value!r}.")
    return network


def ip(value: str, flag: str) -> ipaddress.IPv4Address:
    try:
        return ipaddress.IPv4Address(value)
    except ValueError:
        raise UsageError(f"{flag} must be an IPv4 address such as 10.0.0.10; got {value!r}.") from None


def network_tag(value: str, flag: str = "--network-tag") -> str:
    if not COMPUTE_NAME.match(value):
        raise UsageError(f"{flag} must be 1-63 lowercase letters, digits or hyphens, starting with a letter; "
                         f"got {value!r}.")
    return value


def compute_name(value: str, flag: str) -> str:
    if not COMPUTE_NAME.match(value):
        raise UsageError(f"{flag} must be a Compute resource name: 1-63 lowercase letters, digits or hyphens, "
                         f"starting with a letter; got {value!r}.")
    return value


# Certificates Google's load balancers take (https://cloud.google.com/load-balancing/docs/ssl-certificates/
# self-managed-certs: "RSA-2048, RSA-3072, RSA-4096, ECDSA P-256, ECDSA P-384").
RSA_KEY_SIZES = (2048, 3072, 4096)
EC_CURVES = ("secp256r1", "secp384r1")
PEM_BLOCK = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----\r?\n.*?-----END \1-----", re.S)
CERTIFICATE_LABEL = "CERTIFICATE"


@dataclass(frozen=True)
class PemPair:
    """A certificate (with its chain, certificate blocks only) and its private key, read from files."""

    certificate: str
    private_key: str
    names: tuple[str, ...]  # the DNS names the leaf certificate covers
    warnings: tuple[str, ...] = ()


def certificate_blocks(text: str) -> tuple[str, bool]:
    """The CERTIFICATE blocks of a PEM file, in order (a bundle may hold a chain), and whether the file
    held anything else (a private key, say): only the certificates are ever uploaded or shown."""
    blocks = [m.group(0) for m in PEM_BLOCK.finditer(text)]
    certificates = [b for b in blocks if b.startswith(f"-----BEGIN {CERTIFICATE_LABEL}-----")]
    return "\n".join(certificates) + ("\n" if certificates else ""), len(certificates) != len(blocks)


def read_pem_pair(certificate_file: str | None, key_file: str | None, flags: tuple[str, str],
                  domains: tuple[str, ...] = ()) -> PemPair:
    """Both files exist and parse as PEM, the pair matches, Google takes its key type, the certificate is
    valid now and covers every --domain: everything Compute would refuse mid-apply, refused before any
    call. The key is never printed, and never uploaded as part of the certificate."""
    import datetime

    cert_flag, key_flag = flags
    if bool(certificate_file) != bool(key_file):
        raise UsageError(f"{cert_flag} and {key_flag} go together: give both or neither.")
    assert certificate_file and key_file
    certificate, other_blocks = certificate_blocks(_read(certificate_file, cert_flag))
    key = _read(key_file, key_flag)
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    try:
        parsed = x509.load_pem_x509_certificate(certificate.encode())
    except ValueError:
        raise UsageError(f"{cert_flag} {certificate_file} is not a PEM certificate "
                         "(-----BEGIN CERTIFICATE-----).") from None
    try:
        private = serialization.load_pem_private_key(key.encode(), password=None)
    except (ValueError, TypeError):
        raise UsageError(f"{key_flag} {key_file} is not an unencrypted PEM private key "
                         "(-----BEGIN PRIVATE KEY-----).") from None
    # Compute refuses a pair that does not match ("The SSL certificate and key do not match."), but only
    # at insert time, after the resources created before the certificate: so it is checked here.
    spki = (serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    if private.public_key().public_bytes(*spki) != parsed.public_key().public_bytes(*spki):
        raise UsageError(f"{key_flag} {key_file} is not the private key of the certificate in {cert_flag} "
                         f"{certificate_file}.")
    if isinstance(private, rsa.RSAPrivateKey):
        if private.key_size not in RSA_KEY_SIZES:
            raise UsageError(f"{key_flag} {key_file} is an RSA-{private.key_size} key; Google's load balancers "
                             "take RSA-2048, RSA-3072, RSA-4096, ECDSA P-256 or ECDSA P-384.")
    elif not (isinstance(private, ec.EllipticCurvePrivateKey) and private.curve.name in EC_CURVES):
        kind = private.curve.name if isinstance(private, ec.EllipticCurvePrivateKey) else type(private).__name__
        raise UsageError(f"{key_flag} {key_file} is a {kind} key; Google's load balancers take RSA-2048, "
                         "RSA-3072, RSA-4096, ECDSA P-256 or ECDSA P-384.")
    now = datetime.datetime.now(datetime.UTC)
    if parsed.not_valid_after_utc <= now:
        raise UsageError(f"{cert_flag} {certificate_file} expired on {parsed.not_valid_after_utc:%Y-%m-%d}; give a "
                         "valid certificate.")
    if parsed.not_valid_before_utc > now:
        raise UsageError(f"{cert_flag} {certificate_file} is not valid before "
                         f"{parsed.not_valid_before_utc:%Y-%m-%d %H:%M} UTC; give a certificate valid now.")
    names = certificate_names(parsed)
    uncovered = [d for d in domains if not any(covers(n, d) for n in names)]
    if uncovered:
        raise UsageError(f"{cert_flag} {certificate_file} does not cover --domain {', '.join(uncovered)} (it names "
                         f"{', '.join(names) or 'no DNS name'}); give a certificate for every domain.")
    warnings = []
    if other_blocks:
        warnings.append(f"{cert_flag} {certificate_file} also holds something other than certificates (a private "
                        "key?): only its certificates are used.")
    if _readable_by_others(key_file):
        warnings.append(f"{key_flag} {key_file} can be read by other users of this machine; chmod 600 it.")
    return PemPair(certificate, key, names, tuple(warnings))


def certificate_names(parsed: object) -> tuple[str, ...]:
    """The DNS names a certificate covers: its subjectAltName entries, else its common name."""
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    assert isinstance(parsed, x509.Certificate)
    try:
        alternative = parsed.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        return tuple(n.lower() for n in alternative.get_values_for_type(x509.DNSName))
    except x509.ExtensionNotFound:
        return tuple(str(a.value).lower() for a in parsed.subject.get_attributes_for_oid(NameOID.COMMON_NAME))


def covers(name: str, domain: str) -> bool:
    """Whether a certificate name covers a host: exactly, or a wildcard for one leftmost label (RFC 6125)."""
    if name.startswith("*."):
        head, _, rest = domain.partition(".")
        return bool(head) and rest == name[2:]
    return name == domain


def _readable_by_others(path: str) -> bool:
    import stat

    try:
        return bool(Path(path).stat().st_mode & (stat.S_IRGRP | stat.S_IROTH))
    except OSError:
        return False


def warn(warnings: tuple[str, ...]) -> None:
    """A problem with the input that is no reason to stop: one line on stderr each."""
    import sys

    for warning in warnings:
        sys.stderr.write(f"warning: {warning}\n")


def read_secret(path: str, flag: str) -> str:
    secret = _read(path, flag).strip()
    if not secret:
        raise UsageError(f"{flag} {path} is empty.")
    return secret


def _read(path: str, flag: str) -> str:
    file = Path(path)
    if not file.is_file():
        raise UsageError(f"{flag} {path} does not exist or is not a file.")
    try:
        return file.read_text()
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"{flag} {path} cannot be read: {error}.") from None
