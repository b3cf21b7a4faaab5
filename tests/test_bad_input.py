"""The bad-input matrix (issue 7): every pattern command given input it must refuse. Each case gives exit
code 64 (bad input the CLI can tell without the cloud) or 1 (the cloud's state refuses it: an unknown
project, a disabled API, a network that does not exist...), one clear sentence on stderr naming the flag
or the resource, no traceback, and no mutating call in the emulator's request log (no call at all when
the input alone is wrong)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from crpatterns.errors import ExitCode
from tests.cli import run
from tests.emulator.networking import create_network, create_subnet, custom_network_with_subnet
from tests.pattern_cases import IMAGE, enable_xpn_host
from tests.support import EmulatorProcess

Setup = Callable[[EmulatorProcess], None]
USAGE = ExitCode.USAGE

WEB = ("web-app", "create", "hello", "--image", IMAGE, "--region", "us-central1", "--domain", "hello.example.com",
       "--member", "group:staff@example.com", "--project", "demo-project")
WEB_DESTROY = ("web-app", "destroy", "hello", "--region", "us-central1", "--project", "demo-project")
WEB_STATUS = ("web-app", "status", "hello", "--region", "us-central1", "--project", "demo-project")
API = ("internal-api", "create", "orders", "--image", IMAGE, "--region", "us-central1", "--network", "default",
       "--subnet", "default", "--invoker", "serviceAccount:frontend@demo-project.iam.gserviceaccount.com",
       "--project", "demo-project")
API_DESTROY = ("internal-api", "destroy", "orders", "--region", "us-central1", "--project", "demo-project")
API_STATUS = ("internal-api", "status", "orders", "--region", "us-central1", "--project", "demo-project")
VPC = ("shared-vpc", "enable", "payments", "--image", IMAGE, "--region", "us-central1", "--host-project", "demo-host",
       "--network", "default", "--subnet", "default", "--attach", "--project", "demo-service")
VPC_DISABLE = ("shared-vpc", "disable", "payments", "--region", "us-central1", "--project", "demo-service")
VPC_STATUS = ("shared-vpc", "status", "payments", "--region", "us-central1", "--project", "demo-service")

# Placeholders replaced by files made once per module (see `files`).
CERT, KEY, OTHER_KEY, TEXT, MISSING = "{cert}", "{key}", "{other-key}", "{text}", "{missing}"


def variant(base: tuple[str, ...], *extra: str, name: str | None = None, drop: tuple[str, ...] = (),
            **flags: str | None) -> tuple[str, ...]:
    """`base` with NAME replaced, each --flag's value replaced (None drops the flag and its value), the
    boolean flags in `drop` removed, and `extra` appended."""
    args = list(base)
    if name is not None:
        args[2] = name
    for key, value in flags.items():
        at = args.index("--" + key.replace("_", "-"))
        if value is None:
            del args[at:at + 2]
        else:
            args[at + 1] = value
    args = [a for a in args if a not in drop]
    return (*args, *extra)


# -- cloud-side setups -------------------------------------------------------------------------------


def bare_project(emulator: EmulatorProcess) -> None:
    """A project where only Resource Manager and Service Usage are on: every pattern's APIs are off."""
    emulator.add_project("bare-project", "100000000099",
                         services=["cloudresourcemanager.googleapis.com", "serviceusage.googleapis.com"])


def host_and_bare_service(emulator: EmulatorProcess) -> None:
    enable_xpn_host(emulator)
    emulator.add_project("bare-service", "100000000098", services=[
        "cloudresourcemanager.googleapis.com", "serviceusage.googleapis.com", "run.googleapis.com"])


def proxy_only_subnet(emulator: EmulatorProcess) -> None:
    """Network `vpc` with the regular subnet `app` (10.0.0.0/24) and someone's proxy-only subnet `proxy`."""
    create_network(emulator, "vpc")
    create_subnet(emulator, "app", "vpc", "10.0.0.0/24")
    create_subnet(emulator, "proxy", "vpc", "10.9.0.0/23", purpose="REGIONAL_MANAGED_PROXY", role="ACTIVE")


def address_in_use(emulator: EmulatorProcess) -> None:
    """Someone's internal address 10.128.0.50 in the default network's us-central1 subnet."""
    status, body = emulator.call("POST", "compute/v1/projects/demo-project/regions/us-central1/addresses", {
        "name": "db", "addressType": "INTERNAL", "address": "10.128.0.50",
        "subnetwork": "projects/demo-project/regions/us-central1/subnetworks/default"})
    assert status == 200, body


def host_with_other_network(emulator: EmulatorProcess) -> None:
    enable_xpn_host(emulator)
    create_network(emulator, "other", project="demo-host")


def host_with_proxy_subnet(emulator: EmulatorProcess) -> None:
    enable_xpn_host(emulator)
    create_network(emulator, "vpc", project="demo-host")
    create_subnet(emulator, "proxy", "vpc", "10.9.0.0/23", purpose="REGIONAL_MANAGED_PROXY", role="ACTIVE",
                  project="demo-host")


def someones_service(emulator: EmulatorProcess) -> None:
    """`payments` in demo-service, made outside crpatterns and connected by enable (no --image)."""
    enable_xpn_host(emulator)
    status, body = emulator.call("POST", "v2/projects/demo-service/locations/us-central1/services?serviceId=payments",
                                 {"template": {"containers": [{"image": IMAGE}]}})
    assert status == 200, body
    enable = [a for a in VPC if a not in ("--image", IMAGE)]
    assert run(*enable, "--yes").exit_code == 0


def attached_elsewhere(emulator: EmulatorProcess) -> None:
    """demo-host and demo-project are both hosts; demo-service is attached to demo-project."""
    enable_xpn_host(emulator)
    enable_xpn_host(emulator, "demo-project")
    status, body = emulator.call("POST", "compute/v1/projects/demo-project/enableXpnResource",
                                 {"xpnResource": {"id": "demo-service", "type": "PROJECT"}})
    assert status == 200, body
    operation = body["selfLink"].split("/compute/v1/")[1]
    emulator.call("POST", f"compute/v1/{operation}/wait")


# -- the matrix ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    id: str
    args: tuple[str, ...]
    code: int  # USAGE (64): bad input, no call at all; 1: refused by what the cloud holds, reads only
    names: str  # the flag or resource stderr must name
    setup: Setup | None = None
    typer: bool = False  # a usage error typer raises itself: its usage line, then one "Error:" line


def web(case_id: str, code: int, names: str, *extra: str, **kwargs: object) -> Case:
    return _case(case_id, WEB, code, names, extra, kwargs)


def api(case_id: str, code: int, names: str, *extra: str, **kwargs: object) -> Case:
    return _case(case_id, API, code, names, extra, kwargs)


def vpc(case_id: str, code: int, names: str, *extra: str, **kwargs: object) -> Case:
    kwargs.setdefault("setup", enable_xpn_host)
    return _case(case_id, VPC, code, names, extra, kwargs)


def _case(case_id: str, base: tuple[str, ...], code: int, names: str, extra: tuple[str, ...],
          kwargs: dict[str, object]) -> Case:
    setup = kwargs.pop("setup", None)
    typer = bool(kwargs.pop("typer", False))
    return Case(case_id, variant(base, *extra, **kwargs), code, names, setup, typer)  # type: ignore[arg-type]


LONG = "a" * 50

CASES = [
    # web-app create
    web("web-name-too-long", USAGE, "NAME", name=LONG),
    web("web-name-uppercase", USAGE, "NAME", name="Hello"),
    web("web-name-trailing-hyphen", USAGE, "NAME", name="hello-"),
    web("web-name-starts-with-digit", USAGE, "NAME", name="1hello"),
    web("web-region-unknown", USAGE, "--region", region="mars-north1"),
    web("web-region-missing", USAGE, "--region", region=None),
    web("web-region-zone-not-region", USAGE, "--region", region="us-central1-a"),
    web("web-image-spaces", USAGE, "--image", image="not an image"),
    web("web-image-uppercase-path", USAGE, "--image", image="us-docker.pkg.dev/P/Repo/img:1"),
    web("web-image-bad-digest", USAGE, "--image", image="gcr.io/p/img@sha256:abc"),
    web("web-image-missing", USAGE, "--image", image=None),
    web("web-member-allUsers", USAGE, "allUsers", member="allUsers"),
    web("web-member-allAuthenticatedUsers", USAGE, "allAuthenticatedUsers", member="allAuthenticatedUsers"),
    web("web-member-no-prefix", USAGE, "--member", member="bob@example.com"),
    web("web-member-bad-email", USAGE, "--member", member="user:bob"),
    web("web-member-bad-domain", USAGE, "--member", member="domain:localhost"),
    web("web-member-unknown-prefix", USAGE, "--member", member="robot:bob@example.com"),
    web("web-member-missing", USAGE, "--member", member=None),
    web("web-domain-with-scheme", USAGE, "--domain", domain="https://hello.example.com/"),
    web("web-domain-wildcard", USAGE, "--domain", domain="*.example.com"),
    web("web-domain-single-label", USAGE, "--domain", domain="intranet"),
    web("web-domain-with-port", USAGE, "--domain", domain="hello.example.com:8443"),
    web("web-domain-ip-address", USAGE, "--domain", domain="10.0.0.1"),
    web("web-domain-missing-in-lb-mode", USAGE, "--domain", domain=None),
    web("web-domain-in-direct-mode", USAGE, "--domain", "--iap-mode", "direct"),
    web("web-no-https-redirect-in-direct-mode", USAGE, "--no-https-redirect", "--iap-mode", "direct",
        "--no-https-redirect", domain=None),
    web("web-iap-mode-unknown", USAGE, "--iap-mode", "--iap-mode", "sideways"),
    web("web-certificate-missing-file", USAGE, "--certificate-file", "--certificate-file", MISSING,
        "--private-key-file", KEY),
    web("web-certificate-not-pem", USAGE, "--certificate-file", "--certificate-file", TEXT, "--private-key-file", KEY),
    web("web-key-not-pem", USAGE, "--private-key-file", "--certificate-file", CERT, "--private-key-file", TEXT),
    web("web-key-does-not-match-certificate", USAGE, "--private-key-file", "--certificate-file", CERT,
        "--private-key-file", OTHER_KEY),
    web("web-certificate-without-key", USAGE, "--private-key-file", "--certificate-file", CERT),
    web("web-oauth-client-without-secret", USAGE, "--oauth-client-secret-file", "--oauth-client-id", "123.apps"),
    web("web-oauth-secret-file-missing", USAGE, "--oauth-client-secret-file", "--oauth-client-id", "123.apps",
        "--oauth-client-secret-file", MISSING),
    web("web-address-malformed", USAGE, "--address", "--address", "My_Address"),
    web("web-address-does-not-exist", 1, "no-such-address", "--address", "no-such-address"),
    web("web-format-unknown", USAGE, "--format", "--format", "yaml"),
    web("web-parallelism-zero", USAGE, "--parallelism", "--parallelism", "0"),
    web("web-parallelism-not-a-number", USAGE, "--parallelism", "--parallelism", "many", typer=True),
    web("web-detailed-exitcode-without-dry-run", USAGE, "--detailed-exitcode", "--detailed-exitcode"),
    web("web-unknown-option", USAGE, "--colour", "--colour", "blue", typer=True),
    web("web-project-malformed", USAGE, "--project", project="Demo_Project"),
    web("web-project-unknown", 1, "no-such-project", project="no-such-project"),
    web("web-apis-disabled", 1, "bare-project", project="bare-project", setup=bare_project),
    # web-app in several regions (issue 14)
    web("web-region-given-twice", USAGE, "--region us-central1 is given twice", "--region", "us-central1"),
    web("web-second-region-unknown", USAGE, "--region", "--region", "mars-north1"),
    web("web-failover-in-one-region", USAGE, "--failover", "--failover"),
    web("web-readiness-path-without-failover", USAGE, "--readiness-path", "--region", "us-east1", "--readiness-path",
        "/healthz"),
    web("web-readiness-path-not-a-path", USAGE, "--readiness-path", "--region", "us-east1", "--failover",
        "--readiness-path", "healthz"),
    web("web-direct-mode-in-several-regions", USAGE, "--iap-mode direct", "--iap-mode", "direct", "--region",
        "us-east1", domain=None),
    web("web-oauth-client-with-failover", USAGE, "--oauth-client-id", "--region", "us-east1", "--failover",
        "--oauth-client-id", "123.apps", "--oauth-client-secret-file", KEY),
    Case("web-destroy-name-malformed", variant(WEB_DESTROY, name="Hello"), USAGE, "NAME"),
    Case("web-destroy-region-unknown", variant(WEB_DESTROY, region="moon-1"), USAGE, "--region"),
    Case("web-destroy-project-unknown", variant(WEB_DESTROY, project="no-such-project"), 1, "no-such-project"),
    Case("web-status-region-missing", variant(WEB_STATUS, region=None), USAGE, "--region"),
    Case("web-status-format-unknown", variant(WEB_STATUS, "--format", "yaml"), USAGE, "--format"),
    # internal-api create
    api("api-name-too-long", USAGE, "NAME", name=LONG),
    api("api-name-underscore", USAGE, "NAME", name="my_api"),
    Case("api-name-missing", API[:2] + API[3:], USAGE, "NAME", typer=True),
    api("api-region-unknown", USAGE, "--region", region="us-central99"),
    api("api-image-bad", USAGE, "--image", image="http://registry/img"),
    api("api-network-missing-flag", USAGE, "--network", network=None),
    api("api-network-malformed", USAGE, "--network", network="My_Net"),
    api("api-subnet-malformed", USAGE, "--subnet", subnet="-sub"),
    api("api-network-does-not-exist", 1, "--network nope", network="nope"),
    api("api-subnet-does-not-exist", 1, "--subnet nope", subnet="nope"),
    api("api-subnet-is-proxy-only", 1, "--subnet proxy", network="vpc", subnet="proxy", setup=proxy_only_subnet),
    api("api-ip-not-an-address", USAGE, "--ip", "--ip", "10.0.0.300"),
    api("api-ip-outside-the-subnet", 1, "--ip", "--ip", "10.1.0.5"),
    api("api-ip-reserved-by-google", 1, "--ip", "--ip", "10.128.0.1"),
    api("api-ip-in-use", 1, "--ip", "--ip", "10.128.0.50", setup=address_in_use),
    api("api-proxy-range-not-cidr", USAGE, "--proxy-subnet-range", "--proxy-subnet-range", "nonsense"),
    api("api-proxy-range-host-bits", USAGE, "--proxy-subnet-range", "--proxy-subnet-range", "10.2.0.1/23"),
    api("api-proxy-range-too-small", USAGE, "--proxy-subnet-range", "--proxy-subnet-range", "10.2.0.0/27"),
    api("api-proxy-range-public", USAGE, "--proxy-subnet-range", "--proxy-subnet-range", "8.8.8.0/23"),
    api("api-proxy-range-ipv6", USAGE, "--proxy-subnet-range", "--proxy-subnet-range", "fd00::/64"),
    api("api-proxy-range-overlaps-a-subnet", 1, "--proxy-subnet-range", "--proxy-subnet-range", "10.0.0.0/23",
        network="vpc", subnet="app", setup=custom_network_with_subnet),
    api("api-proxy-range-in-auto-mode-block", 1, "--proxy-subnet-range", "--proxy-subnet-range", "10.129.0.0/23"),
    api("api-port-unsupported", USAGE, "--port", "--port", "8080"),
    api("api-port-not-a-number", USAGE, "--port", "--port", "http", typer=True),
    api("api-port-443-without-certificate", USAGE, "--port 443", "--port", "443"),
    api("api-certificate-with-port-80", USAGE, "--certificate-file", "--certificate-file", CERT,
        "--private-key-file", KEY),
    api("api-certificate-not-pem", USAGE, "--certificate-file", "--port", "443", "--certificate-file", TEXT,
        "--private-key-file", KEY),
    api("api-invoker-with-no-invoker-iam", USAGE, "--no-invoker-iam", "--no-invoker-iam"),
    api("api-invoker-allUsers", USAGE, "allUsers", invoker="allUsers"),
    api("api-invoker-allAuthenticatedUsers", USAGE, "allAuthenticatedUsers", invoker="allAuthenticatedUsers"),
    api("api-invoker-bad-email", USAGE, "--invoker", invoker="serviceAccount:frontend"),
    api("api-format-unknown", USAGE, "--format", "--format", "xml"),
    api("api-parallelism-too-high", USAGE, "--parallelism", "--parallelism", "1000"),
    api("api-project-unknown", 1, "no-such-project", project="no-such-project"),
    api("api-apis-disabled", 1, "compute.googleapis.com", project="bare-project", setup=bare_project),
    api("api-network-project-malformed", USAGE, "--network-project", "--network-project", "Host_Project"),
    api("api-frontend-project-malformed", USAGE, "--frontend-project", "--frontend-project", "x"),
    api("api-frontend-project-is-the-project", USAGE, "--frontend-project", "--frontend-project", "demo-project"),
    api("api-frontend-admin-without-frontend-project", USAGE, "--frontend-admin", "--frontend-admin", "group:p@x.com"),
    api("api-frontend-admin-allUsers", USAGE, "allUsers", "--frontend-project", "demo-host", "--frontend-admin",
        "allUsers"),
    api("api-create-proxy-subnet-without-network-project", USAGE, "--create-proxy-subnet", "--create-proxy-subnet"),
    api("api-network-project-with-several-regions", USAGE, "--network-project", "--network-project", "demo-host",
        "--region", "us-east1"),
    api("api-network-project-not-a-host", 1, "demo-host (--network-project)", "--network-project", "demo-host"),
    api("api-network-project-not-attached", 1, "associated-projects add", "--network-project", "demo-host",
        setup=enable_xpn_host),
    api("api-network-project-unknown", 1, "no-such-host", "--network-project", "no-such-host"),
    # internal-api in several regions (issue 14)
    api("api-region-given-twice", USAGE, "--region us-central1 is given twice", "--region", "us-central1"),
    api("api-subnet-missing-for-a-region", USAGE, "--subnet gives no subnet for --region us-east1", "--region",
        "us-east1", subnet="us-central1=default"),
    api("api-subnet-for-a-region-not-given", USAGE, "which no --region gives", subnet="us-east1=default"),
    api("api-subnet-both-forms", USAGE, "--subnet", "--region", "us-east1", "--subnet", "us-east1=default"),
    api("api-port-443-in-several-regions", USAGE, "--port 443 takes a single --region", "--region", "us-east1",
        "--port", "443"),
    api("api-ip-in-several-regions", USAGE, "--ip takes a single --region", "--region", "us-east1", "--ip",
        "10.128.0.9"),
    api("api-global-access-in-several-regions", USAGE, "--global-access", "--region", "us-east1",
        "--global-access"),
    api("api-failover-in-six-regions", USAGE, "--failover takes at most 5", "--failover",
        *(arg for region in ("us-east1", "us-west1", "europe-west1", "asia-east1", "us-east4")
          for arg in ("--region", region))),
    api("api-failover-in-one-region", USAGE, "--failover", "--failover"),
    api("api-readiness-path-without-failover", USAGE, "--readiness-path", "--readiness-path", "/ready"),
    api("api-rule-name-too-long-for-a-region", USAGE, "NAME", "--region", "northamerica-northeast2", name="a" * 40),
    api("api-subnet-missing-in-second-region", 1, "--subnet nope", "--region", "us-east1", "--subnet",
        "us-east1=nope", subnet="us-central1=default"),
    api("api-proxy-range-shared-by-two-regions", 1, "--proxy-subnet-range", "--region", "us-east1",
        "--proxy-subnet-range", "10.2.0.0/23"),
    Case("api-destroy-region-missing", variant(API_DESTROY, region=None), USAGE, "--region"),
    Case("api-destroy-unknown-option", variant(API_DESTROY, "--image", IMAGE), USAGE, "--image", typer=True),
    Case("api-destroy-detailed-exitcode-without-dry-run", variant(API_DESTROY, "--detailed-exitcode"), USAGE,
         "--detailed-exitcode"),
    Case("api-status-name-too-long", variant(API_STATUS, name=LONG), USAGE, "NAME"),
    Case("api-status-project-unknown", variant(API_STATUS, project="no-such-project"), 1, "no-such-project"),
    # shared-vpc enable
    vpc("vpc-service-name-malformed", USAGE, "SERVICE", name="Payments"),
    vpc("vpc-region-unknown", USAGE, "--region", region="europe-west99"),
    vpc("vpc-image-bad", USAGE, "--image", image="gcr.io/p/img:"),
    vpc("vpc-host-project-missing", USAGE, "--host-project", host_project=None),
    vpc("vpc-host-project-malformed", USAGE, "--host-project", host_project="Host"),
    vpc("vpc-host-project-is-the-service-project", USAGE, "--host-project", host_project="demo-service"),
    vpc("vpc-network-missing", USAGE, "--network", network=None),
    vpc("vpc-subnet-malformed", USAGE, "--subnet", subnet="sub net"),
    vpc("vpc-egress-unknown", USAGE, "--egress", "--egress", "everything"),
    vpc("vpc-ingress-unknown", USAGE, "--ingress", "--ingress", "all"),
    vpc("vpc-network-tag-malformed", USAGE, "--network-tag", "--network-tag", "Web_Server"),
    vpc("vpc-invoker-allUsers", USAGE, "allUsers", "--invoker", "allUsers"),
    vpc("vpc-invoker-no-prefix", USAGE, "--invoker", "--invoker", "frontend@example.com"),
    vpc("vpc-format-unknown", USAGE, "--format", "--format", "yml"),
    vpc("vpc-host-is-not-a-shared-vpc-host", 1, "demo-host", setup=lambda emulator: None),
    vpc("vpc-not-attached-without-attach", 1, "--attach", drop=("--attach",)),
    vpc("vpc-attached-to-another-host", 1, "demo-project", setup=attached_elsewhere),
    vpc("vpc-host-project-unknown", 1, "no-such-host (--host-project)", host_project="no-such-host"),
    vpc("vpc-subnet-does-not-exist", 1, "nope", subnet="nope"),
    vpc("vpc-subnet-in-another-network", 1, "--network", network="other", setup=host_with_other_network),
    vpc("vpc-subnet-is-proxy-only", 1, "proxy", network="vpc", subnet="proxy", setup=host_with_proxy_subnet),
    vpc("vpc-service-missing-without-image", 1, "--image", image=None),
    vpc("vpc-project-unknown", 1, "no-such-project", project="no-such-project"),
    vpc("vpc-apis-disabled", 1, "compute.googleapis.com", project="bare-service", setup=host_and_bare_service),
    Case("vpc-disable-service-missing", VPC_DISABLE, 1, "payments"),
    Case("vpc-disable-region-unknown", variant(VPC_DISABLE, region="us-nowhere1"), USAGE, "--region"),
    Case("vpc-disable-parallelism-zero", variant(VPC_DISABLE, "--parallelism", "0"), USAGE, "--parallelism"),
    Case("vpc-status-name-malformed", variant(VPC_STATUS, name="pay_ments"), USAGE, "SERVICE"),
    Case("vpc-status-project-malformed", variant(VPC_STATUS, project="x"), USAGE, "--project"),
    # shared-vpc disable --delete-service
    Case("vpc-delete-service-not-created-by-crpatterns", variant(VPC_DISABLE, "--delete-service"), 1,
         "was not created by crpatterns", setup=lambda emulator: someones_service(emulator)),
    Case("vpc-delete-service-region-unknown", variant(VPC_DISABLE, "--delete-service", region="us-nowhere1"), USAGE,
         "--region"),
    Case("vpc-delete-service-unknown-option", variant(VPC_DISABLE, "--delete-service", "--image", IMAGE), USAGE,
         "--image", typer=True),
    # list
    Case("list-project-malformed", ("list", "--project", "Demo_Project"), USAGE, "--project"),
    Case("list-project-unknown", ("list", "--project", "no-such-project"), 1, "no-such-project"),
    Case("list-region-unknown", ("list", "--project", "demo-project", "--region", "mars-north1"), USAGE, "--region"),
    Case("list-format-unknown", ("list", "--project", "demo-project", "--format", "yaml"), USAGE, "--format"),
    Case("list-parallelism-zero", ("list", "--project", "demo-project", "--parallelism", "0"), USAGE, "--parallelism"),
    Case("list-yes-is-not-an-option", ("list", "--project", "demo-project", "--dry-run"), USAGE, "--dry-run",
         typer=True),
    Case("list-run-api-disabled", ("list", "--project", "bare-project"), 1, "run.googleapis.com", setup=bare_project),
]


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A certificate and its key, another key, a text file, and a path that does not exist."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    from tests.test_internal_api_changes import self_signed

    directory = tmp_path_factory.mktemp("pem")
    cert, key = self_signed(directory)
    other = directory / "other.key"
    other.write_bytes(ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    text = directory / "notes.txt"
    text.write_text("not a certificate\n")
    return {CERT: cert, KEY: key, OTHER_KEY: str(other), TEXT: str(text), MISSING: str(directory / "missing.pem")}


def test_the_matrix_has_at_least_40_cases_over_every_command() -> None:
    assert len(CASES) >= 40
    assert len({c.id for c in CASES}) == len(CASES)
    commands = {c.args[:2] for c in CASES}
    for group, verbs in (("web-app", ("create", "destroy", "status")),
                         ("internal-api", ("create", "destroy", "status")),
                         ("shared-vpc", ("enable", "disable", "status"))):
        assert {(group, v) for v in verbs} <= commands
    assert any(c.args[0] == "list" for c in CASES)
    assert any("--delete-service" in c.args for c in CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_bad_input_is_refused_in_one_sentence_without_changing_anything(
        emulator: EmulatorProcess, files: dict[str, str], case: Case) -> None:
    if case.setup is not None:
        case.setup(emulator)
    emulator.clear_requests()
    confirm = () if case.args[0] == "list" or case.args[1] == "status" else ("--yes",)
    outcome = run(*(files.get(a, a) for a in case.args), *confirm)
    assert outcome.exit_code == case.code, outcome
    stderr = outcome.stderr
    assert "Traceback" not in stderr and "uncaught" not in stderr and "This is a bug" not in stderr, outcome
    lines = stderr.strip().splitlines()
    errors = [line for line in lines if line.startswith("Error: ")]
    if case.typer:
        assert lines[0].startswith("Usage: ") and len(errors) == 1 and errors[0] == lines[-1], outcome
    else:
        assert len(lines) == 1 and len(errors) == 1, outcome
    assert case.names in errors[0], outcome
    if not case.typer:
        assert errors[0].endswith("."), outcome
    assert emulator.mutating_requests() == []
    if case.code == USAGE:
        assert emulator.requests() == [], "input the CLI can judge alone is refused before any call"
