"""Throttling (issue 7, fault matrix): with the emulator answering 429 to every third API call, a fleet of
20 internal-api apps, created 4 at a time, still converges: every create exits 0, each app then re-plans
"No changes" with reads only, and the project holds exactly one of each resource per app (no duplicate
left by a retried insert) and one proxy-only subnet the apps share.

The creates run as processes, 4 at a time: typer's CliRunner swaps sys.stdout and sys.stderr for the
whole interpreter, so in-process runs on threads would mix their output. Each process gets a short retry
base delay (CRPATTERNS_RETRY_BASE_SECONDS, read when crpatterns.gcp.retry is imported), so the backoff the
429s cause keeps the test short without changing what is retried."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from tests.cli import run
from tests.pattern_cases import CASES
from tests.support import EmulatorProcess

APPS = [f"api-{i:02d}" for i in range(20)]
INTERNAL_API = next(case for case in CASES if case.name == "internal-api")
# Every Google API path the tool calls: Compute (/compute/v1), Cloud Run (/v2), Resource Manager (/v1, /v3),
# Service Usage (/v1, /v1beta1); the emulator's /_emulator/ admin paths are left alone.
GOOGLE_PATHS = "^/(compute|v1|v2|v3|v1beta1)/"
# Per app: the service, its serverless NEG, backend service, URL map, HTTP proxy and forwarding rule.
PER_APP = {"run/services": 1, "regions/networkEndpointGroups": 1, "regions/backendServices": 1,
           "regions/urlMaps": 1, "regions/targetHttpProxies": 1, "regions/forwardingRules": 1}


def create_args(app: str) -> list[str]:
    args = list(INTERNAL_API.create)
    args[2] = app
    return [*args, "--yes"]


def create_in_a_process(emulator: EmulatorProcess, app: str) -> subprocess.CompletedProcess[str]:
    env = {**emulator.env(), "CRPATTERNS_RETRY_BASE_SECONDS": "0.02"}
    return subprocess.run([sys.executable, "-m", "crpatterns", *create_args(app)], env=env, capture_output=True,
                          text=True, timeout=300)


def counts(inventory: dict[str, Any]) -> Counter[str]:
    """How many resources of each collection the fleet made (by their crpatterns app marker)."""
    found: Counter[str] = Counter()
    for collection, items in inventory["compute"]["resources"].items():
        for item in items:
            if item.get("name", "").startswith("api-"):
                found[collection] += 1
    found["run/services"] = sum(1 for s in inventory["run"]["services"]
                                if s["name"].rsplit("/", 1)[-1].startswith("api-"))
    return found


def test_a_20_app_fleet_converges_under_429_on_every_third_call(emulator: EmulatorProcess) -> None:
    emulator.fault(method="*", path=GOOGLE_PATHS, kind="every", every=3, status=429, count=-1)
    with ThreadPoolExecutor(4) as pool:
        outcomes = dict(zip(APPS, pool.map(lambda app: create_in_a_process(emulator, app), APPS), strict=True))
    failed = {app: o.stderr[-2000:] for app, o in outcomes.items() if o.returncode != 0}
    assert not failed, failed
    throttled = [r for r in emulator.requests() if r.get("status") == 429]
    assert len(throttled) >= 20 * 5, "every third call was answered 429"

    emulator.clear_faults()
    emulator.clear_requests()
    for app in APPS:
        again = run(*create_args(app))
        assert again.exit_code == 0 and "No changes." in again.stdout, (app, str(again))
    assert emulator.mutating_requests() == []

    found = counts(emulator.inventory())
    expected = {collection: n * len(APPS) for collection, n in PER_APP.items()}
    expected["regions/subnetworks"] = 1  # the proxy-only subnet, made by one app and reused by the others
    assert dict(found) == expected
