"""The real gcloud CLI pointed at the emulator: an independent client to check the emulator against.

Runs the user's gcloud as a separate client: a throwaway configuration
with no credentials and every API the patterns use pointed at the emulator. `gcloud run` cannot be
pointed at loopback (it speaks Knative v1 on region-prefixed hosts), so only compute, iap, projects and
services are used.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest

GCLOUD = shutil.which("gcloud")
requires_gcloud = pytest.mark.skipif(
    GCLOUD is None, reason="the gcloud CLI is not installed here; these tests run it against the emulator"
)


def gcloud(host: str, *args: str, project: str = "demo-project", timeout: float = 120) -> subprocess.CompletedProcess:
    """Runs `gcloud ARGS` against the emulator at host:port; never raises on a non-zero exit."""
    assert GCLOUD is not None
    endpoint = f"http://{host}"
    with tempfile.TemporaryDirectory(prefix="gcloud-at.") as config:
        Path(config, "configurations").mkdir()
        Path(config, "configurations", "config_default").write_text(
            "\n".join(
                [
                    "[core]",
                    f"project = {project}",
                    "disable_usage_reporting = true",
                    "[auth]",
                    "disable_credentials = true",
                    "[component_manager]",
                    "disable_update_check = true",
                    "[api_endpoint_overrides]",
                    f"compute = {endpoint}/compute/v1/",
                    f"iap = {endpoint}/",
                    f"cloudresourcemanager = {endpoint}/",
                    f"serviceusage = {endpoint}/",
                    "",
                ]
            )
        )
        Path(config, "active_config").write_text("default")
        Path(config, "gce").write_text("False")  # not on GCE: skip the metadata-server probe
        env = {**os.environ, "CLOUDSDK_CONFIG": config, "CLOUDSDK_CORE_DISABLE_PROMPTS": "1"}
        return subprocess.run([GCLOUD, *args], env=env, capture_output=True, text=True, timeout=timeout)


def gcloud_json(host: str, *args: str, project: str = "demo-project") -> Any:
    """Runs gcloud with --format=json and returns the parsed output; fails the test on a non-zero exit."""
    result = gcloud(host, *args, "--format=json", project=project)
    assert result.returncode == 0, f"gcloud {' '.join(args)} failed:\n{result.stderr}"
    return json.loads(result.stdout or "null")
