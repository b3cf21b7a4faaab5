"""A service project's attachment to a Shared VPC host (Compute projects.getXpnHost /
enableXpnResource). Never created or deleted by the tool: attaching is a change to a shared resource,
made only with --attach."""

from __future__ import annotations

from typing import Any

from crpatterns.engine.model import Actual, Change, Scope
from crpatterns.gcp.lazy_import import compute_types
from crpatterns.gcp.shared_vpc import NOT_A_HOST_STATUS
from crpatterns.kinds.compute import ComputeKind, to_dict
from crpatterns.kinds.keys import KindKey


class XpnAttachment(ComputeKind):
    """`name` is the service project; the desired body is {"hostProject": HOST}."""

    key = KindKey.XPN_HOST
    client_class = "ProjectsClient"
    message = "Project"
    name_arg = "project"
    segment = "projects"
    regional = False
    marker_in = "none"

    def read(self, scope: Scope, name: str) -> dict[str, Any] | None:
        host = self.call(name, "getXpnHost", lambda: to_dict(self.client.get_xpn_host(project=name)))
        return {"name": name, "hostProject": host.get("name") or None}

    def host_status(self, project: str, described_as: str = "") -> str:
        """The project's Compute Project.xpnProjectStatus: HOST when Shared VPC is enabled on it.
        `described_as` names the project in a failure, e.g. "no-such-host (--host-project)"."""
        found = self.call(described_as or project, "get", lambda: to_dict(self.client.get(project=project)))
        return str(found.get("xpnProjectStatus") or NOT_A_HOST_STATUS)

    def update(self, actual: Actual, body: dict[str, Any], changes: tuple[Change, ...]) -> None:
        compute_v1 = compute_types()

        request = compute_v1.ProjectsEnableXpnResourceRequest(
            xpn_resource=compute_v1.XpnResourceId(id=actual.name, type_="PROJECT"))
        host = body["hostProject"]
        operation = self.call(actual.name, "enableXpnResource", lambda: self.client.enable_xpn_resource(
            project=host, projects_enable_xpn_resource_request_resource=request))
        from crpatterns.gcp.operations import wait_compute

        self.call(actual.name, "enableXpnResource (operation)",
                  lambda: wait_compute(self.clients, operation, host, None))
