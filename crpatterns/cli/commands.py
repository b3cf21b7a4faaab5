"""The `destroy` and `status` commands, the same for every pattern group, declared once.

A command's body lives in the group's `*_run` module, named here as "module:function" and imported
only when the command runs, so `crpatterns --help` stays light. (No `from __future__ import
annotations` here: typer reads the parameters' annotations, which name this function's arguments.)
"""


import importlib
from typing import Any

import typer

from crpatterns.cli.options import (
    Common,
    DetailedExitOpt,
    DryRunOpt,
    FormatOpt,
    ParallelismOpt,
    ProjectOpt,
    RegionOpt,
    VerboseOpt,
    YesOpt,
)


def load(target: str) -> Any:
    """"crpatterns.cli.web_app_run:status" -> the function."""
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def add_destroy(app: typer.Typer, name_arg: Any, doc: str, make_run: str) -> None:
    """`destroy NAME --region R`: plan the deletion of what the app created, confirm, delete."""

    @app.command("destroy", help=doc)
    def destroy(
        name: name_arg,
        region: RegionOpt = "",
        project: ProjectOpt = None,
        format: FormatOpt = "text",
        dry_run: DryRunOpt = False,
        yes: YesOpt = False,
        parallelism: ParallelismOpt = 8,
        verbose: VerboseOpt = False,
        detailed_exitcode: DetailedExitOpt = False,
    ) -> None:
        from crpatterns.cli.flow import execute, guarded

        common = Common(project, format, dry_run, yes, parallelism, verbose, detailed_exitcode)
        guarded(lambda: execute(common, load(make_run)(name, region), destroy=True))


def add_status(app: typer.Typer, name_arg: Any, doc: str, report: str) -> None:
    """`status NAME --region R`: reads only; exits 1 when it finds something that breaks the pattern."""

    @app.command("status", help=doc)
    def status(
        name: name_arg,
        region: RegionOpt = "",
        project: ProjectOpt = None,
        format: FormatOpt = "text",
        verbose: VerboseOpt = False,
    ) -> None:
        from crpatterns.cli.flow import guarded

        common = Common(project, format, True, False, 8, verbose)
        guarded(lambda: load(report)(common, name, region))
