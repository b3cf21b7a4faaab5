"""`crpatterns list` (issue 13, item 9): every app crpatterns manages in a project, with its pattern,
regions and a one-word health from its status; reads only."""

from __future__ import annotations

from typing import Any

from tests.cli import run
from tests.pattern_cases import CASES, enable_xpn_host

WEB, API, VPC = ({c.name: c for c in CASES}[n] for n in ("web-app", "internal-api", "shared-vpc"))


def listed(*args: str) -> dict[str, Any]:
    outcome = run("list", *args, "--format", "json")
    assert outcome.exit_code == 0, outcome
    return {app["name"]: app for app in outcome.json()["apps"]}


def make_public(emulator: Any, project: str, name: str) -> None:
    from tests.emulator.clients import run_services

    client = run_services(emulator)
    resource = f"projects/{project}/locations/us-central1/services/{name}"
    policy = client.get_iam_policy(request={"resource": resource})
    policy.bindings.add(role="roles/run.invoker", members=["allUsers"])
    client.set_iam_policy(request={"resource": resource, "policy": policy})


def test_list_shows_every_managed_app_with_its_pattern_region_and_health(emulator: Any) -> None:
    enable_xpn_host(emulator)
    for case in (WEB, API, VPC):
        assert run(*case.create, "--yes").exit_code == 0
    emulator.clear_requests()
    apps = listed("--project", "demo-project")
    assert {name: (a["pattern"], a["regions"], a["health"]) for name, a in apps.items()} == {
        "hello": ("web-app", ["us-central1"], "healthy"), "orders": ("internal-api", ["us-central1"], "healthy")}
    assert listed("--project", "demo-service")["payments"]["pattern"] == "shared-vpc"
    assert emulator.mutating_requests() == []

    make_public(emulator, "demo-project", "orders")
    apps = listed("--project", "demo-project")
    assert apps["orders"]["health"] == "unhealthy" and apps["hello"]["health"] == "healthy"
    assert any("allUsers" in finding for finding in apps["orders"]["findings"])

    text = run("list", "--project", "demo-project")
    assert text.exit_code == 0
    assert text.stdout.splitlines()[0].split() == ["NAME", "PATTERN", "REGIONS", "HEALTH"]
    assert ["orders", "internal-api", "us-central1", "unhealthy"] in [line.split() for line in text.stdout.splitlines()]


def test_a_service_shared_vpc_connected_without_creating_it_is_listed(emulator: Any) -> None:
    enable_xpn_host(emulator)
    created = run(*VPC.create, "--yes")
    assert created.exit_code == 0, created
    # Someone else's service, connected by enable (no --image): labelled crpatterns-shared-vpc only.
    other = [a for a in VPC.create if a != "--image"]
    other[other.index("payments")] = "billing"
    status, answer = emulator.call("POST", "v2/projects/demo-service/locations/us-central1/services?serviceId=billing",
                                   {"template": {"containers": [{"image": "us-docker.pkg.dev/team/billing:3"}]}})
    assert status == 200, answer
    del other[other.index(VPC.create[VPC.create.index("--image") + 1])]
    assert run(*other, "--yes").exit_code == 0
    apps = listed("--project", "demo-service")
    assert {n: a["pattern"] for n, a in apps.items()} == {"billing": "shared-vpc", "payments": "shared-vpc"}


def test_list_in_a_region_and_in_an_empty_project(emulator: Any) -> None:
    assert run(*API.create, "--yes").exit_code == 0
    assert list(listed("--project", "demo-project", "--region", "us-central1")) == ["orders"]
    assert listed("--project", "demo-project", "--region", "europe-west1") == {}
    empty = run("list", "--project", "demo-host")
    assert empty.exit_code == 0 and empty.stdout.strip() == "No apps managed by crpatterns in project demo-host."
