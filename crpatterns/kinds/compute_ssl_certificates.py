"""SSL certificates, global (Google-managed or self-managed) and regional (self-managed only).
They cannot be updated: a change of domains or PEM files is a new certificate under a new name.
The private key is input-only and never returned: it is compared through the certificate it pairs with.
"""

from __future__ import annotations

import copy
from typing import Any

from crpatterns.engine.model import Change
from crpatterns.kinds.compute import ImmutableComputeKind
from crpatterns.kinds.keys import KindKey


class SslCertificates(ImmutableComputeKind):
    key = KindKey.SSL_CERTIFICATES
    client_class = "SslCertificatesClient"
    message = "SslCertificate"
    name_arg = "ssl_certificate"
    segment = "sslCertificates"
    regional = False
    sensitive = ("privateKey",)

    def diff(self, desired: dict[str, Any], actual: dict[str, Any]) -> list[Change]:
        comparable = copy.deepcopy(desired)
        key = comparable.pop("privateKey", None)  # never returned; the certificate itself identifies the pair
        if "certificate" in comparable:
            comparable["certificate"] = comparable["certificate"].strip()
            actual = {**actual, "certificate": (actual.get("certificate") or "").strip()}
        changes = super().diff(comparable, actual)
        if changes and key is not None:
            # The replacement uploads the key with its certificate: the plan says so, without showing it.
            changes.append(Change("privateKey", None, key, forces_replace=True, sensitive=True))
        return changes


class RegionSslCertificates(SslCertificates):
    key = KindKey.REGION_SSL_CERTIFICATES
    client_class = "RegionSslCertificatesClient"
    regional = True
