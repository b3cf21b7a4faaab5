"""`crpatterns web-app` in several regions through the CLI against the emulator (issue 14, "Done means"): two
and three regions, re-run, a region added and one removed (the backend service keeps a backend throughout),
--failover (service health: readiness probe, a warm instance, IAP on the services) and dropping it, status per
region with a region that is not ready, destroy."""

from __future__ import annotations

from typing import Any

from tests.cli import inventory_items, run
from tests.test_engine import marked
from tests.test_internal_api_changes import no_changes
from tests.test_web_app import IAP_AGENT, IMAGE, NUMBER, PROJECT, policy_members

DOMAIN = "hello.example.com"
MEMBER = "group:staff@example.com"
TWO = ("us-central1", "us-east1")
THREE = ("us-central1", "us-east1", "europe-west1")
NEG_PATH = "compute/v1/projects/demo-project/regions/{}/networkEndpointGroups/hello-neg"


def create(regions: tuple[str, ...], *extra: str, image: str = IMAGE) -> list[str]:
    args = ["web-app", "create", "hello", "--image", image, "--domain", DOMAIN, "--member", MEMBER,
            "--project", PROJECT]
    for region in regions:
        args += ["--region", region]
    return [*args, *extra]


def status(region: str, *extra: str) -> list[str]:
    return ["web-app", "status", "hello", "--region", region, "--project", PROJECT, *extra]


def services(emulator: Any) -> dict[str, dict[str, Any]]:
    """The app's Cloud Run services by region."""
    return {s["name"].split("/")[3]: s for s in emulator.inventory()["run"]["services"]}


def backend_regions(emulator: Any) -> list[str]:
    (backend,) = [b for b in inventory_items(emulator, "global/backendServices") if b["name"] == "hello-backend"]
    return [b["group"].split("/regions/")[1].split("/")[0] for b in backend["backends"]]


def order(emulator: Any) -> list[str]:
    """The mutating calls of the last run, as METHOD PATH."""
    return [f"{r['method']} {r['path'].lstrip('/')}" for r in emulator.mutating_requests()]


def test_two_regions_then_three_then_two_then_destroy(emulator: Any) -> None:
    outcome = run(*create(TWO, "--yes"))
    assert outcome.exit_code == 0, outcome
    assert sorted(services(emulator)) == sorted(TWO)
    assert backend_regions(emulator) == sorted(TWO)
    for region in TWO:
        key = f"//run.googleapis.com/projects/{PROJECT}/locations/{region}/services/hello"
        assert policy_members(emulator, key, "roles/run.invoker") == [f"serviceAccount:{IAP_AGENT}"]
        assert services(emulator)[region]["ingress"] == "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER"
    # The regions in another order: the same app, nothing to do.
    no_changes(emulator, *create(tuple(reversed(TWO)), "--yes"))

    emulator.clear_requests()
    added = run(*create(THREE, "--yes"))
    assert added.exit_code == 0, added
    assert "new region europe-west1" in added.stdout and "adds the NEG of europe-west1 as a backend" in added.stdout
    assert "Plan: 3 to add, 1 to change, 0 to replace, 0 to destroy." in added.stdout
    calls = order(emulator)
    neg = calls.index(f"POST {NEG_PATH.format('europe-west1').rsplit('/', 1)[0]}")
    patch = calls.index("PATCH compute/v1/projects/demo-project/global/backendServices/hello-backend")
    assert neg < patch, calls  # the NEG exists before the backend service takes it
    assert backend_regions(emulator) == sorted(THREE)
    no_changes(emulator, *create(THREE, "--yes"))

    emulator.clear_requests()
    removed = run(*create(("us-east1", "europe-west1"), "--yes"))
    assert removed.exit_code == 0, removed
    assert "removes the NEG of us-central1 from its backends before that NEG and its service are deleted" \
        in removed.stdout
    assert removed.stdout.count("region us-central1 is no longer in --region") == 2
    calls = order(emulator)
    # One update takes the backend from three NEGs to two, before the NEG and then the service go: the load
    # balancer always keeps a backend.
    assert calls == [
        "PATCH compute/v1/projects/demo-project/global/backendServices/hello-backend",
        f"DELETE {NEG_PATH.format('us-central1')}",
        "DELETE v2/projects/demo-project/locations/us-central1/services/hello",
    ], calls
    assert backend_regions(emulator) == ["europe-west1", "us-east1"]
    assert sorted(services(emulator)) == ["europe-west1", "us-east1"]

    found = run(*status("europe-west1"))
    assert found.exit_code == 0, found
    assert "region us-east1: ready" in found.stdout and "backend of the load balancer" in found.stdout

    # Destroy, naming one of the regions: the backend service leads to the others.
    gone = run("web-app", "destroy", "hello", "--region", "us-east1", "--project", PROJECT, "--yes")
    assert gone.exit_code == 0, gone
    assert marked(emulator, "hello") == [] and services(emulator) == {}


def test_three_regions_with_failover_then_a_region_not_ready_then_without_failover(emulator: Any) -> None:
    outcome = run(*create(THREE, "--failover", "--readiness-path", "/healthz", "--yes"))
    assert outcome.exit_code == 0, outcome
    assert "7.8 million vCPU-seconds and 3.9 million GiB-seconds" in outcome.stdout
    assert "cloud.google.com/run/pricing" in outcome.stdout
    for region, service in services(emulator).items():
        container = service["template"]["containers"][0]
        assert container["readinessProbe"] == {"httpGet": {"path": "/healthz"}}, region
        assert int(service["template"]["scaling"]["minInstanceCount"]) == 1
        assert service["iapEnabled"] is True and service["launchStage"] == "BETA"
        key = f"//iap.googleapis.com/projects/{NUMBER}/iap_web/cloud_run-{region}/services/hello"
        assert policy_members(emulator, key, "roles/iap.httpsResourceAccessor") == [MEMBER]
    (backend,) = inventory_items(emulator, "global/backendServices")
    assert backend["iap"]["enabled"] is False  # service health: IAP on Cloud Run, not on the backend service
    no_changes(emulator, *create(THREE, "--failover", "--readiness-path", "/healthz", "--yes"))

    healthy = run(*status("us-east1", "--format", "json"))
    assert healthy.exit_code == 0, healthy
    regions = {r["region"]: r for r in healthy.json()["regions"]}
    assert sorted(regions) == sorted(THREE)
    assert all(r["ready"] and r["serviceHealth"] and r["inLoadBalancer"] and r["latestRevision"]
               for r in regions.values())

    # A new image whose revision cannot start in one region: that region is a finding, the others serve.
    emulator.fault(method="PATCH", path="locations/europe-west1/services/hello", kind="operation", status=400,
                   message="The user-provided container failed the readiness probe.", count=1)
    run(*create(THREE, "--failover", "--readiness-path", "/healthz", "--yes", image=f"{IMAGE}-2"))
    broken = run(*status("us-east1"))
    assert broken.exit_code == 1, broken
    assert "region europe-west1: NOT READY" in broken.stdout
    assert "FINDING: Region europe-west1: Cloud Run service hello is not ready" in broken.stdout
    assert "failed the readiness probe" in broken.stdout

    dropped = run(*create(THREE, "--yes"))
    assert dropped.exit_code == 0, dropped
    assert "--failover dropped: the readiness probe and the minimum instance it added are removed" in dropped.stdout
    for service in services(emulator).values():
        assert "readinessProbe" not in service["template"]["containers"][0]
        assert "minInstanceCount" not in service["template"].get("scaling", {})
        assert not service.get("iapEnabled") and "crpatterns.dev/failover" not in service.get("annotations", {})
    (backend,) = inventory_items(emulator, "global/backendServices")
    assert backend["iap"]["enabled"] is True
    assert run(*status("us-central1")).exit_code == 0


def test_a_destroy_interrupted_after_the_backend_service_finishes_with_every_region_named(emulator: Any,
                                                                                      monkeypatch: Any) -> None:
    monkeypatch.setattr("crpatterns.gcp.retry.BASE_DELAY", 0.01)  # the 503s are retried quickly
    assert run(*create(TWO, "--yes")).exit_code == 0
    # The first destroy stops once the load balancer is gone: the service of us-east1 is left, and nothing
    # global points there any more.
    emulator.fault(method="DELETE", path="/locations/us-east1/services/hello$", status=503, count=30)
    first = run("web-app", "destroy", "hello", "--region", "us-central1", "--project", PROJECT, "--yes")
    assert first.exit_code == 1, first
    emulator.clear_faults()
    assert sorted(services(emulator)) == ["us-east1"]
    assert not inventory_items(emulator, "global/backendServices")
    both = ["web-app", "destroy", "hello", "--region", "us-central1", "--region", "us-east1", "--project", PROJECT,
            "--yes"]
    finished = run(*both)
    assert finished.exit_code == 0, finished
    assert services(emulator) == {} and marked(emulator, "hello") == []
