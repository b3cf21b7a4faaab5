"""Test support: start the emulator as a real process on a free port, and speak its admin API."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any

# User-managed service accounts the tests grant roles to. A real project would have created them; the
# emulator, which has no IAM API, refuses a grant to an account it was not told exists (as Google answers
# "Service account ... does not exist."), so the test setup declares them after every start and reset.
TEST_SERVICE_ACCOUNTS = (
    "frontend@demo-project.iam.gserviceaccount.com",
    "caller@demo-service.iam.gserviceaccount.com",
    "runner@demo-service.iam.gserviceaccount.com",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class EmulatorProcess:
    """A running `crpatterns emulator start`, with helpers for its /_emulator/ admin endpoints."""

    host: str
    process: subprocess.Popen | None = None
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"http://{self.host}"

    @classmethod
    def start(cls, *args: str) -> EmulatorProcess:
        port = free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "crpatterns", "emulator", "start", "--port", str(port), *args],
            stdout=subprocess.DEVNULL,
            stderr=None,
        )
        emulator = cls(f"127.0.0.1:{port}", process)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"the emulator exited with {process.returncode}")
            try:
                emulator.admin("GET", "health")
                emulator.seed_accounts()
                return emulator
            except OSError:
                time.sleep(0.05)
        process.kill()
        raise RuntimeError("the emulator did not answer within 30 s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()

    # -- raw HTTP -----------------------------------------------------------------------------

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.base_url}/{path.lstrip('/')}", data=data, method=method,
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def admin(self, method: str, path: str, body: Any = None) -> Any:
        status, answer = self.call(method, f"_emulator/{path}", body)
        if status != 200:
            raise RuntimeError(f"admin {method} {path}: {status} {answer}")
        return answer

    # -- admin helpers ------------------------------------------------------------------------

    def reset(self) -> None:
        self.admin("POST", "reset")
        self.seed_accounts()

    def seed_accounts(self) -> None:
        for email in TEST_SERVICE_ACCOUNTS:
            self.add_service_account(email)

    def add_service_account(self, email: str) -> None:
        self.admin("POST", "service-accounts", {"email": email})

    def requests(self) -> list[dict[str, Any]]:
        return self.admin("GET", "requests")["requests"]

    def clear_requests(self) -> None:
        self.admin("DELETE", "requests")

    def mutating_requests(self) -> list[dict[str, Any]]:
        """Calls that could change something: judged by HTTP method and Google's method name, not by
        the emulator's own flag, so a mislabelled route cannot hide a write."""
        reads = (".get", ".list", ".getIamPolicy", ".wait", ".aggregatedList", ".getXpnHost",
                 ".getXpnResources", ".getIapSettings", ".listUsable", ".testIamPermissions")
        return [
            r for r in self.requests()
            if r["method"] != "GET" and not (r.get("methodId") or "").endswith(reads)
        ]

    def inventory(self) -> dict[str, Any]:
        return self.admin("GET", "inventory")

    def fault(self, **spec: Any) -> None:
        self.admin("POST", "faults", spec)

    def clear_faults(self) -> None:
        self.admin("DELETE", "faults")

    def dns_ready(self, domain: str) -> None:
        self.admin("POST", "dns-ready", {"domain": domain})

    def add_project(self, project_id: str, number: str, **extra: Any) -> None:
        self.admin("POST", "projects", {"projectId": project_id, "number": number, **extra})

    def env(self) -> dict[str, str]:
        return {**os.environ, "CRPATTERNS_EMULATOR_HOST": self.host, **self.extra_env}
