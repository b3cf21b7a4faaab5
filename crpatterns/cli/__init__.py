"""The command line: one thin module per command group; heavy imports stay inside the commands."""
