"""One console wrapper: data to stdout, messages to stderr, and no markup in text that comes from
users or from the cloud (clig.dev: "Send messaging to stderr")."""

from __future__ import annotations

import sys
from functools import cached_property
from typing import Any


class Console:
    def __init__(self, verbose: bool = False) -> None:
        self.verbose = verbose

    @cached_property
    def err(self) -> Any:
        from rich.console import Console as RichConsole

        return RichConsole(stderr=True, highlight=False, soft_wrap=True)

    @property
    def interactive(self) -> bool:
        return sys.stdin.isatty() and sys.stderr.isatty()

    @property
    def stderr_is_terminal(self) -> bool:
        return sys.stderr.isatty()

    @property
    def stdout_is_terminal(self) -> bool:
        return sys.stdout.isatty()

    def data(self, text: str) -> None:
        """The command's output: plans, status, JSON."""
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        sys.stdout.flush()

    def say(self, text: str, style: str | None = None) -> None:
        """A message for the person at the terminal."""
        if self.stderr_is_terminal and style:
            self.err.print(text, style=style, markup=False)
        else:
            sys.stderr.write(text + "\n")
            sys.stderr.flush()

    def debug(self, text: str) -> None:
        if self.verbose:
            self.say(text, style="dim")

    def confirm(self, question: str) -> bool:
        self.say(question + " [y/N] ")
        answer = sys.stdin.readline().strip().lower()
        return answer in ("y", "yes")
