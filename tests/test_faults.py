"""The fault matrix (issue 7): every mutating call of every pattern failing once with 503, then with 429;
an operation ending in error; the CLI killed at many points; etag conflicts on every policy written.
Each ends with what an uninterrupted run leaves: nothing orphaned, nothing duplicated."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.cli import run
from tests.pattern_cases import (
    ACROSS_PROJECTS,
    CASES,
    MULTI_REGION_CASES,
    SINGLE_REGION_TWIN,
    PatternCase,
    enable_xpn_host,
    signature,
)
from tests.support import EmulatorProcess

# The single-region cases and internal-api across projects (issue 16).
FAULT_CASES = [*CASES, ACROSS_PROJECTS]


def clean_run(emulator: EmulatorProcess, case: PatternCase) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The signature of an uninterrupted create, and its mutating calls."""
    emulator.reset()
    case.setup(emulator)
    emulator.clear_requests()
    outcome = run(*case.create, "--yes")
    assert outcome.exit_code == 0, outcome
    return signature(emulator.inventory()), emulator.mutating_requests()


def distinct_calls(calls: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return sorted({(c["method"], c["path"]) for c in calls})


@pytest.mark.parametrize("case", FAULT_CASES, ids=str)
@pytest.mark.parametrize("status", [503, 429])
def test_each_mutating_call_failing_once_is_retried_without_duplicates(
        emulator: EmulatorProcess, case: PatternCase, status: int) -> None:
    expected, calls = clean_run(emulator, case)
    for method, path in distinct_calls(calls):
        emulator.reset()
        case.setup(emulator)
        emulator.fault(method=method, path=f"^{re.escape(path)}$", status=status, count=1)
        outcome = run(*case.create, "--yes")
        assert outcome.exit_code == 0, (method, path, str(outcome))
        assert signature(emulator.inventory()) == expected, (method, path)


def region_free(call: tuple[str, str]) -> tuple[str, str]:
    """A call with its region taken out: the same call in another region is the same code path."""
    method, path = call
    return method, re.sub(r"/(regions|locations)/[a-z0-9-]+/", r"/\1/R/", path)


@pytest.mark.parametrize("case", MULTI_REGION_CASES, ids=str)
def test_each_call_only_several_regions_make_failing_once_is_retried_without_duplicates(
        emulator: EmulatorProcess, case: PatternCase) -> None:
    """The calls of a create in two regions with --failover that a single-region create does not make (the
    cross-region load balancer's global resources, IAP's policies on the services...), each failing once:
    every other call is the single-region matrix's (above), whatever its region."""
    twin = next(c for c in CASES if c.name == SINGLE_REGION_TWIN[case.name])
    _, single = clean_run(emulator, twin)
    known = {region_free(call) for call in distinct_calls(single)}
    expected, calls = clean_run(emulator, case)
    new = [call for call in distinct_calls(calls) if region_free(call) not in known]
    assert new, "several regions make calls a single region does not"
    for method, path in new:
        emulator.reset()
        case.setup(emulator)
        emulator.fault(method=method, path=f"^{re.escape(path)}$", status=503, count=1)
        outcome = run(*case.create, "--yes")
        assert outcome.exit_code == 0, (method, path, str(outcome))
        assert signature(emulator.inventory()) == expected, (method, path)


@pytest.mark.parametrize("case", FAULT_CASES + MULTI_REGION_CASES, ids=str)
def test_an_operation_ending_in_error_stops_cleanly_and_a_rerun_converges(
        emulator: EmulatorProcess, case: PatternCase) -> None:
    expected, calls = clean_run(emulator, case)
    operations = [c for c in distinct_calls(calls)
                  if c[0] == "POST" and "/compute/v1/" in c[1] and not c[1].endswith("IamPolicy")]
    method, path = operations[len(operations) // 2]
    emulator.reset()
    case.setup(emulator)
    emulator.fault(method=method, path=f"^{re.escape(path)}$", kind="operation", status=400,
                   message="Injected operation failure", count=1)
    failed = run(*case.create, "--yes")
    assert failed.exit_code == 1, failed
    assert "Injected operation failure" in failed.stderr and "Traceback" not in failed.stderr
    assert "Run the same command again" in failed.stderr
    converged = run(*case.create, "--yes")
    assert converged.exit_code == 0, converged
    assert without_grant_record(signature(emulator.inventory())) == without_grant_record(expected)


@pytest.mark.parametrize("case", FAULT_CASES + MULTI_REGION_CASES, ids=str)
def test_etag_conflicts_on_every_policy_are_retried_and_keep_others_bindings(
        emulator: EmulatorProcess, case: PatternCase) -> None:
    _, calls = clean_run(emulator, case)
    writes = [path for method, path in distinct_calls(calls) if path.endswith("setIamPolicy")]
    assert writes, "every pattern writes at least one IAM policy"
    emulator.reset()
    case.setup(emulator)
    other = {"role": "roles/viewer", "members": ["user:auditor@example.com"]}
    for path in writes:
        emulator.fault(method="POST", path=f"^{re.escape(path)}$", kind="policy-race", binding=other, count=1)
    outcome = run(*case.create, "--yes")
    assert outcome.exit_code == 0, outcome
    policies = emulator.inventory()["iam"]
    kept = [key for key, policy in policies.items()
            if any(b["role"] == "roles/viewer" and "user:auditor@example.com" in b["members"]
                   for b in policy.get("bindings", []))]
    assert len(kept) == len(writes), (writes, list(policies))


# -- the CLI killed mid-create ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def slow_emulator() -> Iterator[EmulatorProcess]:
    """Operations take 0.3 s, so there is a moment to kill the CLI in between its calls."""
    emulator = EmulatorProcess.start("--op-latency", "0.3")
    yield emulator
    emulator.stop()


def create_killed_after(emulator: EmulatorProcess, case: PatternCase, mutations: int) -> bool:
    """Runs the create in a real process and SIGKILLs it once the emulator has seen `mutations`
    mutating calls; False if it finished first."""
    emulator.clear_requests()
    env = {**os.environ, "CRPATTERNS_EMULATOR_HOST": emulator.host}
    process = subprocess.Popen([sys.executable, "-m", "crpatterns", *case.create, "--yes"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while process.poll() is None:
            if len(emulator.mutating_requests()) >= mutations:
                process.send_signal(signal.SIGKILL)
                process.wait()
                return True
            time.sleep(0.005)
        return False
    finally:
        if process.poll() is None:
            process.kill()


def without_grant_record(found: dict[str, Any]) -> dict[str, Any]:
    """Known limit (shared-vpc): the service's record of the host grants the tool added is written with
    the service, after the grants; a run killed in between leaves grants the record does not list, so a
    later --revoke-host-access keeps them (the safe side). The grants themselves converge."""
    found = dict(found)
    services = [json.loads(s) for s in found["run"]]
    for service in services:
        service.get("annotations", {}).pop("crpatterns.dev/host-grants", None)
        if not service.get("annotations"):
            service.pop("annotations", None)
    found["run"] = sorted(json.dumps(s, sort_keys=True) for s in services)
    return found


@pytest.mark.parametrize("case", FAULT_CASES, ids=str)
def test_killed_at_many_points_a_rerun_converges_to_the_same_resources(
        slow_emulator: EmulatorProcess, case: PatternCase, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRPATTERNS_EMULATOR_HOST", slow_emulator.host)
    expected, calls = clean_run(slow_emulator, case)
    killed_then_rerun(slow_emulator, case, expected, list(range(1, min(10, len(calls)) + 1)))


@pytest.mark.parametrize("case", MULTI_REGION_CASES, ids=str)
def test_a_create_in_two_regions_killed_at_some_points_converges_to_the_same_resources(
        slow_emulator: EmulatorProcess, case: PatternCase, monkeypatch: pytest.MonkeyPatch) -> None:
    """Half way and late (the single-region cases above try every early point)."""
    monkeypatch.setenv("CRPATTERNS_EMULATOR_HOST", slow_emulator.host)
    expected, calls = clean_run(slow_emulator, case)
    killed_then_rerun(slow_emulator, case, expected, [len(calls) // 2, len(calls) - 2])


def killed_then_rerun(slow_emulator: EmulatorProcess, case: PatternCase, expected: dict[str, Any],
                      points: list[int]) -> None:
    killed = 0
    for point in points:
        slow_emulator.reset()
        case.setup(slow_emulator)
        killed += create_killed_after(slow_emulator, case, point)
        outcome = run(*case.create, "--yes")
        assert outcome.exit_code == 0, (point, str(outcome))
        assert without_grant_record(signature(slow_emulator.inventory())) == without_grant_record(expected), point
        slow_emulator.clear_requests()
        assert "No changes." in run(*case.create, "--yes").stdout
        assert slow_emulator.mutating_requests() == []
    assert killed >= len(points) // 2, f"only {killed} of {len(points)} runs were killed before finishing"


# -- the commands issue 13 added: `shared-vpc disable --delete-service` and `list` -------------------------


def enabled_with_image(emulator: EmulatorProcess) -> None:
    """shared-vpc's case enabled with --image: the service `disable --delete-service` deletes."""
    enable_xpn_host(emulator)
    outcome = run(*CASES[2].create, "--yes")
    assert outcome.exit_code == 0, outcome


DELETE_SERVICE = PatternCase("shared-vpc-delete-service",
                             [*CASES[2].destroy, "--delete-service", "--revoke-host-access"], [],
                             setup=enabled_with_image)


@pytest.mark.parametrize("status", [503, 429])
def test_delete_service_with_each_mutating_call_failing_once_converges(emulator: EmulatorProcess,
                                                                       status: int) -> None:
    expected, calls = clean_run(emulator, DELETE_SERVICE)
    assert emulator.inventory()["run"]["services"] == []
    for method, path in distinct_calls(calls):
        emulator.reset()
        DELETE_SERVICE.setup(emulator)
        emulator.fault(method=method, path=f"^{re.escape(path)}$", status=status, count=1)
        outcome = run(*DELETE_SERVICE.create, "--yes")
        assert outcome.exit_code == 0, (method, path, str(outcome))
        assert signature(emulator.inventory()) == expected, (method, path)


def test_delete_service_whose_operation_fails_stops_cleanly_and_a_rerun_converges(emulator: EmulatorProcess) -> None:
    expected, _ = clean_run(emulator, DELETE_SERVICE)
    emulator.reset()
    DELETE_SERVICE.setup(emulator)
    emulator.fault(method="DELETE", path=r"/services/payments$", kind="operation", status=400,
                   message="Injected operation failure", count=1)
    failed = run(*DELETE_SERVICE.create, "--yes")
    assert failed.exit_code == 1 and "Injected operation failure" in failed.stderr, failed
    assert "Run the same command again" in failed.stderr and "Traceback" not in failed.stderr
    assert run(*DELETE_SERVICE.create, "--yes").exit_code == 0
    assert signature(emulator.inventory()) == expected


def test_delete_service_killed_then_rerun_converges(slow_emulator: EmulatorProcess,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRPATTERNS_EMULATOR_HOST", slow_emulator.host)
    plain = PatternCase(DELETE_SERVICE.name, DELETE_SERVICE.create[:-1], [], setup=enabled_with_image)
    expected, calls = clean_run(slow_emulator, plain)
    for point in range(1, len(calls) + 1):
        slow_emulator.reset()
        plain.setup(slow_emulator)
        create_killed_after(slow_emulator, plain, point)
        outcome = run(*plain.create, "--yes")
        assert outcome.exit_code == 0, (point, str(outcome))
        assert signature(slow_emulator.inventory()) == expected, point


def test_list_with_reads_failing_once_lists_the_same_and_changes_nothing(emulator: EmulatorProcess) -> None:
    assert run(*CASES[1].create, "--yes").exit_code == 0
    args = ("list", "--project", "demo-project", "--format", "json")
    emulator.clear_requests()
    expected = run(*args)
    assert expected.exit_code == 0, expected
    # Every read but the other regions' (empty) service lists: each kind of call once is the point.
    reads = sorted({(r["method"], r["path"]) for r in emulator.requests()
                    if "/locations/" not in r["path"] or "/locations/us-central1/" in r["path"]})
    for method, path in reads:
        for status in (503, 429):
            emulator.fault(method=method, path=f"^{re.escape(path)}$", status=status, count=1)
            outcome = run(*args)
            assert outcome.exit_code == 0, (method, path, str(outcome))
            assert outcome.json() == expected.json(), (method, path)
    assert emulator.mutating_requests() == []
