"""The options every pattern command takes after its subcommand, as gcloud does, declared once."""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

import typer

from crpatterns.cli.help import COMMON_FLAGS, REQUIRED_FLAGS
from crpatterns.errors import ExitCode

FORMATS = ("text", "json")
MAX_PARALLELISM = 64


def choice_help(text: str, choices: tuple[str, ...] | list[str]) -> str:
    """A help sentence that lists the accepted values, as gcloud does."""
    return f"{text} One of: {', '.join(choices)}."


def completes(choices: tuple[str, ...] | list[str]) -> Any:
    """Shell completion of a flag's accepted values (typer's `autocompletion`)."""
    return lambda incomplete: [c for c in choices if c.startswith(incomplete)]


ProjectOpt = Annotated[
    str | None,
    typer.Option("--project", metavar="PROJECT_ID", rich_help_panel=COMMON_FLAGS, show_default=False,
                 help="Project ID. Default: CLOUDSDK_CORE_PROJECT, GOOGLE_CLOUD_PROJECT, the active gcloud "
                      "configuration's core/project, then Application Default Credentials."),
]
FormatOpt = Annotated[str, typer.Option("--format", metavar="FORMAT", rich_help_panel=COMMON_FLAGS,
                                        help=choice_help("Output format (json: one document on stdout).", FORMATS),
                                        autocompletion=completes(FORMATS))]
DryRunOpt = Annotated[bool, typer.Option("--dry-run", rich_help_panel=COMMON_FLAGS,
                                         help="Print the plan and change nothing.")]
YesOpt = Annotated[bool, typer.Option("--yes", "-y", rich_help_panel=COMMON_FLAGS,
                                      help="Apply without asking for confirmation (needed where nobody can answer).")]
ParallelismOpt = Annotated[int, typer.Option("--parallelism", metavar="N", rich_help_panel=COMMON_FLAGS,
                                             help=f"How many API changes may run at once (1 to {MAX_PARALLELISM}).")]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", rich_help_panel=COMMON_FLAGS,
                                          help="Log every API call: method, URL, status, time.")]
DetailedExitOpt = Annotated[
    bool, typer.Option("--detailed-exitcode", rich_help_panel=COMMON_FLAGS,
                       help="With --dry-run: exit 0 for no changes, 2 for changes pending, 1 on error (bad input: "
                            f"{int(ExitCode.USAGE)}).")
]
AdoptOpt = Annotated[
    bool, typer.Option("--adopt", rich_help_panel=COMMON_FLAGS,
                       help="Take over resources of the desired names that crpatterns did not create.")
]
EnableApisOpt = Annotated[
    bool, typer.Option("--enable-apis", rich_help_panel=COMMON_FLAGS,
                       help="Enable the APIs the pattern needs if they are off.")
]
RegionOpt = Annotated[str, typer.Option(
    "--region", metavar="REGION", rich_help_panel=REQUIRED_FLAGS, show_default=False,
    help="Cloud Run region, e.g. us-central1. Default, as gcloud run: CLOUDSDK_RUN_REGION, then the active gcloud "
         "configuration's run/region.")]


@dataclass(frozen=True)
class Common:
    project: str | None
    format: str
    dry_run: bool
    yes: bool
    parallelism: int
    verbose: bool
    detailed_exitcode: bool = False
    adopt: bool = False
    enable_apis: bool = False

    def check(self) -> None:
        from crpatterns.errors import UsageError

        if self.format not in FORMATS:
            raise UsageError(f"--format must be {' or '.join(FORMATS)}, got {self.format!r}.")
        if not 1 <= self.parallelism <= MAX_PARALLELISM:
            raise UsageError(f"--parallelism must be a whole number from 1 to {MAX_PARALLELISM}, got "
                             f"{self.parallelism}.")
        if self.detailed_exitcode and not self.dry_run:
            raise UsageError("--detailed-exitcode goes with --dry-run.")


_COMMON_OPTIONS: dict[str, tuple[Any, Any]] = {
    # name: (annotation, default), in Common's field order
    "project": (ProjectOpt, None),
    "format": (FormatOpt, "text"),
    "dry_run": (DryRunOpt, False),
    "yes": (YesOpt, False),
    "parallelism": (ParallelismOpt, 8),
    "verbose": (VerboseOpt, False),
    "detailed_exitcode": (DetailedExitOpt, False),
    "adopt": (AdoptOpt, False),
    "enable_apis": (EnableApisOpt, False),
}
_ALWAYS = ("project", "format", "dry_run", "yes", "parallelism", "verbose", "detailed_exitcode")


def with_common_options(*extra: str, only: tuple[str, ...] | None = None) -> Callable[[Callable[..., Any]], Any]:
    """Gives a command the options every pattern command takes (plus `extra` ones such as "adopt"),
    declared once, and hands them to it as one `common: Common` argument.

    typer reads a command's parameters from its signature, so the wrapper presents the command's own
    parameters followed by the common ones; `only` narrows the common ones (status takes no --yes).
    """
    names = [n for n in _COMMON_OPTIONS if n in (only or _ALWAYS) or n in extra]

    def decorate(command: Callable[..., Any]) -> Any:
        hints = typing.get_type_hints(command, include_extras=True)
        own = [p.replace(annotation=hints.get(p.name, p.annotation))
               for p in inspect.signature(command).parameters.values() if p.name != "common"]
        added = [inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY, default=_COMMON_OPTIONS[n][1],
                                   annotation=_COMMON_OPTIONS[n][0]) for n in names]

        @functools.wraps(command)
        def wrapper(**values: Any) -> Any:
            given = {n: values.pop(n) for n in names}
            common = Common(**{n: given.get(n, _COMMON_OPTIONS[n][1]) for n in _COMMON_OPTIONS})
            return command(common=common, **values)

        wrapper.__signature__ = inspect.Signature(own + added, return_annotation=None)  # type: ignore[attr-defined]
        return wrapper

    return decorate
