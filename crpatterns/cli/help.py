"""Help laid out as gcloud's, and bad input on its own exit code.

Every command's help has its arguments, then "Required flags", "Flags" and "Common flags" (each option
says where it belongs through typer's `rich_help_panel`, which plain help otherwise ignores), then the
command's examples and the exit codes, kept as written (click rewraps an epilog into one paragraph).

Usage errors click raises while parsing (an unknown option, a missing argument, a value that is not a
number) exit with ExitCode.USAGE like the tool's own, instead of click's 2, which with
`--detailed-exitcode` means "changes pending".
"""

from __future__ import annotations

from typing import Any

from typer.core import TyperCommand, TyperGroup

from crpatterns.errors import ExitCode

REQUIRED_FLAGS = "Required flags"
FLAGS = "Flags"
COMMON_FLAGS = "Common flags"
SECTIONS = (REQUIRED_FLAGS, FLAGS, COMMON_FLAGS)
HELP_OPTION_NAMES = ["-h", "--help"]
MIN_EXAMPLE_WIDTH = 40
CONTEXT_SETTINGS = {"help_option_names": HELP_OPTION_NAMES, "max_content_width": 100}

EXIT_CODES = (
    ("0", "success; with --dry-run --detailed-exitcode: no changes"),
    ("1", "error: the cloud refused a call, an apply failed, the plan was not confirmed; status: a finding"),
    ("2", "with --dry-run --detailed-exitcode only: changes pending"),
    (str(int(ExitCode.USAGE)), "bad input (a flag, argument, file or environment variable): nothing was called"),
    (str(int(ExitCode.INTERRUPTED)), "interrupted (Ctrl-C): run the same command again to finish"),
)


def _usage_error_class() -> type[Exception]:
    """click's UsageError (typer vendors click; BadParameter is the public name that derives from it)."""
    import typer

    return next(c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError")


class Command(TyperCommand):
    """A command with gcloud's help sections, its examples and the exit codes."""

    def format_options(self, ctx: Any, formatter: Any) -> None:
        arguments: list[tuple[str, str]] = []
        sections: dict[str, list[tuple[str, str]]] = {name: [] for name in SECTIONS}
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            if param.param_type_name == "argument":
                # The metavar says what goes there; typer's " <str>" after it says nothing more.
                arguments.append((param.metavar or record[0].split(" ")[0],
                                  record[1]))
            else:
                sections[getattr(param, "rich_help_panel", None) or FLAGS].append(record)
        if arguments:
            with formatter.section("Arguments"):
                formatter.write_dl(arguments)
        for name in SECTIONS:
            if sections[name]:
                with formatter.section(name):
                    formatter.write_dl(sections[name])

    def format_epilog(self, ctx: Any, formatter: Any) -> None:
        write_epilog(self.epilog, formatter)


class Group(TyperGroup):
    """A command group whose help ends with examples, and whose usage errors exit ExitCode.USAGE."""

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any) -> Any:
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except _usage_error_class() as error:
            error.exit_code = int(ExitCode.USAGE)  # type: ignore[attr-defined]
            raise

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except _usage_error_class() as error:
            error.exit_code = int(ExitCode.USAGE)  # type: ignore[attr-defined]
            raise

    def format_epilog(self, ctx: Any, formatter: Any) -> None:
        write_epilog(self.epilog, formatter)


def write_epilog(epilog: str | None, formatter: Any) -> None:
    """Examples (the epilog, lines kept as written), then the exit codes."""
    if epilog:
        with formatter.section("Examples"):
            width = max(formatter.width - formatter.current_indent, MIN_EXAMPLE_WIDTH)
            for line in epilog.strip("\n").splitlines():
                for part in shell_lines(line, width):
                    formatter.write(f"{' ' * formatter.current_indent}{part}\n")
    with formatter.section("Exit codes"):
        formatter.write_dl(list(EXIT_CODES))


def shell_lines(command: str, width: int) -> list[str]:
    """A long command line broken between words with shell continuations (` \\`), so it can still be
    pasted; the continuation lines indented."""
    import textwrap

    return [line if i == len(lines) - 1 else f"{line} \\"
            for lines in [textwrap.wrap(command, width - 2, subsequent_indent="    ", break_long_words=False,
                                        break_on_hyphens=False) or [""]]
            for i, line in enumerate(lines)]


def new_group(help: str, epilog: str) -> Any:
    """A command group (typer.Typer) with this module's help layout."""
    import typer

    return typer.Typer(help=help, epilog=epilog, cls=Group, no_args_is_help=True, context_settings=CONTEXT_SETTINGS)


def examples(*commands: str) -> str:
    """An epilog of example command lines, each shown as typed at a shell prompt."""
    return "\n".join(f"$ {command}" for command in commands)
