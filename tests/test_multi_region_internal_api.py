"""`crpatterns internal-api` in several regions through the CLI against the emulator (issue 14, "Done means"):
one region grown to two (the cross-region load balancer's rules exist before the regional one goes), three,
a region removed (the backend service keeps a backend throughout), a GLOBAL_MANAGED_PROXY subnet someone else
made reused and kept, --failover, status per region, back to one region, destroy."""

from __future__ import annotations

from typing import Any

from tests.cli import inventory_items, run
from tests.emulator.networking import create_network, create_subnet
from tests.test_engine import marked
from tests.test_internal_api_changes import no_changes

PROJECT = "demo-project"
IMAGE = "us-docker.pkg.dev/demo/api/hello:1"
INVOKER = "serviceAccount:frontend@demo-project.iam.gserviceaccount.com"
REGIONS = ("us-central1", "us-east1", "europe-west1")
RULES = "compute/v1/projects/demo-project/global/forwardingRules"


def create(regions: tuple[str, ...], *extra: str, network: str = "default", subnet: str = "default") -> list[str]:
    args = ["internal-api", "create", "orders", "--image", IMAGE, "--network", network, "--invoker", INVOKER,
            "--project", PROJECT]
    for region in regions:
        args += ["--region", region]
    if subnet:
        args += ["--subnet", subnet]
    return [*args, *extra]


def names(emulator: Any, collection: str) -> list[str]:
    return sorted(item["name"] for item in inventory_items(emulator, collection))


def order(emulator: Any) -> list[str]:
    return [f"{r['method']} {r['path'].lstrip('/')}" for r in emulator.mutating_requests()]


def test_one_region_to_two_to_three_to_two_to_one_then_destroy(emulator: Any) -> None:
    assert run(*create(REGIONS[:1], "--yes")).exit_code == 0
    emulator.clear_requests()
    grown = run(*create(REGIONS[:2], "--yes"))
    assert grown.exit_code == 0, grown
    assert "several --region make a cross-region load balancer, which replaces the regional one" in grown.stdout
    calls = order(emulator)
    regional_rule = "DELETE compute/v1/projects/demo-project/regions/us-central1/forwardingRules/orders-rule"
    new_rules = [i for i, c in enumerate(calls) if c == f"POST {RULES}"]
    assert len(new_rules) == 2 and max(new_rules) < calls.index(regional_rule), calls  # make before break
    assert names(emulator, "regions/forwardingRules") == []
    assert names(emulator, "global/forwardingRules") == ["orders-rule-us-central1", "orders-rule-us-east1"]
    for rule in inventory_items(emulator, "global/forwardingRules"):
        region = rule["name"].removeprefix("orders-rule-")
        assert rule["loadBalancingScheme"] == "INTERNAL_MANAGED" and rule["portRange"] == "80-80"
        assert rule["subnetwork"].endswith(f"/regions/{region}/subnetworks/default")
    subnets = inventory_items(emulator, "regions/subnetworks")
    proxies = [s for s in subnets if s.get("purpose") == "GLOBAL_MANAGED_PROXY"]
    assert sorted(s["region"].rsplit("/", 1)[-1] for s in proxies) == ["us-central1", "us-east1"]
    assert all(s["role"] == "ACTIVE" and s["name"] == "orders-proxy-global" for s in proxies)
    assert not any(s.get("purpose") == "REGIONAL_MANAGED_PROXY" for s in subnets)  # the app's regional one went
    no_changes(emulator, *create(REGIONS[:2], "--yes"))

    assert run(*create(REGIONS, "--yes")).exit_code == 0
    (backend,) = inventory_items(emulator, "global/backendServices")
    assert len(backend["backends"]) == 3 and backend["loadBalancingScheme"] == "INTERNAL_MANAGED"
    no_changes(emulator, *create(REGIONS, "--yes"))
    found = run("internal-api", "status", "orders", "--region", "europe-west1", "--project", PROJECT)
    assert found.exit_code == 0, found
    assert found.stdout.count("address in ") == 3 and "region us-central1: ready" in found.stdout

    emulator.clear_requests()
    shrunk = run(*create(("us-east1", "europe-west1"), "--yes"))
    assert shrunk.exit_code == 0, shrunk
    calls = order(emulator)
    backend_update = calls.index("PATCH compute/v1/projects/demo-project/global/backendServices/orders-backend")
    neg = calls.index("DELETE compute/v1/projects/demo-project/regions/us-central1/networkEndpointGroups/orders-neg")
    rule = calls.index(f"DELETE {RULES}/orders-rule-us-central1")
    proxy = calls.index("DELETE compute/v1/projects/demo-project/regions/us-central1/subnetworks/orders-proxy-global")
    service = calls.index("DELETE v2/projects/demo-project/locations/us-central1/services/orders")
    assert backend_update < neg < service and rule < proxy, calls
    assert calls.count("PATCH compute/v1/projects/demo-project/global/backendServices/orders-backend") == 1

    back = run(*create(("us-east1",), "--yes"))
    assert back.exit_code == 0, back
    assert "a single --region makes a regional load balancer, which replaces the cross-region one" in back.stdout
    assert names(emulator, "global/forwardingRules") == [] and names(emulator, "regions/forwardingRules") == [
        "orders-rule"]
    no_changes(emulator, *create(("us-east1",), "--yes"))
    gone = run("internal-api", "destroy", "orders", "--region", "us-east1", "--project", PROJECT, "--yes")
    assert gone.exit_code == 0, gone
    assert marked(emulator, "orders") == []


def test_three_regions_with_failover_their_own_subnets_and_someone_elses_proxy_subnet(emulator: Any) -> None:
    create_network(emulator, "vpc")
    for index, region in enumerate(REGIONS):
        create_subnet(emulator, f"app-{index}", "vpc", f"10.{index}.0.0/24", region=region)
    create_subnet(emulator, "shared-proxy", "vpc", "10.130.0.0/23", region="us-east1",
                  purpose="GLOBAL_MANAGED_PROXY", role="ACTIVE")
    subnets = [f"--subnet={region}=app-{index}" for index, region in enumerate(REGIONS)]
    args = create(REGIONS, *subnets, "--failover", "--readiness-path", "/ready", "--yes", network="vpc", subnet="")
    made = run(*args)
    assert made.exit_code == 0, made
    assert "reuses the active GLOBAL_MANAGED_PROXY subnet shared-proxy" in made.stdout
    assert "7.8 million vCPU-seconds" in made.stdout
    for service in emulator.inventory()["run"]["services"]:
        assert service["ingress"] == "INGRESS_TRAFFIC_INTERNAL_ONLY"
        assert service["template"]["containers"][0]["readinessProbe"] == {"httpGet": {"path": "/ready"}}
        assert int(service["template"]["scaling"]["minInstanceCount"]) == 1
    for rule in inventory_items(emulator, "global/forwardingRules"):
        index = REGIONS.index(rule["name"].removeprefix("orders-rule-"))
        assert rule["IPAddress"].startswith(f"10.{index}.0.")
    no_changes(emulator, *args)
    report = run("internal-api", "status", "orders", "--region", "us-east1", "--project", PROJECT,
                 "--format", "json")
    assert report.exit_code == 0, report
    document = report.json()
    assert [a["region"] for a in document["addresses"]] == sorted(REGIONS)
    assert all(r["ready"] and r["serviceHealth"] for r in document["regions"])
    assert len(document["outputs"]["addresses"]) == 3
    gone = run("internal-api", "destroy", "orders", "--region", "us-central1", "--project", PROJECT, "--yes")
    assert gone.exit_code == 0, gone
    assert "kept: this app reused the proxy-only subnet" in gone.stdout
    assert marked(emulator, "orders") == []
    assert "shared-proxy" in names(emulator, "regions/subnetworks")
