"""Google's gcloud recipe for a cross-region internal Application Load Balancer with serverless NEGs
(https://cloud.google.com/load-balancing/docs/l7-internal/setting-up-l7-cross-reg-serverless, "Configure the
load balancer"), run by the real gcloud against the emulator: network and subnets, a GLOBAL_MANAGED_PROXY
proxy-only subnet per region, a serverless NEG per region, the global INTERNAL_MANAGED backend service,
URL map and HTTP proxy, and a global forwarding rule per region; a region's proxy-only subnet cannot go
while its rule runs on it. (The Cloud Run services themselves are deployed with `gcloud run`,
which cannot be pointed at the emulator: tests/gcloud.py.)"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.emulator.lb import global_, link, regional
from tests.gcloud import gcloud, requires_gcloud
from tests.support import EmulatorProcess

pytestmark = [requires_gcloud, pytest.mark.gcloud]
REGION_A, REGION_B = "us-central1", "us-east1"


def ok(emulator: EmulatorProcess, *args: str) -> None:
    result = gcloud(emulator.host, *args)
    assert result.returncode == 0, f"gcloud {' '.join(args)} failed:\n{result.stderr}"


def ok_all(emulator: EmulatorProcess, *commands: tuple[str, ...]) -> None:
    """Commands that do not depend on each other (one per region), run at the same time: gcloud takes seconds
    to start, and the recipe is the same whatever their order."""
    with ThreadPoolExecutor(len(commands)) as pool:
        list(pool.map(lambda args: ok(emulator, *args), commands))


def fails(emulator: EmulatorProcess, message: str, *args: str) -> None:
    result = gcloud(emulator.host, *args)
    assert result.returncode != 0, f"gcloud {' '.join(args)} succeeded"
    assert message in " ".join(result.stderr.split()), result.stderr


def test_googles_cross_region_internal_recipe_with_serverless_negs(emulator: EmulatorProcess) -> None:
    ok(emulator, "compute", "networks", "create", "lb-network", "--subnet-mode=custom")
    regions = ((REGION_A, "a", "10.1.2.0/24", "10.129.0.0/23", "10.1.2.99"),
               (REGION_B, "b", "10.1.3.0/24", "10.130.0.0/23", "10.1.3.99"))
    ok_all(emulator, *(("compute", "networks", "subnets", "create", f"subnet-{x}", "--network=lb-network",
                        f"--range={cidr}", f"--region={region}") for region, x, cidr, _, _ in regions))
    ok_all(emulator, *(("compute", "networks", "subnets", "create", f"proxy-only-{x}", "--purpose=GLOBAL_MANAGED_PROXY",
                        "--role=ACTIVE", f"--region={region}", "--network=lb-network", f"--range={proxy}")
                       for region, x, _, proxy, _ in regions))
    ok_all(emulator, *(("compute", "network-endpoint-groups", "create", f"gl7ilb-serverless-neg-{x}",
                        f"--region={region}", "--network-endpoint-type=serverless", f"--cloud-run-service=hello-{x}")
                       for region, x, _, _, _ in regions))
    ok(emulator, "compute", "backend-services", "create", "gil7-backend-service",
       "--load-balancing-scheme=INTERNAL_MANAGED", "--protocol=HTTP", "--global")
    for region, x, _, _, _ in regions:  # each add-backend reads and writes the whole backend service: in turn
        ok(emulator, "compute", "backend-services", "add-backend", "gil7-backend-service",
           f"--network-endpoint-group=gl7ilb-serverless-neg-{x}", f"--network-endpoint-group-region={region}",
           "--global")
    ok(emulator, "compute", "url-maps", "create", "gl7ilb-map", "--default-service=gil7-backend-service", "--global")
    ok(emulator, "compute", "target-http-proxies", "create", "gil7-http-proxy", "--url-map=gl7ilb-map", "--global")
    ok_all(emulator, *(("compute", "forwarding-rules", "create", f"gil7-forwarding-rule-{x}",
                        "--load-balancing-scheme=INTERNAL_MANAGED", "--network=lb-network", f"--subnet=subnet-{x}",
                        f"--subnet-region={region}", f"--address={address}", "--ports=80",
                        "--target-http-proxy=gil7-http-proxy", "--global") for region, x, _, _, address in regions))

    # What gcloud made, read from the emulator's inventory (each gcloud call costs seconds).
    resources = emulator.inventory()["compute"]["resources"]
    (backend,) = resources["global/backendServices"]
    assert backend["loadBalancingScheme"] == "INTERNAL_MANAGED"
    assert [b["group"] for b in backend["backends"]] == [
        link(regional("gl7ilb-serverless-neg-a", "networkEndpointGroups", REGION_A)),
        link(regional("gl7ilb-serverless-neg-b", "networkEndpointGroups", REGION_B))]
    rules = {r["name"]: r for r in resources["global/forwardingRules"]}
    rule = rules["gil7-forwarding-rule-b"]
    assert (rule["IPAddress"], rule["portRange"], rule["loadBalancingScheme"]) == ("10.1.3.99", "80-80",
                                                                                   "INTERNAL_MANAGED")
    assert rule["subnetwork"] == link(regional("subnet-b", "subnetworks", REGION_B))
    assert rule["target"] == link(global_("gil7-http-proxy", "targetHttpProxies"))
    assert rules["gil7-forwarding-rule-a"]["IPAddress"] == "10.1.2.99"
    # Google's order: a proxy-only subnet goes only once no rule of its region runs on it (the deletion once
    # the rule is gone: test_compute_cross_region.py).
    fails(emulator, f"is already being used by '{global_('gil7-forwarding-rule-a', 'forwardingRules')}'",
          "compute", "networks", "subnets", "delete", "proxy-only-a", f"--region={REGION_A}")
