"""The executor as a graph walk, with writers that record what they were asked (no server): a failure stops
only what depends on it, and among ready steps the one with the longest chain after it goes first."""

from __future__ import annotations

import threading
from typing import Any

from crpatterns.engine.executor import apply, chain_heights
from crpatterns.engine.model import Action, Plan, Scope, Step

SCOPE = Scope("p")


class Recorder:
    """A kind that records the order of its calls and fails for the names it is told to."""

    def __init__(self, failing: frozenset[str] = frozenset()) -> None:
        self.order: list[str] = []
        self.failing = failing
        self.lock = threading.Lock()

    def create(self, scope: Any, name: str, body: dict[str, Any]) -> None:
        with self.lock:
            self.order.append(name)
        if name in self.failing:
            raise RuntimeError(f"{name} refused")


class Quiet:
    def started(self, step: Step) -> None:
        pass

    def finished(self, step: Step, seconds: float, error: str | None) -> None:
        pass


def plan(*steps: tuple[str, tuple[int, ...]]) -> Plan:
    return Plan("p", "app", "p", [Step(Action.CREATE, "k", name, SCOPE, depends_on=deps) for name, deps in steps])


def test_a_failure_stops_only_what_depends_on_it() -> None:
    recorder = Recorder(frozenset({"neg"}))
    walked = plan(("neg", ()), ("backend", (0,)), ("url-map", (1,)), ("address", ()), ("certificate", ()))
    result = apply(walked, {"k": recorder}, 4, Quiet())
    assert [s.name for s, _ in result.failed] == ["neg"]
    assert {s.name for s in result.done} == {"address", "certificate"}
    assert [(s.name, blocker.name) for s, blocker in result.skipped] == [("backend", "neg"), ("url-map", "neg")]
    assert "backend" not in recorder.order and not result.ok


def test_the_step_with_the_longest_chain_after_it_starts_first() -> None:
    # In the plan's order the service comes first, but the NEG heads the load balancer's chain.
    walked = plan(("service", ()), ("invoker", (0,)), ("neg", ()), ("backend", (2,)), ("url-map", (3,)),
                  ("proxy", (4,)), ("rule", (5,)))
    assert chain_heights(walked) == [2, 1, 5, 4, 3, 2, 1]
    recorder = Recorder()
    assert apply(walked, {"k": recorder}, 1, Quiet()).ok
    assert recorder.order[0] == "neg" and recorder.order.index("service") > recorder.order.index("neg")
