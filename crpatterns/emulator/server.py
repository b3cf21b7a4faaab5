"""Starting the emulator: the default seed, the API modules, and a threaded HTTP server."""

from __future__ import annotations

import sys
from dataclasses import dataclass

from werkzeug.serving import WSGIRequestHandler, make_server

from crpatterns.emulator.core.app import Emulator, ModuleFactory

DEFAULT_PORT = 8085


@dataclass(frozen=True)
class SeedProject:
    project_id: str
    number: str


# Fixed numbers so service agent emails are predictable in docs and tests.
DEFAULT_PROJECTS = (
    SeedProject("demo-project", "100000000001"),
    SeedProject("demo-host", "100000000002"),
    SeedProject("demo-service", "100000000003"),
)


class _QuietHandler(WSGIRequestHandler):
    """HTTP/1.1 keep-alive (the client libraries reuse connections) and no per-request log line:
    the emulator's own request log (/_emulator/requests) records every call."""

    protocol_version = "HTTP/1.1"

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


def module_factories() -> list[ModuleFactory]:
    """Every emulated API. Imported here so `crpatterns --help` never pays for them."""
    from crpatterns.emulator.modules import all_modules

    return all_modules()


def parse_project(text: str) -> SeedProject:
    """`ID` or `ID:NUMBER`; without a number one is derived from the id, stable across runs."""
    project_id, _, number = text.partition(":")
    if not number:
        number = str(200000000000 + sum(ord(c) * 31**i for i, c in enumerate(project_id)) % 99999999999)
    return SeedProject(project_id, number)


def create_emulator(
    projects: list[SeedProject] | None = None, op_latency: float = 0.0, read_latency: float = 0.0
) -> Emulator:
    return Emulator(module_factories(), list(projects or DEFAULT_PROJECTS), op_latency, read_latency)


def serve(
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    projects: list[SeedProject] | None = None,
    op_latency: float = 0.0,
    read_latency: float = 0.0,
) -> None:
    emulator = create_emulator(projects, op_latency, read_latency)
    server = make_server(host, port, emulator, threaded=True, request_handler=_QuietHandler)
    server.daemon_threads = True
    actual_port = server.socket.getsockname()[1]
    print(f"export CRPATTERNS_EMULATOR_HOST={host}:{actual_port}", flush=True)
    print(
        f"crpatterns emulator listening on http://{host}:{actual_port} "
        f"(projects: {', '.join(sorted(emulator.world.projects))}); Ctrl-C to stop.",
        file=sys.stderr,
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
