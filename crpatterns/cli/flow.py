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
from crpatterns.patterns.base import Outputs, Pattern, Spec, Teardown
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
    if common.dry_run:
        if common.format == "json":
            _print_json(console, plan, {})
        if common.detailed_exitcode and plan.has_changes:
            return ExitCode.CHANGES_PENDING
        return ExitCode.OK
    if not plan.has_changes:
        outputs = app_outputs(console, session, pattern, spec)
        if common.format == "json":
            _print_json(console, plan, _with_outputs({}, outputs))
        show_outputs(common, console, outputs)
        return ExitCode.OK
    if not common.yes and not _confirmed(common, console, plan):
        return ExitCode.ERROR
    result = _apply(common, console, session, plan)
    outputs = app_outputs(console, session.refreshed(), pattern, spec) if result.ok else None
    if common.format == "json":
        from crpatterns.render.result import result_json

        _print_json(console, plan, _with_outputs({"result": result_json(result)}, outputs))
    show_outputs(common, console, outputs)
    return ExitCode.OK if result.ok else ExitCode.ERROR


def app_outputs(console: Console, session: Session, pattern: Pattern, spec: Spec) -> Outputs | None:
    """What the app's users need now (addresses, URLs, DNS records, how to call it), read afresh; None
    after a destroy. A failed read is said, not fatal: the apply itself succeeded."""
    if isinstance(spec, Teardown):
        return None
    target = Teardown(name=spec.name, region=spec.region, other_regions=spec.other_regions, project=spec.project,
                      project_number=spec.project_number)
    try:
        return pattern.outputs(session, target)
    except CrpatternsError as error:
        console.say(f"Could not read the outputs: {error} They are in `crpatterns {pattern.name} status "
                    f"{spec.name} --region {spec.region}`.")
        return None


def _with_outputs(extra: dict[str, Any], outputs: Outputs | None) -> dict[str, Any]:
    return {**extra, "outputs": outputs.to_json()} if outputs is not None else extra


def show_outputs(common: Common, console: Console, outputs: Outputs | None) -> None:
    """Outputs as text, always: with the plan on stdout when it is a terminal, else on stderr, so a
    pipeline's stdout holds only the plan (or the JSON document, which carries them as `outputs`)."""
    lines = outputs.lines() if outputs is not None else []
    if not lines:
        return
    if common.format == "text" and console.stdout_is_terminal:
        console.data("\n".join(lines))
    else:
        console.say("\n".join(lines))


def _confirmed(common: Common, console: Console, plan: Plan) -> bool:
    if confirmed(common, console, "or with --dry-run to only plan"):
        return True
    if common.format == "json":
        _print_json(console, plan, {"applied": False})  # the document a pipeline waits for, saying so
    return False


def confirmed(common: Common, console: Console, otherwise: str) -> bool:
    """Whether to apply: --yes, or a yes at a terminal. Never asks about a plan it did not show (JSON), and
    never where nobody can answer; `otherwise` says what else the person can do."""
    if common.yes:
        return True
    if not console.interactive or common.format == "json":
        console.say("Not applying: confirmation needs a terminal and the text plan. Rerun with --yes to apply "
                    f"without asking, {otherwise}.")
        return False
    if not console.confirm("Apply these changes?"):
        console.say("Nothing changed.")
        return False
    return True


def _apply(common: Common, console: Console, session: Session, plan: Plan) -> Any:
    from crpatterns.cli.progress import progress_for
    from crpatterns.engine.executor import apply
    from crpatterns.render.result import result_lines

    with progress_for(console) as progress:
        result = apply(plan, session.writers, common.parallelism, progress)
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
        from crpatterns.render.plan_json import FORMAT_VERSION, dumps

        console.data(dumps({"formatVersion": FORMAT_VERSION, **report.to_json()}))
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
        raise typer.Exit(ExitCode.INTERRUPTED) from None
    except Exception as error:
        if os.environ.get("CRPATTERNS_DEBUG"):
            raise
        sys.stderr.write(
            f"Error: unexpected {type(error).__name__}: {error}. This is a bug in crpatterns; rerun with "
            "CRPATTERNS_DEBUG=1 for details.\n"
        )
        raise typer.Exit(ExitCode.ERROR) from None
    raise typer.Exit(code)
