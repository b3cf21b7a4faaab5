"""`crpatterns internal-api`: an API only the VPC can call, behind a regional internal load balancer."""

from __future__ import annotations

from typing import Annotated

import typer

from crpatterns.cli.commands import add_destroy, add_status
from crpatterns.cli.options import Common, RegionOpt, with_common_options

app = typer.Typer(help="Cloud Run behind a regional internal Application Load Balancer: callable from the VPC only.",
                  no_args_is_help=True)

NameArg = Annotated[str, typer.Argument(metavar="NAME", help="App name: the Cloud Run service and the prefix of "
                                        "every resource.")]


@app.command("create")
@with_common_options("adopt", "enable_apis")
def create(
    name: NameArg,
    image: Annotated[str, typer.Option(help="Container image, e.g. us-docker.pkg.dev/P/REPO/IMG:TAG.")] = "",
    region: RegionOpt = "",
    network: Annotated[str, typer.Option(help="VPC network the load balancer lives in.")] = "",
    subnet: Annotated[str, typer.Option(help="Regular subnet of the network, in the region, for the "
                                        "load balancer's address.")] = "",
    proxy_subnet_range: Annotated[str | None, typer.Option(
        help="Range of the proxy-only subnet, created only when the network has no active one in the region "
             "[default: 10.129.0.0/23].", show_default=False)] = None,
    port: Annotated[int, typer.Option(help="80 (HTTP) or 443 (HTTPS, needs the certificate files).")] = 80,
    certificate_file: Annotated[str | None, typer.Option(help="PEM certificate for --port 443.")] = None,
    private_key_file: Annotated[str | None, typer.Option(help="PEM private key of the certificate.")] = None,
    ip: Annotated[str | None, typer.Option("--ip", help="Static internal IP in the subnet, reserved by the tool "
                                           "(default: an ephemeral one).")] = None,
    global_access: Annotated[bool, typer.Option("--global-access", help="Let clients in other regions call it "
                                                "(changing it replaces the forwarding rule).")] = False,
    invoker: Annotated[list[str] | None, typer.Option("--invoker", help="Who may call it: roles/run.invoker "
                                                      "(user:, group:, serviceAccount:, ...; repeatable).")] = None,
    no_invoker_iam: Annotated[bool, typer.Option("--no-invoker-iam", help="No IAM check on calls (for callers "
                                                 "without identity tokens); ingress stays internal.")] = False,
    *,
    common: Common,
) -> None:
    """Create or update the API; the same command again changes nothing."""
    from crpatterns.cli.flow import execute, guarded

    def body() -> int:
        from crpatterns.cli import internal_api_run

        inputs = internal_api_run.Inputs(name, image, region, network, subnet, proxy_subnet_range, port,
                                         certificate_file, private_key_file, ip, global_access,
                                         tuple(invoker or ()), no_invoker_iam)
        return execute(common, internal_api_run.create_run(inputs))

    guarded(body)


add_destroy(app, NameArg, "Delete what this API created; a proxy-only subnet only when nothing else runs on it.",
            "crpatterns.cli.internal_api_run:destroy_run")
add_status(app, NameArg, "The internal IP and port, how to call it, ingress, invokers, proxy-only subnet, global "
           "access; exits 1 on a finding.", "crpatterns.cli.internal_api_run:status")
