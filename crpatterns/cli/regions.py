"""The flags that put an app in several regions behind one load balancer: --region (repeatable), --subnet
REGION=SUBNET, --failover and --readiness-path. Declared once here for web-app and internal-api; each check
is one sentence naming the flag and the form it takes (UsageError, before any call)."""

from __future__ import annotations

import re
from typing import Annotated

import typer

from crpatterns.cli.help import REQUIRED_FLAGS
from crpatterns.errors import UsageError

MIN_FAILOVER_REGIONS = 2  # crpatterns.patterns.failover.MIN_REGIONS, for the help text (a light --help)
# An absolute URL path: "/", then path characters (RFC 3986 pchar, without percent-encodings' spaces).
READINESS_PATH = re.compile(r"^/[A-Za-z0-9._~!$&'()*+,;=:@/%-]*$")
MAX_PATH = 1024

RegionsOpt = Annotated[list[str] | None, typer.Option(
    "--region", metavar="REGION", rich_help_panel=REQUIRED_FLAGS, show_default=False,
    help="Cloud Run region, e.g. us-central1; repeat it to run the app in several regions behind one load balancer "
         "(a service and a serverless NEG in each). Default, as gcloud run: CLOUDSDK_RUN_REGION, then the active "
         "gcloud configuration's run/region.")]
AppRegionsOpt = Annotated[list[str] | None, typer.Option(
    "--region", metavar="REGION", rich_help_panel=REQUIRED_FLAGS, show_default=False,
    help="A region of the app, e.g. us-central1; an app in several regions is found from any one of them, and "
         "repeating --region for each also finds what an interrupted run left there. Default, as gcloud run: "
         "CLOUDSDK_RUN_REGION, then the active gcloud configuration's run/region.")]
FailoverOpt = Annotated[bool, typer.Option(
    "--failover", help="Cloud Run service health moves traffic away from a region whose service is unhealthy and "
                       "back: a readiness probe and one minimum instance (billed while idle) in each region; needs "
                       "two or more --region.")]
ReadinessPathOpt = Annotated[str | None, typer.Option(
    "--readiness-path", metavar="PATH", show_default=False,
    help="HTTP path Cloud Run probes for readiness with --failover (default /).")]


def regions(name: str, values: list[str] | None, derived: dict[str, str], flag: str = "NAME") -> tuple[str, ...]:
    """The app's regions, in the order given: the name and the first region checked as every command does
    (from gcloud's run/region when no --region is given), each further region a Cloud Run region, none twice."""
    from crpatterns.cli import validation as check

    given = [values] if isinstance(values, str) else list(values or [])  # a stack file's single value
    first = check.name_and_region(name, given[0] if given else "", derived, flag=flag)
    rest = [check.region(value) for value in given[1:]]
    repeated = sorted({r for r in rest if [first, *rest].count(r) > 1})
    if repeated:
        raise UsageError(f"--region {repeated[0]} is given twice; give each region once.")
    return (first, *rest)


def failover(enabled: bool, readiness_path: str | None, regions: tuple[str, ...]) -> str:
    """The readiness path --failover probes (checked), or the default; refused without two regions."""
    from crpatterns.patterns.failover import DEFAULT_READINESS_PATH

    if readiness_path is not None and not enabled:
        raise UsageError("--readiness-path goes with --failover: the readiness probe is what service health reads.")
    if enabled and len(regions) < MIN_FAILOVER_REGIONS:
        raise UsageError(f"--failover needs at least {MIN_FAILOVER_REGIONS} --region: traffic fails over to another "
                         "region, e.g. --region us-central1 --region us-east1.")
    path = DEFAULT_READINESS_PATH if readiness_path is None else readiness_path
    if len(path) > MAX_PATH or not READINESS_PATH.match(path):
        raise UsageError(f"--readiness-path must be an absolute URL path such as /healthz (no scheme, host or "
                         f"spaces); got {path!r}.")
    return path


def per_region(values: list[str] | None, regions: tuple[str, ...], flag: str, what: str) -> dict[str, str]:
    """A flag given once for every region (`--subnet S`: the same name in each region) or as REGION=VALUE
    pairs, one for each region (`--subnet us-central1=a --subnet us-east1=b`). Returns region -> value."""
    from crpatterns.cli import validation as check

    given = [v for v in ([values] if isinstance(values, str) else list(values or [])) if v]
    pairs = [v for v in given if "=" in v]
    if not pairs:
        if len(given) > 1:
            raise UsageError(f"{flag} is given {len(given)} times; give one {what} for every region, or one "
                             f"REGION={what.upper()} pair per --region, e.g. {flag} {regions[0]}=NAME.")
        return {region: given[0] for region in regions} if given else {}
    if len(pairs) != len(given):
        raise UsageError(f"{flag} takes either one {what} for every region or REGION={what.upper()} pairs, not both.")
    found: dict[str, str] = {}
    for pair in pairs:
        region, _, value = pair.partition("=")
        region = check.region(region, flag)
        if region not in regions:
            raise UsageError(f"{flag} {pair} names region {region}, which no --region gives; give one pair per "
                             f"--region ({', '.join(regions)}).")
        if region in found:
            raise UsageError(f"{flag} names region {region} twice; give one pair per --region.")
        found[region] = value
    missing = [r for r in regions if r not in found]
    if missing:
        raise UsageError(f"{flag} gives no {what} for --region {missing[0]}; give one REGION={what.upper()} pair per "
                         "--region.")
    return found
