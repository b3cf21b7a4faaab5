"""The `destroy` and `status` commands, the same for every pattern group, declared once.

A command's body lives in the group's `*_run` module, named here as "module:function" and imported
only when the command runs, so `crpatterns --help` stays light. (No `from __future__ import
annotations` here: typer reads the parameters' annotations, which name this function's arguments.)
"""

import importlib
from typing import Any

import typer

from crpatterns.cli.options import Common, RegionOpt, with_common_options


def load(target: str) -> Any:
    """"crpatterns.cli.web_app_run:status" -> the function."""
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def add_destroy(app: typer.Typer, name_arg: Any, doc: str, make_run: str) -> None:
    """`destroy NAME --region R`: plan the deletion of what the app created, confirm, delete."""

    @app.command("destroy", help=doc)
    @with_common_options()
    def destroy(name: name_arg, region: RegionOpt = "", *, common: Common) -> None:
        from crpatterns.cli.flow import execute, guarded

        guarded(lambda: execute(common, load(make_run)(name, region), destroy=True))


def add_status(app: typer.Typer, name_arg: Any, doc: str, report: str) -> None:
    """`status NAME --region R`: reads only; exits 1 when it finds something that breaks the pattern."""

    @app.command("status", help=doc)
    @with_common_options(only=("project", "format", "verbose"))
    def status(name: name_arg, region: RegionOpt = "", *, common: Common) -> None:
        from crpatterns.cli.flow import guarded

        guarded(lambda: load(report)(common, name, region))
