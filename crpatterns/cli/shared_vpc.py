"""`crpatterns shared-vpc`: a Cloud Run service that sends its traffic through a Shared VPC host's subnet
(Direct VPC egress) and accepts only internal traffic. Flags in, an EnableSpec or DisableSpec out."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from crpatterns.cli.commands import add_status
from crpatterns.cli.options import Common, RegionOpt, with_common_options
from crpatterns.errors import UsageError

PATTERN_NAME = "shared-vpc"
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
    flags = dict(locals())  # the flags by parameter name (taken first: nothing else is local yet)
    from crpatterns.cli.flow import execute, guarded
    from crpatterns.patterns.registry import get

    guarded(lambda: execute(common, get(PATTERN_NAME), enable_spec(flags)))


def _choice(value: str, choices: dict[str, str], flag: str) -> str:
    if value not in choices:
        raise UsageError(f"{flag} must be {' or '.join(choices)}; got {value!r}.")
    return choices[value]


def enable_spec(flags: dict[str, Any]) -> Any:
    """Everything about the flags that can be checked without the cloud, then the spec.
    `flags`: enable's parameters by name (each flag is declared once, as a parameter, and read here)."""
    from crpatterns.cli import validation as check
    from crpatterns.gcp.project import check_project_id
    from crpatterns.patterns.shared_vpc.checks import check_host_is_another_project
    from crpatterns.patterns.shared_vpc.spec import EGRESS, INGRESS, EnableSpec

    check.name_and_region(flags["service"], flags["region"], flag="SERVICE")
    required = (("--host-project", "host_project", "my-host-project"), ("--network", "network", "shared-vpc"),
                ("--subnet", "subnet", "run-egress"))
    for flag, key, example in required:
        if not flags[key]:
            raise UsageError(f"{flag} is required, e.g. {flag} {example}.")
    check_project_id(flags["host_project"], "--host-project")
    project = flags["common"].project
    if project:
        check_host_is_another_project(flags["host_project"], project)
    check.compute_name(flags["network"], "--network")
    check.compute_name(flags["subnet"], "--subnet")
    if flags["image"]:
        check.image(flags["image"])
    tags = tuple(dict.fromkeys(check.network_tag(t) for t in flags["network_tag"] or ()))
    invokers = tuple(check.members(list(flags["invoker"] or ()), "--invoker"))
    return EnableSpec(name=flags["service"], region=flags["region"], host=flags["host_project"],
                      network=flags["network"], subnet=flags["subnet"], image=flags["image"], tags=tags,
                      invokers=invokers, attach=flags["attach"], egress=_choice(flags["egress"], EGRESS, "--egress"),
                      ingress=_choice(flags["ingress"], INGRESS, "--ingress"))


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
    from crpatterns.patterns.registry import get

    def spec() -> Any:
        from crpatterns.cli import validation as check
        from crpatterns.patterns.shared_vpc.spec import DisableSpec

        check.name_and_region(service, region, flag="SERVICE")
        return DisableSpec(name=service, region=region, revoke=revoke_host_access)

    guarded(lambda: execute(common, get(PATTERN_NAME), spec()))


add_status(app, PATTERN_NAME, ServiceArg, "Host, subnet, egress, ingress, the agent's access, Private Google Access; "
           "exits 1 on a finding.", flag="SERVICE")
