"""Where API calls go: Google's endpoints with Application Default Credentials, or the local emulator.

`CRPATTERNS_EMULATOR_HOST=host:port` follows the convention of Google's own emulators
(PUBSUB_EMULATOR_HOST, FIRESTORE_EMULATOR_HOST): plain HTTP, anonymous credentials.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from crpatterns.errors import UsageError

ENV_VAR = "CRPATTERNS_EMULATOR_HOST"


@dataclass(frozen=True)
class Endpoint:
    emulator_host: str | None = None

    @classmethod
    def from_env(cls) -> Endpoint:
        host = os.environ.get(ENV_VAR, "").strip()
        if not host:
            return cls(None)
        if not re.fullmatch(r"[A-Za-z0-9.\-\[\]:]+:\d{1,5}", host):
            raise UsageError(f"{ENV_VAR} must be HOST:PORT (for example 127.0.0.1:8095), got {host!r}.")
        return cls(host)

    @property
    def is_emulator(self) -> bool:
        return self.emulator_host is not None

    def api_endpoint(self, google_host: str) -> str:
        """The `api_endpoint` client option: the emulator's URL, or Google's host for this API."""
        return f"http://{self.emulator_host}" if self.emulator_host else google_host

    def base_url(self, google_host: str) -> str:
        return f"http://{self.emulator_host}" if self.emulator_host else f"https://{google_host}"
