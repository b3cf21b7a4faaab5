"""The `crpatterns` command: wires the command groups together and maps errors to exit codes."""

from __future__ import annotations

from typing import Annotated

import typer

from crpatterns import __version__
from crpatterns.cli import emulator, internal_api, listing, shared_vpc, stack, web_app
from crpatterns.cli.help import CONTEXT_SETTINGS, Group, examples

app = typer.Typer(
    name="crpatterns",
    help="Secure-by-default Cloud Run architectures, planned and applied in one command each.",
    epilog=examples(web_app.EXAMPLE + " --dry-run", "crpatterns list --project my-project",
                    "crpatterns --install-completion"),
    cls=Group,
    context_settings=CONTEXT_SETTINGS,
    no_args_is_help=True,
    add_completion=True,  # --install-completion / --show-completion, typer's (bash, zsh, fish, PowerShell)
    pretty_exceptions_enable=False,
)
app.add_typer(web_app.app, name="web-app")
app.add_typer(internal_api.app, name="internal-api")
app.add_typer(shared_vpc.app, name="shared-vpc")
listing.add_list(app)
stack.register(app)
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
    """The console script. Exits with os._exit once output is flushed: tearing down the interpreter
    after the Google client libraries were loaded takes over half a second (module and protobuf
    descriptor cleanup) and does nothing a finished command needs."""
    import os
    import sys

    code: int = 0
    try:
        app()
    except SystemExit as exit_:
        if isinstance(exit_.code, str):
            sys.stderr.write(exit_.code + "\n")
            code = 1
        else:
            code = int(exit_.code or 0)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
