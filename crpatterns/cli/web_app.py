"""`crpatterns web-app`: an internal web app behind an external HTTPS load balancer with IAP. Flags and
files in, a WebAppSpec out; the flow does the rest."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from crpatterns.cli.commands import add_destroy, add_status
from crpatterns.cli.help import REQUIRED_FLAGS, Command, examples, new_group
from crpatterns.cli.options import Common, choice_help, completes, with_common_options
from crpatterns.cli.regions import FailoverOpt, ReadinessPathOpt, RegionsOpt
from crpatterns.errors import UsageError

PATTERN_NAME = "web-app"
IAP_MODES = ("lb", "direct")  # crpatterns.patterns.web_app.spec.IAP_MODES, not imported for a light --help
EXAMPLE = ("crpatterns web-app create hello --image us-docker.pkg.dev/my-project/apps/hello:1 --region us-central1 "
           "--domain hello.example.com --member group:staff@example.com")
app = new_group("Cloud Run behind an external HTTPS load balancer protected by Identity-Aware Proxy.",
                examples(EXAMPLE, "crpatterns web-app status hello --region us-central1"))

NameArg = Annotated[
    str, typer.Argument(metavar="NAME", help="App name: the Cloud Run service and the prefix of every resource.")
]


@app.command("create", cls=Command, epilog=examples(
    f"{EXAMPLE} --dry-run",
    f"{EXAMPLE} --yes",
    f"{EXAMPLE} --dry-run --detailed-exitcode --format json > plan.json",
    "crpatterns web-app create hello --image us-docker.pkg.dev/my-project/apps/hello:1 --region us-central1 "
    "--iap-mode direct --member domain:example.com --yes",
    f"{EXAMPLE} --region us-east1 --region europe-west1 --failover --readiness-path /healthz --yes"))
@with_common_options("adopt", "enable_apis")
def create(
    name: NameArg,
    image: Annotated[str, typer.Option(metavar="IMAGE", rich_help_panel=REQUIRED_FLAGS, show_default=False,
                                       help="Container image, e.g. us-docker.pkg.dev/PROJECT/REPO/IMAGE:TAG.")] = "",
    region: RegionsOpt = None,
    domain: Annotated[list[str] | None, typer.Option(
        "--domain", metavar="DOMAIN", rich_help_panel=REQUIRED_FLAGS,
        help="Domain the load balancer serves, e.g. hello.example.com (repeatable; --iap-mode lb only).")] = None,
    member: Annotated[list[str] | None, typer.Option(
        "--member", metavar="MEMBER", rich_help_panel=REQUIRED_FLAGS,
        help="Who may use the app through IAP: user:EMAIL, group:EMAIL, domain:DOMAIN, serviceAccount:EMAIL, "
             "principal://... (repeatable).")] = None,
    iap_mode: Annotated[str, typer.Option(
        "--iap-mode", metavar="MODE", autocompletion=completes(IAP_MODES),
        help=choice_help("Where IAP checks users. lb: on the load balancer; direct: on the Cloud Run service "
                         "itself (no load balancer, the run.app URL).", IAP_MODES))] = "lb",
    certificate_file: Annotated[str | None, typer.Option(
        metavar="PEM_FILE", help="Self-managed certificate (PEM) instead of a Google-managed one.")] = None,
    private_key_file: Annotated[str | None, typer.Option(metavar="PEM_FILE",
                                                         help="PEM private key of --certificate-file.")] = None,
    address: Annotated[str | None, typer.Option(metavar="ADDRESS_NAME",
                                                help="Existing reserved global address to use (default: a new "
                                                     "NAME-ip).")] = None,
    https_redirect: Annotated[bool, typer.Option("--https-redirect/--no-https-redirect",
                                                 help="Redirect port 80 to HTTPS.")] = True,
    oauth_client_id: Annotated[str | None, typer.Option(
        metavar="CLIENT_ID", help="Custom OAuth client for IAP (default: the Google-managed client, users of "
                                  "your organization only).")] = None,
    oauth_client_secret_file: Annotated[str | None, typer.Option(
        metavar="FILE", help="File holding the secret of --oauth-client-id (never printed).")] = None,
    disable_default_url: Annotated[bool, typer.Option(help="Disable the run.app URL (--iap-mode lb).")] = False,
    failover: FailoverOpt = False,
    readiness_path: ReadinessPathOpt = None,
    *,
    common: Common,
) -> None:
    """Create or update the app; the same command again changes nothing."""
    flags = dict(locals())  # the flags by parameter name (taken first: nothing else is local yet)
    from crpatterns.cli.flow import execute, guarded
    from crpatterns.patterns.registry import get

    guarded(lambda: execute(common, get(PATTERN_NAME), spec_from_flags(flags)))


def spec_from_flags(flags: dict[str, Any]) -> Any:
    """Everything about the flags that can be checked without the cloud, then the spec; reads the files.
    `flags`: create's parameters by name (each flag is declared once, as a parameter, and read here)."""
    from crpatterns.cli import regions as multi
    from crpatterns.cli import validation as check
    from crpatterns.patterns.registry import get
    from crpatterns.patterns.web_app.spec import IAP_MODES, LB_MODE, MAX_DOMAINS, WebAppSpec

    name, image, region, iap_mode = flags["name"], flags["image"], flags["region"], flags["iap_mode"]
    certificate_file, private_key_file = flags["certificate_file"], flags["private_key_file"]
    address, https_redirect, oauth_client_id = flags["address"], flags["https_redirect"], flags["oauth_client_id"]
    members, domains = tuple(flags["member"] or ()), tuple(flags["domain"] or ())

    regions = multi.regions(name, region, get(PATTERN_NAME).resource_names(name))
    readiness = multi.failover(flags["failover"], flags["readiness_path"], regions)
    if not image:
        raise UsageError("--image is required: the container image to run, e.g. us-docker.pkg.dev/P/REPO/IMG:TAG.")
    check.image(image)
    if iap_mode not in IAP_MODES:
        raise UsageError(f"--iap-mode must be {' or '.join(IAP_MODES)}; got {iap_mode!r}.")
    if not members:
        raise UsageError(
            "--member is required (repeatable): who may use the app, e.g. --member group:staff@example.com.")
    checked_members = tuple(check.members(list(members)))
    lb = iap_mode == LB_MODE
    checked_domains = tuple(dict.fromkeys(check.domain(d) for d in domains))
    if lb and not checked_domains:
        raise UsageError("--domain is required with --iap-mode lb (repeatable): the host name users will open.")
    if not lb:
        for flag, value in (("--domain", checked_domains), ("--certificate-file", certificate_file),
                            ("--address", address), ("--oauth-client-id", oauth_client_id)):
            if value:
                raise UsageError(f"{flag} applies to --iap-mode lb only; direct mode has no load balancer.")
        if not https_redirect:
            raise UsageError("--no-https-redirect applies to --iap-mode lb only; direct mode has no load balancer.")
    certificate = key = None
    if certificate_file or private_key_file:
        pair = check.read_pem_pair(certificate_file, private_key_file, ("--certificate-file", "--private-key-file"),
                                   checked_domains)
        certificate, key = pair.certificate, pair.private_key
        check.warn(pair.warnings)
    if not lb and flags["disable_default_url"]:
        raise UsageError("--disable-default-url with --iap-mode direct leaves no way in: direct IAP guards the "
                         "run.app URL itself. Keep the URL, or use --iap-mode lb.")
    if not lb and len(regions) > 1:
        raise UsageError("--iap-mode direct serves one --region (its run.app URL); several regions need the load "
                         "balancer, --iap-mode lb.")
    if flags["failover"] and oauth_client_id:
        raise UsageError("--oauth-client-id does not go with --failover: IAP then sits on the Cloud Run services, "
                         "which use the Google-managed OAuth client.")
    if len(checked_domains) > MAX_DOMAINS:
        raise UsageError(f"--domain may be given at most {MAX_DOMAINS} times (a managed certificate's limit).")
    secret = None
    if bool(oauth_client_id) != bool(flags["oauth_client_secret_file"]):
        raise UsageError("--oauth-client-id and --oauth-client-secret-file go together: give both or neither.")
    if flags["oauth_client_secret_file"]:
        secret = check.read_secret(flags["oauth_client_secret_file"], "--oauth-client-secret-file")
    if address:
        check.compute_name(address, "--address")
    return WebAppSpec(name=name, region=regions[0], other_regions=regions[1:], failover=flags["failover"],
                      readiness_path=readiness, image=image, domains=checked_domains, members=checked_members,
                      iap_mode=iap_mode, certificate_pem=certificate, private_key_pem=key, address=address,
                      https_redirect=https_redirect, oauth_client_id=oauth_client_id, oauth_client_secret=secret,
                      disable_default_url=flags["disable_default_url"])


add_destroy(app, PATTERN_NAME, NameArg, "Delete everything this app created, in reverse order, and nothing else.",
            "hello")
add_status(app, PATTERN_NAME, NameArg, "The app's address, DNS records, certificate, ingress, IAP and invokers; "
           "exits 1 on a finding.", "hello")
