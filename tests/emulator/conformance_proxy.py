"""A recording HTTP proxy in front of the emulator, so the conformance tests see every response body the
real client libraries received, exactly as sent on the wire (int enums and all), without touching the
clients: they are simply pointed at the proxy's address."""

from __future__ import annotations

import http.client
import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


@dataclass(frozen=True)
class Exchange:
    method: str
    path: str  # without the leading '/' and without the query
    query: str
    status: int
    body: Any  # parsed JSON, or None for an empty body
    raw: bytes


class RecordingProxy:
    def __init__(self, target: str) -> None:
        self.target = target
        self.exchanges: list[Exchange] = []
        self._lock = threading.Lock()
        self._local = threading.local()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                payload = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
                status, content_type, raw = proxy.send(self.command, self.path, payload, headers)
                proxy.record(self.command, self.path, status, raw)  # before the client can send its next call
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = forward

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.host = f"127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def send(self, method: str, path: str, payload: bytes | None, headers: dict[str, str]) -> tuple[int, str, bytes]:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._local.connection = http.client.HTTPConnection(self.target, timeout=180)
        try:
            connection.request(method, path, body=payload, headers=headers)
            response = connection.getresponse()
        except (http.client.HTTPException, OSError):
            connection.close()  # the emulator closed an idle connection: once more on a fresh one
            connection.request(method, path, body=payload, headers=headers)
            response = connection.getresponse()
        return response.status, response.getheader("Content-Type", "application/json"), response.read()

    def record(self, method: str, target: str, status: int, raw: bytes) -> None:
        url = urlsplit(target)
        if url.path.startswith("/_emulator/"):
            return
        body = json.loads(raw) if raw.strip() else None
        with self._lock:
            self.exchanges.append(Exchange(method, url.path.lstrip("/"), url.query, status, body, raw))

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
