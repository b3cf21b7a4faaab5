"""Retrying what is worth retrying, and turning the rest into one sentence for the user.

Transient (retried with exponential backoff and full jitter, bounded): 429, 403 rateLimitExceeded /
userRateLimitExceeded / quotaExceeded-by-rate, 5xx, dropped connections, and 409 ABORTED from IAM
(handled by the IAM read-modify-write loop, not here). Everything else fails at once.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

MAX_ATTEMPTS = int(os.environ.get("CRPATTERNS_MAX_ATTEMPTS", "8"))
BASE_DELAY = float(os.environ.get("CRPATTERNS_RETRY_BASE_SECONDS", "0.25"))
MAX_DELAY = 8.0
_RATE_REASONS = ("rateLimitExceeded", "userRateLimitExceeded", "RATE_LIMIT_EXCEEDED")


def is_transient(error: BaseException) -> bool:
    from google.api_core import exceptions as gexc

    if isinstance(error, gexc.TooManyRequests | gexc.ServerError | gexc.ServiceUnavailable):
        return True
    if isinstance(error, gexc.Forbidden):
        return any(reason in str(error) for reason in _RATE_REASONS)
    import requests

    return isinstance(error, requests.ConnectionError | requests.Timeout | ConnectionError | TimeoutError)


def backoff(attempt: int) -> float:
    return random.uniform(0, min(MAX_DELAY, BASE_DELAY * 2**attempt))


def with_retry(call: Callable[[], T], attempts: int = MAX_ATTEMPTS) -> T:
    """Calls through the process-wide throttle (crpatterns/gcp/throttle.py): quota answers shrink the
    number of calls in flight and are retried as long as the run makes progress; other transient errors
    are retried `attempts` times."""
    from crpatterns.gcp.throttle import THROTTLE, is_quota

    attempt = 0
    quota_waits = 0
    while True:
        try:
            with THROTTLE.slot():
                answer = call()
            THROTTLE.succeeded()
            return answer
        except Exception as error:
            if is_quota(error) and THROTTLE.patient():
                THROTTLE.throttled()
                quota_waits += 1
                time.sleep(backoff(min(quota_waits, 6)))
                continue
            attempt += 1
            if attempt >= attempts or not is_transient(error):
                raise
            time.sleep(backoff(attempt - 1))
