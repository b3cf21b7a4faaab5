"""`crpatterns shared-vpc`: a Cloud Run service that sends its traffic through a Shared VPC host's subnet
(Direct VPC egress) and accepts only internal traffic."""

from __future__ import annotations

from typing import Annotated

import typer

from crpatterns.cli.commands import add_status
from crpatterns.cli.options import Common, RegionOpt, with_common_options

app = typer.Typer(help="Connect a Cloud Run service to a Shared VPC host's subnet with Direct VPC egress and "
                  "internal ingress.", no_args_is_help=True)

ServiceArg = Annotated[str, typer.Argument(metavar="SERVICE", help="The Cloud Run service (in --project, the "
                                           "service project).")]


@app.command("enable")
@with_common_options("enable_apis")
def enable(
    service: ServiceArg,
    region: RegionOpt = "",
    host_project: Annotated[str, typer.Option("--host-project", help="The Shared VPC host project.",
                                              show_default=False)] = "",
    network: Annotated[str, typer.Option(help="The host's Shared VPC network.", show_default=False)] = "",
    subnet: Annotated[str, typer.Option(help="The host's subnet in --region the service takes its IPs from.",
                                        show_default=False)] = "",
    image: Annotated[str, typer.Option(help="Create the service with this image if it does not exist.")] = "",
    egress: Annotated[str, typer.Option(help="all-traffic (calls to other services travel the VPC) or "
                                        "private-ranges-only.")] = "all-traffic",
    ingress: Annotated[str, typer.Option(help="internal or internal-and-cloud-load-balancing.")] = "internal",
    network_tag: Annotated[list[str] | None, typer.Option("--network-tag", help="Network tag for firewall "
                                                          "rules (repeatable).")] = None,
    invoker: Annotated[list[str] | None, typer.Option(
        "--invoker", help="Who may call the service, added to its policy (serviceAccount:, user:, group:...; "
        "repeatable).")] = None,
    attach: Annotated[bool, typer.Option("--attach", help="Attach the service project to the host if it is not "
                                         "(needs Shared VPC Admin, roles/compute.xpnAdmin).")] = False,
    *,
    common: Common,
) -> None:
    """Connect the service; the host side (grants, Private Google Access) first. Run again: no changes."""
    from crpatterns.cli.flow import execute, guarded

    def body() -> int:
        from crpatterns.cli import shared_vpc_run

        inputs = shared_vpc_run.EnableInputs(service, region, host_project, network, subnet, image, egress, ingress,
                                             tuple(network_tag or ()), tuple(invoker or ()), attach, common.project)
        return execute(common, shared_vpc_run.enable_run(inputs))

    guarded(body)


@app.command("disable")
@with_common_options()
def disable(
    service: ServiceArg,
    region: RegionOpt = "",
    revoke_host_access: Annotated[bool, typer.Option(
        "--revoke-host-access", help="Also remove the host-side grants crpatterns added, unless another service "
        "of the project still uses the subnet.")] = False,
    *,
    common: Common,
) -> None:
    """Remove the service's VPC connection and restore the ingress it had before enable."""
    from crpatterns.cli.flow import execute, guarded

    def body() -> int:
        from crpatterns.cli import shared_vpc_run

        return execute(common, shared_vpc_run.disable_run(service, region, revoke_host_access))

    guarded(body)


add_status(app, ServiceArg, "Host, subnet, egress, ingress, the agent's access, Private Google Access; exits 1 on "
           "a finding.", "crpatterns.cli.shared_vpc_run:status")
