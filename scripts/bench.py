"""crpatterns benchmarks: wall time against the least time any tool could take, under two latency models.

- flat: every Google operation 1.0 s, every read 0.05 s (the emulator's --op-latency/--read-latency);
- google: seconds per kind of operation from public apply logs (--latency-profile google, docs/latency.md),
  times --latency-scale.

Per pattern and model: the create's wall time; the critical path of the plan's own graph; the critical path
of the graph Google requires (scripts/required_graphs.py: data with sources, not the plan); a gcloud recipe
(the same steps one after another); the no-op re-plan. Under the flat model also the create with
--parallelism 1 and peak memory. Then a fleet of internal APIs under Google's default quotas (--quota
google): whether every app converges, and the most quota any window used. Every figure comes with the
command line that produced it. Ratios are measured within one run (these machines are shared and noisy);
nothing here is asserted.
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
from pathlib import Path
from typing import Any

import bench_model
import required_graphs

from crpatterns.emulator.core.latency import GOOGLE, LatencyModel

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "crpatterns"]
IMAGE = "us-docker.pkg.dev/demo-project/apps/hello:1"
FLAT_OP, FLAT_READ = 1.0, 0.05
RATE_LIMITED = "rateLimitExceeded"  # the reason the emulator's request log records for a quota refusal
GOAL = 1.05  # issue 17: every create within 1.05x of the critical path Google requires


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Emulator:
    def __init__(self, *options: str) -> None:
        self.port = free_port()
        self.host = f"127.0.0.1:{self.port}"
        self.command = [*CLI, "emulator", "start", "--port", str(self.port), *options]
        self.process = subprocess.Popen(self.command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(300):
            try:
                self.admin("GET", "health")
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the emulator did not start")

    @property
    def shown(self) -> str:
        return " ".join(["crpatterns", *self.command[3:5], *self.command[7:]])

    def call(self, method: str, url: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())

    def admin(self, method: str, path: str, body: Any = None) -> Any:
        return self.call(method, f"http://{self.host}/_emulator/{path}", body)

    def api(self, method: str, path: str, body: Any = None) -> Any:
        return self.call(method, f"http://{self.host}/{path}", body)

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
    "web-app-3-regions": {
        "create": ["web-app", "create", "bench", "--image", IMAGE, "--region", "us-central1", "--region", "us-east1",
                   "--region", "europe-west1", "--domain", "bench.example.com", "--member",
                   "group:staff@example.com", "--project", "demo-project"],
    },
    "internal-api-3-regions": {
        "create": ["internal-api", "create", "bench", "--image", IMAGE, "--region", "us-central1", "--region",
                   "us-east1", "--region", "europe-west1", "--network", "default", "--subnet", "default",
                   "--invoker", "serviceAccount:frontend@demo-project.iam.gserviceaccount.com", "--project",
                   "demo-project"],
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


def bench_pattern(emulator: Emulator, model: LatencyModel, pattern: str, sequential: bool) -> dict[str, Any]:
    """One pattern under one model: bounds from both graphs, the create, the re-plan (and --parallelism 1)."""
    create = PATTERNS[pattern]["create"]
    prepare(emulator, pattern)
    _, _, planned = measured(emulator, [*create, "--dry-run", "--format", "json"])
    if planned.returncode != 0:
        return {"error": planned.stderr.strip()[-400:]}
    actions = json.loads(planned.stdout)["actions"]
    plan_s, plan_chain = bench_model.critical_path(model, bench_model.plan_graph({"actions": actions}))
    required = required_graphs.GRAPHS[pattern]
    required_s, required_chain = bench_model.critical_path(model, required)
    create_s, peak, outcome = measured(emulator, [*create, "--yes"])
    if outcome.returncode != 0:
        return {"error": outcome.stderr.strip()[-400:]}
    emulator.admin("DELETE", "requests")
    replan_s, _, again = measured(emulator, [*create, "--yes"])
    command = " ".join(["crpatterns", *create, "--yes"])
    figures: dict[str, Any] = {
        "create_s": round(create_s, 3),
        "plan_critical_path_s": round(plan_s, 3),
        "required_critical_path_s": round(required_s, 3),
        "create_over_required": round(create_s / required_s, 3),
        "plan_over_required": round(plan_s / required_s, 3),
        "gcloud_recipe_s": round(bench_model.one_after_another(model, required), 3),
        "required_chain": required_chain,
        "plan_chain": [actions[int(i)].get("role") or actions[int(i)]["kind"] for i in plan_chain],
        "create_peak_mib": round(peak, 1),
        "replan_s": round(replan_s, 3),
        "replan_mutating_calls": mutating(emulator.requests()),
        "replan_no_changes": "No changes." in again.stdout,
        "commands": {
            "create": command,
            "plan_bound": " ".join(["crpatterns", *create, "--dry-run", "--format", "json"])
            + "  # critical path of actions[].dependsOn (scripts/bench_model.py)",
            "required_bound": f"scripts/required_graphs.py {pattern!r}  # critical path under the same model",
        },
    }
    if sequential:
        prepare(emulator, pattern)
        sequential_s, _, seq = measured(emulator, [*create, "--yes", "--parallelism", "1"])
        figures["sequential_s"] = round(sequential_s, 3) if seq.returncode == 0 else None
        figures["commands"]["sequential"] = command + " --parallelism 1"
    return figures


def bench_model_run(label: str, model: LatencyModel, options: list[str], only: str | None,
                    sequential: bool) -> dict[str, Any]:
    emulator = Emulator(*options)
    try:
        report: dict[str, Any] = {"emulator": emulator.shown}
        for pattern in [only] if only else list(PATTERNS):
            report[pattern] = bench_pattern(emulator, model, pattern, sequential)
        return report
    finally:
        emulator.stop()


def fleet_stack(count: int) -> str:
    """A stack file of `count` internal APIs (README, "Stacks"), as the bench's internal-api run makes one."""
    create = PATTERNS["internal-api"]["create"]
    flags = dict(zip(create[3::2], create[4::2], strict=False))
    lines = ["project: demo-project", "defaults:", f"  region: {flags['--region']}", "apps:"]
    for i in range(count):
        lines += [f"  - name: api-{i:02d}", "    pattern: internal-api", f"    image: {IMAGE}",
                  f"    network: {flags['--network']}", f"    subnet: {flags['--subnet']}",
                  f"    invoker: {flags['--invoker']}"]
    return "\n".join(lines) + "\n"


def bench_fleet(count: int, parallelism: int, scale: float) -> dict[str, Any]:
    """A fleet of internal APIs in one stack (one process, one graph), under Google's latencies and default
    quotas: quota windows scale with the latency, so the limits bite as they would at Google's speed."""
    emulator = Emulator("--latency-profile", GOOGLE, "--latency-scale", str(scale), "--quota", "google")
    stack = ROOT / ".bench-fleet.yaml"
    stack.write_text(fleet_stack(count))
    args = ["apply", "-f", str(stack), "--yes", "--parallelism", str(parallelism)]
    try:
        reset(emulator)
        emulator.admin("DELETE", "requests")
        create_s, peak, outcome = measured(emulator, args)
        requests = emulator.requests()
        quotas = emulator.admin("GET", "quotas")
        emulator.admin("DELETE", "requests")
        replan_s, _, again = measured(emulator, args)
        replan_requests = emulator.requests()
    finally:
        emulator.stop()
        stack.unlink(missing_ok=True)
    return {
        "apps": count,
        "parallelism": parallelism,
        "latency_scale": scale,
        "create_s": round(create_s, 3),
        "converged": outcome.returncode == 0,
        "error": None if outcome.returncode == 0 else outcome.stderr.strip()[-400:],
        "quota_refusals": sum(1 for r in requests if r.get("reason") == RATE_LIMITED),
        "quotas": quotas,
        "create_peak_mib": round(peak, 1),
        "api_calls_per_app_create": round(len(requests) / count, 1),
        "replan_s": round(replan_s, 3),
        "replan_converged": again.returncode == 0,
        "replan_mutating_calls": mutating(replan_requests),
        "command": f"{emulator.shown}; crpatterns {' '.join(args[:2])} STACK {' '.join(args[3:])}  # STACK: "
                   f"{count} internal APIs (scripts/bench.py, fleet_stack)",
    }


def separate_processes(emulator: Emulator, count: int, at_once: int) -> tuple[float, int]:
    """The fleet as `count` separate `internal-api create` commands, `at_once` at a time (a CI job's
    loop): wall time and how many failed."""
    from concurrent.futures import ThreadPoolExecutor

    create = PATTERNS["internal-api"]["create"]
    env = {**os.environ, "CRPATTERNS_EMULATOR_HOST": emulator.host}

    def one(i: int) -> int:
        args = [*create[:2], f"api-{i:02d}", *create[3:], "--yes"]
        return subprocess.run([*CLI, *args], env=env, capture_output=True, text=True).returncode

    started = time.perf_counter()
    with ThreadPoolExecutor(at_once) as pool:
        codes = list(pool.map(one, range(count)))
    return time.perf_counter() - started, sum(1 for c in codes if c != 0)


def bench_fleet_processes(count: int, scale: float, at_once: int = 4) -> dict[str, Any]:
    """One process for the fleet against one process per app (issue 15), under Google's latencies scaled
    (no quota, so only the tool's own work differs), and against the fleet's critical-path bound: the apps
    are independent, so with enough parallelism the fleet could take one app's critical path. Then the
    same stack with a 429 on every third call: it must converge."""
    model = LatencyModel.named(GOOGLE, scale)
    bound, _ = bench_model.critical_path(model, required_graphs.GRAPHS["internal-api"])
    emulator = Emulator("--latency-profile", GOOGLE, "--latency-scale", str(scale))
    stack = ROOT / ".bench-fleet-processes.yaml"
    stack.write_text(fleet_stack(count))
    one_process = ["apply", "-f", str(stack), "--yes", "--parallelism", "32"]
    try:
        reset(emulator)
        stack_s, _, outcome = measured(emulator, one_process)
        reset(emulator)
        processes_s, failed = separate_processes(emulator, count, at_once)
        reset(emulator)
        emulator.admin("POST", "faults", {"method": "*", "path": "^/(compute|v1|v2|v3|v1beta1)/", "kind": "every",
                                          "every": 3, "status": 429, "count": -1})
        throttled_s, _, throttled = measured(emulator, one_process)
        emulator.admin("DELETE", "faults")
    finally:
        emulator.stop()
        stack.unlink(missing_ok=True)
    return {
        "apps": count,
        "latency_scale": scale,
        "one_process_s": round(stack_s, 3),
        "one_process_converged": outcome.returncode == 0,
        "separate_processes_s": round(processes_s, 3),
        "separate_processes_failed": failed,
        "separate_over_one_process": round(processes_s / stack_s, 2),
        "critical_path_bound_s": round(bound, 3),
        "one_process_over_bound": round(stack_s / bound, 2),
        "under_429_every_third_call_s": round(throttled_s, 3),
        "under_429_converged": throttled.returncode == 0,
        "commands": {
            "one_process": f"{emulator.shown}; crpatterns apply -f STACK --yes --parallelism 32",
            "separate": f"crpatterns internal-api create api-NN ... --yes  # {count} processes, {at_once} at a time",
            "throttled": "the one-process command with POST /_emulator/faults "
                         "{kind: every, every: 3, status: 429}",
        },
    }


def cli_help() -> dict[str, Any]:
    times = []
    for _ in range(5):
        started = time.perf_counter()
        subprocess.run([*CLI, "--help"], capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    return {"cli_help_s": round(statistics.median(times), 3), "command": "crpatterns --help"}


def table(report: dict[str, Any]) -> list[str]:
    rows = [f"cli --help: {report['cli_help_s']} s"]
    for label in ("flat", "google"):
        section = report.get(label)
        if not section:
            continue
        rows.append(f"{label} model ({section['emulator']}):")
        for pattern in PATTERNS:
            figures = section.get(pattern)
            if figures and "create_s" in figures:
                extra = f", --parallelism 1 {figures['sequential_s']} s" if "sequential_s" in figures else ""
                rows.append(f"  {pattern}: create {figures['create_s']} s = x{figures['create_over_required']} of "
                            f"Google's critical path {figures['required_critical_path_s']} s (plan's "
                            f"{figures['plan_critical_path_s']} s, gcloud recipe {figures['gcloud_recipe_s']} s"
                            f"{extra}); replan {figures['replan_s']} s ({figures['replan_mutating_calls']} mutating)")
            elif figures:
                rows.append(f"  {pattern}: {figures.get('error')}")
    versus = report.get("fleet_processes")
    if versus:
        rows.append(f"fleet of {versus['apps']} (google x{versus['latency_scale']}): one process "
                    f"{versus['one_process_s']} s, {versus['apps']} processes 4 at a time "
                    f"{versus['separate_processes_s']} s (x{versus['separate_over_one_process']}); critical path "
                    f"{versus['critical_path_bound_s']} s (one process x{versus['one_process_over_bound']}); 429 on "
                    f"every third call: {versus['under_429_every_third_call_s']} s, converged "
                    f"{versus['under_429_converged']}")
    fleet = report.get("fleet")
    if fleet:
        usage = ", ".join(f"{name} peak {u['peak']}/{u['limit']} ({u['refused']} refused)"
                          for name, u in fleet["quotas"]["limits"].items())
        rows.append(f"fleet of {fleet['apps']} in one stack (--parallelism {fleet['parallelism']}, scale "
                    f"{fleet['latency_scale']}): create {fleet['create_s']} s, converged {fleet['converged']}; "
                    f"{usage}; replan {fleet['replan_s']} s ({fleet['replan_mutating_calls']} mutating)")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--latency-scale", type=float, default=1.0,
                        help="the google model's factor (1.0: Google's timings; creates then take about a minute)")
    parser.add_argument("--fleet", type=int, default=40, help="apps in the fleet's stack")
    parser.add_argument("--fleet-parallelism", type=int, default=32)
    parser.add_argument("--fleet-scale", type=float, default=0.1, help="the fleet's latency (and quota window) factor")
    parser.add_argument("--fleet-processes", type=int, default=50,
                        help="apps in the one-process-against-separate-processes comparison (0: skip)")
    parser.add_argument("--only", choices=sorted(PATTERNS))
    parser.add_argument("--models", default="flat,google", help="comma-separated: flat, google")
    options = parser.parse_args()
    models = options.models.split(",")
    report: dict[str, Any] = {"goal": f"create within {GOAL}x of the critical path Google requires (google model)"}
    report.update(cli_help())
    if "flat" in models:
        report["flat"] = bench_model_run(
            "flat", LatencyModel.flat(FLAT_OP, FLAT_READ),
            ["--op-latency", str(FLAT_OP), "--read-latency", str(FLAT_READ)], options.only, sequential=True)
    if GOOGLE in models:
        report["google"] = bench_model_run(
            GOOGLE, LatencyModel.named(GOOGLE, options.latency_scale),
            ["--latency-profile", GOOGLE, "--latency-scale", str(options.latency_scale)], options.only,
            sequential=False)
    if options.fleet_processes and not options.only:
        report["fleet_processes"] = bench_fleet_processes(options.fleet_processes, options.fleet_scale)
    if options.fleet and not options.only:
        report["fleet"] = bench_fleet(options.fleet, options.fleet_parallelism, options.fleet_scale)
    report["required_graphs"] = {p: required_graphs.as_document(p) for p in PATTERNS}
    print(json.dumps(report, indent=2))
    print("\n".join(table(report)), file=sys.stderr)


if __name__ == "__main__":
    main()
