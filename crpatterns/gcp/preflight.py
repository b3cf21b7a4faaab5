"""Checks before any change: the project resolves (its number, through Resource Manager) and the APIs
a pattern needs are enabled (otherwise they are listed with the command that enables them, or enabled
with --enable-apis). Reads only, unless --enable-apis."""

from __future__ import annotations

import time
from dataclasses import dataclass

from crpatterns.errors import ApiCallError, PlanError
from crpatterns.gcp import failures
from crpatterns.gcp.clients import Clients
from crpatterns.gcp.lazy_import import type_module
from crpatterns.gcp.retry import with_retry


@dataclass(frozen=True)
class ProjectInfo:
    project_id: str
    number: str


def project_info(clients: Clients, project: str) -> ProjectInfo:
    from google.api_core import exceptions as gexc

    try:
        found = with_retry(lambda: clients.projects().get_project(name=f"projects/{project}"))
    except (gexc.PermissionDenied, gexc.Forbidden):
        raise ApiCallError(
            f"Project {project!r} does not exist or you do not have access to it "
            "(resourcemanager.projects.get was denied). Check --project.", status=403) from None
    except Exception as error:
        raise failures.describe(error, f"project {project}", "resourcemanager.projects.get") from error
    return ProjectInfo(found.project_id or project, found.name.removeprefix("projects/"))


def disabled_apis(clients: Clients, project: str, services: tuple[str, ...]) -> list[str]:
    """Which of `services` are off in the project (by id or number: Service Usage takes either, so this
    read can run at the same time as the project lookup)."""
    enabled_state = type_module("google.cloud.service_usage_v1", "resources").State.ENABLED
    client = clients.service_usage()
    parent = f"projects/{project}"
    names = [f"{parent}/services/{s}" for s in services]
    try:
        found = with_retry(lambda: client.batch_get_services(request={"parent": parent, "names": names}))
    except Exception as error:
        raise failures.describe(error, f"project {project}", "serviceusage.services.batchGet") from error
    return [s.config.name or s.name.rsplit("/", 1)[-1] for s in found.services if s.state != enabled_state]


def ensure_apis(clients: Clients, info: ProjectInfo, disabled: list[str], enable: bool) -> list[str]:
    """Returns the services that were enabled; raises PlanError listing the disabled ones otherwise."""
    client = clients.service_usage()
    parent = f"projects/{info.number}"
    if not disabled:
        return []
    if not enable:
        raise PlanError(
            f"These APIs are not enabled in project {info.project_id}: {', '.join(disabled)}. Enable them with "
            f"`gcloud services enable {' '.join(disabled)} --project {info.project_id}`, or rerun with --enable-apis."
        )
    try:
        operation = with_retry(lambda: client.batch_enable_services(
            request={"parent": parent, "service_ids": disabled}))
        _wait_service_usage(clients, operation.operation.name)
    except Exception as error:
        raise failures.describe(error, f"project {info.project_id}", "serviceusage.services.batchEnable") from error
    return disabled


def _wait_service_usage(clients: Clients, name: str) -> None:
    """Service Usage operations have no wait method: poll, quickly at first."""
    client = clients.service_usage()
    delay = 0.05
    while True:
        operation = with_retry(lambda: client.get_operation(request={"name": name}))
        if operation.done:
            if operation.HasField("error") and operation.error.code:
                raise PlanError(f"Enabling APIs failed: {operation.error.message}")
            return
        time.sleep(delay)
        delay = min(delay * 1.5, 2.0)
