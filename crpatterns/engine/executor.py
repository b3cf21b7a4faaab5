"""Applying a plan: a graph walk under a semaphore (as `terraform apply -parallelism=N`).

A step starts when every step it depends on has finished; independent steps run concurrently, up to
`parallelism`. A failed step stops only what depends on it: every branch that does not goes on to the
end, as Terraform does, and the result names each skipped step and the failure it waited on. Running
the same command again converges (the plan is recomputed from what exists).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from graphlib import TopologicalSorter
from typing import Any, Protocol

from crpatterns.engine.model import Action, Plan, ReplaceStrategy, Step
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
    # Steps never started because a step they depend on failed: (step, the failed step it waited on).
    skipped: list[tuple[Step, Step]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed and not self.skipped

    @property
    def not_started(self) -> list[Step]:
        return [step for step, _ in self.skipped]


def run_step(step: Step, kinds: Mapping[str, KindWriter]) -> None:
    kind = kinds[step.kind]
    if step.action is Action.CREATE:
        kind.create(step.scope, step.name, step.body or {})
    elif step.action is Action.UPDATE:
        kind.update(step.actual, step.body or {}, step.changes)
    elif step.action is Action.REPLACE and step.strategy is ReplaceStrategy.DELETE_BEFORE_CREATE:
        kind.delete(step.actual)
        kind.create(step.scope, step.name, step.body or {})
    elif step.action is Action.REPLACE:
        kind.create(step.scope, step.name, step.body or {})
    elif step.action is Action.DELETE:
        kind.delete(step.actual)


def chain_heights(plan: Plan) -> list[int]:
    """For each step, how many operations the longest chain starting at it holds (itself included): the
    steps that depend on it, on them, and so on. No-ops count for nothing."""
    dependents: dict[int, list[int]] = {}
    for index, step in enumerate(plan.steps):
        for before in step.depends_on:
            dependents.setdefault(before, []).append(index)
    order = list(TopologicalSorter({i: s.depends_on for i, s in enumerate(plan.steps)}).static_order())
    height = [0] * len(plan.steps)
    for index in reversed(order):
        own = 0 if plan.steps[index].action is Action.NOOP else 1
        height[index] = own + max((height[after] for after in dependents.get(index, [])), default=0)
    return height


def apply(plan: Plan, kinds: Mapping[str, KindWriter], parallelism: int, progress: Progress) -> ApplyResult:
    started_at = time.perf_counter()
    steps = plan.steps
    graph = TopologicalSorter({i: step.depends_on for i, step in enumerate(steps)})
    graph.prepare()
    result = ApplyResult()
    failed: dict[int, int] = {}  # step -> the failed step that stops it (itself when it failed)
    waiting: list[int] = []
    height = chain_heights(plan)
    running: dict[Future[Any], tuple[int, float]] = {}

    def release(ready: tuple[int, ...]) -> None:
        for index in ready:
            blocker = next((failed[d] for d in steps[index].depends_on if d in failed), None)
            if blocker is not None:
                # Depends on a failure: never started, and neither is anything that depends on it.
                failed[index] = blocker
                if steps[index].action is not Action.NOOP:
                    result.skipped.append((steps[index], steps[blocker]))
                graph.done(index)
            elif steps[index].action is Action.NOOP:
                graph.done(index)
            else:
                waiting.append(index)
        # Among steps ready at once, the one with the longest chain of steps still to follow it starts
        # first (critical path first: with more ready steps than --parallelism, a step the rest of the
        # plan waits on must not queue behind one nothing waits on); ties keep the plan's order.
        waiting.sort(key=lambda i: (-height[i], i))

    with ThreadPoolExecutor(max_workers=max(1, parallelism), thread_name_prefix="apply") as pool:
        while True:
            while graph.is_active() and (ready := graph.get_ready()):
                release(ready)
            while waiting and len(running) < parallelism:
                index = waiting.pop(0)
                progress.started(steps[index])
                running[pool.submit(run_step, steps[index], kinds)] = (index, time.perf_counter())
            if not running:
                break
            finished, _ = wait(list(running), return_when=FIRST_COMPLETED)
            for future in finished:
                index, began = running.pop(future)
                seconds = time.perf_counter() - began
                error = future.exception()
                if error is None:
                    result.done.append(steps[index])
                    progress.finished(steps[index], seconds, None)
                else:
                    message = str(error) if isinstance(error, CrpatternsError) else f"{type(error).__name__}: {error}"
                    result.failed.append((steps[index], message))
                    progress.finished(steps[index], seconds, message)
                    failed[index] = index
                graph.done(index)
    result.seconds = time.perf_counter() - started_at
    return result
