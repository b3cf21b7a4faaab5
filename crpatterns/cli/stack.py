"""`crpatterns plan -f STACK` and `crpatterns apply`: many apps as code, reviewed plans applied exactly.

One process for the whole stack: one session (shared clients), every app's reads at once, one
dependency graph for the apply, `--parallelism` bounding the API calls of all apps together, and quota
answers slowing the whole run down (crpatterns/gcp/throttle.py). A saved plan is applied exactly as it
was reviewed, or refused before any call if anything it touches changed since (crpatterns/engine/
plan_file.py), or if it was made for another project or endpoint.
"""

from __future__ import annotations

import dataclasses
from concurrent.futures import ThreadPoolExecutor
from typing import Annotated, Any

import typer

from crpatterns.cli import saved_plan
from crpatterns.cli.help import Command, examples
from crpatterns.cli.options import (
    Common,
    DetailedExitOpt,
    EnableApisOpt,
    FormatOpt,
    ParallelismOpt,
    ProjectOpt,
    VerboseOpt,
    YesOpt,
)
from crpatterns.cli.saved_plan import AppPlan
from crpatterns.errors import ExitCode, UsageError

StackOpt = Annotated[str, typer.Option("--file", "-f", metavar="STACK.yaml", help="The stack file.")]
OutOpt = Annotated[str | None, typer.Option("--out", metavar="PLAN.json", help="Save the plan to apply later, "
                                            "exactly as reviewed, with `crpatterns apply PLAN.json`.")]
PruneOpt = Annotated[bool, typer.Option("--prune", help="Also destroy the apps this stack applied earlier (in its "
                                        "regions) that it no longer lists; never an app made otherwise.")]


# -- building specs from the stack ---------------------------------------------------------------------


def specs_of(stack: Any, project: str | None) -> list[tuple[Any, Any, Any]]:
    """(app, pattern, spec) for every app, each app's flags checked as the command line checks them."""
    from crpatterns.cli.options import Common
    from crpatterns.cli.stack_file import app_error, pattern_commands
    from crpatterns.patterns.registry import get

    commands = pattern_commands()
    common = Common(project=project, format="text", dry_run=False, yes=False, parallelism=8, verbose=False)
    found = []
    for app in stack.apps:
        try:
            spec = commands[app.pattern].spec_from_flags({**app.flags, "common": common})
        except UsageError as error:
            raise app_error(stack, app, error) from None
        found.append((app, get(app.pattern), dataclasses.replace(spec, stack=stack.name)))
    check_collisions(stack, found)
    return found


def check_collisions(stack: Any, apps: list[tuple[Any, Any, Any]]) -> None:
    """Two apps whose resources would have the same name: the same Cloud Run service in a region, or the
    same Compute name (each pattern derives its names from the app's name)."""
    taken: dict[tuple[str, ...], Any] = {}
    for app, pattern, spec in apps:
        names = [("run service", region, spec.name) for region in spec.regions]
        names += [("compute", name) for name in pattern.resource_names(spec.name).values()]
        for name in names:
            other = taken.get(name)
            if other is not None and other is not app:
                raise UsageError(
                    f"{stack.file}:{app.line}: apps[{app.index}] ({app.pattern} {app.name!r}) would make "
                    f"{name[0]} {name[-1]!r}, as apps[{other.index}] ({other.pattern} {other.name!r}, line "
                    f"{other.line}) does; rename one of them.")
            taken[name] = app


# -- planning ------------------------------------------------------------------------------------------


def plan_stack(common: Any, console: Any, file: str, prune: bool) -> tuple[Any, list[AppPlan]]:
    """Reads and plans every app of the stack at once; with --prune, the apps to destroy too."""
    from crpatterns.cli.stack_file import load
    from crpatterns.patterns.base import Teardown
    from crpatterns.patterns.planning import plan_spec
    from crpatterns.patterns.registry import get
    from crpatterns.session import open_session

    stack = load(file)
    project = common.project or stack.project
    if not project:
        raise UsageError(f"{file}: the stack names no project: add `project: ID` at the top, or pass --project.")
    apps = specs_of(stack, project)
    apis = tuple(sorted({api for _, pattern, _ in apps for api in pattern.apis}))
    session = open_session(project, apis, parallelism=common.parallelism,
                           enable_apis=common.enable_apis and not common.dry_run,
                           log=console.debug if common.verbose else None, say=console.say)
    work: list[tuple[str, str, Any, Any, dict[str, Any], bool]] = [
        (app.pattern, app.name, pattern, spec.in_project(session.project, session.number), app.flags, False)
        for app, pattern, spec in apps]
    if prune:
        from crpatterns.cli.inventory import managed_apps

        listed = {(app.pattern, app.name) for app, _, _ in apps}
        regions = sorted({region for _, _, spec in apps for region in spec.regions})
        for found in managed_apps(session, regions, created_only=True):
            # Only this stack's apps: never one made by a single command or applied from another stack.
            if (found.pattern, found.name) not in listed and found.stack == stack.name:
                where = found.regions or regions[:1]
                target = Teardown(name=found.name, region=where[0], other_regions=tuple(where[1:]),
                                  project=session.project, project_number=session.number)
                work.append((found.pattern, found.name, get(found.pattern), target, {}, True))

    def plan_one(item: tuple[str, str, Any, Any, dict[str, Any], bool]) -> AppPlan:
        pattern_name, name, pattern, spec, flags, pruned = item
        plan, _ = plan_spec(session, pattern, spec, adopt=bool(flags.get("adopt")))
        return AppPlan(pattern_name, name, plan, saved_plan.secret_sources(flags), pruned)

    with ThreadPoolExecutor(max_workers=max(1, min(common.parallelism, len(work) or 1)),
                            thread_name_prefix="app") as pool:
        plans = list(pool.map(plan_one, work))
    keep_what_others_use(plans)
    return session, plans


def summary(plans: list[AppPlan]) -> dict[str, int]:
    total = {"create": 0, "update": 0, "replace": 0, "delete": 0}
    for app in plans:
        for action, count in app.plan.counts().items():
            total[action] += count
    return total


def summary_sentence(plans: list[AppPlan]) -> str:
    total = summary(plans)
    changed = sum(1 for p in plans if p.plan.has_changes)
    return (f"Stack: {total['create']} to add, {total['update']} to change, {total['replace']} to replace, "
            f"{total['delete']} to destroy ({changed} of {len(plans)} apps change).")


def show(common: Any, console: Any, file: str, session: Any, plans: list[AppPlan], extra: dict[str, Any]) -> None:
    from crpatterns.render.plan_json import dumps, plan_document
    from crpatterns.render.plan_text import render

    if common.format == "json":
        from crpatterns.render.plan_json import FORMAT_VERSION

        console.data(dumps({"formatVersion": FORMAT_VERSION, "stack": file, "project": session.project,
                            "apps": [{**plan_document(p.plan), **({"pruned": True} if p.pruned else {})}
                                     for p in plans],
                            "summary": summary(plans), **extra}))
        return
    sections = []
    for app in plans:
        text = render(app.plan)
        if app.pruned:
            text = text.replace(":\n", " (not in the stack: --prune destroys it):\n", 1)
        sections.append(text)
    console.data("\n\n".join([*sections, summary_sentence(plans)]))


# -- applying ----------------------------------------------------------------------------------------------


def merged(project: str, plans: list[AppPlan]) -> Any:
    """One plan of every app's steps: one dependency graph, so `--parallelism` bounds them all. Apps planned
    at once may each plan the same shared prerequisite (the region's proxy-only subnet, one per network):
    it is made once, by the first, and the others' steps wait for that one."""
    from crpatterns.engine.model import Action, Plan

    whole = Plan("stack", "stack", project)
    made: dict[tuple[Any, ...], int] = {}
    moved: dict[int, int] = {}  # a duplicate step -> the step that makes the resource for everyone
    for app in plans:
        offset = len(whole.steps)
        for index, step in enumerate(app.plan.steps):
            step.depends_on = tuple(d + offset for d in step.depends_on)
            shared = shared_prerequisite(step)
            if shared is not None and shared in made:
                moved[offset + index] = made[shared]
                step.action = Action.NOOP
                step.notes = (*step.notes, f"made in this run by {whole.steps[made[shared]].name}'s app")
            elif shared is not None:
                made[shared] = offset + index
            whole.steps.append(step)
    for step in whole.steps:
        step.depends_on = tuple(sorted({moved.get(d, d) for d in step.depends_on}))
    return whole


def keep_what_others_use(plans: list[AppPlan]) -> None:
    """An app that goes (--prune) never deletes what another app of the stack runs on: a proxy-only subnet
    the leaving app made and a staying app reuses stays (the staying app's last destroy releases it)."""
    from crpatterns.engine.model import Action, Ownership

    used: dict[tuple[Any, ...], str] = {}
    for app in plans:
        for step in app.plan.steps:
            if step.desired is not None and step.desired.ownership is Ownership.EXTERNAL:
                used[(step.kind, step.scope, step.name)] = app.name
    for step in (step for app in plans for step in app.plan.steps):
        user = used.get((step.kind, step.scope, step.name))
        if step.action is Action.DELETE and user is not None and not step.hidden:
            step.action = Action.NOOP
            step.notes = (*step.notes, f"kept: app {user!r} of this stack runs on it")


def shared_prerequisite(step: Any) -> tuple[Any, ...] | None:
    """What makes a created resource one every app of a network and region shares: an ACTIVE proxy-only
    subnet (one per network and region: crpatterns/gcp/load_balancing.py)."""
    from crpatterns.engine.diff import as_reference
    from crpatterns.engine.model import Action
    from crpatterns.gcp.load_balancing import ACTIVE_ROLE, is_proxy_only
    from crpatterns.kinds.keys import KindKey

    body = step.body or {}
    if step.action is not Action.CREATE or step.kind != KindKey.SUBNETWORKS or not is_proxy_only(body):
        return None
    if body.get("role") != ACTIVE_ROLE:
        return None
    return (step.scope, body.get("purpose"), as_reference(body.get("network")))


def apply_plans(common: Any, console: Any, session: Any, plans: list[AppPlan]) -> int:
    from crpatterns.cli.flow import show_outputs
    from crpatterns.cli.progress import progress_for
    from crpatterns.engine.executor import apply
    from crpatterns.render.plan_json import FORMAT_VERSION, dumps
    from crpatterns.render.result import result_json, result_lines

    whole = merged(session.project, plans)
    with progress_for(console) as progress:
        result = apply(whole, session.writers, common.parallelism, progress)
    outputs = stack_outputs(console, session.refreshed(), plans) if result.ok else {}
    if common.format == "json":
        console.data(dumps({"formatVersion": FORMAT_VERSION, "project": session.project,
                            "result": result_json(result),
                            "outputs": {key: found.to_json() for key, found in outputs.items()}}))
    for line in result_lines(result):
        console.say(line)
    for found in outputs.values():
        show_outputs(common, console, found)
    return ExitCode.OK if result.ok else ExitCode.ERROR


def stack_outputs(console: Any, session: Any, plans: list[AppPlan]) -> dict[str, Any]:
    """Each app's outputs after the apply (`PATTERN NAME` -> Outputs), as a single create prints them."""
    from crpatterns.cli.flow import app_outputs
    from crpatterns.kinds.keys import KindKey
    from crpatterns.patterns.base import Spec
    from crpatterns.patterns.registry import get

    found = {}
    for app in plans:
        regions = sorted({s.scope.region for s in app.plan.steps if s.kind == KindKey.RUN_SERVICES and s.scope.region})
        if app.pruned or not regions:
            continue
        where = Spec(name=app.name, region=regions[0], other_regions=tuple(regions[1:]), project=session.project,
                     project_number=session.number)
        outputs = app_outputs(console, session, get(app.pattern), where)
        if outputs is not None:
            found[f"{app.pattern} {app.name}"] = outputs
    return found


# -- the commands ------------------------------------------------------------------------------------------


def run_plan(common: Any, file: str, out: str | None, prune: bool) -> int:
    from crpatterns.console import Console

    common.check()
    if not file:
        raise UsageError("-f STACK.yaml is required: the stack file to plan.")
    if out:
        saved_plan.check_writable(out)
    console = Console(verbose=common.verbose)
    session, plans = plan_stack(common, console, file, prune)
    show(common, console, file, session, plans, {})
    if out:
        saved_plan.save(out, file, session.project, plans)
        console.say(f"Saved the plan to {out}; apply exactly this plan with: crpatterns apply {out}")
    if common.detailed_exitcode and any(p.plan.has_changes for p in plans):
        return ExitCode.CHANGES_PENDING
    return ExitCode.OK


def run_apply(common: Any, plan_path: str | None, file: str, prune: bool) -> int:
    from crpatterns.cli.flow import confirmed
    from crpatterns.console import Console

    common.check()
    if bool(plan_path) == bool(file):
        raise UsageError("apply takes a saved PLAN.json, or -f STACK.yaml to plan and apply in one go (not both).")
    for flag, given in (("--prune", prune), ("--enable-apis", common.enable_apis)):
        if plan_path and given:
            raise UsageError(f"{flag} goes with -f STACK.yaml: a saved plan is applied exactly as it was made "
                             f"(plan it again with {flag}).")
    console = Console(verbose=common.verbose)
    if plan_path:
        document = saved_plan.load(plan_path)
        session = saved_plan.session_for(common, console, document, plan_path)
        plans = saved_plan.plans_of(document, saved_plan.read_again(session, document, plan_path))
    else:
        session, plans = plan_stack(common, console, file, prune)
        show(common, console, file, session, plans, {})
        otherwise = "or save the plan with `crpatterns plan -f STACK --out PLAN` and apply that"
        if any(p.plan.has_changes for p in plans) and not confirmed(common, console, otherwise):
            return ExitCode.ERROR
    if not any(p.plan.has_changes for p in plans):
        if plan_path:
            console.say("No changes in the saved plan.")
        return ExitCode.OK
    return apply_plans(common, console, session, plans)


def register(app: typer.Typer) -> None:
    """`plan` and `apply` at the top level, next to the pattern groups."""

    @app.command("plan", cls=Command, epilog=examples(
        "crpatterns plan -f stack.yaml --project my-project", "crpatterns plan -f stack.yaml --out plan.json",
        "crpatterns plan -f stack.yaml --detailed-exitcode --format json"))
    def plan(file: StackOpt = "", out: OutOpt = None, prune: PruneOpt = False, project: ProjectOpt = None,
             format: FormatOpt = "text", parallelism: ParallelismOpt = 8, verbose: VerboseOpt = False,
             detailed_exitcode: DetailedExitOpt = False) -> None:
        """Plan every app of a stack file at once; --out saves the plan to apply exactly as reviewed."""
        from crpatterns.cli.flow import guarded

        common = Common(project, format, True, False, parallelism, verbose, detailed_exitcode)
        guarded(lambda: run_plan(common, file, out, prune))

    @app.command("apply", cls=Command, epilog=examples(
        "crpatterns apply plan.json", "crpatterns apply -f stack.yaml --yes"))
    def apply(plan: Annotated[str | None, typer.Argument(metavar="[PLAN.json]", help="A plan saved by "
                                                         "`crpatterns plan --out`.")] = None,
              file: StackOpt = "", prune: PruneOpt = False, project: ProjectOpt = None, format: FormatOpt = "text",
              yes: YesOpt = False, parallelism: ParallelismOpt = 8, verbose: VerboseOpt = False,
              enable_apis: EnableApisOpt = False) -> None:
        """Apply a saved plan exactly (refused if anything it touches changed since), or plan and apply a
        stack file in one go."""
        from crpatterns.cli.flow import guarded

        common = Common(project, format, False, yes, parallelism, verbose, False, False, enable_apis)
        guarded(lambda: run_apply(common, plan, file, prune))
