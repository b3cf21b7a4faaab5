"""Running the crpatterns CLI in-process (typer's CliRunner), as a user would from a shell."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from typer.testing import CliRunner

from crpatterns.cli.app import app


@dataclass
class Outcome:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)

    def __str__(self) -> str:
        return f"exit {self.exit_code}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"


def run(*args: str) -> Outcome:
    result = CliRunner().invoke(app, list(args))
    stderr = result.stderr if result.stderr_bytes is not None else ""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += f"\n(uncaught {type(result.exception).__name__}: {result.exception})"
    return Outcome(result.exit_code, result.stdout, stderr)


def inventory_items(emulator: Any, collection: str) -> list[dict[str, Any]]:
    """Compute resources of one collection, e.g. "global/backendServices" or "regions/networkEndpointGroups"."""
    return emulator.inventory()["compute"]["resources"].get(collection, [])
