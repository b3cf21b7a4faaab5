"""The real gcloud CLI against the emulator's Service Usage endpoints."""

from __future__ import annotations

import pytest

from tests.gcloud import gcloud, gcloud_json, requires_gcloud

pytestmark = requires_gcloud


def test_enable_then_list(emulator):
    emulator.add_project("bare-project", "100000000055", services=["serviceusage.googleapis.com"])
    result = gcloud(emulator.host, "services", "enable", "run.googleapis.com", "compute.googleapis.com",
                    project="bare-project")
    assert result.returncode == 0, result.stderr
    enabled = gcloud_json(emulator.host, "services", "list", "--enabled", project="bare-project")
    assert sorted(s["config"]["name"] for s in enabled) == [
        "compute.googleapis.com", "run.googleapis.com", "serviceusage.googleapis.com"]
    assert "service-100000000055@serverless-robot-prod.iam.gserviceaccount.com" in emulator.inventory()[
        "serviceAgents"]


def test_unknown_service_is_refused(emulator):
    result = gcloud(emulator.host, "services", "enable", "nope.googleapis.com")
    assert result.returncode != 0
    assert "Not found or permission denied for service(s): nope.googleapis.com." in result.stderr


def test_beta_identity_create_for_iap(emulator):
    probe = gcloud(emulator.host, "beta", "services", "identity", "create", "--help")
    if probe.returncode != 0:
        pytest.skip("the gcloud beta component is not installed")
    identity = gcloud_json(emulator.host, "beta", "services", "identity", "create", "--service=iap.googleapis.com")
    assert identity["email"] == "service-100000000001@gcp-sa-iap.iam.gserviceaccount.com"
    assert identity["email"] in emulator.inventory()["serviceAgents"]
