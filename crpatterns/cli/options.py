"""The options every pattern command takes after its subcommand, as gcloud does, declared once."""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

import typer

ProjectOpt = Annotated[
    str | None,
    typer.Option("--project", help="Project ID. Default: CLOUDSDK_CORE_PROJECT, GOOGLE_CLOUD_PROJECT, the active "
                 "gcloud configuration, then Application Default Credentials.", show_default=False),
]
FormatOpt = Annotated[str, typer.Option("--format", help="Output format: text or json.")]
DryRunOpt = Annotated[bool, typer.Option("--dry-run", help="Print the plan and change nothing.")]
YesOpt = Annotated[bool, typer.Option("--yes", "-y", help="Apply without asking for confirmation.")]
ParallelismOpt = Annotated[int, typer.Option("--parallelism", help="How many API changes may run at once.")]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="Log every API call: method, URL, status, time.")]
DetailedExitOpt = Annotated[
    bool, typer.Option("--detailed-exitcode", help="With --dry-run: exit 0 for no changes, 2 for changes, 1 on error.")
]
AdoptOpt = Annotated[
    bool, typer.Option("--adopt", help="Take over resources of the desired names that crpatterns did not create.")
]
EnableApisOpt = Annotated[
    bool, typer.Option("--enable-apis", help="Enable the APIs the pattern needs if they are off.")
]
RegionOpt = Annotated[str, typer.Option("--region", help="Cloud Run region, e.g. us-central1.", show_default=False)]


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

        if self.format not in ("text", "json"):
            raise UsageError(f"--format must be text or json, got {self.format!r}.")
        if not 1 <= self.parallelism <= 64:
            raise UsageError(f"--parallelism must be a whole number from 1 to 64, got {self.parallelism}.")
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
