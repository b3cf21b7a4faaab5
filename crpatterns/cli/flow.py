"""What every pattern command does, in one place, top to bottom: open a session (project, APIs), read,
decide, observe, plan, show the plan, confirm, apply with progress, report. Patterns supply only what
differs, through the Pattern interface (crpatterns/patterns/base.py)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from crpatterns.cli.options import Common
from crpatterns.console import Console
from crpatterns.engine.model import Plan
from crpatterns.errors import CrpatternsError, ExitCode
from crpatterns.patterns.base import Pattern, Spec, Teardown
from crpatterns.session import Session


def session_for(common: Common, console: Console, pattern: Pattern) -> Session:
    from crpatterns.session import open_session

    return open_session(common.project, pattern.apis, parallelism=common.parallelism,
                        enable_apis=common.enable_apis and not common.dry_run,
                        log=console.debug if common.verbose else None, say=console.say)


def execute(common: Common, pattern: Pattern, spec: Spec) -> int:
    """A create, enable, disable or destroy: plan the spec, show, confirm, apply, report. The exit code."""
    from crpatterns.patterns.planning import plan_spec

    console = Console(verbose=common.verbose)
    common.check()
    session = session_for(common, console, pattern)
    spec = spec.in_project(session.project, session.number)
    plan, _ = plan_spec(session, pattern, spec, adopt=common.adopt)
    if common.format == "text":
        from crpatterns.render.plan_text import render

        console.data(render(plan))
    if not plan.has_changes or common.dry_run:
        if common.format == "json":
            _print_json(console, plan, {})
        if common.dry_run and common.detailed_exitcode and plan.has_changes:
            return ExitCode.CHANGES_PENDING
        return ExitCode.OK
    if not common.yes and not _confirmed(common, console, plan):
        return ExitCode.ERROR
    result = _apply(common, console, session, plan)
    if not result.ok:
        return ExitCode.ERROR
    if not isinstance(spec, Teardown) and common.format == "text" and console.stderr_is_terminal:
        steps = pattern.next_steps(session.refreshed(), spec)
        if steps:
            console.data("\n".join(["Next steps:", *(f"  {step}" for step in steps)]))
    return ExitCode.OK


def _confirmed(common: Common, console: Console, plan: Plan) -> bool:
    """Asks on a terminal; never asks about a plan it did not show (JSON), and never where nobody can answer."""
    if not console.interactive or common.format == "json":
        if common.format == "json":
            _print_json(console, plan, {"applied": False})
        console.say("Not applying: confirmation needs a terminal and the text plan. Rerun with --yes to apply "
                    "without asking, or with --dry-run to only plan.")
        return False
    if not console.confirm("Apply these changes?"):
        console.say("Nothing changed.")
        return False
    return True


def _apply(common: Common, console: Console, session: Session, plan: Plan) -> Any:
    from crpatterns.cli.progress import progress_for
    from crpatterns.engine.executor import apply
    from crpatterns.render.result import result_json, result_lines

    with progress_for(console) as progress:
        result = apply(plan, session.writers, common.parallelism, progress)
    if common.format == "json":
        _print_json(console, plan, {"result": result_json(result)})
    for line in result_lines(result):
        console.say(line)
    return result


def report_status(common: Common, pattern: Pattern, target: Teardown) -> int:
    """The whole `status` command of a pattern: reads only; a finding makes the exit code 1."""
    common.check()
    console = Console(verbose=common.verbose)
    session = session_for(common, console, pattern)
    report = pattern.status(session, target.in_project(session.project, session.number))
    if common.format == "json":
        from crpatterns.render.plan_json import dumps

        console.data(dumps(report.to_json()))
    else:
        console.data(report.text())
    return ExitCode.ERROR if report.findings or not report.exists else ExitCode.OK


def _print_json(console: Console, plan: Plan, extra: dict[str, Any]) -> None:
    from crpatterns.render.plan_json import dumps, plan_document

    console.data(dumps(plan_document(plan, extra)))


def guarded(command: Callable[[], int]) -> None:
    """Runs a command body: a CrpatternsError becomes one sentence on stderr and its exit code;
    an unexpected error says it is a bug instead of printing a stack trace (unless CRPATTERNS_DEBUG)."""
    import os

    import typer

    try:
        code = command()
    except CrpatternsError as error:
        sys.stderr.write(f"Error: {error}\n")
        raise typer.Exit(error.exit_code) from None
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted. Run the same command again to continue where it stopped.\n")
        raise typer.Exit(130) from None
    except Exception as error:
        if os.environ.get("CRPATTERNS_DEBUG"):
            raise
        sys.stderr.write(
            f"Error: unexpected {type(error).__name__}: {error}. This is a bug in crpatterns; rerun with "
            "CRPATTERNS_DEBUG=1 for details.\n"
        )
        raise typer.Exit(ExitCode.ERROR) from None
    raise typer.Exit(code)
