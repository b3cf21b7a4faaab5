"""Backend services, global and regional, with serverless NEG backends and IAP.

The OAuth client secret is input-only (Google returns only its SHA-256), so it is compared through
that hash and shown as (sensitive) (docs/google-behaviour.md, "Compute: backend services").
"""

from __future__ import annotations

import copy
import hashlib
from typing import Any

from crpatterns.engine.model import Change
from crpatterns.kinds.compute import ComputeKind
from crpatterns.kinds.keys import KindKey


class _BackendServices(ComputeKind):
    message = "BackendService"
    name_arg = "backend_service"
    segment = "backendServices"
    immutable = ("loadBalancingScheme",)
    sensitive = ("iap.oauth2ClientSecret",)

    def diff(self, desired: dict[str, Any], actual: dict[str, Any]) -> list[Change]:
        comparable = copy.deepcopy(desired)
        secret = (comparable.get("iap") or {}).pop("oauth2ClientSecret", None)
        changes = super().diff(comparable, actual)
        if secret is not None:
            want = hashlib.sha256(secret.encode()).hexdigest()
            have = (actual.get("iap") or {}).get("oauth2ClientSecretSha256")
            if want != have:
                changes.append(Change("iap.oauth2ClientSecret", "(sensitive)" if have else None, secret,
                                      sensitive=True))
        return changes

    def update(self, actual: Any, body: dict[str, Any], changes: tuple[Change, ...]) -> None:
        fields = {c.field.split(".")[0] for c in changes}
        # Replacing `backends` or `iap` wholesale is what gcloud does too (GET, then PATCH/PUT).
        self.patch(actual, {f: body[f] for f in fields if f in body})


class BackendServices(_BackendServices):
    key = KindKey.BACKEND_SERVICES
    client_class = "BackendServicesClient"
    regional = False


class RegionBackendServices(_BackendServices):
    key = KindKey.REGION_BACKEND_SERVICES
    client_class = "RegionBackendServicesClient"
