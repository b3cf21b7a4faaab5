"""Golden tests of the plan renderers (issue 13): one plan with every action (create, update, replace both
ways with its hidden delete, delete, a kept resource with a note), a binding's bookkeeping, a shared
resource, a secret in a create and in an update, and warnings, rendered as text and as JSON and compared
with the files under tests/unit/golden/. CRPATTERNS_UPDATE_GOLDEN=1 rewrites them (review the diff)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from crpatterns.engine.model import (
    Action,
    Actual,
    BindingMode,
    Change,
    Desired,
    Ownership,
    Plan,
    ReplaceStrategy,
    Scope,
    Step,
)
from crpatterns.render.fields import narrowed
from crpatterns.render.plan_json import dumps, plan_document
from crpatterns.render.plan_text import render

GOLDEN = Path(__file__).parent / "golden"
P, R, G = "demo-project", Scope("demo-project", "us-central1"), Scope("demo-project")
MARK = {"managed-by": "crpatterns", "crpatterns-app": "hello", "crpatterns-pattern": "web-app"}
OLD_IMAGE, NEW_IMAGE = "us-docker.pkg.dev/demo/app/hello:1", "us-docker.pkg.dev/demo/app/hello:2"
KEY_PEM = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n"


def every_action_plan() -> Plan:
    service = Desired("service", "run.services", "hello", R)
    certificate = Desired("api-cert", "compute.regionSslCertificates", "hello-api-cert", R,
                          sensitive=("privateKey",))
    invoker = Desired("invoker", "run.services.iamPolicy", "hello", R, ownership=Ownership.BINDING,
                      notes=("IAP's service agent is the only invoker the tool grants",))
    backend = Desired("backend", "compute.backendServices", "hello-backend", G, sensitive=("iap.oauth2ClientSecret",))
    subnet = Desired("subnet", "compute.subnetworks", "default", R, ownership=Ownership.SHARED,
                     notes=("turns on Private Google Access on subnet default, which crpatterns does not own",))
    proxy = Desired("proxy-subnet", "compute.subnetworks", "proxy-only", R, ownership=Ownership.EXTERNAL,
                    notes=("reuses the active proxy-only subnet proxy-only (10.129.0.0/23); never changed",))
    old_certificate = Actual("compute.sslCertificates", "hello-cert", G, {}, "hello", "certificate", "web-app")
    rule = Actual("compute.globalForwardingRules", "hello-https", G, {}, "hello", "https-rule", "web-app")
    steps = [
        Step(Action.CREATE, "compute.regionSslCertificates", "hello-api-cert", R, "api-cert", desired=certificate,
             body={"description": "managed-by=crpatterns app=hello pattern=web-app role=api-cert",
                   "certificate": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
                   "privateKey": KEY_PEM}),
        Step(Action.CREATE, "run.services.iamPolicy", "hello", R, "invoker", desired=invoker, notes=invoker.notes,
             body={"role": "roles/run.invoker",
                   "members": ["serviceAccount:service-1@gcp-sa-iap.iam.gserviceaccount.com"],
                   "mode": BindingMode.AUTHORITATIVE, "refusedMembers": ["allUsers", "allAuthenticatedUsers"]},
             depends_on=(2,)),
        Step(Action.UPDATE, "run.services", "hello", R, "service", desired=service, changes=(
            Change("template.containers",
                   [{"image": OLD_IMAGE, "ports": [{"containerPort": 8080}], "resources": {"limits": {"cpu": "1"}}}],
                   [{"image": NEW_IMAGE}]),
            Change("labels", {"team": "web", **MARK}, {"team": "payments", **MARK}),
        ), body={}),
        Step(Action.UPDATE, "compute.backendServices", "hello-backend", G, "backend", desired=backend, changes=(
            Change("iap.oauth2ClientSecret", "old-secret", "new-secret", sensitive=True),
        ), body={}),
        Step(Action.REPLACE, "compute.sslCertificates", "hello-cert-3f2a1", G, "certificate",
             actual=old_certificate, strategy=ReplaceStrategy.CREATE_BEFORE_DESTROY, changes=(
                 Change("managed.domains", ["old.example.com"], ["new.example.com"], forces_replace=True),), body={}),
        Step(Action.REPLACE, "compute.globalForwardingRules", "hello-https", G, "https-rule", actual=rule,
             strategy=ReplaceStrategy.DELETE_BEFORE_CREATE, depends_on=(4,), changes=(
                 Change("portRange", "8443-8443", "443-443", forces_replace=True),), body={}),
        Step(Action.DELETE, "compute.urlMaps", "hello-redirect", G, "redirect-url-map",
             actual=Actual("compute.urlMaps", "hello-redirect", G, {}, "hello", "redirect-url-map", "web-app")),
        Step(Action.UPDATE, "compute.subnetworks", "default", R, "subnet", desired=subnet, shared=True,
             notes=subnet.notes, changes=(Change("privateIpGoogleAccess", False, True),), body={}),
        Step(Action.NOOP, "compute.subnetworks", "proxy-only", R, "proxy-subnet", desired=proxy, notes=proxy.notes),
        Step(Action.DELETE, "compute.sslCertificates", "hello-cert", G, "certificate", actual=old_certificate,
             hidden=True, depends_on=(4, 5)),
        Step(Action.DELETE, "compute.targetHttpsProxies", "hello-old-proxy", G,
             actual=Actual("compute.targetHttpsProxies", "hello-old-proxy", G, {}, "hello", None, "web-app"),
             depends_on=(9,)),
    ]
    return Plan("web-app", "hello", P, steps, warnings=["IAP uses the Google-managed OAuth client."])


def golden(name: str, rendered: str) -> None:
    path = GOLDEN / name
    if os.environ.get("CRPATTERNS_UPDATE_GOLDEN"):
        path.write_text(rendered)
    assert rendered == path.read_text(), f"{name} differs; CRPATTERNS_UPDATE_GOLDEN=1 rewrites it"


def test_text_plan_with_every_action() -> None:
    golden("plan.txt", render(every_action_plan()) + "\n")


def test_json_plan_with_every_action() -> None:
    golden("plan.json", dumps(plan_document(every_action_plan())) + "\n")


def test_no_changes_with_notes_and_warnings() -> None:
    plan = every_action_plan()
    plan.steps = [plan.steps[8]]
    golden("no-changes.txt", render(plan) + "\n")


def test_secrets_never_appear_in_either_rendering() -> None:
    plan = every_action_plan()
    for rendered in (render(plan), dumps(plan_document(plan))):
        assert "MIGHAgEAMBMG" not in rendered and "old-secret" not in rendered and "new-secret" not in rendered
        assert "(sensitive)" in rendered


def test_the_json_create_carries_every_attribute_but_the_binding_bookkeeping() -> None:
    actions = json.loads(dumps(plan_document(every_action_plan())))["actions"]
    fields = {c["field"]: c for c in actions[0]["changes"]}
    assert set(fields) == {"description", "certificate", "privateKey"}
    assert fields["privateKey"] == {"field": "privateKey", "before": None, "after": "(sensitive)"}
    assert [c["field"] for c in actions[1]["changes"]] == ["role", "members"]


def test_a_list_of_objects_narrows_to_the_keys_that_differ() -> None:
    change = Change("template.containers", [{"image": "a:1", "ports": [{"containerPort": 8080}]}], [{"image": "a:2"}])
    assert narrowed(change) == [Change("template.containers[0].image", "a:1", "a:2")]
    longer = Change("template.containers", [{"image": "a:1"}], [{"image": "a:1"}, {"image": "b:1"}])
    assert narrowed(longer) == [longer], "a list whose length changes is shown whole"
    nested = Change("iap", {"enabled": False, "oauth2ClientId": "x"}, {"enabled": True, "oauth2ClientId": "x"},
                    forces_replace=True)
    assert narrowed(nested) == [Change("iap.enabled", False, True, forces_replace=True)]
    secret = Change("iap", {"oauth2ClientSecret": "a"}, {"oauth2ClientSecret": "b"}, sensitive=True)
    assert narrowed(secret) == [secret]
    references = Change("backends", [{"group": "https://www.googleapis.com/compute/v1/projects/p/regions/r/x/n",
                                      "balancingMode": "UTILIZATION"}],
                        [{"group": "projects/p/regions/r/x/m"}])
    assert narrowed(references) == [
        Change("backends[0].group", references.before[0]["group"], "projects/p/regions/r/x/m")]
