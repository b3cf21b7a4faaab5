"""Stack files and saved plans (issue 15, "Done means"): a stack of three apps, one per pattern, planned,
saved, applied exactly, re-planned with no changes; a stale saved plan refused before any call; --prune
removes the app dropped from the stack and nothing else; a fleet of 50 internal APIs in one process;
bad stack files refused in one sentence naming file, line and key."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.cli import inventory_items, run
from tests.pattern_cases import IMAGE, enable_xpn_host

PROJECT = "demo-service"
STACK = """\
name: demo
project: demo-service
defaults:
  region: us-central1
apps:
  - name: hello
    pattern: web-app
    image: {image}
    domain: hello.example.com
    member: group:staff@example.com
  - name: orders
    pattern: internal-api
    image: {image}
    network: default
    subnet: default
    no-invoker-iam: true
  - name: payments
    pattern: shared-vpc
    image: {image}
    host-project: demo-host
    network: default
    subnet: default
    attach: true
"""


def write(directory: Path, text: str, name: str = "stack.yaml") -> str:
    path = directory / name
    path.write_text(text)
    return str(path)


def services(emulator: Any) -> list[str]:
    return sorted(s["name"].rsplit("/", 1)[-1] for s in emulator.inventory()["run"]["services"])


def test_a_stack_of_three_patterns_saved_applied_replanned_and_pruned(emulator: Any, tmp_path: Path) -> None:
    enable_xpn_host(emulator)
    emulator.clear_requests()
    stack = write(tmp_path, STACK.format(image=IMAGE))
    saved = str(tmp_path / "plan.json")
    planned = run("plan", "-f", stack, "--out", saved, "--detailed-exitcode")
    assert planned.exit_code == 2, planned
    for section in ('web-app "hello"', 'internal-api "orders"', 'shared-vpc "payments"'):
        assert section in planned.stdout
    assert "(0 of 3 apps change)" not in planned.stdout and "Stack: " in planned.stdout
    assert emulator.mutating_requests() == []
    document = json.loads(Path(saved).read_text())
    assert document["project"] == PROJECT and len(document["apps"]) == 3

    applied = run("apply", saved)
    assert applied.exit_code == 0, applied
    assert services(emulator) == ["hello", "orders", "payments"]
    # Each app's outputs, as a single create prints them (stderr: stdout is not a terminal here).
    assert "hello.example.com" in applied.stderr and "curl" in applied.stderr
    again = run("plan", "-f", stack, "--detailed-exitcode")
    assert again.exit_code == 0, again
    assert "(0 of 3 apps change)" in again.stdout

    # Dropped from the stack: only --prune destroys it, and nothing else.
    full = STACK.format(image=IMAGE)
    orders = full[full.index("  - name: orders"):full.index("  - name: payments")]
    smaller = write(tmp_path, full.replace(orders, ""), "smaller.yaml")
    assert run("plan", "-f", smaller, "--detailed-exitcode").exit_code == 0
    pruning = run("plan", "-f", smaller, "--prune", "--format", "json")
    pruned = [a for a in pruning.json()["apps"] if a.get("pruned")]
    assert [(a["pattern"], a["name"]) for a in pruned] == [("internal-api", "orders")]
    assert run("apply", "-f", smaller, "--prune", "--yes").exit_code == 0
    assert services(emulator) == ["hello", "payments"]
    assert not [r for r in inventory_items(emulator, "regions/forwardingRules") if r["name"].startswith("orders")]


def test_a_stale_saved_plan_is_refused_before_any_call(emulator: Any, tmp_path: Path) -> None:
    stack = write(tmp_path, STACK.format(image=IMAGE).split("  - name: payments")[0])
    assert run("apply", "-f", stack, "--yes").exit_code == 0
    changed = write(tmp_path, STACK.format(image=IMAGE).split("  - name: payments")[0].replace(":1\n", ":2\n"),
                    "v2.yaml")
    saved = str(tmp_path / "plan.json")
    assert run("plan", "-f", changed, "--out", saved).exit_code == 0
    # Someone changes the web-app's URL map after the plan was made.
    url_map = next(u for u in inventory_items(emulator, "global/urlMaps") if u["name"] == "hello-urlmap")
    status, body = emulator.call("PATCH", f"compute/v1/projects/{PROJECT}/global/urlMaps/hello-urlmap",
                                 {"fingerprint": url_map["fingerprint"], "tests": []})
    assert status == 200, body
    emulator.clear_requests()
    refused = run("apply", saved)
    assert refused.exit_code == 1 and "is stale" in refused.stderr and "hello-urlmap" in refused.stderr, refused
    assert emulator.mutating_requests() == []
    other = run("apply", saved, "--project", "demo-project")
    assert other.exit_code != 0 and "was made for project demo-service" in other.stderr


def test_a_saved_plan_never_holds_a_secret(emulator: Any, tmp_path: Path) -> None:
    from tests.test_promises import certificate

    cert, key = certificate(tmp_path, "hello.example.com")
    stack = write(tmp_path, STACK.format(image=IMAGE).split("  - name: orders")[0]
                  + f"    certificate-file: {cert}\n    private-key-file: {key}\n")
    saved = tmp_path / "plan.json"
    assert run("plan", "-f", stack, "--out", str(saved)).exit_code == 0
    text = saved.read_text()
    assert "PRIVATE KEY" not in text and key in text
    original = Path(key).read_text()
    Path(key).write_text(original + "\n# edited\n")
    edited = run("apply", str(saved))
    assert edited.exit_code == 1 and f"{key} changed since it was made" in edited.stderr, edited
    Path(key).write_text(original)
    applied = run("apply", str(saved))
    assert applied.exit_code == 0, applied
    (certificate_resource,) = inventory_items(emulator, "global/sslCertificates")
    assert "PRIVATE KEY" not in certificate_resource["certificate"]


@pytest.mark.parametrize(("text", "words"), [
    ("apps:\n  - name: a\n    pattern: web-app\n    imagee: x\n", ":4: apps[0].imagee is not a known key"),
    ("apps:\n  - name: a\n    pattern: internal-api\n    port: eighty\n", ":4: apps[0].port must be a whole number"),
    ("apps:\n  - name: a\n    pattern: cron\n", ":3: apps[0].pattern must be one of"),
    ("apps:\n  - name: a\n    pattern: web-app\n  - name: a\n    pattern: web-app\n",
     ":4: apps[1] is web-app 'a' again"),
    ("project: demo-project\napps:\n  - name: a\n    pattern: web-app\n    region: us-central1\n    image: NOT IMAGE\n",
     ":6: apps[0].image: --image must be a container image reference"),
    ("project: p1\nprojekt: p2\napps: []\n", ":2: projekt is not a known key"),
    ("apps:\n  - name: a\n    pattern: web-app\n    member: [1, 2]\n", ":4: apps[0].member must be"),
    ("apps: [\n", "not valid YAML"),
    ("defaults:\n  domain: a.example.com\napps:\n  - name: a\n    pattern: internal-api\n",
     ":2: defaults.domain is an option of no pattern the stack lists (internal-api)"),
    ("defaults:\n  port: eighty\napps:\n  - name: a\n    pattern: internal-api\n",
     ":2: defaults.port must be a whole number"),
])
def test_a_bad_stack_is_one_sentence_naming_file_line_and_key(emulator: Any, tmp_path: Path, text: str,
                                                               words: str) -> None:
    stack = write(tmp_path, text)
    outcome = run("plan", "-f", stack)
    assert outcome.exit_code not in (0, 2), outcome
    assert outcome.stderr.count("\n") == 1 and "Traceback" not in outcome.stderr, outcome.stderr
    assert f"{stack}" in outcome.stderr and words in outcome.stderr, outcome.stderr
    assert emulator.requests() == []


def test_two_apps_whose_names_collide_are_refused(emulator: Any, tmp_path: Path) -> None:
    text = STACK.format(image=IMAGE).split("  - name: payments")[0].replace("name: orders", "name: hello")
    outcome = run("plan", "-f", write(tmp_path, text))
    assert outcome.exit_code not in (0, 2) and "would make run service 'hello'" in outcome.stderr, outcome
    assert emulator.requests() == []


def test_a_fleet_of_50_internal_apis_in_one_process(emulator: Any, tmp_path: Path) -> None:
    apps = "".join(f"  - name: api-{i:02d}\n    pattern: internal-api\n" for i in range(50))
    stack = write(tmp_path, "project: demo-project\ndefaults:\n  region: us-central1\n  image: "
                            f"{IMAGE}\n  network: default\n  subnet: default\n  no-invoker-iam: true\napps:\n{apps}")
    saved = str(tmp_path / "fleet.json")
    assert run("plan", "-f", stack, "--out", saved).exit_code == 0
    applied = run("apply", saved, "--parallelism", "16")
    assert applied.exit_code == 0, applied
    rules = [r for r in inventory_items(emulator, "regions/forwardingRules") if r["name"].startswith("api-")]
    assert len(rules) == 50
    proxy_only = [s for s in inventory_items(emulator, "regions/subnetworks")
                  if s.get("purpose") == "REGIONAL_MANAGED_PROXY"]
    assert len(proxy_only) == 1  # made once, for the first app, and reused by the 49 others
    assert not [r for r in emulator.mutating_requests() if r["status"] >= 400]  # not tried 50 times
    emulator.clear_requests()
    assert "(0 of 50 apps change)" in run("plan", "-f", stack).stdout
    assert emulator.mutating_requests() == []


def test_a_stack_under_429_on_every_third_call_converges_in_one_process(emulator: Any, tmp_path: Path,
                                                                        monkeypatch: Any) -> None:
    monkeypatch.setattr("crpatterns.gcp.retry.BASE_DELAY", 0.02)
    apps = "".join(f"  - name: q-{i:02d}\n    pattern: internal-api\n" for i in range(10))
    stack = write(tmp_path, "project: demo-project\ndefaults:\n  region: us-central1\n  image: "
                            f"{IMAGE}\n  network: default\n  subnet: default\n  no-invoker-iam: true\napps:\n{apps}")
    emulator.fault(method="*", path="^/(compute|v1|v2|v3|v1beta1)/", kind="every", every=3, status=429, count=-1)
    applied = run("apply", "-f", stack, "--yes")
    assert applied.exit_code == 0, applied
    assert len([r for r in emulator.requests() if r["status"] == 429]) >= 30
    emulator.clear_faults()
    emulator.clear_requests()
    assert "(0 of 10 apps change)" in run("plan", "-f", stack).stdout
    assert emulator.mutating_requests() == []


def test_pruning_an_app_keeps_the_proxy_only_subnet_a_staying_app_runs_on(emulator: Any, tmp_path: Path) -> None:
    head = "name: fleet\nproject: demo-project\ndefaults:\n  region: us-central1\n  image: " + IMAGE + \
        "\n  network: default\n  subnet: default\n  no-invoker-iam: true\napps:\n"
    both = write(tmp_path, head + "  - name: orders\n    pattern: internal-api\n", "first.yaml")
    assert run("apply", "-f", both, "--yes").exit_code == 0  # orders makes the proxy-only subnet
    only_billing = write(tmp_path, head + "  - name: billing\n    pattern: internal-api\n", "second.yaml")
    saved = str(tmp_path / "plan.json")
    planned = run("plan", "-f", only_billing, "--prune", "--out", saved)
    assert planned.exit_code == 0 and "kept: app 'billing' of this stack runs on it" in planned.stdout, planned
    applied = run("apply", saved)
    assert applied.exit_code == 0, applied
    assert [r["name"] for r in inventory_items(emulator, "regions/forwardingRules")] == ["billing-rule"]
    assert [s["name"] for s in inventory_items(emulator, "regions/subnetworks")
            if s.get("purpose") == "REGIONAL_MANAGED_PROXY"] == ["orders-proxy-only"]


def test_saved_plan_refusals_and_what_the_file_never_holds(emulator: Any, tmp_path: Path) -> None:
    from tests.emulator.clients import run_services

    # A service someone else made, with a secret in its environment, that shared-vpc connects.
    enable_xpn_host(emulator)
    from google.cloud import run_v2

    run_services(emulator).create_service(parent=f"projects/{PROJECT}/locations/us-central1", service_id="legacy",
                                          service=run_v2.Service(template=run_v2.RevisionTemplate(containers=[
                                              run_v2.Container(image=IMAGE, env=[run_v2.EnvVar(
                                                  name="DB_PASSWORD", value="hunter2-plaintext")])]))).result()
    stack = write(tmp_path, "project: demo-service\napps:\n  - name: legacy\n    pattern: shared-vpc\n"
                            "    region: us-central1\n    host-project: demo-host\n    network: default\n"
                            "    subnet: default\n    attach: true\n")
    emulator.clear_requests()
    unwritable = run("plan", "-f", stack, "--out", str(tmp_path / "no-such-folder" / "plan.json"))
    assert unwritable.exit_code == 64 and "--out" in unwritable.stderr and emulator.requests() == []
    saved = tmp_path / "plan.json"
    assert run("plan", "-f", stack, "--out", str(saved)).exit_code == 0
    assert "hunter2-plaintext" not in saved.read_text()
    assert saved.stat().st_mode & 0o777 == 0o600
    assert "--prune goes with -f STACK.yaml" in run("apply", str(saved), "--prune").stderr
    damaged = tmp_path / "damaged.json"
    document = json.loads(saved.read_text())
    del document["apps"][0]["read"]
    damaged.write_text(json.dumps(document))
    outcome = run("apply", str(damaged))
    assert outcome.exit_code == 64 and "is damaged at apps/0" in outcome.stderr, outcome
    applied = run("apply", str(saved))
    assert applied.exit_code == 0, applied
    (service,) = [s for s in emulator.inventory()["run"]["services"] if s["name"].endswith("/legacy")]
    env = service["template"]["containers"][0]["env"]
    assert env == [{"name": "DB_PASSWORD", "value": "hunter2-plaintext"}]  # kept: only vpcAccess etc. changed
    assert service["template"]["vpcAccess"]["egress"] == "ALL_TRAFFIC"


def test_two_apps_colliding_in_a_later_region_are_refused(emulator: Any, tmp_path: Path) -> None:
    text = (f"project: demo-project\ndefaults:\n  image: {IMAGE}\napps:\n"
            "  - name: shop\n    pattern: web-app\n    region: [us-central1, us-east1]\n    domain: shop.example.com\n"
            "    member: group:staff@example.com\n"
            "  - name: shop\n    pattern: shared-vpc\n    region: us-east1\n    host-project: demo-host\n"
            "    network: default\n    subnet: default\n")
    outcome = run("plan", "-f", write(tmp_path, text))
    assert outcome.exit_code not in (0, 2) and "would make run service 'shop'" in outcome.stderr, outcome


def test_prune_takes_only_apps_this_stack_applied(emulator: Any, tmp_path: Path) -> None:
    head = (f"name: team-a\nproject: demo-project\ndefaults:\n  region: us-central1\n  image: {IMAGE}\n"
            "  network: default\n  subnet: default\n  no-invoker-iam: true\napps:\n")
    two = write(tmp_path, head + "  - name: one\n    pattern: internal-api\n  - name: two\n    pattern: internal-api\n")
    assert run("apply", "-f", two, "--yes").exit_code == 0
    (service,) = [s for s in emulator.inventory()["run"]["services"] if s["name"].endswith("/one")]
    assert service["labels"]["crpatterns-stack"] == "team-a"
    # An app made by a single command, and one applied from another stack, in the same project and region.
    single = ["internal-api", "create", "solo", "--image", IMAGE, "--region", "us-central1", "--network", "default",
              "--subnet", "default", "--no-invoker-iam", "--project", "demo-project", "--yes"]
    assert run(*single).exit_code == 0
    other = write(tmp_path, head.replace("team-a", "team-b") + "  - name: theirs\n    pattern: internal-api\n",
                  "other.yaml")
    assert run("apply", "-f", other, "--yes").exit_code == 0
    one_only = write(tmp_path, head + "  - name: one\n    pattern: internal-api\n", "one.yaml")
    pruning = run("plan", "-f", one_only, "--prune", "--format", "json").json()
    assert [(a["name"]) for a in pruning["apps"] if a.get("pruned")] == ["two"]
    assert run("apply", "-f", one_only, "--prune", "--yes").exit_code == 0
    assert services(emulator) == ["one", "solo", "theirs"]


def test_a_stack_name_that_cannot_label_is_refused(emulator: Any, tmp_path: Path) -> None:
    outcome = run("plan", "-f", write(tmp_path, "name: Team A\napps: []\n"))
    assert outcome.exit_code == 64 and ":1: name 'Team A' must be 1-63 lowercase letters" in outcome.stderr, outcome
