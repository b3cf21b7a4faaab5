"""What every pattern command shares: project checks, API checks, confirmation, JSON, verbose logging."""

from __future__ import annotations

from typing import Any

from crpatterns.errors import ExitCode
from tests.cli import run
from tests.test_engine import web_app


def test_help_lists_the_command_groups() -> None:
    outcome = run("--help")
    assert outcome.exit_code == 0
    for group in ("web-app", "internal-api", "shared-vpc", "emulator"):
        assert group in outcome.stdout


def test_version() -> None:
    outcome = run("--version")
    assert outcome.exit_code == 0 and outcome.stdout.startswith("crpatterns ")


def test_unknown_project_is_one_sentence_and_changes_nothing(emulator: Any) -> None:
    emulator.clear_requests()
    outcome = run(*web_app()[:-2], "--project", "no-such-project", "--yes")
    assert outcome.exit_code == 1
    assert "no-such-project" in outcome.stderr and "does not exist or you do not have access" in outcome.stderr
    assert "Traceback" not in outcome.stderr
    assert emulator.mutating_requests() == []


def test_disabled_apis_are_listed_with_the_command_to_enable_them(emulator: Any) -> None:
    emulator.add_project("bare-project", "100000000099", services=["cloudresourcemanager.googleapis.com",
                                                                   "serviceusage.googleapis.com"])
    args = [*web_app()[:-2], "--project", "bare-project"]
    outcome = run(*args, "--yes")
    assert outcome.exit_code == 1
    assert "not enabled in project bare-project" in outcome.stderr
    assert "gcloud services enable" in outcome.stderr and "--enable-apis" in outcome.stderr
    assert "compute.googleapis.com" in outcome.stderr and "iap.googleapis.com" in outcome.stderr
    enabled = run(*args, "--yes", "--enable-apis")
    assert enabled.exit_code == 0, enabled
    assert "Enabled APIs" in enabled.stderr


def test_without_yes_a_non_terminal_run_refuses_to_apply(emulator: Any) -> None:
    emulator.clear_requests()
    outcome = run(*web_app())
    assert outcome.exit_code == 1
    assert "--yes" in outcome.stderr
    assert emulator.mutating_requests() == []


def test_verbose_logs_every_call_to_stderr(emulator: Any) -> None:
    outcome = run(*web_app("--dry-run", "-v"))
    assert outcome.exit_code == 0
    assert "GET http://" in outcome.stderr and "-> 200 (" in outcome.stderr
    assert "GET http://" not in outcome.stdout


def test_bad_flags_are_usage_errors_before_any_call(emulator: Any) -> None:
    emulator.clear_requests()
    for args, words in [
        (web_app("--format", "yaml"), "--format"),
        (web_app("--parallelism", "0"), "--parallelism"),
        (web_app(name="Hello"), "NAME"),
        (web_app(region="mars-north1"), "--region"),
        (web_app(image="not an image"), "--image"),
        (web_app(domain="https://x.example.com/"), "--domain"),
        (web_app("--member", "allUsers"), "allUsers"),
        (web_app("--member", "bob@example.com"), "--member"),
        (web_app("--iap-mode", "sideways"), "--iap-mode"),
        (web_app("--certificate-file", "/nonexistent.pem", "--private-key-file", "/nonexistent.key"),
         "--certificate-file"),
    ]:
        outcome = run(*args)
        assert outcome.exit_code == ExitCode.USAGE, (args, outcome)
        assert words in outcome.stderr, (args, outcome)
        assert outcome.stderr.count("\n") == 1 and "Traceback" not in outcome.stderr, outcome
    assert emulator.requests() == []
