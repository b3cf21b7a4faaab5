"""Adaptive concurrency: quota errors slow the whole run down and never fail it.

Google answers a project over its per-minute write quota with 429 (Cloud Run: RESOURCE_EXHAUSTED) or
403 rateLimitExceeded (Compute), and too many operations at once with CONCURRENT_OPERATIONS_QUOTA_EXCEEDED
(docs/google-behaviour.md, "Compute: errors, operations, fingerprints"). One process may run a whole
fleet of apps (stack files), so every call goes through one gate: on a quota answer the number of calls
in flight is halved and they wait for the backoff; each success lets one more call through (additive
increase, multiplicative decrease: TCP's congestion control). A quota answer is retried until
QUOTA_PATIENCE_SECONDS have passed without a single success, never counted against the attempts that
bound retries of other errors.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

QUOTA_PATIENCE_SECONDS = 600.0
QUOTA_REASONS = ("rateLimitExceeded", "userRateLimitExceeded", "RATE_LIMIT_EXCEEDED", "RESOURCE_EXHAUSTED",
                 "CONCURRENT_OPERATIONS_QUOTA_EXCEEDED", "Quota exceeded")
UNLIMITED = 1 << 16
DECREASE_INTERVAL_SECONDS = 1.0


def is_quota(error: BaseException) -> bool:
    from google.api_core import exceptions as gexc

    if isinstance(error, gexc.TooManyRequests):
        return True
    return isinstance(error, gexc.Forbidden | gexc.BadRequest) and any(r in str(error) for r in QUOTA_REASONS)


class Throttle:
    """How many calls may be in flight now; shared by every thread of the process."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._limit = float(UNLIMITED)
        self._in_flight = 0
        self.last_success = time.monotonic()
        self.quota_answers = 0
        self.lowest_limit = UNLIMITED
        self._last_decrease = 0.0
        self._held = threading.local()  # a call made while holding a slot (an operation's wait) needs none

    @contextmanager
    def slot(self) -> Iterator[None]:
        depth = getattr(self._held, "depth", 0)
        if depth:
            self._held.depth = depth + 1
            try:
                yield
            finally:
                self._held.depth = depth
            return
        with self._condition:
            while self._in_flight >= int(self._limit):
                self._condition.wait()
            self._in_flight += 1
        self._held.depth = 1
        try:
            yield
        finally:
            self._held.depth = 0
            with self._condition:
                self._in_flight -= 1
                self._condition.notify()

    def succeeded(self) -> None:
        with self._condition:
            self.last_success = time.monotonic()
            if self._limit < UNLIMITED:
                self._limit = min(float(UNLIMITED), self._limit + 1 / max(self._limit, 1.0))
                self._condition.notify()

    def throttled(self) -> None:
        """A quota answer: halve the calls in flight, once per DECREASE_INTERVAL_SECONDS (the calls that were
        in flight together answer together; counting each would collapse the run to one call at a time,
        as TCP halves its window once per round trip, not once per lost packet)."""
        with self._condition:
            self.quota_answers += 1
            now = time.monotonic()
            if now - self._last_decrease < DECREASE_INTERVAL_SECONDS:
                return
            self._last_decrease = now
            self._limit = max(1.0, min(self._limit, float(self._in_flight + 1)) / 2)
            self.lowest_limit = min(self.lowest_limit, int(self._limit))

    def patient(self) -> bool:
        """Whether quota answers may still be retried: something succeeded lately."""
        return time.monotonic() - self.last_success < QUOTA_PATIENCE_SECONDS


THROTTLE = Throttle()
