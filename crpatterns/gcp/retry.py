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
    for attempt in range(attempts):
        try:
            return call()
        except Exception as error:
            if attempt == attempts - 1 or not is_transient(error):
                raise
            time.sleep(backoff(attempt))
    raise AssertionError("unreachable")
