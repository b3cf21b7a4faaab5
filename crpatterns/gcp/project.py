"""Which project and region a command acts on, in gcloud's order. Project: --project,
CLOUDSDK_CORE_PROJECT, GOOGLE_CLOUD_PROJECT, the active gcloud configuration's core/project, then the
project of Application Default Credentials. Region (the run/region property, as `gcloud run` reads it):
--region, CLOUDSDK_RUN_REGION, then the active configuration's [run] region. Reading the gcloud
configuration is a file read, not a gcloud call."""

from __future__ import annotations

import configparser
import os
import re
from pathlib import Path

from crpatterns.errors import UsageError

PROJECT_ID = re.compile(r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$")


REGION_ENV = "CLOUDSDK_RUN_REGION"
REGION_PROPERTY = "run/region"


def gcloud_property(section: str, key: str) -> str | None:
    """A property of the active gcloud configuration (CLOUDSDK_ACTIVE_CONFIG_NAME, else the file
    `active_config`, else "default"), or None."""
    config_dir = Path(os.environ.get("CLOUDSDK_CONFIG") or Path.home() / ".config" / "gcloud")
    name = os.environ.get("CLOUDSDK_ACTIVE_CONFIG_NAME")
    if not name:
        try:
            name = (config_dir / "active_config").read_text().strip()
        except OSError:
            name = "default"
    parser = configparser.ConfigParser()
    try:
        parser.read(config_dir / "configurations" / f"config_{name}")
    except configparser.Error:
        return None
    return parser.get(section, key, fallback=None) or None


def _gcloud_config_project() -> str | None:
    return gcloud_property("core", "project")


def default_region() -> tuple[str | None, str]:
    """The region when --region is absent, and where it came from (named in an error about it)."""
    from_env = os.environ.get(REGION_ENV, "").strip()
    if from_env:
        return from_env, REGION_ENV
    return gcloud_property("run", "region"), f"the gcloud configuration's {REGION_PROPERTY}"


def _adc_project() -> str | None:
    try:
        import google.auth

        _, project = google.auth.default()
    except Exception:
        return None
    return project


def resolve_project(flag: str | None, allow_adc: bool = True) -> str:
    project = (
        flag
        or os.environ.get("CLOUDSDK_CORE_PROJECT")
        or os.environ.get("GOOGLE_CLOUD_PROJECT")
        or _gcloud_config_project()
        or (_adc_project() if allow_adc else None)
    )
    if not project:
        raise UsageError(
            "No project given: pass --project PROJECT_ID (or set CLOUDSDK_CORE_PROJECT, or run "
            "`gcloud config set project PROJECT_ID`)."
        )
    check_project_id(project, "--project")
    return project


def check_project_id(project: str, flag: str) -> None:
    if not PROJECT_ID.match(project):
        raise UsageError(
            f"{flag} must be a project ID: 6 to 30 lowercase letters, digits or hyphens, starting with a "
            f"letter and not ending with a hyphen; got {project!r}."
        )
