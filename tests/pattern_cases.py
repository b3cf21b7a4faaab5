"""The three patterns as test cases: how to create, re-run and destroy each on the emulator, and a
signature of what the emulator holds (names and the fields that matter, without ids, timestamps,
fingerprints, etags or allocated IPs, which legitimately differ between runs)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.support import EmulatorProcess

IMAGE = "us-docker.pkg.dev/demo-project/apps/hello:1"


def enable_xpn_host(emulator: EmulatorProcess, host: str = "demo-host") -> None:
    status, body = emulator.call("POST", f"compute/v1/projects/{host}/enableXpnHost")
    assert status == 200, body
    operation = body["selfLink"].split("/compute/v1/")[1]
    emulator.call("POST", f"compute/v1/{operation}/wait")


@dataclass
class PatternCase:
    name: str
    create: list[str]
    destroy: list[str]
    setup: Callable[[EmulatorProcess], None] = field(default=lambda emulator: None)

    def __str__(self) -> str:
        return self.name


CASES = [
    PatternCase(
        "web-app",
        ["web-app", "create", "hello", "--image", IMAGE, "--region", "us-central1", "--domain", "hello.example.com",
         "--member", "group:staff@example.com", "--project", "demo-project"],
        ["web-app", "destroy", "hello", "--region", "us-central1", "--project", "demo-project"],
    ),
    PatternCase(
        "internal-api",
        ["internal-api", "create", "orders", "--image", IMAGE, "--region", "us-central1", "--network", "default",
         "--subnet", "default", "--invoker", "serviceAccount:frontend@demo-project.iam.gserviceaccount.com",
         "--project", "demo-project"],
        ["internal-api", "destroy", "orders", "--region", "us-central1", "--project", "demo-project"],
    ),
    PatternCase(
        "shared-vpc",
        ["shared-vpc", "enable", "payments", "--image", IMAGE, "--region", "us-central1", "--host-project",
         "demo-host", "--network", "default", "--subnet", "default", "--attach", "--project", "demo-service"],
        ["shared-vpc", "disable", "payments", "--region", "us-central1", "--project", "demo-service"],
        setup=enable_xpn_host,
    ),
]


# Several regions (issue 14), each with --failover: the fault matrix fails the calls these make that a
# single-region create does not (tests/test_faults.py says which), and runs every other test of it on them.
MULTI_REGION_CASES = [
    PatternCase(
        "web-app-two-regions-failover",
        ["web-app", "create", "hello", "--image", IMAGE, "--region", "us-central1", "--region", "us-east1",
         "--domain", "hello.example.com", "--member", "group:staff@example.com", "--failover", "--project",
         "demo-project"],
        ["web-app", "destroy", "hello", "--region", "us-east1", "--project", "demo-project"],
    ),
    PatternCase(
        "internal-api-two-regions-failover",
        ["internal-api", "create", "orders", "--image", IMAGE, "--region", "us-central1", "--region", "us-east1",
         "--network", "default", "--subnet", "default", "--failover", "--invoker",
         "serviceAccount:frontend@demo-project.iam.gserviceaccount.com", "--project", "demo-project"],
        ["internal-api", "destroy", "orders", "--region", "us-east1", "--project", "demo-project"],
    ),
]
SINGLE_REGION_TWIN = {"web-app-two-regions-failover": "web-app", "internal-api-two-regions-failover": "internal-api"}

# internal-api across projects (issue 16): in the fault matrix beside CASES (which other tests unpack as three).
ACROSS_PROJECTS = PatternCase(
    "internal-api-across-projects",
    ["internal-api", "create", "ledger", "--image", IMAGE, "--region", "us-central1", "--network", "shared",
     "--subnet", "apps", "--network-project", "demo-host", "--frontend-project", "demo-service",
     "--frontend-admin", "group:platform@example.com", "--create-proxy-subnet", "--invoker",
     "serviceAccount:frontend@demo-project.iam.gserviceaccount.com", "--project", "demo-project"],
    ["internal-api", "destroy", "ledger", "--region", "us-central1", "--project", "demo-project"],
    setup=lambda emulator: shared_vpc_for_frontend(emulator),
)


def shared_vpc_for_frontend(emulator: EmulatorProcess) -> None:
    """demo-host's custom network `shared` (subnet `apps`), a Shared VPC host with demo-service attached: where
    the across-projects case puts its frontend (issue 16)."""
    def call(path: str, body: dict[str, Any] | None = None) -> None:
        status, answer = emulator.call("POST", f"compute/v1/projects/demo-host/{path}", body)
        assert status == 200, answer
        emulator.call("POST", f"compute/v1/{answer['selfLink'].split('/compute/v1/')[1]}/wait")

    call("global/networks", {"name": "shared", "autoCreateSubnetworks": False})
    call("regions/us-central1/subnetworks", {"name": "apps", "network": "projects/demo-host/global/networks/shared",
                                             "ipCidrRange": "10.10.0.0/24"})
    call("enableXpnHost")
    call("enableXpnResource", {"xpnResource": {"id": "demo-service", "type": "PROJECT"}})


def signature(inventory: dict[str, Any]) -> dict[str, Any]:
    volatile = {"id", "creationTimestamp", "fingerprint", "labelFingerprint", "selfLink", "IPAddress", "address",
                "users", "status", "etag", "uid", "createTime", "updateTime", "generation", "observedGeneration",
                "latestCreatedRevision", "latestReadyRevision", "conditions", "terminalCondition", "uri", "urls",
                "trafficStatuses", "reconciling", "creator", "lastModifier", "expireTime", "gatewayAddress",
                "selfLinkWithId", "targetId", "latestRevision", "revision"}

    def clean(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items() if k not in volatile}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value

    compute = {collection: sorted(json.dumps(clean(item), sort_keys=True) for item in items)
               for collection, items in inventory["compute"]["resources"].items()}
    services = sorted(json.dumps(clean(s), sort_keys=True) for s in inventory["run"]["services"])
    iam = {key: sorted((b["role"], tuple(sorted(b["members"]))) for b in policy.get("bindings", []))
           for key, policy in inventory.get("iam", {}).items()}
    return {"compute": compute, "run": services, "iam": iam,
            "xpn": inventory["compute"].get("xpnAttachments"), "agents": inventory.get("serviceAgents")}
