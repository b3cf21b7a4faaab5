"""The `crpatterns` command: wires the command groups together and maps errors to exit codes."""

from __future__ import annotations

from typing import Annotated

import typer

from crpatterns import __version__
from crpatterns.cli import emulator, web_app

app = typer.Typer(
    name="crpatterns",
    help="Secure-by-default Cloud Run architectures, planned and applied in one command each.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(web_app.app, name="web-app")
app.add_typer(emulator.app, name="emulator")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"crpatterns {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Secure-by-default Cloud Run architectures, planned and applied in one command each."""


def main() -> None:
    app()
