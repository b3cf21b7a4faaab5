"""An endpoint that does not answer (issue 13, item 3): a refused first connection is not transient. The
command fails at once with one sentence naming the endpoint and the variable, instead of retrying for
15 s and printing urllib3's message. Once something has answered, a refused connection is retried."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
import requests

from crpatterns.errors import ExitCode
from crpatterns.gcp.reachability import REFUSED, EndpointUnreachable, FailFastAdapter, reason
from tests.cli import run
from tests.pattern_cases import CASES
from tests.support import free_port

FAST_SECONDS = 5.0  # far below the retries' 15 s, far above a refused connection's milliseconds


@pytest.mark.parametrize("command", [CASES[0].create, CASES[1].destroy, ["list", "--project", "demo-project"],
                                     ["shared-vpc", "status", "payments", "--region", "us-central1",
                                      "--project", "demo-service"]], ids=lambda c: " ".join(c[:2]))
def test_nothing_listening_fails_at_once_naming_the_endpoint_and_the_variable(
        monkeypatch: pytest.MonkeyPatch, command: list[str]) -> None:
    host = f"127.0.0.1:{free_port()}"
    monkeypatch.setenv("CRPATTERNS_EMULATOR_HOST", host)
    began = time.monotonic()
    outcome = run(*command, "--yes" if command[1] in ("create", "destroy") else "--verbose")
    assert time.monotonic() - began < FAST_SECONDS, outcome
    assert outcome.exit_code == ExitCode.ERROR, outcome
    lines = [line for line in outcome.stderr.splitlines() if not line.startswith("[")]  # --verbose call lines
    assert lines == [f"Error: Nothing answers at {host} (CRPATTERNS_EMULATOR_HOST={host}): connection refused. "
                     f"Start the emulator there (`crpatterns emulator start --port {host.split(':')[1]}`), or set "
                     "CRPATTERNS_EMULATOR_HOST to the HOST:PORT it prints (unset it to use Google Cloud)."], outcome
    assert "urllib3" not in outcome.stderr and "HTTPConnectionPool" not in outcome.stderr


def test_a_refused_connection_after_an_answer_is_left_to_the_retries(emulator: Any) -> None:
    answered = threading.Event()
    adapter = FailFastAdapter(emulator.host, "CRPATTERNS_EMULATOR_HOST", answered)
    session = requests.Session()
    session.mount("http://", adapter)
    assert session.get(f"{emulator.base_url}/_emulator/health", timeout=10).status_code == 200
    assert answered.is_set()
    closed = f"http://127.0.0.1:{free_port()}/"
    with pytest.raises(requests.ConnectionError) as caught:
        session.get(closed, timeout=10)
    assert not isinstance(caught.value, EndpointUnreachable) and reason(caught.value) == REFUSED

    first = requests.Session()
    first.mount("http://", FailFastAdapter(None, "CRPATTERNS_EMULATOR_HOST", threading.Event()))
    with pytest.raises(EndpointUnreachable, match=r"Cannot reach 127\.0\.0\.1: connection refused"):
        first.get(closed, timeout=10)
