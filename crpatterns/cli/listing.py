"""`crpatterns list`: every app crpatterns manages in a project, with its pattern, regions and health."""

from __future__ import annotations

from typing import Annotated

import typer

from crpatterns.cli.help import Command, examples
from crpatterns.cli.options import Common, with_common_options

RUN_API = ("run.googleapis.com",)

RegionsOpt = Annotated[list[str] | None, typer.Option(
    "--region", metavar="REGION", show_default=False,
    help="Only this region (repeatable). Default: every Cloud Run region.")]


def add_list(app: typer.Typer) -> None:
    @app.command("list", cls=Command, epilog=examples(
        "crpatterns list --project my-project", "crpatterns list --region us-central1 --format json"))
    @with_common_options(only=("project", "format", "parallelism", "verbose"))
    def list_apps(region: RegionsOpt = None, *, common: Common) -> None:
        """Every app crpatterns manages in the project: its pattern, regions and health (healthy, unhealthy:
        `status` has findings, unknown: status could not be read). Reads only."""
        from crpatterns.cli.flow import guarded

        guarded(lambda: list_command(common, list(region or [])))


def list_command(common: Common, regions: list[str]) -> int:
    from crpatterns.cli import validation as check
    from crpatterns.cli.inventory import find_apps
    from crpatterns.console import Console
    from crpatterns.errors import ExitCode
    from crpatterns.session import open_session

    common.check()
    checked = sorted({check.region(r) for r in regions}) or sorted(check.CLOUD_RUN_REGIONS)
    console = Console(verbose=common.verbose)
    session = open_session(common.project, RUN_API, parallelism=common.parallelism,
                           log=console.debug if common.verbose else None, say=console.say)
    apps = find_apps(session, checked)
    if common.format == "json":
        from crpatterns.render.app_list import document
        from crpatterns.render.plan_json import dumps

        console.data(dumps(document(session.project, apps)))
    else:
        from crpatterns.render.app_list import table

        console.data(table(session.project, apps))
    return ExitCode.OK
