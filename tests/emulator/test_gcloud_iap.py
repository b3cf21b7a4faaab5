"""The real gcloud CLI against the emulator's IAP (and Resource Manager v1) endpoints."""

from __future__ import annotations

import pytest

from tests.emulator.serverless import REGION, backend_service, create
from tests.gcloud import gcloud, gcloud_json, requires_gcloud

pytestmark = requires_gcloud
ACCESSOR = "roles/iap.httpsResourceAccessor"


def test_add_binding_then_read_the_policy(emulator):
    backend_service(emulator, "web")
    result = gcloud(emulator.host, "iap", "web", "add-iam-policy-binding", "--resource-type=backend-services",
                    "--service=web", "--member=group:staff@example.com", f"--role={ACCESSOR}")
    assert result.returncode == 0, result.stderr
    policy = gcloud_json(emulator.host, "iap", "web", "get-iam-policy", "--resource-type=backend-services",
                         "--service=web")
    assert policy["bindings"] == [{"members": ["group:staff@example.com"], "role": ACCESSOR}]
    # gcloud wrote version 3, but discovery (GetPolicyOptions.requestedPolicyVersion): "if you specify version 3,
    # but the policy has no conditional role bindings, the response uses version 1".
    assert policy["version"] == 1
    # gcloud read the project number through Resource Manager v1, then used the number form.
    paths = [r["path"] for r in emulator.requests()]
    assert "/v1/projects/demo-project" in paths
    assert "/v1/projects/100000000001/iap_web/compute/services/web:setIamPolicy" in paths


def test_a_missing_backend_service_fails(emulator):
    result = gcloud(emulator.host, "iap", "web", "get-iam-policy", "--resource-type=backend-services",
                    "--service=nope")
    assert result.returncode != 0
    assert "not found" in result.stderr.lower()


def test_cloud_run_resource_type(emulator):
    create(emulator)
    result = gcloud(emulator.host, "beta", "iap", "web", "add-iam-policy-binding", "--resource-type=cloud-run",
                    "--service=hello", f"--region={REGION}", "--member=user:a@example.com", f"--role={ACCESSOR}")
    if "invalid choice" in result.stderr.lower() or "invalid choice" in result.stdout.lower():
        pytest.skip("this gcloud has no --resource-type=cloud-run")
    assert result.returncode == 0, result.stderr
    assert f"/v1/projects/100000000001/iap_web/cloud_run-{REGION}/services/hello:setIamPolicy" in [
        r["path"] for r in emulator.requests()]
