"""API rate quotas, when asked for (`--quota`): refusals as Google words them, and how close callers ran.

Three limits (docs/latency.md, "Quotas", gives the sources):
- Cloud Run Admin API writes per minute, per project and region (every mutating run.* call, setIamPolicy
  included): 429 RESOURCE_EXHAUSTED with an ErrorInfo RATE_LIMIT_EXCEEDED, the shape every Google API gives
  a rate quota (the quota metric's exact name is UNCONFIRMED).
- Compute mutations per minute, per project: 403 with reason rateLimitExceeded
  (https://cloud.google.com/compute/api-quota: "If your project exceeds a rate quota, you receive a 403 error
  with the reason rateLimitExceeded").
- Compute operations running at once, per project: 403 `Rate Limit Exceeded`, reason rateLimitExceeded, with
  an ErrorInfo CONCURRENT_OPERATIONS_QUOTA_EXCEEDED (terraform-google-modules/terraform-example-foundation,
  docs/TROUBLESHOOTING.md quotes the whole answer). Its default limit is UNCONFIRMED, so it is off unless set.

Rate quotas refill "at the start of the next synchronized interval" (https://cloud.google.com/compute/api-quota),
so windows are fixed, not sliding. A window lasts a minute times the latency scale (core/latency.py), so a
benchmark run at a tenth of Google's timings meets the limits a real run would.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from crpatterns.emulator.core.errors import ApiError

WINDOW_SECONDS = 60.0
RUN_WRITES = "run-writes-per-minute"
COMPUTE_MUTATIONS = "compute-mutations-per-minute"
COMPUTE_CONCURRENT = "compute-concurrent-operations"
# `--quota google`: the limits a new project meets. Cloud Run's is the default the tracker issue states
# (the quota page, https://cloud.google.com/run/quotas, lists it per region; its current value is
# UNCONFIRMED); Compute's mutation limit is UNCONFIRMED (an estimate); concurrent operations stay off.
GOOGLE_DEFAULTS = {RUN_WRITES: 60, COMPUTE_MUTATIONS: 1500}
KNOWN = (RUN_WRITES, COMPUTE_MUTATIONS, COMPUTE_CONCURRENT)


def parse(specs: list[str]) -> dict[str, int]:
    """`google` (the defaults) and `NAME=LIMIT` items, later ones winning; raises ValueError."""
    limits: dict[str, int] = {}
    for spec in specs:
        if spec == "google":
            limits.update(GOOGLE_DEFAULTS)
            continue
        name, _, value = spec.partition("=")
        if name not in KNOWN or not value.isdigit() or int(value) < 1:
            raise ValueError(f"--quota takes 'google' or NAME=LIMIT (a positive integer) with NAME one of "
                             f"{', '.join(KNOWN)}; got {spec!r}")
        limits[name] = int(value)
    return limits


@dataclass
class Usage:
    """One limit's counters: this window's calls per scope, and the most any window saw."""

    limit: int
    window: int = -1
    counts: dict[str, int] = field(default_factory=dict)
    peak: int = 0
    refused: int = 0

    def describe(self) -> dict[str, Any]:
        return {"limit": self.limit, "peak": self.peak, "refused": self.refused,
                "peakShare": round(self.peak / self.limit, 3)}


class QuotaTable:
    """The limits in force and their usage. Called under the world's lock."""

    def __init__(self, limits: dict[str, int] | None = None, scale: Callable[[], float] = lambda: 1.0) -> None:
        self.scale = scale
        self.started = time.monotonic()
        self.usage = {name: Usage(limit) for name, limit in (limits or {}).items()}
        self.running: dict[str, list[float]] = {}  # project -> end times of its Compute operations

    def configure(self, limits: dict[str, int]) -> None:
        self.usage = {name: Usage(limit) for name, limit in limits.items()}
        self.running.clear()

    def describe(self) -> dict[str, Any]:
        return {"windowSeconds": WINDOW_SECONDS * self.scale(),
                "limits": {name: usage.describe() for name, usage in self.usage.items()}}

    # -- checks -------------------------------------------------------------------------------

    def admit(self, api: str, method_id: str, mutating: bool, project: str | None, number: str | None,
              region: str | None) -> None:
        """Counts the call against every limit it falls under; raises Google's refusal when one is spent."""
        if not mutating or project is None or not self.usage:
            return
        now = time.monotonic()
        if api == "run" and RUN_WRITES in self.usage:
            self._count(RUN_WRITES, f"{project}/{region}", now, lambda limit: run_refusal(number, region, limit))
        if api == "compute":
            if COMPUTE_CONCURRENT in self.usage:
                ends = [end for end in self.running.get(project, []) if end > now]
                self.running[project] = ends
                usage = self.usage[COMPUTE_CONCURRENT]
                if len(ends) >= usage.limit:
                    usage.refused += 1
                    raise concurrent_refusal(number)
                usage.peak = max(usage.peak, len(ends) + 1)
            if COMPUTE_MUTATIONS in self.usage:
                self._count(COMPUTE_MUTATIONS, project, now, lambda limit: compute_refusal(number))

    def operation_started(self, api: str, project: str | None, seconds: float) -> None:
        """A Compute operation runs for `seconds` from now (known in advance: the latency model decides)."""
        if api == "compute" and project is not None and COMPUTE_CONCURRENT in self.usage:
            self.running.setdefault(project, []).append(time.monotonic() + seconds)

    def _count(self, name: str, scope: str, now: float, refusal: Callable[[int], ApiError]) -> None:
        usage = self.usage[name]
        window = math.floor((now - self.started) / max(WINDOW_SECONDS * self.scale(), 1e-3))
        if window != usage.window:
            usage.window, usage.counts = window, {}
        used = usage.counts.get(scope, 0)
        if used >= usage.limit:
            usage.refused += 1
            raise refusal(usage.limit)
        usage.counts[scope] = used + 1
        usage.peak = max(usage.peak, used + 1)


class QuotaError(ApiError):
    """A refusal that carries its google.rpc details in Compute's shape too: Compute's rate-quota answers
    list an ErrorInfo beside `errors` (terraform-example-foundation, docs/TROUBLESHOOTING.md)."""

    def compute_body(self) -> dict[str, Any]:
        body = super().compute_body()
        if self.details:
            body["error"]["details"] = self.details
        return body


def run_refusal(number: str | None, region: str | None, limit: int) -> ApiError:
    """Cloud Run's 429, in the shape Google's API front end gives every rate quota (wording UNCONFIRMED)."""
    consumer = f"project_number:{number}"
    return QuotaError(
        429,
        "Quota exceeded for quota metric 'Write requests' and limit 'Write requests per minute per region' of "
        f"service 'run.googleapis.com' for consumer '{consumer}'.",
        status="RESOURCE_EXHAUSTED",
        reason="rateLimitExceeded",
        details=[{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "RATE_LIMIT_EXCEEDED",
                  "domain": "googleapis.com",
                  "metadata": {"service": "run.googleapis.com", "consumer": f"projects/{number}",
                               "quota_metric": "run.googleapis.com/write_requests",
                               "quota_limit": "WriteRequestsPerMinutePerProjectPerRegion",
                               "quota_limit_value": str(limit), "quota_location": region or "global"}}],
    )


def compute_refusal(number: str | None) -> ApiError:
    """Compute's 403 rateLimitExceeded for a spent per-minute quota (the metric named here is UNCONFIRMED)."""
    return QuotaError(
        403,
        "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute' of service "
        f"'compute.googleapis.com' for consumer 'project_number:{number}'.",
        reason="rateLimitExceeded",
    )


def concurrent_refusal(number: str | None) -> ApiError:
    """Compute's 403 when too many operations run at once (terraform-example-foundation TROUBLESHOOTING.md)."""
    return QuotaError(
        403,
        "Rate Limit Exceeded",
        reason="rateLimitExceeded",
        details=[{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "domain": "compute.googleapis.com",
                  "metadatas": {"containerId": str(number), "containerType": "PROJECT", "location": "global"},
                  "reason": "CONCURRENT_OPERATIONS_QUOTA_EXCEEDED"}],
    )
