"""Shared fixtures: one emulator process per test session (per xdist worker), reset for each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support import EmulatorProcess


@pytest.fixture(scope="session")
def emulator_process() -> Iterator[EmulatorProcess]:
    emulator = EmulatorProcess.start()
    yield emulator
    emulator.stop()


@pytest.fixture
def emulator(emulator_process: EmulatorProcess, monkeypatch: pytest.MonkeyPatch) -> EmulatorProcess:
    """A freshly reset emulator, with CRPATTERNS_EMULATOR_HOST pointing at it for this test."""
    emulator_process.reset()
    monkeypatch.setenv("CRPATTERNS_EMULATOR_HOST", emulator_process.host)
    for name in ("CLOUDSDK_CORE_PROJECT", "GOOGLE_CLOUD_PROJECT"):
        monkeypatch.delenv(name, raising=False)
    return emulator_process
