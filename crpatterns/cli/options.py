"""The options every pattern command takes after its subcommand, as gcloud does, declared once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

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
