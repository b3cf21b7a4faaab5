"""Shell completion, and --region from gcloud's run/region property when absent (issue 13, item 8):
--region, then CLOUDSDK_RUN_REGION, then the active gcloud configuration's [run] region."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from crpatterns.errors import ExitCode
from tests.cli import run
from tests.pattern_cases import CASES

WEB = CASES[0]
# The console script: completion is keyed on the program's name (`python -m crpatterns` is another).
CRPATTERNS = str(Path(sys.executable).parent / "crpatterns")


def complete(words: str) -> list[str]:
    """What bash completion offers for the last (possibly empty) word, through typer's protocol."""
    parts = words.split(" ")
    env = {**os.environ, "_CRPATTERNS_COMPLETE": "complete_bash", "COMP_WORDS": words,
           "COMP_CWORD": str(len(parts) - 1)}
    done = subprocess.run([CRPATTERNS], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_completion_offers_commands_flags_and_accepted_values() -> None:
    assert "shared-vpc" in complete("crpatterns sh")
    assert {"create", "destroy", "status"} <= set(complete("crpatterns web-app "))
    assert complete("crpatterns web-app create hello --format ") == ["text", "json"]
    assert complete("crpatterns web-app create hello --iap-mode d") == ["direct"]
    assert complete("crpatterns shared-vpc enable payments --egress ") == ["all-traffic", "private-ranges-only"]
    assert "--delete-service" in complete("crpatterns shared-vpc disable payments --d")


def test_install_completion_writes_the_script_and_sources_it(tmp_path: Path) -> None:
    env = {**os.environ, "HOME": str(tmp_path)}
    done = subprocess.run([CRPATTERNS, "--install-completion", "bash"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    script = tmp_path / ".bash_completions" / "crpatterns.sh"
    assert "_CRPATTERNS_COMPLETE=complete_bash" in script.read_text()
    assert f"source '{script}'" in (tmp_path / ".bashrc").read_text()


def gcloud_config(directory: Path, region: str | None, name: str = "default") -> Path:
    """A gcloud configuration directory whose active configuration `name` has [run] region."""
    (directory / "configurations").mkdir(parents=True)
    (directory / "active_config").write_text(name)
    body = "[core]\nproject = demo-project\n" + (f"[run]\nregion = {region}\n" if region else "")
    (directory / "configurations" / f"config_{name}").write_text(body)
    return directory


def without_region(args: list[str]) -> list[str]:
    at = args.index("--region")
    return args[:at] + args[at + 2:]


def planned_region(*args: str) -> str:
    outcome = run(*args, "--dry-run", "--format", "json")
    assert outcome.exit_code == 0, outcome
    (service,) = [a for a in outcome.json()["actions"] if a["kind"] == "run.services"]
    return service["scope"]


def test_the_region_comes_from_the_flag_then_the_variable_then_the_gcloud_configuration(
        emulator: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(gcloud_config(tmp_path, "europe-west1")))
    monkeypatch.delenv("CLOUDSDK_RUN_REGION", raising=False)
    args = without_region(list(WEB.create))
    assert planned_region(*args) == "europe-west1"
    monkeypatch.setenv("CLOUDSDK_RUN_REGION", "us-east1")
    assert planned_region(*args) == "us-east1"
    assert planned_region(*args, "--region", "asia-east1") == "asia-east1"
    status = run("web-app", "status", "hello", "--project", "demo-project")
    assert "(us-east1)" in status.stdout, status


def test_a_bad_or_missing_region_names_where_it_came_from(emulator: Any, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLOUDSDK_RUN_REGION", raising=False)
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(gcloud_config(tmp_path / "bad", "us-nowhere9")))
    emulator.clear_requests()
    args = without_region(list(WEB.create))
    bad = run(*args, "--dry-run")
    assert bad.exit_code == ExitCode.USAGE and "the gcloud configuration's run/region must be a Cloud Run region" \
        in bad.stderr, bad
    monkeypatch.setenv("CLOUDSDK_RUN_REGION", "mars-1")
    assert "CLOUDSDK_RUN_REGION must be a Cloud Run region" in run(*args, "--dry-run").stderr
    monkeypatch.delenv("CLOUDSDK_RUN_REGION")
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(gcloud_config(tmp_path / "none", None)))
    missing = run(*args, "--dry-run")
    assert missing.exit_code == ExitCode.USAGE and "--region is required" in missing.stderr
    assert "gcloud config set run/region" in missing.stderr
    assert emulator.requests() == []
