"""Help like gcloud's (issue 13, item 5): required flags in their own section, accepted values listed,
metavars that say what goes there, examples and exit codes on every command, `-h`; and `--help` stays
light (no Google client, no rich imported)."""

from __future__ import annotations

import re
import subprocess
import sys
from typing import Any

import pytest
import typer

from crpatterns.cli.app import app
from tests.cli import run


def commands(group: Any = None, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command and group, as the words that reach it."""
    group = group or typer.main.get_command(app)
    found = [path]
    for name, command in getattr(group, "commands", {}).items():
        found.extend(commands(command, (*path, name)) if hasattr(command, "commands") else [(*path, name)])
    return found


ALL = commands()


def test_the_tree_has_every_command() -> None:
    for expected in [("web-app", "create"), ("internal-api", "status"), ("shared-vpc", "disable"), ("list",),
                     ("emulator", "start")]:
        assert expected in ALL


@pytest.mark.parametrize("words", ALL, ids=lambda w: " ".join(w) or "crpatterns")
def test_every_command_has_examples_exit_codes_and_short_help(words: tuple[str, ...]) -> None:
    long, short = run(*words, "--help"), run(*words, "-h")
    assert long.exit_code == 0 and short.exit_code == 0, long
    assert long.stdout == short.stdout
    assert "Examples:\n  $ crpatterns" in long.stdout and "Exit codes:" in long.stdout
    for vague in ("<str>", "<int>", "<float>", "<list[str]>", "TEXT", "INTEGER"):
        assert vague not in long.stdout, (words, vague)


def section(help_text: str, title: str) -> str:
    return help_text.split(f"\n{title}:\n", 1)[1].split("\n\n", 1)[0]


@pytest.mark.parametrize(("words", "required"), [
    (("web-app", "create"), ["--image IMAGE", "--region REGION", "--domain DOMAIN", "--member MEMBER"]),
    (("internal-api", "create"), ["--image IMAGE", "--region REGION", "--network NETWORK", "--subnet SUBNET"]),
    (("shared-vpc", "enable"), ["--region REGION", "--host-project HOST_PROJECT_ID", "--network NETWORK",
                                "--subnet SUBNET"]),
    (("web-app", "destroy"), ["--region REGION"]),
])
def test_required_flags_have_their_own_section(words: tuple[str, ...], required: list[str]) -> None:
    text = run(*words, "--help").stdout
    listed = section(text, "Required flags")
    for flag in required:
        assert flag in listed, (flag, listed)
    assert "--project PROJECT_ID" in section(text, "Common flags")


@pytest.mark.parametrize(("words", "flag", "choices"), [
    (("web-app", "create"), "--format FORMAT", "One of: text, json."),
    (("web-app", "create"), "--iap-mode MODE", "One of: lb, direct."),
    (("shared-vpc", "enable"), "--egress EGRESS", "One of: all-traffic, private-ranges-only."),
    (("shared-vpc", "enable"), "--ingress INGRESS", "One of: internal, internal-and-cloud-load-balancing."),
    (("list",), "--format FORMAT", "One of: text, json."),
])
def test_choices_are_listed(words: tuple[str, ...], flag: str, choices: str) -> None:
    text = re.sub(r"-\s+", "-", " ".join(run(*words, "--help").stdout.split()))  # unwrapped
    assert flag in text and choices in text


def test_choice_lists_match_what_the_patterns_accept() -> None:
    from crpatterns.cli import shared_vpc, web_app
    from crpatterns.patterns.shared_vpc.spec import EGRESS, INGRESS
    from crpatterns.patterns.web_app.spec import IAP_MODES

    assert web_app.IAP_MODES == IAP_MODES
    assert (tuple(EGRESS), tuple(INGRESS)) == (shared_vpc.EGRESS_CHOICES, shared_vpc.INGRESS_CHOICES)


def test_the_proxy_subnet_range_help_says_what_really_happens() -> None:
    text = " ".join(run("internal-api", "create", "--help").stdout.split())
    assert "[default: 10.129.0.0/23]" not in text
    assert "auto-mode network (which keeps 10.128.0.0/9)" in text and "the first free /23 of 10.0.0.0/8" in text
    assert "an existing one is reused" in text


def test_help_imports_no_google_client_nor_rich() -> None:
    probe = ("import sys\nfrom typer.testing import CliRunner\nfrom crpatterns.cli.app import app\n"
             "for words in ([], ['web-app', 'create'], ['list']):\n"
             "    assert CliRunner().invoke(app, [*words, '--help']).exit_code == 0\n"
             "print(sorted(m for m in sys.modules if m.startswith(('google', 'rich', 'requests'))))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == "[]"
