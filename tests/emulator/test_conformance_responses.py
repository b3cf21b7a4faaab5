"""Every answer the emulator gives matches Google's discovery description, and every route is exercised.

A realistic workload (tests/emulator/conformance_workload.py and conformance_apis.py) runs through the
real client libraries and raw HTTP, via a recording proxy that keeps every response body as it went on
the wire. Then each body is validated against the discovery response schema of the method that answered
(tests/emulator/discovery_check.py, independent of the emulator's own schema code), each error body
against Google's two error shapes, and the emulator's request log is checked to cover every route.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import unquote

import pytest
from werkzeug.exceptions import HTTPException

from crpatterns.emulator.core.app import Emulator
from crpatterns.emulator.core.routing import Route
from crpatterns.emulator.server import create_emulator
from tests.emulator import conformance_apis as apis
from tests.emulator import conformance_workload as work
from tests.emulator.conformance_proxy import Exchange, RecordingProxy
from tests.emulator.discovery_check import Checker, error_problems, methods, template_regex
from tests.support import EmulatorProcess


@dataclass
class Recording:
    exchanges: list[Exchange]
    log: list[dict[str, Any]]


@cache
def app() -> Emulator:
    """The emulator built in-process: its routes and its router, nothing served."""
    return create_emulator()


def routes() -> list[Route]:
    return app().routes


def aggregated_segments() -> set[str]:
    return {r.template.rsplit("/", 1)[1] for r in routes() if r.method_id.endswith(".aggregatedList")}


Step = Callable[[EmulatorProcess], None]


def iap_on(kind: str, name: str) -> Step:
    return lambda via: apis.iap(via, apis.iap_resource(kind, name))


# Each phase: what it builds and exercises (ending with the IAP resource on top of it), then its teardown;
# everything is re-read raw between the two, while it exists.
PHASES: list[tuple[list[Step], list[Step]]] = [
    ([work.regional_lb, iap_on(f"compute-{work.REGION}", "backend")], [work.teardown_regional_lb]),
    ([work.global_lb, iap_on("compute", "backend")], [work.teardown_global_lb]),
    ([work.shared_vpc_compute, apis.cloud_run, apis.shared_vpc_run, iap_on(f"cloud_run-{work.REGION}", "hello")],
     [apis.teardown_cloud_run, work.teardown_shared_vpc]),
    ([apis.service_usage_calls, apis.resource_manager, work.compute_operations, apis.errors],
     [work.teardown_networking]),
]


def workload(via: EmulatorProcess) -> None:
    segments = aggregated_segments()
    work.networking(via)
    for build, teardown in PHASES:
        for step in build:
            step(via)
        apis.reread(via, segments)
        for step in teardown:
            step(via)


@pytest.fixture(scope="module")
def recording(emulator_process: EmulatorProcess) -> Iterator[Recording]:
    emulator_process.reset()
    proxy = RecordingProxy(emulator_process.host)
    try:
        workload(EmulatorProcess(proxy.host))
        log = emulator_process.requests()
    finally:
        proxy.close()
    yield Recording(list(proxy.exchanges), log)
    emulator_process.reset()


def route_of(method: str, path: str) -> Route | None:
    """The route that answered, by the emulator's own router (what matters is which handler spoke)."""
    try:
        endpoint, _ = app().url_map.bind("emulator").match("/" + path, method=method)
    except HTTPException:
        return None
    return routes()[endpoint]


def route_key(route: Route) -> tuple[str, str]:
    return route.api.discovery, route.method_id


# -- coverage ----------------------------------------------------------------------------------------


def test_every_route_was_exercised(recording):
    """From the emulator's request log: each logged call is matched to a route by method id, HTTP method
    and path (regexes built from the route templates by discovery_check, not the emulator's router)."""
    hit: set[tuple[str, str]] = set()
    for entry in recording.log:
        path = entry["path"].lstrip("/")
        for route in routes():
            if (route.method_id == entry.get("methodId") and route.http_method == entry["method"]
                    and template_regex(route.template).fullmatch(path)):
                hit.add(route_key(route))
    missing = sorted({route_key(r) for r in routes()} - hit)
    assert missing == [], f"{len(missing)} routes never called: {missing}"


def test_the_request_log_is_the_wire(recording):
    """The emulator's /_emulator/requests log lists what the clients sent, in order, with the status
    they got."""
    wire = [(e.method, e.path, e.status) for e in recording.exchanges]
    logged = [(e["method"], e["path"].lstrip("/"), e["status"]) for e in recording.log]
    assert logged == wire


# -- success bodies --------------------------------------------------------------------------------


def int_enums(exchange: Exchange) -> bool:
    return "enum-encoding=int" in unquote(exchange.query)


def test_every_success_body_matches_the_discovery_schema(recording):
    found: dict[str, list[str]] = {}
    for exchange in recording.exchanges:
        if exchange.status >= 300:
            continue
        route = route_of(exchange.method, exchange.path)
        assert route is not None, f"{exchange.method} {exchange.path} answered {exchange.status} without a route"
        schema = methods(route.api.discovery)[route.method_id].get("response", {}).get("$ref")
        where = f"{route.method_id} ({'int' if int_enums(exchange) else 'string'} enums)"
        if schema is None:  # Google answers an empty body
            if exchange.body not in (None, {}):
                found.setdefault(where, []).append(f"a body where Google sends none: {exchange.body!r}")
            continue
        for problem in Checker(route.api.discovery, int_enums(exchange)).problems(schema, exchange.body):
            if problem not in found.setdefault(where, []):
                found[where].append(problem)
    report = [f"{where}: {problem}" for where, problems in sorted(found.items()) for problem in problems]
    assert report == [], "\n".join(report)


def test_both_enum_encodings_were_validated(recording):
    """Guards the test above: each API answered its client library (int enums, where the library asks for
    them) and raw reads (string enums)."""
    seen: set[tuple[str, bool]] = set()
    for exchange in recording.exchanges:
        route = route_of(exchange.method, exchange.path)
        if route and exchange.status < 300:
            seen.add((route.api.discovery, int_enums(exchange)))
    docs = {"run.v2", "iap.v1", "cloudresourcemanager.v3", "serviceusage.v1"}
    wanted = {(doc, mode) for doc in docs for mode in (True, False)}
    # google-cloud-compute never asks for int enums; gcloud and raw reads use strings everywhere.
    wanted |= {("compute.v1", False), ("cloudresourcemanager.v1", False), ("serviceusage.v1beta1", False)}
    assert wanted - seen == set()


# -- error bodies ----------------------------------------------------------------------------------


def style_of(path: str) -> str:
    """Compute answers in its own shape; every other API here is AIP-193 style (https://google.aip.dev/193;
    docs/google-behaviour.md, "Compute: errors, operations, fingerprints")."""
    return "compute" if path.startswith("compute/") else "aip"


def test_every_error_body_has_googles_shape(recording):
    report = []
    for exchange in recording.exchanges:
        if exchange.status >= 400:
            report += [f"{exchange.method} {exchange.path} {exchange.status}: {p}"
                       for p in error_problems(exchange.body, style_of(exchange.path), exchange.status)]
    assert report == [], "\n".join(report)


def test_errors_of_every_api_were_seen(recording):
    prefixes = {re.match(r"[^/]+", e.path).group(0) for e in recording.exchanges if e.status >= 400}
    assert {"compute", "v1", "v2", "v3", "v9"} <= prefixes
    statuses = {e.status for e in recording.exchanges if e.status >= 400}
    assert {400, 403, 404, 409} <= statuses
