"""Apply progress: on a terminal one line per resource with a spinner, elapsed time and outcome
(rich); elsewhere one plain line per finished resource on stderr."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from typing import Any

from crpatterns.console import Console
from crpatterns.engine.model import Step
from crpatterns.render.vocabulary import PAST


class PlainProgress:
    def __init__(self, console: Console) -> None:
        self.console = console

    def started(self, step: Step) -> None:
        pass

    def finished(self, step: Step, seconds: float, error: str | None) -> None:
        outcome = "failed" if error else PAST[step.action]
        self.console.say(f"{step.label}: {outcome} ({seconds:.1f}s)")


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
        yield PlainProgress(console)
        return
    from rich.live import Live

    with Live(console=console.err, refresh_per_second=8, transient=False) as live:
        yield LiveProgress(console, live)
