"""`--format json` (issue 13, item 6): creates carry every desired attribute (secrets as "(sensitive)"),
every document has a formatVersion and validates against the schema shipped in the repository
(crpatterns/render/output.schema.json), and a JSON run on a terminal without --yes never asks to
confirm a plan it did not show."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import crpatterns.render
from tests.cli import run
from tests.pattern_cases import CASES, enable_xpn_host
from tests.terminal import run_cli

SCHEMA = json.loads((Path(crpatterns.render.__file__).parent / "output.schema.json").read_text())
WEB, API, VPC = ({c.name: c for c in CASES}[n] for n in ("web-app", "internal-api", "shared-vpc"))


def valid(document: dict[str, Any], definition: str) -> dict[str, Any]:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    jsonschema.Draft202012Validator({"$ref": f"#/$defs/{definition}", "$defs": SCHEMA["$defs"]}).validate(document)
    jsonschema.Draft202012Validator(SCHEMA).validate(document)
    assert document["formatVersion"] == "1.0"
    return document


def test_creates_carry_every_desired_attribute(emulator: Any) -> None:
    document = valid(run(*WEB.create, "--dry-run", "--format", "json").json(), "plan")
    service = next(a for a in document["actions"] if a["role"] == "service")
    fields = {c["field"]: c for c in service["changes"]}
    assert fields["template.containers"]["after"] == [{"image": WEB.create[WEB.create.index("--image") + 1]}]
    assert fields["ingress"]["after"] == "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER"
    assert fields["labels.managed-by"]["after"] == "crpatterns" and fields["labels.crpatterns-app"]["after"] == "hello"
    assert all(c["before"] is None for a in document["actions"] if a["action"] == "create" for c in a["changes"])
    assert all(a["changes"] for a in document["actions"] if a["action"] == "create")


def test_secrets_are_sensitive_in_the_json_plan(emulator: Any, tmp_path: Path) -> None:
    from tests.test_internal_api_changes import self_signed

    certificate, key = self_signed(tmp_path)
    document = valid(run(*API.create, "--port", "443", "--certificate-file", certificate, "--private-key-file", key,
                         "--dry-run", "--format", "json").json(), "plan")
    (created,) = [a for a in document["actions"] if a["kind"] == "compute.regionSslCertificates"]
    fields = {c["field"]: c["after"] for c in created["changes"]}
    assert fields["privateKey"] == "(sensitive)" and fields["certificate"].startswith("-----BEGIN CERTIFICATE")
    secret = Path(key).read_text().strip().splitlines()[1]
    assert secret not in json.dumps(document)


def test_plan_apply_result_status_and_list_validate_against_the_schema(emulator: Any) -> None:
    enable_xpn_host(emulator)
    for case in (WEB, API, VPC):
        valid(run(*case.create, "--dry-run", "--format", "json").json(), "plan")
        applied = valid(run(*case.create, "--yes", "--format", "json").json(), "plan")
        assert applied["result"]["ok"] and applied["outputs"]["urls"]
        valid(run(*case.create, "--yes", "--format", "json").json(), "plan")  # no changes: plan and outputs
        status = [*case.destroy[:3], "--region", "us-central1", "--project", case.create[-1]]
        status[1] = "status"
        valid(run(*status, "--format", "json").json(), "status")
    listed = valid(run("list", "--project", "demo-project", "--format", "json").json(), "list")
    assert {(a["name"], a["pattern"]) for a in listed["apps"]} == {("hello", "web-app"), ("orders", "internal-api")}
    for case in (WEB, API, VPC):
        valid(run(*case.destroy, "--yes", "--format", "json").json(), "plan")


def test_a_failed_apply_and_an_unconfirmed_plan_validate_too(emulator: Any) -> None:
    emulator.fault(method="POST", path=r"/global/backendServices$", status=400, message="Injected refusal", count=1)
    failed = run(*WEB.create, "--yes", "--format", "json")
    assert failed.exit_code == 1
    document = valid(failed.json(), "plan")
    assert not document["result"]["ok"] and "outputs" not in document
    assert document["result"]["failed"][0]["name"] == "hello-backend"
    assert document["result"]["notStarted"]
    unconfirmed = run(*WEB.create, "--format", "json")
    assert valid(unconfirmed.json(), "plan")["applied"] is False


@pytest.mark.parametrize("terminal", [{"stdin": True, "stderr": True}, {"stdin": True, "stdout": True, "stderr": True}],
                         ids=["stdout-piped", "all-terminals"])
def test_json_on_a_terminal_without_yes_never_asks_and_changes_nothing(emulator: Any,
                                                                      terminal: dict[str, bool]) -> None:
    emulator.clear_requests()
    shown = run_cli([*WEB.create, "--format", "json"], emulator.env(), timeout=60, **terminal)
    assert shown.code == 1, shown
    assert "Apply these changes?" not in shown.stderr + shown.stdout
    assert "Not applying: confirmation needs a terminal and the text plan" in shown.stderr
    assert valid(json.loads(shown.stdout), "plan")["applied"] is False
    assert emulator.mutating_requests() == []
