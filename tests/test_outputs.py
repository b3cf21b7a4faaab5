"""Outputs after create (issue 13, item 1): the addresses, URLs, DNS records, certificate status and an
example call, printed always (with the plan on stdout when it is a terminal, else on stderr) and carried
in the JSON result as `outputs`, for every pattern."""

from __future__ import annotations

import json
from typing import Any

from tests.cli import inventory_items, run
from tests.pattern_cases import CASES, IMAGE, enable_xpn_host
from tests.terminal import run_cli

WEB, API, VPC = ({c.name: c for c in CASES}[n] for n in ("web-app", "internal-api", "shared-vpc"))
DOMAIN = "hello.example.com"


def rule_ip(emulator: Any, collection: str, name: str) -> str:
    (rule,) = [r for r in inventory_items(emulator, collection) if r["name"] == name]
    return rule["IPAddress"]


def test_web_app_create_prints_its_outputs_on_stderr_in_a_pipeline_and_in_the_json_result(emulator: Any) -> None:
    text = run(*WEB.create, "--yes")
    assert text.exit_code == 0, text
    ip = rule_ip(emulator, "global/forwardingRules", "hello-https")
    assert "Outputs:" not in text.stdout, "stdout (not a terminal) holds the plan only"
    for line in (f"address = {ip}", f"url = https://{DOMAIN}/", f"dns = {DOMAIN} A {ip}",
                 f"certificate = {DOMAIN} PROVISIONING", f"Create a DNS A record: {DOMAIN} -> {ip}"):
        assert line in text.stderr, text

    again = run(*WEB.create, "--yes", "--format", "json")  # no changes: the outputs all the same
    assert again.exit_code == 0, again
    document = again.json()
    assert document["summary"] == {"create": 0, "update": 0, "replace": 0, "delete": 0}
    outputs = document["outputs"]
    assert outputs["addresses"] == [ip] and outputs["urls"] == [f"https://{DOMAIN}/"]
    assert outputs["dnsRecords"] == [{"name": DOMAIN, "type": "A", "value": ip}]
    assert outputs["certificates"] == [{"domain": DOMAIN, "status": "PROVISIONING"}]
    assert f"address = {ip}" in again.stderr, "printed always, on stderr beside the JSON"

    emulator.dns_ready(DOMAIN)
    status = run("web-app", "status", "hello", "--region", "us-central1", "--project", "demo-project",
                 "--format", "json").json()
    assert status["outputs"]["certificates"] == [{"domain": DOMAIN, "status": "ACTIVE"}]


def test_internal_api_create_shows_its_address_and_how_to_call_it(emulator: Any) -> None:
    outcome = run(*API.create, "--yes", "--format", "json")
    assert outcome.exit_code == 0, outcome
    ip = rule_ip(emulator, "regions/forwardingRules", "orders-rule")
    outputs = outcome.json()["outputs"]
    assert outputs["addresses"] == [ip] and outputs["urls"] == [f"http://{ip}/"]
    assert outputs["call"] == f'curl -H "Authorization: Bearer $(gcloud auth print-identity-token)" http://{ip}/'
    assert outputs["dnsRecords"] == [] and outputs["certificates"] == []
    assert f"call = {outputs['call']}" in outcome.stderr


def test_shared_vpc_enable_shows_the_service_url_and_how_to_call_it_from_the_vpc(emulator: Any) -> None:
    enable_xpn_host(emulator)
    outcome = run(*VPC.create, "--yes", "--format", "json")
    assert outcome.exit_code == 0, outcome
    (service,) = emulator.inventory()["run"]["services"]
    outputs = outcome.json()["outputs"]
    assert outputs["urls"] == [service["uri"]] and service["uri"] in outputs["call"]
    assert "demo-host's network default" in outputs["nextSteps"][0]
    disabled = run(*VPC.destroy, "--yes", "--format", "json")
    assert disabled.exit_code == 0 and disabled.json()["outputs"]["urls"] == [], "disconnected: no way in to show"


def test_a_dry_run_and_a_destroy_print_no_outputs(emulator: Any) -> None:
    planned = run(*WEB.create, "--dry-run", "--format", "json")
    assert "outputs" not in planned.json() and "Outputs:" not in planned.stderr
    assert run(*WEB.create, "--yes").exit_code == 0
    destroyed = run(*WEB.destroy, "--yes", "--format", "json")
    assert destroyed.exit_code == 0 and "outputs" not in destroyed.json() and "Outputs:" not in destroyed.stderr


def test_on_a_terminal_the_outputs_follow_the_plan_on_stdout(emulator: Any) -> None:
    shown = run_cli([*API.create, "--yes"], emulator.env(), stdout=True)
    assert shown.code == 0, shown
    ip = rule_ip(emulator, "regions/forwardingRules", "orders-rule")
    assert shown.stdout.index("Plan: ") < shown.stdout.index(f"address = {ip}"), shown.stdout
    assert "Outputs:" not in shown.stderr


def test_json_on_stdout_stays_one_document_with_outputs_when_stderr_is_a_terminal(emulator: Any) -> None:
    shown = run_cli([*WEB.create, "--yes", "--format", "json"], emulator.env(), stderr=True)
    assert shown.code == 0, shown.stderr
    document = json.loads(shown.stdout)
    assert document["outputs"]["urls"] == [f"https://{DOMAIN}/"]
    assert "Outputs:" in shown.stderr and IMAGE not in shown.stderr
