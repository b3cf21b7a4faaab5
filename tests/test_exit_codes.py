"""Exit codes as Terraform's (issue 13, item 2): 0 no changes, 1 error, 2 changes pending with
`--dry-run --detailed-exitcode`, and bad input on 64 of its own, so a pipeline never takes an error for
"changes pending". Every code is in `--help` and the README."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from crpatterns.errors import ExitCode
from tests.cli import run
from tests.pattern_cases import CASES

WEB = CASES[0]
PLAN = ("--dry-run", "--detailed-exitcode")
README = Path(__file__).resolve().parents[1] / "README.md"


def without(args: list[str], flag: str) -> list[str]:
    at = args.index(flag)
    return args[:at] + args[at + 2:]


def test_changes_pending_exit_2_and_no_changes_exit_0(emulator: Any) -> None:
    assert run(*WEB.create, *PLAN).exit_code == ExitCode.CHANGES_PENDING
    assert run(*WEB.create, "--yes").exit_code == ExitCode.OK
    assert run(*WEB.create, *PLAN).exit_code == ExitCode.OK
    assert run(*WEB.destroy, *PLAN).exit_code == ExitCode.CHANGES_PENDING


@pytest.mark.parametrize("case", [
    ("a bad image", ["--image", "Not An Image"]),
    ("a bad region", ["--region", "mars-north1"]),
    ("an unknown option", ["--colour", "blue"]),
    ("a value that is not a number", ["--parallelism", "many"]),
    ("a choice not offered", ["--format", "yaml"]),
], ids=lambda c: c[0])
def test_bad_input_with_detailed_exitcode_never_exits_2(emulator: Any, case: tuple[str, list[str]]) -> None:
    _, extra = case
    args = list(WEB.create)
    for flag, value in zip(extra[::2], extra[1::2], strict=True):
        args = without(args, flag) if flag in args else args
        args += [flag, value]
    emulator.clear_requests()
    outcome = run(*args, *PLAN)
    assert outcome.exit_code == ExitCode.USAGE, outcome
    assert emulator.requests() == []


def test_a_missing_project_is_bad_input_and_an_unknown_one_an_error(emulator: Any, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(tmp_path))  # no gcloud configuration to fall back on
    missing = run(*without(list(WEB.create), "--project"), *PLAN)
    assert missing.exit_code == ExitCode.USAGE and "--project" in missing.stderr, missing
    unknown = run(*without(list(WEB.create), "--project"), "--project", "no-such-project", *PLAN)
    assert unknown.exit_code == ExitCode.ERROR and "no-such-project" in unknown.stderr, unknown


def test_a_missing_argument_and_a_bare_group_are_bad_input() -> None:
    assert run("web-app", "create", "--image", "x").exit_code == ExitCode.USAGE
    assert run("web-app").exit_code == ExitCode.USAGE
    assert run("no-such-command").exit_code == ExitCode.USAGE


def documented(text: str) -> set[int]:
    return {int(code) for code in re.findall(r"^\s*\|?\s*`?(\d+)`?\s+(?:\||\S)", text, re.M)}


@pytest.mark.parametrize("command", [(), ("web-app", "create"), ("internal-api", "destroy"),
                                     ("shared-vpc", "status"), ("list",)])
def test_every_exit_code_is_in_help(command: tuple[str, ...]) -> None:
    outcome = run(*command, "--help")
    assert outcome.exit_code == 0
    section = outcome.stdout.split("Exit codes:", 1)[1]
    assert {int(c) for c in ExitCode} <= documented(section), section


def test_every_exit_code_is_in_the_readme() -> None:
    section = README.read_text().split("### Exit codes", 1)[1].split("\n## ", 1)[0]
    assert {int(c) for c in ExitCode} <= documented(section), section
