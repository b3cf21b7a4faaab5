"""`crpatterns emulator start`: the local emulator of the Google Cloud APIs the patterns use."""

from __future__ import annotations

from typing import Annotated

import typer

from crpatterns.cli.help import Command, examples, new_group

# No Google emulator listens here by default (gcloud's: Firestore 8080, Datastore 8081, Pub/Sub 8085,
# Bigtable 8086, Spanner 9010 and 9020; the Firebase suite's 4000-9499 ones neither), so crpatterns' can
# run beside any of them. crpatterns.emulator.server.DEFAULT_PORT, not imported for a light --help.
DEFAULT_PORT = 8095
app = new_group("Run the local emulator of the Google Cloud APIs crpatterns uses.",
                examples("crpatterns emulator start", f"export CRPATTERNS_EMULATOR_HOST=127.0.0.1:{DEFAULT_PORT}"))


@app.command("start", cls=Command, epilog=examples(
    "crpatterns emulator start",
    "crpatterns emulator start --port 0 --project my-project:123456789012 --op-latency 1.0"))
def start(
    host: Annotated[str, typer.Option(metavar="ADDRESS",
                                      help="Address to listen on (loopback unless you mean otherwise).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(metavar="PORT", help="Port to listen on; 0 picks a free one.")] = DEFAULT_PORT,
    project: Annotated[
        list[str] | None,
        typer.Option("--project", metavar="ID[:NUMBER]",
                     help="Seed project ID or ID:NUMBER (repeatable); replaces the default seed."),
    ] = None,
    op_latency: Annotated[float, typer.Option(metavar="SECONDS",
                                              help="Seconds before each long-running operation completes.")] = 0.0,
    read_latency: Annotated[float, typer.Option(metavar="SECONDS", help="Seconds added to every read call.")] = 0.0,
    latency_profile: Annotated[str, typer.Option(
        metavar="PROFILE", autocompletion=lambda: ["flat", "google"],
        help="'flat' (--op-latency/--read-latency for every call) or 'google' (seconds per kind of operation, "
             "from public apply logs: docs/latency.md).")] = "flat",
    latency_scale: Annotated[float, typer.Option(
        metavar="FACTOR",
        help="Multiplies every latency (and quota window), so a benchmark keeps Google's proportions in less "
             "time.")] = 1.0,
    quota: Annotated[list[str] | None, typer.Option(
        "--quota", metavar="google|NAME=LIMIT",
        help="Enforce API rate quotas as Google answers them: 'google' for the defaults, or "
                        "NAME=LIMIT (run-writes-per-minute, compute-mutations-per-minute, "
                        "compute-concurrent-operations); repeatable.")] = None,
    caller: Annotated[str | None, typer.Option(
        "--caller", metavar="MEMBER",
        help="Who makes every call (user:EMAIL or serviceAccount:EMAIL): the emulator then checks the permissions "
             "cross-project references need for that member and answers Google's 403 when one is missing. "
             "Default: no caller, every permission held.")] = None,
) -> None:
    """Serve the emulator in the foreground and print the export line that points crpatterns at it."""
    from crpatterns.emulator.core import quotas
    from crpatterns.emulator.core.caller import CALLER
    from crpatterns.emulator.core.latency import LatencyModel
    from crpatterns.emulator.server import DEFAULT_PROJECTS, parse_project, serve

    seeds = [parse_project(p) for p in project] if project else list(DEFAULT_PROJECTS)
    for text in project or []:
        _, _, number = text.partition(":")
        if number and not number.isdigit():
            raise typer.BadParameter(f"--project takes ID or ID:NUMBER with a numeric NUMBER, got {text!r}.")
    if op_latency < 0 or read_latency < 0:
        raise typer.BadParameter("--op-latency and --read-latency take seconds, zero or more.")
    if latency_scale <= 0:
        raise typer.BadParameter("--latency-scale takes a positive factor.")
    if caller is not None and not CALLER.match(caller):
        raise typer.BadParameter(f"--caller takes user:EMAIL or serviceAccount:EMAIL; got {caller!r}.")
    try:
        model = (LatencyModel.flat(op_latency, read_latency, latency_scale) if latency_profile == "flat"
                 else LatencyModel.named(latency_profile, latency_scale))
        limits = quotas.parse(quota or [])
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None
    serve(host, port, seeds, op_latency, read_latency, model, limits, caller)
