"""What every pattern command does, in one place: resolve the project, check it, read, plan, show the
plan, confirm, apply with progress, and report. Pattern modules supply only what differs."""

from __future__ import annotations

import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from crpatterns.cli.options import Common
from crpatterns.console import Console
from crpatterns.engine.model import Desired, Plan
from crpatterns.engine.planner import Observation, ObservedKey
from crpatterns.errors import CrpatternsError, ExitCode, UsageError


@dataclass
class Session:
    """What a command works with once the project is known. `kinds` read each resource once (facts,
    observation and status share the answers); `writers` are the kinds themselves, for apply."""

    common: Common
    console: Console
    clients: Any
    kinds: dict[str, Any]
    project: str
    number: str
    writers: dict[str, Any] = field(default_factory=dict)


@dataclass
class PatternRun:
    """One pattern's contribution to a create/destroy run."""

    pattern: str
    app: str
    regions: list[str]
    apis: tuple[str, ...]
    owned_kinds: tuple[str, ...]
    # Facts read from the cloud, then the pure pattern: Session -> desired resources and plan notes.
    desired: Callable[[Session], list[Desired]] | None = None
    warnings: Callable[[Session], list[str]] = lambda session: []
    # Facts read after the observation, then the pattern's decision: resources it keeps although
    # nothing desires them (or never owned but mentions), with the reason the plan gives.
    keep: Callable[[Session, Observation], dict[ObservedKey, str]] | None = None
    after_apply: Callable[[Session, Plan], list[str]] | None = None


def open_session(common: Common, console: Console, apis: tuple[str, ...]) -> Session:
    from crpatterns.engine.read_cache import cached
    from crpatterns.gcp.clients import Clients
    from crpatterns.gcp.endpoint import Endpoint
    from crpatterns.gcp.http_log import CallLog
    from crpatterns.gcp.preflight import disabled_apis, ensure_apis, project_info
    from crpatterns.gcp.project import resolve_project
    from crpatterns.kinds import all_kinds

    endpoint = Endpoint.from_env()
    project = resolve_project(common.project, allow_adc=not endpoint.is_emulator)
    log = CallLog(emit=console.debug if common.verbose else None)
    clients = Clients(endpoint, log, pool_size=common.parallelism * 2)
    clients.credentials()  # missing credentials: one sentence saying how to get some, before any call
    with ThreadPoolExecutor(2, thread_name_prefix="preflight") as pool:
        # Both reads at once: the API check takes the project id as well as its number.
        off = pool.submit(disabled_apis, clients, project, apis)
        info = project_info(clients, project)  # an unknown project is reported first
        disabled = off.result()
    enabled = ensure_apis(clients, info, disabled, enable=common.enable_apis and not common.dry_run)
    if enabled:
        console.say(f"Enabled APIs: {', '.join(enabled)}")
    kinds = all_kinds(clients)
    return Session(common, console, clients, cached(kinds), info.project_id, info.number, writers=kinds)


def make_plan(session: Session, run: PatternRun, destroy: bool = False) -> Plan:
    from crpatterns.engine.planner import make_destroy_plan
    from crpatterns.engine.planner import make_plan as plan_from
    from crpatterns.engine.reader import observe

    desired = [] if destroy or run.desired is None else run.desired(session)
    observation = observe(desired, session.kinds, run.app, session.project, run.regions, run.owned_kinds,
                          session.common.parallelism)
    if run.keep is not None:
        observation.keep.update(run.keep(session, observation))
    if destroy:
        plan = make_destroy_plan(run.pattern, run.app, session.project, observation, session.kinds)
    else:
        plan = plan_from(run.pattern, run.app, session.project, desired, observation, session.kinds,
                         adopt=session.common.adopt)
    plan.warnings.extend(run.warnings(session))
    return plan


def show_plan(session: Session, plan: Plan) -> None:
    if session.common.format == "json":
        return  # printed once, with the apply result, at the end
    from crpatterns.render.plan_text import render

    session.console.data(render(plan))


def execute(common: Common, run: PatternRun, destroy: bool = False) -> int:
    """The whole create (or destroy) command; returns the exit code."""
    console = Console(verbose=common.verbose)
    common.check()
    session = open_session(common, console, run.apis)
    plan = make_plan(session, run, destroy)
    show_plan(session, plan)
    document_extra: dict[str, Any] = {}
    if not plan.has_changes or common.dry_run:
        if common.format == "json":
            _print_json(console, plan, document_extra)
        if common.dry_run and common.detailed_exitcode and plan.has_changes:
            return ExitCode.CHANGES_PENDING
        return ExitCode.OK
    if not common.yes:
        if not console.interactive:
            if common.format == "json":
                _print_json(console, plan, {**document_extra, "applied": False})
            console.say("Not applying: confirmation needs a terminal. Rerun with --yes to apply without asking, "
                        "or with --dry-run to only plan.")
            return ExitCode.ERROR
        if not console.confirm("Apply these changes?"):
            console.say("Nothing changed.")
            return ExitCode.ERROR
    from crpatterns.cli.progress import progress_for
    from crpatterns.engine.executor import apply

    with progress_for(console) as progress:
        result = apply(plan, session.writers, common.parallelism, progress)
    from crpatterns.render.result import result_json, result_lines

    if common.format == "json":
        _print_json(console, plan, {**document_extra, "result": result_json(result)})
    for line in result_lines(result):
        console.say(line)
    if not result.ok:
        return ExitCode.ERROR
    if run.after_apply is not None:
        from crpatterns.engine.read_cache import cached

        session.kinds = cached(session.writers)  # the reads made before the apply are stale now
        lines = run.after_apply(session, plan)
        if lines and common.format == "text":
            console.data("\n".join(lines))
    return ExitCode.OK


def report_status(common: Common, apis: tuple[str, ...], gather: Callable[[Session], dict[str, Any]],
                  judge: Callable[[dict[str, Any]], list[str]], render: Callable[[dict[str, Any]], str]) -> int:
    """The whole `status` command of a pattern: read what exists (reads only), judge it with the
    pattern's pure findings, print it as text or JSON; a finding makes the exit code 1."""
    common.check()
    console = Console(verbose=common.verbose)
    session = open_session(common, console, apis)
    report = gather(session)
    problems = judge(report)
    report["findings"] = problems
    if common.format == "json":
        from crpatterns.render.plan_json import dumps

        console.data(dumps(report))
    else:
        console.data(render(report))
    return ExitCode.ERROR if problems else ExitCode.OK


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


__all__ = ["Common", "PatternRun", "Session", "UsageError", "execute", "guarded", "report_status"]
