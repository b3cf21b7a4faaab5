"""Starting the emulator: the default seed, the API modules, and a threaded HTTP server."""

from __future__ import annotations

import io
import sys
from dataclasses import dataclass

from werkzeug.serving import WSGIRequestHandler, make_server

from crpatterns.emulator.core.app import Emulator, ModuleFactory
from crpatterns.emulator.core.latency import LatencyModel

DEFAULT_PORT = 8095  # no Google emulator's default (crpatterns/cli/emulator.py says which are)


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
    """HTTP/1.1 with keep-alive (the client libraries reuse connections) and no per-request log line:
    the emulator's own request log (/_emulator/requests) records every call.

    Werkzeug's development server closes every connection ("Connection: close") because after a response
    it drains whatever the client sent next, which on a kept-alive connection is the next request. Here the
    request body is read in full before the application runs, so the drain finds nothing and the
    connection can stay open: a client then pays no TCP connect and the server no new thread per call
    (reads went from ~1,000 to several thousand a second; scripts/emulator_throughput.py). Requests with a
    chunked body or `Expect: 100-continue`, and clients that ask to close, keep werkzeug's behaviour.
    """

    protocol_version = "HTTP/1.1"
    timeout = 600  # an idle kept-alive connection is dropped after ten minutes
    keep_alive = False  # decided per request; errors outside a request (bad request line) still close
    # Headers and body leave in two writes: without TCP_NODELAY the second waits for the client's delayed
    # ACK (~40 ms) on a kept-alive connection.
    disable_nagle_algorithm = True

    def run_wsgi(self) -> None:
        socket_file = self.rfile
        length = self.headers.get("Content-Length") or "0"
        self.keep_alive = length.isdigit() and not (
            self.close_connection  # the client said "Connection: close", or spoke HTTP/1.0
            or self.headers.get("Transfer-Encoding") or self.headers.get("Expect"))
        if self.keep_alive:
            self.rfile = io.BytesIO(socket_file.read(int(length)))
        try:
            super().run_wsgi()
        finally:
            self.rfile = socket_file
            self.keep_alive = False

    def send_header(self, keyword: str, value: str) -> None:
        if self.keep_alive and keyword.lower() == "connection" and value.lower() == "close":
            return
        super().send_header(keyword, value)

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
    projects: list[SeedProject] | None = None, op_latency: float = 0.0, read_latency: float = 0.0,
    latency: LatencyModel | None = None, quota_limits: dict[str, int] | None = None, caller: str | None = None,
) -> Emulator:
    return Emulator(module_factories(), list(projects or DEFAULT_PROJECTS), op_latency, read_latency,
                    latency=latency, quota_limits=quota_limits, caller=caller)


def serve(
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    projects: list[SeedProject] | None = None,
    op_latency: float = 0.0,
    read_latency: float = 0.0,
    latency: LatencyModel | None = None,
    quota_limits: dict[str, int] | None = None,
    caller: str | None = None,
) -> None:
    emulator = create_emulator(projects, op_latency, read_latency, latency, quota_limits, caller)
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
