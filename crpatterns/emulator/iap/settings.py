"""IapSettings rules the iap.v1 discovery document states in words (docs/google-behaviour.md, "IAP v1").

- AccessSettings.identitySources: "Only one identity source can be configured."
- WorkforceIdentitySettings.workforcePools: "Only one workforce pool is accepted."
- OAuthSettings.clientSecret / OAuth2.clientSecret: "Input only": stored, never returned; OAuth2 answers
  clientSecretSha256 ("Output only. SHA256 hash value for the client secret.") instead.
- updateIapSettings.updateMask: "All IAP reauth settings must always be set together, using the field mask:
  `iapSettings.accessSettings.reauthSettings`": a path into reauthSettings is refused.
Refusal wording UNCONFIRMED (400 INVALID_ARGUMENT naming the field).
"""

from __future__ import annotations

import copy
import hashlib
from typing import Any

from crpatterns.emulator.core.errors import bad_request
from crpatterns.emulator.core.fieldmask import camel, mask_paths


def check(settings: dict[str, Any]) -> None:
    access = settings.get("accessSettings") or {}
    if len(access.get("identitySources") or []) > 1:
        raise bad_request("Only one identity source can be configured.",
                          field_violation="iap_settings.access_settings.identity_sources")
    workforce = access.get("workforceIdentitySettings") or {}
    if len(workforce.get("workforcePools") or []) > 1:
        raise bad_request("Only one workforce pool is accepted.",
                          field_violation="iap_settings.access_settings.workforce_identity_settings.workforce_pools")


def check_mask(mask: str | None) -> None:
    for path in mask_paths(mask or ""):
        segments = [camel(segment) for segment in path.split(".")]
        if "reauthSettings" in segments[:-1]:
            raise bad_request("All IAP reauth settings must always be set together, using the field mask: "
                              "iapSettings.accessSettings.reauthSettings.", field_violation="update_mask")


def shown(settings: dict[str, Any]) -> dict[str, Any]:
    """The settings as getIapSettings answers them: input-only secrets removed."""
    out = copy.deepcopy(settings)
    access = out.get("accessSettings") or {}
    (access.get("oauthSettings") or {}).pop("clientSecret", None)
    oauth2 = (access.get("workforceIdentitySettings") or {}).get("oauth2") or {}
    secret = oauth2.pop("clientSecret", None)
    if secret:
        oauth2["clientSecretSha256"] = hashlib.sha256(secret.encode()).hexdigest()
    return out
