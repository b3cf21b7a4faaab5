"""The emulator's whole state, one lock around it, and the clock that completes long operations.

Every API module keeps its resources in `World.apis[name]`; projects, service agents, IAM policies and
the request log are shared because Google checks them across APIs (a Cloud Run revision needs a grant
on a Compute subnet, every API refuses an unknown project).
"""

from __future__ import annotations

import base64
import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from crpatterns.emulator.core.latency import LatencyModel

# The APIs a project can enable, with the titles Google uses in SERVICE_DISABLED messages.
SERVICE_TITLES = {
    "compute.googleapis.com": "Compute Engine API",
    "run.googleapis.com": "Cloud Run Admin API",
    "iap.googleapis.com": "Cloud Identity-Aware Proxy API",
    "cloudresourcemanager.googleapis.com": "Cloud Resource Manager API",
    "serviceusage.googleapis.com": "Service Usage API",
    "iam.googleapis.com": "Identity and Access Management (IAM) API",
    "certificatemanager.googleapis.com": "Certificate Manager API",
    "dns.googleapis.com": "Cloud DNS API",
}


@dataclass
class Project:
    project_id: str
    number: str
    enabled_services: set[str] = field(default_factory=lambda: set(SERVICE_TITLES))
    parent: str = "organizations/123456789"
    # Domain Restricted Sharing (constraints/iam.allowedPolicyMemberDomains) in force for the project.
    domain_restricted_sharing: bool = False
    create_time: str = "2024-01-01T00:00:00.000Z"


def now_rfc3339() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class World:
    def __init__(self, op_latency: float = 0.0, read_latency: float = 0.0, latency: LatencyModel | None = None) -> None:
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self.latency = latency or LatencyModel.flat(op_latency, read_latency)
        # The discovery method id of the call being handled (set under the lock by the app), so an operation
        # it starts takes that kind of operation's time.
        self.calling: str | None = None
        # Who makes that call (core/caller.py), set with it; None: no caller known, every permission held.
        self.caller: str | None = None
        self.operations_started: list[float] = []  # the durations of the operations that call started
        self.projects: dict[str, Project] = {}
        # Service agents that exist, by email. Some exist once their API is enabled; IAP's only after
        # generateServiceIdentity (docs/google-behaviour.md, "IAP v1").
        self.service_agents: set[str] = set()
        # User-managed service accounts (NAME@PROJECT.iam.gserviceaccount.com) and custom roles
        # (projects/P/roles/X): the emulator has no IAM API, so they exist once declared through
        # /_emulator/service-accounts and /_emulator/custom-roles (docs/google-behaviour.md, "IAM policies").
        self.service_accounts: set[str] = set()
        self.custom_roles: set[str] = set()
        self.apis: dict[str, Any] = {}
        # Every API's IAM policies, keyed by full resource name ("//run.googleapis.com/projects/...").
        from crpatterns.emulator.core.iam import PolicyStore

        self.iam = PolicyStore(self)
        self._ids = itertools.count(int(time.time()) % 100000 * 10**12 + 1000)
        self._etags = itertools.count(1)
        self._timers: list[threading.Timer] = []

    # -- projects -----------------------------------------------------------------------------

    def add_project(self, project: Project) -> None:
        with self.lock:
            self.projects[project.project_id] = project

    def find_project(self, id_or_number: str) -> Project | None:
        with self.lock:
            if id_or_number in self.projects:
                return self.projects[id_or_number]
            for project in self.projects.values():
                if project.number == id_or_number:
                    return project
            return None

    # -- identifiers --------------------------------------------------------------------------

    def next_id(self) -> str:
        """A numeric resource id, as Compute gives every resource and operation."""
        return str(next(self._ids))

    def next_etag(self) -> str:
        return base64.b64encode(b"BwY" + next(self._etags).to_bytes(6, "big")).decode()

    # -- time ---------------------------------------------------------------------------------

    @property
    def op_latency(self) -> float:
        """The seconds an operation of the call being handled takes (the flat model: every operation's)."""
        return self.latency.operation_seconds(self.calling)

    @property
    def read_latency(self) -> float:
        return self.latency.read_seconds()

    def after_op_latency(self, complete: Callable[[], None]) -> None:
        """Runs `complete` under the lock once the operation latency has passed, then wakes waiters."""

        def fire() -> None:
            with self.lock:
                complete()
                self.changed.notify_all()

        delay = self.op_latency
        self.operations_started.append(delay)
        if delay <= 0:
            fire()
            return
        timer = threading.Timer(delay, fire)
        timer.daemon = True
        self._timers.append(timer)
        timer.start()

    def wait_for(self, predicate: Callable[[], bool], timeout: float) -> bool:
        """Blocks (releasing the lock) until `predicate()` holds or `timeout` passes."""
        with self.lock:
            return self.changed.wait_for(predicate, timeout=timeout)

    def cancel_timers(self) -> None:
        for timer in self._timers:
            timer.cancel()
        self._timers.clear()
