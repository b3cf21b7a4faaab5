"""Telling a wrong endpoint from a passing network failure.

A refused connection (or a host name that does not resolve) before anything at that endpoint has ever
answered is not a blip to retry: nothing listens there, typically a CRPATTERNS_EMULATOR_HOST naming the
wrong port. The first call fails at once with a sentence naming the endpoint and the variable; once
something has answered, the same failure is transient again (an emulator restarting, a dropped
connection) and retried as before (crpatterns/gcp/retry.py). Imported on the first client built, since
it imports requests.
"""

from __future__ import annotations

import socket
import threading
from typing import Any
from urllib.parse import urlsplit

import requests.adapters

from crpatterns.errors import ApiCallError

REFUSED = "connection refused"
UNRESOLVED = "the host name does not resolve"


class EndpointUnreachable(ApiCallError):
    """Nothing answers at the endpoint: a setup problem, never retried."""


def reason(error: BaseException) -> str | None:
    """REFUSED or UNRESOLVED when the error (or what caused it, however deep) says so; else None."""
    seen: set[int] = set()
    stack: list[Any] = [error]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, ConnectionRefusedError):
            return REFUSED
        if isinstance(current, socket.gaierror):
            return UNRESOLVED
        if isinstance(current, BaseException):
            stack.extend([current.__cause__, current.__context__, getattr(current, "reason", None),
                          *(a for a in current.args if isinstance(a, BaseException))])
    return None


def sentence(url: str, why: str, emulator_host: str | None, variable: str) -> str:
    if emulator_host:
        port = emulator_host.rsplit(":", 1)[-1]
        return (f"Nothing answers at {emulator_host} ({variable}={emulator_host}): {why}. Start the emulator there "
                f"(`crpatterns emulator start --port {port}`), or set {variable} to the HOST:PORT it prints (unset it "
                "to use Google Cloud).")
    host = urlsplit(url).hostname or url
    return (f"Cannot reach {host}: {why}. Check your network connection and proxy settings (HTTPS_PROXY), then "
            "run the command again.")


class FailFastAdapter(requests.adapters.HTTPAdapter):
    """An HTTPAdapter that raises EndpointUnreachable for a refused first connection (see the module).
    `answered` is shared by every client of one run: an answer to any of them counts."""

    def __init__(self, emulator_host: str | None, variable: str, answered: threading.Event, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.emulator_host = emulator_host
        self.variable = variable
        self.answered = answered

    def send(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            response = super().send(request, *args, **kwargs)
        except requests.ConnectionError as error:
            why = None if self.answered.is_set() else reason(error)
            if why is None:
                raise
            raise EndpointUnreachable(sentence(request.url, why, self.emulator_host, self.variable)) from None
        self.answered.set()
        return response
