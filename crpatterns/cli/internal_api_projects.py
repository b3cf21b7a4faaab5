"""internal-api's flags across projects (--network-project, --frontend-project, --frontend-admin,
--create-proxy-subnet): their declarations and checks, apart from the rest of the command
(crpatterns/patterns/internal_api/projects.py says what they mean)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from crpatterns.errors import UsageError

NetworkProjectOpt = Annotated[str | None, typer.Option(
    "--network-project", metavar="HOST_PROJECT_ID", show_default=False,
    help="Shared VPC host project of --network and --subnet (default: the project of the forwarding rule). The "
         "load balancer's project must be attached to it and the subnet shared with it; its proxy-only subnet must "
         "exist (or --create-proxy-subnet).")]
FrontendProjectOpt = Annotated[str | None, typer.Option(
    "--frontend-project", metavar="PROJECT_ID", show_default=False,
    help="Project of the load balancer's frontend (forwarding rule, target proxy, URL map, --ip): cross-project "
         "service referencing, the backend service and Cloud Run service staying in --project.")]
FrontendAdminOpt = Annotated[list[str] | None, typer.Option(
    "--frontend-admin", metavar="MEMBER",
    help="Who manages the frontend project's load balancer (user:, group:, serviceAccount: ...; repeatable): "
         "granted roles/compute.loadBalancerServiceUser on the backend service, and only those grants are "
         "removed when dropped.")]
CreateProxySubnetOpt = Annotated[bool, typer.Option(
    "--create-proxy-subnet", help="With --network-project: create the proxy-only subnet in the host when its "
                                  "network has none in the region (otherwise a network admin of the host must).")]


def project_fields(flags: dict[str, Any], regions: tuple[str, ...]) -> dict[str, Any]:
    """The spec's cross-project fields, after the checks that need no call; UsageError naming the flag."""
    from crpatterns.cli import validation as check
    from crpatterns.gcp.project import check_project_id

    host, front = flags.get("network_project") or "", flags.get("frontend_project") or ""
    admins = list(flags.get("frontend_admin") or ())
    for value, flag in ((host, "--network-project"), (front, "--frontend-project")):
        if value:
            check_project_id(value, flag)
    project = getattr(flags.get("common"), "project", None)
    if front and front == project:
        raise UsageError(f"--frontend-project must be another project than --project {project}; leave it out to keep "
                         "the frontend with the app.")
    if (host or front) and len(regions) > 1:
        raise UsageError("--network-project and --frontend-project take a single --region: a cross-region load "
                         "balancer across projects is not supported yet.")
    if admins and not front:
        raise UsageError("--frontend-admin goes with --frontend-project: it names who manages the load balancer "
                         "there, e.g. --frontend-project platform-prj --frontend-admin group:platform@example.com.")
    if flags.get("create_proxy_subnet") and not host:
        raise UsageError("--create-proxy-subnet goes with --network-project: in the app's own network the "
                         "proxy-only subnet is created when missing anyway.")
    return {"network_project": host, "frontend_project": front,
            "frontend_admins": tuple(check.members(admins, "--frontend-admin")),
            "create_proxy_subnet": bool(flags.get("create_proxy_subnet"))}

