"""The engine end to end, driven through `crpatterns web-app` against the emulator (issue 2's checks)."""

from __future__ import annotations

from typing import Any

from tests.cli import inventory_items, run

PROJECT = "demo-project"
IMAGE = "us-docker.pkg.dev/demo/app/hello:1"


def web_app(*extra: str, name: str = "hello", image: str = IMAGE, region: str = "us-central1",
            domain: str = "hello.example.com") -> list[str]:
    return ["web-app", "create", name, "--image", image, "--region", region, "--domain", domain,
            "--member", "group:staff@example.com", "--project", PROJECT, *extra]


def marked(emulator: Any, app: str = "hello") -> list[str]:
    """Every resource whose crpatterns marker names the app."""
    inventory = emulator.inventory()
    found = []
    for collection, items in inventory["compute"]["resources"].items():
        for item in items:
            if f"app={app} " in item.get("description", "") or item.get("labels", {}).get("crpatterns-app") == app:
                found.append(f"{collection}/{item['name']}")
    for service in inventory["run"]["services"]:
        if service.get("labels", {}).get("crpatterns-app") == app:
            found.append(f"run/{service['name'].rsplit('/', 1)[-1]}")
    return sorted(found)


def test_create_then_rerun_is_a_no_op_with_only_reads(emulator: Any) -> None:
    first = run(*web_app("--yes"))
    assert first.exit_code == 0, first
    assert "Plan: 13 to add, 0 to change, 0 to replace, 0 to destroy." in first.stdout
    assert len(marked(emulator)) == 11  # 12 resources minus the two IAM policies, plus the service
    emulator.clear_requests()
    again = run(*web_app("--yes"))
    assert again.exit_code == 0, again
    assert "No changes." in again.stdout
    assert emulator.mutating_requests() == []


def test_dry_run_on_an_empty_project_makes_no_mutating_call(emulator: Any) -> None:
    emulator.clear_requests()
    outcome = run(*web_app("--dry-run", "--format", "json"))
    assert outcome.exit_code == 0, outcome
    document = outcome.json()
    assert document["summary"] == {"create": 13, "update": 0, "replace": 0, "delete": 0}
    assert {a["action"] for a in document["actions"]} == {"create"}
    assert emulator.mutating_requests() == []
    assert run(*web_app("--dry-run", "--detailed-exitcode")).exit_code == 2


def test_image_change_updates_the_service_in_place(emulator: Any) -> None:
    assert run(*web_app("--yes")).exit_code == 0
    outcome = run(*web_app("--yes", image="us-docker.pkg.dev/demo/app/hello:2"))
    assert outcome.exit_code == 0, outcome
    assert "~ run.services hello" in outcome.stdout
    assert "Plan: 0 to add, 1 to change, 0 to replace, 0 to destroy." in outcome.stdout
    (service,) = emulator.inventory()["run"]["services"]
    assert service["template"]["containers"][0]["image"] == "us-docker.pkg.dev/demo/app/hello:2"


def test_replacing_an_in_use_certificate_creates_before_destroying(emulator: Any) -> None:
    assert run(*web_app("--yes")).exit_code == 0
    outcome = run(*web_app("--yes", domain="www.example.com"))
    assert outcome.exit_code == 0, outcome
    assert "create-before-destroy" in outcome.stdout
    assert "resourceInUseByAnotherResource" not in outcome.stdout + outcome.stderr
    certificates = inventory_items(emulator, "global/sslCertificates")
    assert [c["managed"]["domains"] for c in certificates] == [["www.example.com"]]
    (proxy,) = inventory_items(emulator, "global/targetHttpsProxies")
    assert proxy["sslCertificates"] == [certificates[0]["selfLink"]]
    emulator.clear_requests()
    assert "No changes." in run(*web_app("--yes", domain="www.example.com")).stdout
    assert emulator.mutating_requests() == []


def test_region_change_moves_service_and_neg_and_repoints_the_backend(emulator: Any) -> None:
    assert run(*web_app("--yes")).exit_code == 0
    outcome = run(*web_app("--yes", region="europe-west1"))
    assert outcome.exit_code == 0, outcome
    negs = inventory_items(emulator, "regions/networkEndpointGroups")
    assert [n["region"].rsplit("/", 1)[-1] for n in negs] == ["europe-west1"]
    (backend,) = inventory_items(emulator, "global/backendServices")
    assert backend["backends"][0]["group"].endswith(negs[0]["selfLink"].split("/compute/v1/")[1])
    services = emulator.inventory()["run"]["services"]
    assert [s["name"].split("/")[3] for s in services] == ["europe-west1"]


def test_destroy_leaves_nothing_marked(emulator: Any) -> None:
    assert run(*web_app("--yes")).exit_code == 0
    outcome = run("web-app", "destroy", "hello", "--region", "us-central1", "--project", PROJECT, "--yes")
    assert outcome.exit_code == 0, outcome
    assert "Plan: 0 to add, 0 to change, 0 to replace, 11 to destroy." in outcome.stdout
    assert marked(emulator) == []


def test_an_unmarked_resource_is_never_touched(emulator: Any) -> None:
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import compute_v1

    client = compute_v1.GlobalAddressesClient(transport="rest", credentials=AnonymousCredentials(),
                                              client_options={"api_endpoint": f"http://{emulator.host}"})
    client.insert(project=PROJECT, address_resource=compute_v1.Address(name="hello-ip"))
    emulator.clear_requests()
    outcome = run(*web_app("--yes"))
    assert outcome.exit_code == 1
    assert "compute.globalAddresses hello-ip" in outcome.stderr and "--adopt" in outcome.stderr
    assert "Traceback" not in outcome.stderr
    assert emulator.mutating_requests() == []
    destroy = run("web-app", "destroy", "hello", "--region", "us-central1", "--project", PROJECT, "--yes")
    assert destroy.exit_code == 0
    assert [a["name"] for a in inventory_items(emulator, "global/addresses")] == ["hello-ip"]


def test_a_transient_503_is_retried(emulator: Any) -> None:
    emulator.fault(method="POST", path="/global/backendServices$", status=503, count=1)
    outcome = run(*web_app("--yes"))
    assert outcome.exit_code == 0, outcome
    assert len(inventory_items(emulator, "global/backendServices")) == 1


def test_a_failure_mid_apply_stops_cleanly_and_a_rerun_converges(emulator: Any) -> None:
    emulator.fault(method="POST", path="/global/urlMaps$", kind="operation", status=400,
                   message="Injected failure", count=1)
    failed = run(*web_app("--yes"))
    assert failed.exit_code == 1
    assert "compute.urlMaps" in failed.stderr and "Injected failure" in failed.stderr
    assert "Run the same command again" in failed.stderr
    assert "Traceback" not in failed.stderr
    converged = run(*web_app("--yes"))
    assert converged.exit_code == 0, converged
    assert len(marked(emulator)) == 11
    assert "No changes." in run(*web_app("--yes")).stdout


def test_iam_etag_conflicts_are_retried_keeping_concurrent_bindings(emulator: Any) -> None:
    other = {"role": "roles/run.invoker", "members": ["user:someone@example.com"]}
    # Someone else grants run.invoker on the Cloud Run service while the tool writes its policy.
    emulator.fault(method="POST", path="/services/hello:setIamPolicy$", kind="policy-race", binding=other, count=2)
    outcome = run(*web_app("--yes"))
    assert outcome.exit_code == 0, outcome
    policies = emulator.inventory()
    run_policy = next(v for k, v in policies["iam"].items() if k.startswith("//run.googleapis.com/"))
    invokers = {m for b in run_policy["bindings"] if b["role"] == "roles/run.invoker" for m in b["members"]}
    assert "user:someone@example.com" in invokers
    assert "serviceAccount:service-100000000001@gcp-sa-iap.iam.gserviceaccount.com" in invokers
