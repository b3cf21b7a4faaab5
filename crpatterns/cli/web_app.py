"""`crpatterns web-app`: an internal web app behind an external HTTPS load balancer with IAP."""

from __future__ import annotations

from typing import Annotated

import typer

from crpatterns.cli.commands import add_destroy, add_status
from crpatterns.cli.options import Common, RegionOpt, with_common_options

app = typer.Typer(help="Cloud Run behind an external HTTPS load balancer protected by Identity-Aware Proxy.",
                  no_args_is_help=True)

NameArg = Annotated[
    str, typer.Argument(metavar="NAME", help="App name: the Cloud Run service and the prefix of every resource.")
]


@app.command("create")
@with_common_options("adopt", "enable_apis")
def create(
    name: NameArg,
    image: Annotated[str, typer.Option(help="Container image, e.g. us-docker.pkg.dev/P/REPO/IMG:TAG.")] = "",
    region: RegionOpt = "",
    domain: Annotated[list[str] | None, typer.Option("--domain", help="Domain served (repeatable).")] = None,
    member: Annotated[list[str] | None, typer.Option("--member", help="Who may use the app through IAP "
                                                      "(user:, group:, domain:, ...; repeatable).")] = None,
    iap_mode: Annotated[str, typer.Option("--iap-mode", help="lb: IAP on a load balancer; direct: IAP on the "
                                          "Cloud Run service itself.")] = "lb",
    certificate_file: Annotated[str | None, typer.Option(help="PEM certificate (self-managed).")] = None,
    private_key_file: Annotated[str | None, typer.Option(help="PEM private key of the certificate.")] = None,
    address: Annotated[str | None, typer.Option(help="Existing reserved global address to use.")] = None,
    https_redirect: Annotated[bool, typer.Option("--https-redirect/--no-https-redirect",
                                                 help="Redirect port 80 to HTTPS.")] = True,
    oauth_client_id: Annotated[str | None, typer.Option(help="Custom OAuth client for IAP.")] = None,
    oauth_client_secret_file: Annotated[str | None, typer.Option(help="File holding the OAuth client secret.")] = None,
    disable_default_url: Annotated[bool, typer.Option(help="Disable the run.app URL.")] = False,
    *,
    common: Common,
) -> None:
    """Create or update the app; the same command again changes nothing."""
    from crpatterns.cli.flow import execute, guarded

    def body() -> int:
        from crpatterns.cli import web_app_run

        inputs = web_app_run.Inputs(name, image, region, tuple(domain or ()), tuple(member or ()), iap_mode,
                                    certificate_file, private_key_file, address, https_redirect, oauth_client_id,
                                    oauth_client_secret_file, disable_default_url)
        return execute(common, web_app_run.create_run(inputs))

    guarded(body)


add_destroy(app, NameArg, "Delete everything this app created, in reverse order, and nothing else.",
            "crpatterns.cli.web_app_run:destroy_run")
add_status(app, NameArg, "The app's address, DNS records, certificate, ingress, IAP and invokers; exits 1 on a "
           "finding.", "crpatterns.cli.web_app_run:status")
