"""crpatterns benchmarks: wall time against the least time any tool could take, memory, re-plan cost.

Every figure comes with the command line that produced it, so anyone can rerun one. Ratios are
measured within one run (these machines are shared and noisy); nothing here is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "crpatterns"]
IMAGE = "us-docker.pkg.dev/demo-project/apps/hello:1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Emulator:
    def __init__(self, op_latency: float, read_latency: float) -> None:
        self.port = free_port()
        self.host = f"127.0.0.1:{self.port}"
        self.command = [*CLI, "emulator", "start", "--port", str(self.port), "--op-latency", str(op_latency),
                        "--read-latency", str(read_latency)]
        self.process = subprocess.Popen(self.command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(300):
            try:
                self.admin("GET", "health")
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the emulator did not start")

    def admin(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"http://{self.host}/_emulator/{path}", data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())

    def api(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"http://{self.host}/{path}", data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())

    def requests(self) -> list[dict[str, Any]]:
        return self.admin("GET", "requests")["requests"]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


def measured(emulator: Emulator, args: list[str]) -> tuple[float, float, subprocess.CompletedProcess]:
    """Runs the CLI under a tiny wrapper that reports the child's own peak RSS (getrusage of its child)."""
    env = {**os.environ, "CRPATTERNS_EMULATOR_HOST": emulator.host}
    wrapper = (
        "import resource, subprocess, sys, time, json\n"
        "t = time.perf_counter()\n"
        "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "s = time.perf_counter() - t\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        "print(json.dumps({'s': s, 'peak': peak, 'rc': p.returncode, 'out': p.stdout, 'err': p.stderr}))\n"
    )
    result = subprocess.run([sys.executable, "-c", wrapper, *CLI, *args], env=env, capture_output=True, text=True)
    data = json.loads(result.stdout)
    return data["s"], data["peak"], subprocess.CompletedProcess(args, data["rc"], data["out"], data["err"])


def step_cost(action: dict[str, Any], op: float, read: float) -> float:
    """The least time one planned action can take under the latency model."""
    kind = action["kind"]
    if kind.endswith("iamPolicy"):
        # read-modify-write: a read, then a write (which answers at once); generating a service agent
        # (Service Usage operation) first when the binding names one
        cost = read
        if kind == "run.services.iamPolicy" and action["action"] == "create":
            cost += op
        return cost
    if action["action"] == "replace" and action.get("strategy") == "delete-before-create":
        return 2 * op
    if kind == "compute.projects.xpnHost":
        return read + op
    return op


def critical_path(document: dict[str, Any], op: float, read: float) -> float:
    actions = document["actions"]
    finish: dict[int, float] = {}

    def end(index: int) -> float:
        if index not in finish:
            action = actions[index]
            start = max((end(d) for d in action.get("dependsOn", [])), default=0.0)
            cost = 0.0 if action["action"] == "noop" else step_cost(action, op, read)
            finish[index] = start + cost
        return finish[index]

    # before any change: the project and its APIs (two reads in a row), then the reads of the plan
    return 3 * read + max((end(i) for i in range(len(actions))), default=0.0)


def mutating(requests: list[dict[str, Any]]) -> int:
    reads = (".get", ".list", ".getIamPolicy", ".wait", ".aggregatedList", ".getXpnHost", ".getXpnResources",
             ".batchGet", ".getIapSettings")
    return sum(1 for r in requests if r["method"] != "GET" and not (r.get("methodId") or "").endswith(reads))


PATTERNS: dict[str, dict[str, Any]] = {
    "web-app": {
        "create": ["web-app", "create", "bench", "--image", IMAGE, "--region", "us-central1", "--domain",
                   "bench.example.com", "--member", "group:staff@example.com", "--project", "demo-project"],
    },
    "internal-api": {
        "create": ["internal-api", "create", "bench", "--image", IMAGE, "--region", "us-central1", "--network",
                   "default", "--subnet", "default", "--invoker",
                   "serviceAccount:frontend@demo-project.iam.gserviceaccount.com", "--project", "demo-project"],
    },
    "shared-vpc": {
        "setup": "xpn",
        "create": ["shared-vpc", "enable", "bench", "--image", IMAGE, "--region", "us-central1", "--host-project",
                   "demo-host", "--network", "default", "--subnet", "default", "--attach", "--project",
                   "demo-service"],
    },
}


# The --invoker of the internal-api runs: a real project would have it; the emulator needs it declared.
INVOKER_ACCOUNT = "frontend@demo-project.iam.gserviceaccount.com"


def reset(emulator: Emulator) -> None:
    emulator.admin("POST", "reset")
    emulator.admin("POST", "service-accounts", {"email": INVOKER_ACCOUNT})


def prepare(emulator: Emulator, pattern: str) -> None:
    reset(emulator)
    if PATTERNS[pattern].get("setup") == "xpn":
        operation = emulator.api("POST", "compute/v1/projects/demo-host/enableXpnHost")
        emulator.api("POST", "compute/v1/" + operation["selfLink"].split("/compute/v1/")[1] + "/wait")


def bench_pattern(emulator: Emulator, pattern: str, op: float, read: float) -> dict[str, Any]:
    create = PATTERNS[pattern]["create"]
    prepare(emulator, pattern)
    _, _, planned = measured(emulator, [*create, "--dry-run", "--format", "json"])
    if planned.returncode != 0:
        return {"error": planned.stderr.strip()[-400:]}
    bound = critical_path(json.loads(planned.stdout), op, read)
    create_s, peak, outcome = measured(emulator, [*create, "--yes"])
    if outcome.returncode != 0:
        return {"error": outcome.stderr.strip()[-400:]}
    emulator.admin("DELETE", "requests")
    replan_s, _, again = measured(emulator, [*create, "--yes"])
    replan_mutating = mutating(emulator.requests())
    prepare(emulator, pattern)
    sequential_s, _, seq = measured(emulator, [*create, "--yes", "--parallelism", "1"])
    command = " ".join(["crpatterns", *create, "--yes"])
    return {
        "create_s": round(create_s, 3),
        "bound_s": round(bound, 3),
        "create_over_bound": round(create_s / bound, 3),
        "sequential_s": round(sequential_s, 3) if seq.returncode == 0 else None,
        "create_over_sequential": round(create_s / sequential_s, 3) if seq.returncode == 0 else None,
        "create_peak_mib": round(peak, 1),
        "replan_s": round(replan_s, 3),
        "replan_mutating_calls": replan_mutating,
        "replan_no_changes": "No changes." in again.stdout,
        "commands": {
            "create": command,
            "sequential": command + " --parallelism 1",
            "bound": " ".join(["crpatterns", *create, "--dry-run", "--format", "json"])
            + "  # critical path of actions[].dependsOn under the latency model",
        },
    }


def bench_fleet(emulator: Emulator, count: int) -> dict[str, Any]:
    reset(emulator)
    emulator.admin("DELETE", "requests")
    base = PATTERNS["internal-api"]["create"]

    def args(i: int) -> list[str]:
        return [base[0], base[1], f"api-{i:02d}", *base[3:], "--yes"]

    def one(i: int) -> int:
        _, _, outcome = measured(emulator, args(i))
        return outcome.returncode

    started = time.perf_counter()
    with ThreadPoolExecutor(4) as pool:
        codes = list(pool.map(one, range(count)))
    create_s = time.perf_counter() - started
    calls = len(emulator.requests())
    emulator.admin("DELETE", "requests")
    started = time.perf_counter()
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(one, range(count)))
    replan_s = time.perf_counter() - started
    replan_calls = len(emulator.requests())
    return {
        "apps": count,
        "create_s": round(create_s, 3),
        "replan_s": round(replan_s, 3),
        "failed": sum(1 for c in codes if c != 0),
        "api_calls_per_app_create": round(calls / count, 1),
        "api_calls_per_app_replan": round(replan_calls / count, 1),
        "replan_mutating_calls": mutating(emulator.requests()),
        "command": "crpatterns internal-api create api-NN ... --yes  # one process each, 4 at a time",
    }


def cli_help() -> dict[str, Any]:
    times = []
    for _ in range(5):
        started = time.perf_counter()
        subprocess.run([*CLI, "--help"], capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    return {"cli_help_s": round(statistics.median(times), 3), "command": "crpatterns --help"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--op-latency", type=float, default=1.0)
    parser.add_argument("--read-latency", type=float, default=0.05)
    parser.add_argument("--fleet", type=int, default=20)
    parser.add_argument("--only", choices=sorted(PATTERNS))
    options = parser.parse_args()
    emulator = Emulator(options.op_latency, options.read_latency)
    report: dict[str, Any] = {
        "latency_model": {"op_s": options.op_latency, "read_s": options.read_latency,
                          "emulator": " ".join(["crpatterns", *emulator.command[3:]])},
    }
    try:
        report.update(cli_help())
        for pattern in [options.only] if options.only else list(PATTERNS):
            report[pattern] = bench_pattern(emulator, pattern, options.op_latency, options.read_latency)
        if options.fleet and not options.only:
            report["fleet"] = bench_fleet(emulator, options.fleet)
    finally:
        emulator.stop()
    print(json.dumps(report, indent=2))
    rows = [f"cli --help: {report['cli_help_s']} s"]
    for pattern in PATTERNS:
        figures = report.get(pattern)
        if figures and "create_s" in figures:
            rows.append(f"{pattern}: create {figures['create_s']} s, bound {figures['bound_s']} s "
                        f"(x{figures['create_over_bound']}), sequential {figures['sequential_s']} s, "
                        f"peak {figures['create_peak_mib']} MiB, replan {figures['replan_s']} s "
                        f"({figures['replan_mutating_calls']} mutating)")
        elif figures:
            rows.append(f"{pattern}: {figures.get('error')}")
    if "fleet" in report:
        fleet = report["fleet"]
        rows.append(f"fleet of {fleet['apps']}: create {fleet['create_s']} s, replan {fleet['replan_s']} s, "
                    f"{fleet['api_calls_per_app_create']} calls/app")
    print("\n".join(rows), file=sys.stderr)


if __name__ == "__main__":
    main()
