"""HTTP/1.1 on the wire: the emulator keeps connections alive, as Google's front end does and as the client
libraries expect (they pool connections), without ever mixing one call's body into the next request."""

from __future__ import annotations

import http.client
import json
import socket

from tests.support import EmulatorProcess

NETWORKS = "/compute/v1/projects/demo-project/global/networks"


def send(connection: http.client.HTTPConnection, method: str, path: str, body: object = None,
         headers: dict[str, str] | None = None) -> tuple[int, object, str | None]:
    payload = None if body is None else json.dumps(body)
    connection.request(method, path, body=payload, headers={"Content-Type": "application/json", **(headers or {})})
    response = connection.getresponse()
    answer = json.loads(response.read() or b"null")
    return response.status, answer, response.getheader("Connection")


def test_one_connection_serves_many_calls(emulator: EmulatorProcess):
    connection = http.client.HTTPConnection(emulator.host, timeout=10)
    connection.connect()
    local = connection.sock.getsockname()
    for _ in range(3):
        status, _answer, header = send(connection, "GET", NETWORKS)
        assert status == 200 and header != "close"
    status, _answer, _ = send(connection, "POST", NETWORKS, {"name": "kept", "autoCreateSubnetworks": False})
    assert status == 200
    assert send(connection, "GET", f"{NETWORKS}/kept")[0] == 200
    assert connection.sock.getsockname() == local  # still the first connection


def test_a_body_nobody_reads_does_not_become_the_next_request(emulator: EmulatorProcess):
    """A body sent to a URL with no route (the emulator answers 404 without reading it), then a read on
    the same connection: the read gets its own answer."""
    connection = http.client.HTTPConnection(emulator.host, timeout=10)
    status, answer, _ = send(connection, "POST", "/v9/nothing/here", {"padding": "x" * 50_000})
    assert status == 404 and answer["error"]["status"] == "NOT_FOUND"
    status, answer, _ = send(connection, "GET", NETWORKS)
    assert status == 200 and answer["kind"] == "compute#networkList"


def test_a_client_asking_to_close_is_closed(emulator: EmulatorProcess):
    connection = http.client.HTTPConnection(emulator.host, timeout=10)
    assert send(connection, "GET", NETWORKS, headers={"Connection": "close"})[0] == 200
    assert connection.sock is None  # http.client closed its side after the server's close


def test_a_chunked_body_is_read_and_the_connection_closed(emulator: EmulatorProcess):
    """Transfer-Encoding: chunked bodies keep werkzeug's own handling (it dechunks; the server closes)."""
    body = json.dumps({"name": "chunked", "autoCreateSubnetworks": False}).encode()
    with socket.create_connection(tuple(emulator.host.split(":"))) as sock:  # type: ignore[arg-type]
        sock.sendall(
            f"POST {NETWORKS} HTTP/1.1\r\nHost: {emulator.host}\r\nContent-Type: application/json\r\n"
            f"Transfer-Encoding: chunked\r\n\r\n{len(body):x}\r\n".encode() + body + b"\r\n0\r\n\r\n")
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    assert reply.startswith(b"HTTP/1.1 200")
    assert emulator.call("GET", f"{NETWORKS}/chunked")[0] == 200
