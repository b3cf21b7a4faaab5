"""The `destroy` and `status` commands, the same for every pattern group, declared once.

The pattern is looked up by name only when the command runs, so `crpatterns --help` stays light. (No
`from __future__ import annotations` here: typer reads the parameters' annotations, which name this
function's arguments.)
"""

from typing import Any

import typer

from crpatterns.cli.help import Command, examples
from crpatterns.cli.options import Common, with_common_options
from crpatterns.cli.regions import AppRegionsOpt

EXAMPLE_REGION = "us-central1"


def teardown(pattern_name: str, name: str, region: list[str] | None, flag: str = "NAME") -> Any:
    """The app by name and its regions (--region, repeatable; else gcloud's run/region), its names checked
    before any call. An app in several regions is found from any one of them; naming them all also finds
    what a half-finished destroy left in the others."""
    from crpatterns.cli.regions import regions
    from crpatterns.patterns.base import Teardown
    from crpatterns.patterns.registry import get

    pattern = get(pattern_name)
    first, *others = regions(name, region, pattern.resource_names(name), flag)
    return pattern, Teardown(name=name, region=first, other_regions=tuple(others))


def add_destroy(app: typer.Typer, pattern_name: str, name_arg: Any, doc: str, example: str) -> None:
    """`destroy NAME --region R`: plan the deletion of what the app created, confirm, delete."""
    epilog = examples(f"crpatterns {pattern_name} destroy {example} --region {EXAMPLE_REGION} --dry-run",
                      f"crpatterns {pattern_name} destroy {example} --region {EXAMPLE_REGION} --yes")

    @app.command("destroy", help=doc, cls=Command, epilog=epilog)
    @with_common_options()
    def destroy(name: name_arg, region: AppRegionsOpt = None, *, common: Common) -> None:
        from crpatterns.cli.flow import execute, guarded

        guarded(lambda: execute(common, *teardown(pattern_name, name, region)))


def add_status(app: typer.Typer, pattern_name: str, name_arg: Any, doc: str, example: str,
               flag: str = "NAME") -> None:
    """`status NAME --region R`: reads only; exits 1 when it finds something that breaks the pattern."""
    epilog = examples(f"crpatterns {pattern_name} status {example} --region {EXAMPLE_REGION}",
                      f"crpatterns {pattern_name} status {example} --region {EXAMPLE_REGION} --format json "
                      "| jq .outputs")

    @app.command("status", help=doc, cls=Command, epilog=epilog)
    @with_common_options(only=("project", "format", "verbose"))
    def status(name: name_arg, region: AppRegionsOpt = None, *, common: Common) -> None:
        from crpatterns.cli.flow import guarded, report_status

        guarded(lambda: report_status(common, *teardown(pattern_name, name, region, flag)))
