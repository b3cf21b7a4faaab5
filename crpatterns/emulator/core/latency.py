"""How long Google takes: the latency model the emulator applies to operations and calls.

Two models, as `crpatterns emulator start` offers them:
- flat (`--op-latency S --read-latency S`): every long-running operation takes the same time, every read the
  same time, and synchronous writes (setIamPolicy) answer at once. Simple, and what the tests use.
- a profile (`--latency-profile google`): seconds per kind of operation, from public apply logs and Google's
  documentation (docs/latency.md gives each figure with its source, or marks it an estimate). Cloud Run
  services take longer than load balancer resources, global forwarding rules longer than regional ones.

Either is multiplied by a scale (`--latency-scale`), so a benchmark keeps Google's proportions in less time;
quota windows scale with it (core/quotas.py), so a scaled run meets the limits a real one would.

Figures are medians and deterministic: the tail Google shows (a Cloud Run create can take two minutes) is
not modelled, so that ratios measured in one run stay comparable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

FLAT = "flat"
GOOGLE = "google"
READ = "read"  # a GET (or a call that changes nothing) answered by Google's front end
IAM_WRITE = "iam-write"  # setIamPolicy: synchronous, no operation

# Operation kinds, in the order docs/latency.md lists them.
RUN_CREATE = "run-service-create"
RUN_UPDATE = "run-service-update"
RUN_DELETE = "run-service-delete"
NEG = "serverless-neg"
BACKEND_GLOBAL = "backend-service-global"
BACKEND_REGIONAL = "backend-service-regional"
URL_MAP_GLOBAL = "url-map-global"
URL_MAP_REGIONAL = "url-map-regional"
PROXY_GLOBAL = "target-proxy-global"
PROXY_REGIONAL = "target-proxy-regional"
RULE_GLOBAL = "forwarding-rule-global"
RULE_REGIONAL = "forwarding-rule-regional"
ADDRESS_GLOBAL = "address-global"
ADDRESS_REGIONAL = "address-regional"
CERTIFICATE = "ssl-certificate"
SUBNET = "subnet"
SUBNET_UPDATE = "subnet-update"
SHARED_VPC = "shared-vpc-attach"
SERVICE_USAGE = "service-usage"
COMPUTE_OTHER = "compute-other"

# Seconds per kind under Google's timings (docs/latency.md, "Operation latency": sources and estimates).
GOOGLE_PROFILE: dict[str, float] = {
    RUN_CREATE: 20.0,
    RUN_UPDATE: 15.0,
    RUN_DELETE: 10.0,
    NEG: 5.0,
    BACKEND_GLOBAL: 10.0,
    BACKEND_REGIONAL: 8.0,
    URL_MAP_GLOBAL: 10.0,
    URL_MAP_REGIONAL: 8.0,
    PROXY_GLOBAL: 10.0,
    PROXY_REGIONAL: 8.0,
    RULE_GLOBAL: 20.0,
    RULE_REGIONAL: 10.0,
    ADDRESS_GLOBAL: 10.0,
    ADDRESS_REGIONAL: 5.0,
    CERTIFICATE: 10.0,
    SUBNET: 20.0,
    SUBNET_UPDATE: 10.0,
    SHARED_VPC: 5.0,
    SERVICE_USAGE: 2.0,
    COMPUTE_OTHER: 10.0,
    IAM_WRITE: 1.0,
    READ: 0.1,
}
PROFILES = {GOOGLE: GOOGLE_PROFILE}

# Method id (discovery) -> kind, first match wins. Compute's verbs on a collection share the kind's figure.
_KINDS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(pattern), kind) for pattern, kind in (
    (r"\.setIamPolicy$", IAM_WRITE),
    (r"^run\.projects\.locations\.services\.create$", RUN_CREATE),
    (r"^run\.projects\.locations\.services\.(patch|replaceService)$", RUN_UPDATE),
    (r"^run\.projects\.locations\.services\.delete$", RUN_DELETE),
    (r"^compute\.(region)?[nN]etworkEndpointGroups\.", NEG),
    (r"^compute\.backendServices\.", BACKEND_GLOBAL),
    (r"^compute\.regionBackendServices\.", BACKEND_REGIONAL),
    (r"^compute\.urlMaps\.", URL_MAP_GLOBAL),
    (r"^compute\.regionUrlMaps\.", URL_MAP_REGIONAL),
    (r"^compute\.targetHttps?Proxies\.", PROXY_GLOBAL),
    (r"^compute\.regionTargetHttps?Proxies\.", PROXY_REGIONAL),
    (r"^compute\.globalForwardingRules\.", RULE_GLOBAL),
    (r"^compute\.forwardingRules\.", RULE_REGIONAL),
    (r"^compute\.globalAddresses\.", ADDRESS_GLOBAL),
    (r"^compute\.addresses\.", ADDRESS_REGIONAL),
    (r"^compute\.(region)?[sS]slCertificates\.", CERTIFICATE),
    (r"^compute\.subnetworks\.(patch|setPrivateIpGoogleAccess|expandIpCidrRange)$", SUBNET_UPDATE),
    (r"^compute\.subnetworks\.", SUBNET),
    (r"^compute\.projects\.(enable|disable)Xpn", SHARED_VPC),
    (r"^serviceusage\.", SERVICE_USAGE),
    (r"^compute\.", COMPUTE_OTHER),
))


def kind_of(method_id: str | None) -> str | None:
    """The operation kind of a discovery method id, or None when the profile does not name it."""
    for pattern, kind in _KINDS:
        if method_id and pattern.search(method_id):
            return kind
    return None


@dataclass
class LatencyModel:
    """Seconds for an operation, a read and a synchronous write, under one model and scale."""

    profile: str = FLAT
    op: float = 0.0  # the flat model's operation time
    read: float = 0.0  # the flat model's read time
    scale: float = 1.0
    figures: dict[str, float] = field(default_factory=dict)  # a profile's seconds per kind

    @classmethod
    def flat(cls, op: float = 0.0, read: float = 0.0, scale: float = 1.0) -> LatencyModel:
        return cls(FLAT, op, read, scale)

    @classmethod
    def named(cls, profile: str, scale: float = 1.0) -> LatencyModel:
        if profile == FLAT:
            return cls.flat(scale=scale)
        if profile not in PROFILES:
            raise ValueError(f"unknown latency profile {profile!r}; known: {', '.join([FLAT, *PROFILES])}")
        return cls(profile, scale=scale, figures=dict(PROFILES[profile]))

    def operation_seconds(self, method_id: str | None) -> float:
        """How long the operation a call starts takes before it is DONE."""
        if self.profile == FLAT:
            return self.op * self.scale
        return self.figures.get(kind_of(method_id) or COMPUTE_OTHER, self.figures.get(COMPUTE_OTHER, 0.0)) * self.scale

    def read_seconds(self) -> float:
        return (self.read if self.profile == FLAT else self.figures.get(READ, 0.0)) * self.scale

    def write_seconds(self, method_id: str | None) -> float:
        """A synchronous write's time before it lands (setIamPolicy); the flat model answers at once."""
        if self.profile == FLAT or kind_of(method_id) != IAM_WRITE:
            return 0.0
        return self.figures.get(IAM_WRITE, 0.0) * self.scale

    def describe(self) -> dict[str, object]:
        """As the admin endpoint shows it (and as it takes it back)."""
        if self.profile == FLAT:
            return {"profile": FLAT, "op": self.op, "read": self.read, "scale": self.scale}
        return {"profile": self.profile, "scale": self.scale, "figures": dict(self.figures)}
