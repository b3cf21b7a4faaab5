"""`crpatterns shared-vpc`: a Cloud Run service that sends its traffic through a Shared VPC host's subnet
(Direct VPC egress) and accepts only internal traffic. Flags in, an EnableSpec or DisableSpec out."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from crpatterns.cli.commands import add_status
from crpatterns.cli.help import REQUIRED_FLAGS, Command, examples, new_group
from crpatterns.cli.options import Common, RegionOpt, choice_help, completes, with_common_options
from crpatterns.errors import UsageError

PATTERN_NAME = "shared-vpc"
# crpatterns.patterns.shared_vpc.spec.EGRESS and INGRESS keys, not imported for a light --help
EGRESS_CHOICES = ("all-traffic", "private-ranges-only")
INGRESS_CHOICES = ("internal", "internal-and-cloud-load-balancing")
EXAMPLE = ("crpatterns shared-vpc enable payments --region us-central1 --host-project my-host --network shared-vpc "
           "--subnet run-egress --project my-service")
DISABLE = "crpatterns shared-vpc disable payments --region us-central1 --project my-service"
app = new_group("Connect a Cloud Run service to a Shared VPC host's subnet with Direct VPC egress and "
                "internal ingress.", examples(EXAMPLE, DISABLE))

ServiceArg = Annotated[str, typer.Argument(metavar="SERVICE", help="The Cloud Run service (in --project, the "
                                           "service project).")]


@app.command("enable", cls=Command, epilog=examples(
    f"{EXAMPLE} --dry-run",
    f"{EXAMPLE} --image us-docker.pkg.dev/my-service/apps/payments:1 --attach --yes",
    f"{EXAMPLE} --egress private-ranges-only --network-tag run-egress --yes"))
@with_common_options("enable_apis")
def enable(
    service: ServiceArg,
    region: RegionOpt = "",
    host_project: Annotated[str, typer.Option("--host-project", metavar="HOST_PROJECT_ID", show_default=False,
                                              rich_help_panel=REQUIRED_FLAGS,
                                              help="The Shared VPC host project.")] = "",
    network: Annotated[str, typer.Option(metavar="NETWORK", rich_help_panel=REQUIRED_FLAGS, show_default=False,
                                         help="The host's Shared VPC network.")] = "",
    subnet: Annotated[str, typer.Option(metavar="SUBNET", rich_help_panel=REQUIRED_FLAGS, show_default=False,
                                        help="The host's subnet in the region the service takes its IPs "
                                             "from.")] = "",
    image: Annotated[str, typer.Option(metavar="IMAGE", show_default=False,
                                       help="Create the service with this image if it does not exist "
                                            "(`disable --delete-service` deletes it again).")] = "",
    egress: Annotated[str, typer.Option(metavar="EGRESS", autocompletion=completes(EGRESS_CHOICES), help=choice_help(
        "all-traffic: calls to other services travel the VPC too; private-ranges-only: only calls to private "
        "ranges.", EGRESS_CHOICES))] = "all-traffic",
    ingress: Annotated[str, typer.Option(metavar="INGRESS", autocompletion=completes(INGRESS_CHOICES),
                                         help=choice_help("Who may reach the service.", INGRESS_CHOICES))] = "internal",
    network_tag: Annotated[list[str] | None, typer.Option("--network-tag", metavar="TAG", help="Network tag for "
                                                          "firewall rules (repeatable).")] = None,
    invoker: Annotated[list[str] | None, typer.Option(
        "--invoker", metavar="MEMBER", help="Who may call the service, added to its policy: serviceAccount:EMAIL, "
        "user:EMAIL, group:EMAIL, ... (repeatable).")] = None,
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

    region = check.name_and_region(flags["service"], flags["region"], flag="SERVICE")
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
    return EnableSpec(name=flags["service"], region=region, host=flags["host_project"],
                      network=flags["network"], subnet=flags["subnet"], image=flags["image"], tags=tags,
                      invokers=invokers, attach=flags["attach"], egress=_choice(flags["egress"], EGRESS, "--egress"),
                      ingress=_choice(flags["ingress"], INGRESS, "--ingress"))


@app.command("disable", cls=Command, epilog=examples(
    f"{DISABLE} --dry-run", f"{DISABLE} --revoke-host-access --yes", f"{DISABLE} --delete-service --yes"))
@with_common_options()
def disable(
    service: ServiceArg,
    region: RegionOpt = "",
    revoke_host_access: Annotated[bool, typer.Option(
        "--revoke-host-access", help="Also remove the host-side grants crpatterns added, unless another service "
        "of the project still uses the subnet.")] = False,
    delete_service: Annotated[bool, typer.Option(
        "--delete-service", help="Delete the service too: only one that `enable --image` created (its labels name "
        "this app and the shared-vpc pattern); another is refused.")] = False,
    *,
    common: Common,
) -> None:
    """Remove the service's VPC connection and restore the ingress it had before enable."""
    from crpatterns.cli.flow import execute, guarded
    from crpatterns.patterns.registry import get

    def spec() -> Any:
        from crpatterns.cli import validation as check
        from crpatterns.patterns.shared_vpc.spec import DisableSpec

        checked_region = check.name_and_region(service, region, flag="SERVICE")
        return DisableSpec(name=service, region=checked_region, revoke=revoke_host_access,
                           delete_service=delete_service)

    guarded(lambda: execute(common, get(PATTERN_NAME), spec()))


add_status(app, PATTERN_NAME, ServiceArg, "Host, subnet, egress, ingress, the agent's access, Private Google Access; "
           "exits 1 on a finding.", "payments", flag="SERVICE")
