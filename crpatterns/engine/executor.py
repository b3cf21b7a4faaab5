"""Applying a plan: a graph walk under a semaphore (style.md, "Terraform").

A step starts when every step it depends on has finished; independent steps run concurrently, up to
`parallelism`. After a failure no new step starts; the ones running finish; the result says what was
done and what was not, and running the same command again converges (the plan is recomputed from what
exists).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any, Protocol

from crpatterns.engine.model import Action, Plan, Step
from crpatterns.errors import CrpatternsError


class Progress(Protocol):
    def started(self, step: Step) -> None: ...

    def finished(self, step: Step, seconds: float, error: str | None) -> None: ...


class KindWriter(Protocol):
    def create(self, scope: Any, name: str, body: dict[str, Any]) -> None: ...

    def update(self, actual: Any, body: dict[str, Any], changes: tuple[Any, ...]) -> None: ...

    def delete(self, actual: Any) -> None: ...


@dataclass
class ApplyResult:
    done: list[Step] = field(default_factory=list)
    failed: list[tuple[Step, str]] = field(default_factory=list)
    not_started: list[Step] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed and not self.not_started


def run_step(step: Step, kinds: Mapping[str, KindWriter], hooks: Mapping[str, Callable[[Step], None]]) -> None:
    kind = kinds[step.kind]
    before = hooks.get("before")
    if before is not None:
        before(step)
    if step.action is Action.CREATE:
        kind.create(step.scope, step.name, step.body or {})
    elif step.action is Action.UPDATE:
        kind.update(step.actual, step.body or {}, step.changes)
    elif step.action is Action.REPLACE and step.strategy == "delete-before-create":
        kind.delete(step.actual)
        kind.create(step.scope, step.name, step.body or {})
    elif step.action is Action.REPLACE:
        kind.create(step.scope, step.name, step.body or {})
    elif step.action is Action.DELETE:
        kind.delete(step.actual)


def apply(plan: Plan, kinds: Mapping[str, KindWriter], parallelism: int, progress: Progress,
          hooks: Mapping[str, Callable[[Step], None]] | None = None) -> ApplyResult:
    started_at = time.perf_counter()
    steps = plan.steps
    pending = {i for i, s in enumerate(steps) if s.action is not Action.NOOP}
    finished = {i for i, s in enumerate(steps) if s.action is Action.NOOP}
    result = ApplyResult()
    stop = threading.Event()
    running: dict[Future[Any], tuple[int, float]] = {}

    def execute(index: int) -> None:
        run_step(steps[index], kinds, hooks or {})

    with ThreadPoolExecutor(max_workers=max(1, parallelism), thread_name_prefix="apply") as pool:
        while pending or running:
            if not stop.is_set():
                ready = sorted(i for i in pending if all(d in finished for d in steps[i].depends_on))
                for index in ready:
                    if len(running) >= parallelism:
                        break
                    pending.discard(index)
                    progress.started(steps[index])
                    running[pool.submit(execute, index)] = (index, time.perf_counter())
            if not running:
                break
            done, _ = wait(list(running), return_when=FIRST_COMPLETED)
            for future in done:
                index, began = running.pop(future)
                seconds = time.perf_counter() - began
                error = future.exception()
                if error is None:
                    finished.add(index)
                    result.done.append(steps[index])
                    progress.finished(steps[index], seconds, None)
                else:
                    message = str(error) if isinstance(error, CrpatternsError) else f"{type(error).__name__}: {error}"
                    result.failed.append((steps[index], message))
                    progress.finished(steps[index], seconds, message)
                    stop.set()
    result.not_started = [steps[i] for i in sorted(pending)]
    result.seconds = time.perf_counter() - started_at
    return result
