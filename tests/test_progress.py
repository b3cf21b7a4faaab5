"""Progress in a pipeline (issue 13, item 7): a line when a step starts, a heartbeat while it runs long,
a line when it ends, all on stderr; on a terminal, the live table as before."""

from __future__ import annotations

from typing import Any

from tests.cli import run
from tests.pattern_cases import CASES
from tests.terminal import run_cli

API = CASES[1]
SLOW_SECONDS = 1.2  # the service's create, slowed by the emulator
HEARTBEAT = "0.3"  # CRPATTERNS_HEARTBEAT_SECONDS for these tests (30 s by default)


def test_each_step_says_when_it_starts_and_ends_in_a_pipeline(emulator: Any) -> None:
    outcome = run(*API.create, "--yes")
    assert outcome.exit_code == 0, outcome
    lines = outcome.stderr.splitlines()
    started = lines.index("run.services orders: creating...")
    ended = next(i for i, line in enumerate(lines) if line.startswith("run.services orders: created after "))
    assert started < ended
    assert any(line.startswith("compute.forwardingRules orders-rule: created after ") for line in lines)
    assert "creating" not in outcome.stdout


def test_a_long_step_has_a_heartbeat_in_a_pipeline_and_a_live_table_on_a_terminal(emulator: Any) -> None:
    env = {**emulator.env(), "CRPATTERNS_HEARTBEAT_SECONDS": HEARTBEAT}
    slow = {"method": "POST", "path": r"/locations/us-central1/services$", "kind": "latency",
            "latency": SLOW_SECONDS, "count": 1}
    emulator.fault(**slow)
    piped = run_cli([*API.create, "--yes"], env)
    assert piped.code == 0, piped.stderr
    beats = [line for line in piped.stderr.splitlines() if line.startswith("run.services orders: still creating, ")]
    assert len(beats) >= 2 and beats[0].endswith("s elapsed"), piped.stderr
    assert piped.stderr.index("run.services orders: creating...") < piped.stderr.index(beats[0]) \
        < piped.stderr.index("run.services orders: created after")

    assert run(*API.destroy, "--yes").exit_code == 0
    emulator.fault(**slow)
    shown = run_cli([*API.create, "--yes"], env, stderr=True)
    assert shown.code == 0, shown.stderr
    assert "still creating" not in shown.stderr and "creating..." not in shown.stderr
    assert "run.services orders" in shown.stderr and "created in" in shown.stderr
