"""Apply progress: on a terminal one line per resource with a spinner, elapsed time and outcome
(rich); elsewhere (a pipeline, a CI log) plain lines on stderr: one when a step starts, a heartbeat while
it runs long ("still creating, 30s elapsed", so a log shows the run is alive), one when it ends."""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Iterator
from typing import Any

from crpatterns.console import Console
from crpatterns.engine.model import Step
from crpatterns.render.vocabulary import DOING, PAST

# Seconds between heartbeats of a running step in plain output, as Terraform's "Still creating...
# [30s elapsed]"; CRPATTERNS_HEARTBEAT_SECONDS changes it (tests use a fraction of a second).
HEARTBEAT_SECONDS = float(os.environ.get("CRPATTERNS_HEARTBEAT_SECONDS", "30"))


class PlainProgress:
    """Lines for logs: started, still running every `interval` seconds, finished."""

    def __init__(self, console: Console, interval: float = HEARTBEAT_SECONDS) -> None:
        self.console = console
        self.interval = interval
        self.running: dict[int, tuple[Step, float, int]] = {}  # id -> (step, began, heartbeats said)
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, name="progress-heartbeat", daemon=True)

    def __enter__(self) -> PlainProgress:
        self.thread.start()
        return self

    def __exit__(self, *_: Any) -> None:
        self.stopped.set()
        self.thread.join()

    def started(self, step: Step) -> None:
        with self.lock:
            self.running[id(step)] = (step, time.monotonic(), 0)
        self.console.say(f"{step.label}: {DOING[step.action]}...")

    def finished(self, step: Step, seconds: float, error: str | None) -> None:
        with self.lock:
            self.running.pop(id(step), None)
        outcome = "failed" if error else PAST[step.action]
        self.console.say(f"{step.label}: {outcome} after {seconds:.1f}s")

    def _beat(self) -> None:
        tick = min(self.interval, 1.0) / 4
        while not self.stopped.wait(tick):
            now = time.monotonic()
            due = []
            with self.lock:
                for key, (step, began, said) in self.running.items():
                    if now - began >= (said + 1) * self.interval:
                        self.running[key] = (step, began, said + 1)
                        due.append((step, now - began))
            for step, elapsed in due:
                self.console.say(f"{step.label}: still {DOING[step.action]}, {elapsed:.0f}s elapsed")


class LiveProgress:
    def __init__(self, console: Console, live: Any) -> None:
        self.console = console
        self.live = live
        self.rows: dict[int, list[Any]] = {}
        self.lock = threading.Lock()

    def started(self, step: Step) -> None:
        with self.lock:
            self.rows[id(step)] = [step, time.perf_counter(), None, None]
            self.refresh()

    def finished(self, step: Step, seconds: float, error: str | None) -> None:
        with self.lock:
            row = self.rows.setdefault(id(step), [step, time.perf_counter() - seconds, None, None])
            row[2], row[3] = seconds, error
            self.refresh()

    def refresh(self) -> None:
        from rich.spinner import Spinner
        from rich.table import Table
        from rich.text import Text

        table = Table.grid(padding=(0, 1))
        for step, began, seconds, error in self.rows.values():
            if seconds is None:
                table.add_row(Spinner("dots"), Text(step.label), Text(f"{time.perf_counter() - began:.1f}s", "dim"))
            elif error:
                table.add_row(Text("✗", "red"), Text(step.label), Text(f"failed after {seconds:.1f}s", "red"))
            else:
                outcome = Text(f"{PAST[step.action]} in {seconds:.1f}s", "dim")
                table.add_row(Text("✓", "green"), Text(step.label), outcome)
        self.live.update(table)


@contextlib.contextmanager
def progress_for(console: Console) -> Iterator[Any]:
    if not console.stderr_is_terminal:
        with PlainProgress(console) as plain:
            yield plain
        return
    from rich.live import Live

    with Live(console=console.err, refresh_per_second=8, transient=False) as live:
        yield LiveProgress(console, live)
