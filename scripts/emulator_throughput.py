"""How many reads per second the emulator serves, so it never dominates a benchmark (issue 3, "Done means").

Starts `crpatterns emulator start` (no latency) on a free port, creates a global backend service and a
Cloud Run service, then GETs each from 1, 4 and 16 client threads, each thread on its own keep-alive
connection (http.client, so the client's own cost stays small), for a few seconds each. Prints JSON:
requests per second, latency percentiles, errors, and the machine it ran on.

    .venv/bin/python scripts/emulator_throughput.py [--seconds 5] [--threads 1 4 16]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PROJECT, REGION = "demo-project", "us-central1"
TARGETS = {
    "compute.backendServices.get": f"/compute/v1/projects/{PROJECT}/global/backendServices/bench-backend",
    "run.projects.locations.services.get": f"/v2/projects/{PROJECT}/locations/{REGION}/services/bench",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def call(host: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    connection = http.client.HTTPConnection(host, timeout=30)
    try:
        payload = None if body is None else json.dumps(body)
        connection.request(method, path, body=payload, headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        connection.close()


def start_emulator() -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "crpatterns", "emulator", "start", "--port", str(port)],
                               cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    host = f"127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if call(host, "GET", "/_emulator/health")[0] == 200:
                return process, host
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise SystemExit("the emulator did not start within 30 s")


def seed(host: str) -> None:
    """The two resources read: created through the API, like any client would."""
    status, body = call(host, "POST", f"/compute/v1/projects/{PROJECT}/global/backendServices",
                        {"name": "bench-backend", "protocol": "HTTPS", "loadBalancingScheme": "EXTERNAL_MANAGED"})
    assert status == 200, body
    status, body = call(host, "POST", f"/v2/projects/{PROJECT}/locations/{REGION}/services?serviceId=bench",
                        {"template": {"containers": [{"image": "us-docker.pkg.dev/cloudrun/container/hello"}]}})
    assert status == 200, body
    for path in TARGETS.values():
        deadline = time.monotonic() + 10
        while call(host, "GET", path)[0] != 200:
            if time.monotonic() > deadline:
                raise SystemExit(f"{path} never became readable")
            time.sleep(0.05)


def measure(host: str, path: str, threads: int, seconds: float) -> dict[str, Any]:
    """`threads` clients, each reusing one connection, GET `path` until the time is up."""
    latencies: list[list[float]] = [[] for _ in range(threads)]
    errors = [0] * threads
    start = threading.Barrier(threads + 1)
    stop_at: list[float] = []

    def client(index: int) -> None:
        connection = http.client.HTTPConnection(host, timeout=30)
        start.wait()
        mine = latencies[index]
        while time.perf_counter() < stop_at[0]:
            began = time.perf_counter()
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            mine.append(time.perf_counter() - began)
            if response.status != 200:
                errors[index] += 1
        connection.close()

    workers = [threading.Thread(target=client, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    began = time.perf_counter()
    stop_at.append(began + seconds)
    start.wait()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - began
    every = sorted(x for per_thread in latencies for x in per_thread)
    return {
        "threads": threads,
        "requests": len(every),
        "seconds": round(elapsed, 2),
        "requestsPerSecond": round(len(every) / elapsed),
        "latencyMs": {
            "p50": round(every[len(every) // 2] * 1000, 2),
            "p99": round(every[int(len(every) * 0.99)] * 1000, 2),
            "mean": round(statistics.fmean(every) * 1000, 2),
        },
        "errors": sum(errors),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="duration of each measurement")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 4, 16], help="client thread counts")
    args = parser.parse_args()
    process, host = start_emulator()
    try:
        seed(host)
        results = [
            {"method": method, "path": path, **measure(host, path, threads, args.seconds)}
            for method, path in TARGETS.items()
            for threads in args.threads
        ]
    finally:
        process.terminate()
        process.wait(10)
    print(json.dumps({
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "emulator": "crpatterns emulator start (no op or read latency), werkzeug threaded server, HTTP/1.1",
        "results": results,
    }, indent=2))


if __name__ == "__main__":
    main()
