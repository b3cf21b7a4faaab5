"""A pattern registered from the test tree is planned, applied, re-planned (no changes) and destroyed
against the emulator through the same flow as the built-in ones (issue 12, "Done means")."""

from __future__ import annotations

from typing import Any

from crpatterns.cli.flow import execute, report_status
from crpatterns.cli.options import Common
from crpatterns.errors import ExitCode
from crpatterns.patterns.base import Teardown
from crpatterns.patterns.registry import all_patterns, register
from tests.extra_pattern import BareService, BareServiceSpec

PROJECT, REGION = "demo-project", "us-central1"
INVOKER = "user:dev@example.com"


def common(**changes: Any) -> Common:
    fields: dict[str, Any] = dict(project=PROJECT, format="text", dry_run=False, yes=True, parallelism=8,
                                  verbose=False)
    return Common(**{**fields, **changes})


def test_a_pattern_from_the_test_tree_plans_applies_replans_and_destroys(emulator: Any, capsys: Any,
                                                                        monkeypatch: Any) -> None:
    monkeypatch.setattr("crpatterns.patterns.registry.PATTERNS", dict(all_patterns()))  # undone after the test
    pattern = register(BareService())  # the one registration line
    assert all_patterns()["bare-service"] is pattern and "web-app" in all_patterns()
    assert pattern.owned_kinds == ("run.services",)  # derived from what decide produces
    spec = BareServiceSpec(name="bare", region=REGION, image="us-docker.pkg.dev/demo/app/bare:1", invoker=INVOKER)

    assert execute(common(dry_run=True, detailed_exitcode=True), pattern, spec) == ExitCode.CHANGES_PENDING
    assert emulator.mutating_requests() == []
    assert execute(common(), pattern, spec) == ExitCode.OK
    (service,) = emulator.inventory()["run"]["services"]
    assert service["labels"]["crpatterns-pattern"] == "bare-service" and service["labels"]["crpatterns-app"] == "bare"
    capsys.readouterr()

    emulator.clear_requests()
    assert execute(common(), pattern, spec) == ExitCode.OK
    assert "No changes." in capsys.readouterr().out and emulator.mutating_requests() == []
    assert report_status(common(), pattern, Teardown(name="bare", region=REGION)) == ExitCode.OK
    assert f"invokers: {INVOKER}" in capsys.readouterr().out

    assert execute(common(), pattern, Teardown(name="bare", region=REGION)) == ExitCode.OK
    assert emulator.inventory()["run"]["services"] == []
