"""The command line: one thin module per command group; heavy imports stay inside the commands.

Help and usage errors are plain text (typer's rich panels off): a usage error is then the usage line
and one `Error: ...` sentence naming the option, which scripts and people can both read, and `--help`
does not import rich.
"""

import typer.core

typer.core.HAS_RICH = False
