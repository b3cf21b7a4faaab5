"""Shared fixtures: one emulator process per test session (per xdist worker), reset for each test.

Operations take time in the end-to-end tests, as Google's do: every operation is PENDING for
TOOL_OP_LATENCY seconds, so the tool's waits are exercised and a request that references a resource
whose insert is not DONE yet gets Google's 400 resourceNotReady, which the tool must never trigger
(checked after every end-to-end test). The emulator's own tests (tests/emulator/) keep instant operations
unless they ask for latency.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support import EmulatorProcess

TOOL_OP_LATENCY = 0.02
NOT_READY = "resourceNotReady"


@pytest.fixture(scope="session")
def emulator_process() -> Iterator[EmulatorProcess]:
    emulator = EmulatorProcess.start()
    yield emulator
    emulator.stop()


@pytest.fixture
def emulator(emulator_process: EmulatorProcess, monkeypatch: pytest.MonkeyPatch,
             request: pytest.FixtureRequest) -> Iterator[EmulatorProcess]:
    """A freshly reset emulator, with CRPATTERNS_EMULATOR_HOST pointing at it for this test."""
    end_to_end = "emulator" not in request.node.path.parent.name
    emulator_process.reset()
    emulator_process.admin("POST", "latency", {"op": TOOL_OP_LATENCY if end_to_end else 0.0, "read": 0.0})
    monkeypatch.setenv("CRPATTERNS_EMULATOR_HOST", emulator_process.host)
    for name in ("CLOUDSDK_CORE_PROJECT", "GOOGLE_CLOUD_PROJECT", "CLOUDSDK_RUN_REGION", "CLOUDSDK_ACTIVE_CONFIG_NAME"):
        monkeypatch.delenv(name, raising=False)
    # No gcloud configuration of the machine's user: a project or run/region set there would answer flags
    # the tests leave out on purpose.
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(request.path.parent / ".no-gcloud-config"))
    yield emulator_process
    if end_to_end:
        not_ready = [f"{r['method']} {r['path']}" for r in emulator_process.requests() if r.get("reason") == NOT_READY]
        assert not not_ready, f"the tool referenced a resource before its insert was DONE: {not_ready}"
