"""`crpatterns internal-api`: an API only the VPC can call, behind a regional internal load balancer. Flags
and files in, an InternalApiSpec out; the flow does the rest."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from crpatterns.cli.commands import add_destroy, add_status
from crpatterns.cli.help import REQUIRED_FLAGS, Command, examples, new_group
from crpatterns.cli.internal_api_projects import (
    CreateProxySubnetOpt,
    FrontendAdminOpt,
    FrontendProjectOpt,
    NetworkProjectOpt,
    project_fields,
)
from crpatterns.cli.options import Common, with_common_options
from crpatterns.cli.regions import FailoverOpt, ReadinessPathOpt, RegionsOpt
from crpatterns.errors import UsageError

PATTERN_NAME = "internal-api"
EXAMPLE = ("crpatterns internal-api create orders --image us-docker.pkg.dev/my-project/apps/orders:1 "
           "--region us-central1 --network default --subnet default")
FRONTEND = "serviceAccount:frontend@my-project.iam.gserviceaccount.com"
app = new_group("Cloud Run behind a regional internal Application Load Balancer (several --region: a cross-region "
                "one): callable from the VPC only.",
                examples(f"{EXAMPLE} --invoker {FRONTEND}",
                         "crpatterns internal-api status orders --region us-central1"))

NameArg = Annotated[str, typer.Argument(metavar="NAME", help="App name: the Cloud Run service and the prefix of "
                                        "every resource.")]


@app.command("create", cls=Command, epilog=examples(
    f"{EXAMPLE} --invoker {FRONTEND} --dry-run",
    f"{EXAMPLE} --invoker {FRONTEND} --yes",
    f"{EXAMPLE} --port 443 --certificate-file api.pem --private-key-file api.key --no-invoker-iam --yes",
    f"{EXAMPLE} --region us-east1 --region europe-west1 --failover --invoker {FRONTEND} --yes"))
@with_common_options("adopt", "enable_apis")
def create(
    name: NameArg,
    image: Annotated[str, typer.Option(metavar="IMAGE", rich_help_panel=REQUIRED_FLAGS, show_default=False,
                                       help="Container image, e.g. us-docker.pkg.dev/PROJECT/REPO/IMAGE:TAG.")] = "",
    region: RegionsOpt = None,
    network: Annotated[str, typer.Option(metavar="NETWORK", rich_help_panel=REQUIRED_FLAGS, show_default=False,
                                         help="VPC network the load balancer lives in.")] = "",
    subnet: Annotated[list[str] | None, typer.Option(
        "--subnet", metavar="SUBNET", rich_help_panel=REQUIRED_FLAGS, show_default=False,
        help="Regular subnet of the network, in the region, for the load balancer's address: one name for every "
             "--region, or REGION=SUBNET once per --region.")] = None,
    proxy_subnet_range: Annotated[list[str] | None, typer.Option(
        "--proxy-subnet-range", metavar="CIDR", show_default=False,
        help="Range of the proxy-only subnet, /26 or larger, used only when the network has no active one in the "
             "region (an existing one is reused, whoever made it); with several --region, REGION=CIDR for each "
             "region to give. Without it: 10.129.0.0/23 when that is free; in an auto-mode network (which keeps "
             "10.128.0.0/9), or where it overlaps a range, the first free /23 of 10.0.0.0/8. The plan shows the "
             "range chosen.")] = None,
    port: Annotated[int, typer.Option(metavar="PORT", autocompletion=lambda: ["80", "443"],
                                      help="80 (HTTP) or 443 (HTTPS, needs the certificate files). With several "
                                           "--region, HTTP only: a cross-region internal load balancer takes "
                                           "Certificate Manager certificates, which crpatterns does not manage "
                                           "yet.")] = 80,
    certificate_file: Annotated[str | None, typer.Option(metavar="PEM_FILE",
                                                         help="PEM certificate for --port 443.")] = None,
    private_key_file: Annotated[str | None, typer.Option(metavar="PEM_FILE",
                                                         help="PEM private key of the certificate.")] = None,
    ip: Annotated[str | None, typer.Option("--ip", metavar="IP", help="Static internal IP in the subnet, reserved by "
                                           "the tool (default: an ephemeral one).")] = None,
    global_access: Annotated[bool, typer.Option("--global-access", help="Let clients in other regions call it "
                                                "(changing it replaces the forwarding rule).")] = False,
    invoker: Annotated[list[str] | None, typer.Option(
        "--invoker", metavar="MEMBER", help="Who may call it (roles/run.invoker): serviceAccount:EMAIL, user:EMAIL, "
        "group:EMAIL, ... (repeatable).")] = None,
    no_invoker_iam: Annotated[bool, typer.Option("--no-invoker-iam", help="No IAM check on calls (for callers "
                                                 "without identity tokens); ingress stays internal.")] = False,
    failover: FailoverOpt = False,
    readiness_path: ReadinessPathOpt = None,
    network_project: NetworkProjectOpt = None,
    frontend_project: FrontendProjectOpt = None,
    frontend_admin: FrontendAdminOpt = None,
    create_proxy_subnet: CreateProxySubnetOpt = False,
    *,
    common: Common,
) -> None:
    """Create or update the API; the same command again changes nothing."""
    flags = dict(locals())  # the flags by parameter name (taken first: nothing else is local yet)
    from crpatterns.cli.flow import execute, guarded
    from crpatterns.patterns.registry import get

    guarded(lambda: execute(common, get(PATTERN_NAME), spec_from_flags(flags)))


def spec_from_flags(flags: dict[str, Any]) -> Any:
    """Everything about the flags that can be checked without the cloud, then the spec; reads the files.
    `flags`: create's parameters by name (each flag is declared once, as a parameter, and read here)."""
    from crpatterns.cli import regions as multi
    from crpatterns.cli import validation as check
    from crpatterns.patterns.internal_api.spec import (
        HTTPS_PORT,
        PORTS,
        SMALLEST_PROXY_PREFIX,
        InternalApiSpec,
        Names,
    )
    from crpatterns.patterns.registry import get

    name, image, port = flags["name"], flags["image"], flags["port"]
    certificate_file, private_key_file = flags["certificate_file"], flags["private_key_file"]
    invokers, no_invoker_iam = tuple(flags["invoker"] or ()), flags["no_invoker_iam"]
    regions = multi.regions(name, flags["region"], get(PATTERN_NAME).resource_names(name))
    readiness = multi.failover(flags["failover"], flags["readiness_path"], regions)
    if len(regions) > 1:
        check_cross_region(flags, regions)
        check.compute_names({f"forwarding rule in {r}": Names.of(name).rule_in(r) for r in regions})
    if not image:
        raise UsageError("--image is required: the container image to run, e.g. us-docker.pkg.dev/P/REPO/IMG:TAG.")
    check.image(image)
    if not flags["network"]:
        raise UsageError("--network is required: the VPC network the load balancer's address lives in, "
                         "e.g. --network default.")
    check.compute_name(flags["network"], "--network")
    subnets = multi.per_region(flags["subnet"], regions, "--subnet", "subnet")
    if not subnets:
        raise UsageError("--subnet is required: the VPC subnet the load balancer's address lives in, "
                         "e.g. --subnet default.")
    for subnet in subnets.values():
        check.compute_name(subnet, "--subnet")
    if port not in PORTS:
        raise UsageError(f"--port must be 80 (HTTP) or 443 (HTTPS); got {port}.")
    certificate = key = None
    if port == HTTPS_PORT:
        if not (certificate_file or private_key_file):
            raise UsageError("--port 443 needs --certificate-file and --private-key-file (PEM): the regional "
                             "load balancer serves a self-managed certificate.")
        pair = check.read_pem_pair(certificate_file, private_key_file, ("--certificate-file", "--private-key-file"))
        certificate, key = pair.certificate, pair.private_key
        check.warn(pair.warnings)
    elif certificate_file or private_key_file:
        raise UsageError("--certificate-file and --private-key-file go with --port 443 only.")
    if invokers and no_invoker_iam:
        raise UsageError("--invoker and --no-invoker-iam exclude each other: grant named callers, or turn the "
                         "IAM check off, not both.")
    invokers = tuple(check.members(list(invokers), "--invoker"))
    ranges = multi.per_region(flags["proxy_subnet_range"], regions, "--proxy-subnet-range", "cidr")
    for cidr in ranges.values():
        check.cidr(cidr, "--proxy-subnet-range", min_prefix=8, max_prefix=SMALLEST_PROXY_PREFIX)
    if flags["ip"]:
        check.ip(flags["ip"], "--ip")
    first = regions[0]
    return InternalApiSpec(name=name, region=first, other_regions=regions[1:], image=image, network=flags["network"],
                           subnet=subnets[first], port=port, certificate_pem=certificate, private_key_pem=key,
                           ip=flags["ip"], global_access=flags["global_access"], invokers=invokers,
                           invoker_iam_disabled=no_invoker_iam, proxy_subnet_range=ranges.get(first),
                           region_subnets=tuple((r, s) for r, s in subnets.items() if r != first),
                           region_proxy_ranges=tuple((r, c) for r, c in ranges.items() if r != first),
                           failover=flags["failover"], readiness_path=readiness,
                           **project_fields(flags, regions))


def check_cross_region(flags: dict[str, Any], regions: tuple[str, ...]) -> None:
    """What a cross-region internal load balancer does not take (several --region): HTTPS with the tool's
    certificates, a reserved --ip, --global-access; and more than 5 regions with --failover."""
    from crpatterns.patterns.failover import MAX_CROSS_REGION_BACKENDS
    from crpatterns.patterns.internal_api.spec import HTTPS_PORT

    if flags["port"] == HTTPS_PORT:
        raise UsageError("--port 443 takes a single --region: a cross-region internal load balancer serves HTTPS "
                         "only with Certificate Manager certificates, which crpatterns does not manage yet; several "
                         "regions serve HTTP on port 80.")
    if flags["ip"]:
        raise UsageError("--ip takes a single --region: with several regions each forwarding rule gets an address of "
                         "its region's subnet.")
    if flags["global_access"]:
        raise UsageError("--global-access takes a single --region: a cross-region internal load balancer is "
                         "reachable from every region already.")
    if flags["failover"] and len(regions) > MAX_CROSS_REGION_BACKENDS:
        raise UsageError(f"--failover takes at most {MAX_CROSS_REGION_BACKENDS} --region for an internal API: Cloud "
                         "Run service health does not support cross-region internal load balancers with more "
                         f"serverless NEG backends; got {len(regions)}.")


add_destroy(app, PATTERN_NAME, NameArg, "Delete what this API created; a proxy-only subnet only when nothing else "
            "runs on it.", "orders")
add_status(app, PATTERN_NAME, NameArg, "The internal IP and port, how to call it, ingress, invokers, proxy-only "
           "subnet, global access; exits 1 on a finding.", "orders")
