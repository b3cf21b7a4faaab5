"""The internal-api commands' bodies: validate input (the flags before any call, the network facts with
reads only), then hand the pattern to the flow; status reads, finds and renders."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any

from crpatterns.cli.flow import PatternRun, Session
from crpatterns.cli.options import Common
from crpatterns.engine.model import Scope
from crpatterns.errors import PlanError, UsageError
from crpatterns.patterns import internal_api as pattern
from crpatterns.patterns import validation as check

SMALLEST_PROXY_PREFIX = 26  # a proxy-only subnet has at least 64 addresses (gcp-behaviour.md)


@dataclass(frozen=True)
class Inputs:
    name: str
    image: str
    region: str
    network: str
    subnet: str
    proxy_subnet_range: str | None = None
    port: int = 80
    certificate_file: str | None = None
    private_key_file: str | None = None
    ip: str | None = None
    global_access: bool = False
    invokers: tuple[str, ...] = ()
    no_invoker_iam: bool = False


def _name_and_region(name: str, region: str) -> None:
    check.name_and_region(name, region, pattern.Names.of(name))


def validate(inputs: Inputs) -> dict[str, Any]:
    """Everything about the flags that can be checked without the cloud; returns the spec's fields."""
    _name_and_region(inputs.name, inputs.region)
    if not inputs.image:
        raise UsageError("--image is required: the container image to run, e.g. us-docker.pkg.dev/P/REPO/IMG:TAG.")
    check.image(inputs.image)
    for flag, value in (("--network", inputs.network), ("--subnet", inputs.subnet)):
        if not value:
            raise UsageError(f"{flag} is required: the VPC {flag[2:]} the load balancer's address lives in, "
                             f"e.g. {flag} default.")
        check.compute_name(value, flag)
    if inputs.port not in (80, 443):
        raise UsageError(f"--port must be 80 (HTTP) or 443 (HTTPS); got {inputs.port}.")
    certificate = key = None
    if inputs.port == 443:
        if not (inputs.certificate_file or inputs.private_key_file):
            raise UsageError("--port 443 needs --certificate-file and --private-key-file (PEM): the regional "
                             "load balancer serves a self-managed certificate.")
        certificate, key = check.read_pem_pair(inputs.certificate_file, inputs.private_key_file,
                                               ("--certificate-file", "--private-key-file"))
    elif inputs.certificate_file or inputs.private_key_file:
        raise UsageError("--certificate-file and --private-key-file go with --port 443 only.")
    if inputs.invokers and inputs.no_invoker_iam:
        raise UsageError("--invoker and --no-invoker-iam exclude each other: grant named callers, or turn the "
                         "IAM check off, not both.")
    invokers = tuple(check.members(list(inputs.invokers), "--invoker"))
    given = inputs.proxy_subnet_range is not None
    proxy_range = inputs.proxy_subnet_range if given else pattern.DEFAULT_PROXY_RANGE
    assert proxy_range is not None
    check.cidr(proxy_range, "--proxy-subnet-range", min_prefix=8, max_prefix=SMALLEST_PROXY_PREFIX)
    if inputs.ip:
        check.ip(inputs.ip, "--ip")
    return dict(name=inputs.name, region=inputs.region, image=inputs.image, network=inputs.network,
                subnet=inputs.subnet, port=inputs.port, certificate_pem=certificate, private_key_pem=key,
                ip=inputs.ip, global_access=inputs.global_access, invokers=invokers,
                invoker_iam_disabled=inputs.no_invoker_iam, proxy_subnet_range=proxy_range,
                proxy_subnet_range_given=given)


# -- checks against what exists (reads done, nothing changed yet) -----------------------------------


def check_facts(spec: pattern.InternalApiSpec, facts: pattern.Facts) -> None:
    """The network and subnet exist and fit, --ip is usable, the proxy-only range is free. These depend on
    what the project holds, so they are refusals by the cloud's state (PlanError, exit 1), not usage errors
    (exit 2): with --dry-run --detailed-exitcode, 2 would read as "changes pending"."""
    if facts.network is None:
        raise PlanError(f"--network {spec.network} does not exist in project {spec.project}; networks there: "
                        f"{', '.join(facts.networks) or '(none)'}.")
    in_region = sorted(s["name"] for s in facts.subnets if pattern.region_of(s) == spec.region)
    subnet = pattern.subnet_named(facts, spec.subnet, spec.region)
    if subnet is None:
        raise PlanError(f"--subnet {spec.subnet} does not exist in network {spec.network} in {spec.region}; "
                        f"subnets there: {', '.join(in_region) or '(none)'}.")
    if pattern.is_proxy_only(subnet):
        regular = [s["name"] for s in facts.subnets
                   if pattern.region_of(s) == spec.region and not pattern.is_proxy_only(s)]
        raise PlanError(f"--subnet {spec.subnet} is a proxy-only subnet ({subnet.get('purpose')}), reserved for the "
                        "load balancer's proxies; give a regular subnet of the network: "
                        f"{', '.join(sorted(regular)) or '(none in this region)'}.")
    if spec.ip:
        check_ip(spec, facts, subnet)
    if pattern.active_proxy_subnet(facts.subnets, spec.region) is None:
        check_proxy_range(spec, facts)


def check_ip(spec: pattern.InternalApiSpec, facts: pattern.Facts, subnet: dict[str, Any]) -> None:
    """Inside the subnet's primary range, not one of the four addresses Google keeps, and held by nothing
    but this app (https://cloud.google.com/vpc/docs/subnets#unusable-ip-addresses-in-every-subnet)."""
    assert spec.ip is not None
    cidr = ipaddress.ip_network(subnet["ipCidrRange"], strict=False)
    ip = ipaddress.ip_address(spec.ip)
    if ip not in cidr:
        raise PlanError(f"--ip {spec.ip} is outside subnet {spec.subnet}'s range {cidr}; give a free address "
                        "inside it.")
    if ip in (cidr.network_address, cidr.network_address + 1, cidr.broadcast_address - 1, cidr.broadcast_address):
        raise PlanError(f"--ip {spec.ip} is one of the four addresses Google reserves in {cidr} (network, gateway, "
                        "second-to-last, broadcast); give another.")
    held = [(a, a.get("address")) for a in facts.region_addresses]
    held += [(r, r.get("IPAddress")) for r in facts.region_rules]
    for body, address in held:
        marker = pattern.creator(body)
        if (address == spec.ip and pattern.same_ref(body.get("subnetwork"), subnet.get("selfLink"))
                and not (marker and marker[0] == spec.name)):
            raise PlanError(f"--ip {spec.ip} is already used by {body.get('name')} in {spec.region}; give a free "
                            f"address of {cidr}.")


def check_proxy_range(spec: pattern.InternalApiSpec, facts: pattern.Facts) -> None:
    """The range of the proxy-only subnet to create overlaps no range of the network, in any region (a
    default that does not fit is replaced by a free block: pattern.proxy_range)."""
    wanted = ipaddress.ip_network(pattern.proxy_range(spec, facts))
    for subnet, cidr in pattern.taken_ranges(facts):
        if not wanted.overlaps(cidr):
            continue
        suggestion = pattern.free_range(wanted.prefixlen, facts) or "a free private range"
        if subnet is None:
            raise PlanError(f"--proxy-subnet-range {wanted} lies in {cidr}, which auto mode network {spec.network} "
                            f"keeps for its own subnets; give a range outside it such as {suggestion}.")
        raise PlanError(f"--proxy-subnet-range {wanted} overlaps subnet {subnet['name']} ({cidr}) in "
                        f"{pattern.region_of(subnet)} of network {spec.network}; give a free range such as "
                        f"{suggestion}.")


# -- runs -------------------------------------------------------------------------------------------


def create_run(inputs: Inputs) -> PatternRun:
    fields = validate(inputs)

    def desired(session: Session) -> list:
        from crpatterns.facts import internal_api as facts_io

        spec = pattern.InternalApiSpec(project=session.project, **fields)
        facts = facts_io.gather(session, spec.name, spec.region, spec.network)
        check_facts(spec, facts)
        return pattern.desired(spec, facts)

    return PatternRun(pattern.PATTERN, inputs.name, [inputs.region], pattern.APIS, pattern.OWNED_KINDS,
                      desired=desired, keep=_keep(inputs.name),
                      warnings=lambda session: pattern.invoker_warning(fields["invokers"],
                                                                       fields["invoker_iam_disabled"]))


def destroy_run(name: str, region: str) -> PatternRun:
    _name_and_region(name, region)
    return PatternRun(pattern.PATTERN, name, [region], pattern.APIS, pattern.OWNED_KINDS, keep=_keep(name))


def _keep(name: str) -> Any:
    """A proxy-only subnet the app made stays while another load balancer runs on it (create or destroy)."""
    def keep(session: Session, observation: Any) -> dict:
        from crpatterns.facts import internal_api as facts_io

        return facts_io.kept(session, name, observation)

    return keep


# -- status -----------------------------------------------------------------------------------------


def gather_status(session: Session, name: str, region: str) -> dict[str, Any]:
    """Reads what the app consists of now. Reads only."""
    from crpatterns.kinds.iam import members_for
    from crpatterns.patterns.common import INVOKER_ROLE

    kinds, project = session.kinds, session.project
    names = pattern.Names.of(name)
    regional = Scope(project, region)
    service = kinds["run.services"].read(regional, name)
    report: dict[str, Any] = {"name": name, "project": project, "region": region, "exists": service is not None}
    if service is None:
        return report
    policy = kinds["run.services.iamPolicy"].read(regional, name) or {}
    report.update(ingress=service.get("ingress", "INGRESS_TRAFFIC_ALL"),
                  invokerIamDisabled=bool(service.get("invokerIamDisabled")),
                  invokers=sorted(members_for(policy, INVOKER_ROLE)))
    rule = kinds["compute.forwardingRules"].read(regional, names.rule)
    report["loadBalancer"] = rule is not None
    if rule is None:
        return report
    port = pattern.rule_port(rule) or 0
    report.update(ip=rule.get("IPAddress"), port=port, globalAccess=bool(rule.get("allowGlobalAccess")),
                  network=rule.get("network", "").rsplit("/", 1)[-1],
                  subnet=rule.get("subnetwork", "").rsplit("/", 1)[-1])
    subnets = kinds["compute.subnetworks"].list(regional)
    active = pattern.active_proxy_subnet(subnets, region, rule.get("network"))
    if active is not None:
        marker = pattern.creator(active)
        report["proxyOnlySubnet"] = {"name": active["name"], "range": active.get("ipCidrRange"),
                                     "createdByThisApp": bool(marker and marker[0] == name)}
    report["call"] = call_example(report)
    return report


def call_example(report: dict[str, Any]) -> str:
    """How to call the API from a VM in the VPC (from another region only with global access)."""
    scheme = "https" if report["port"] == 443 else "http"
    url = f"{scheme}://{report['ip']}/"
    if report.get("invokerIamDisabled"):
        return f"curl {url}"
    return f'curl -H "Authorization: Bearer $(gcloud auth print-identity-token)" {url}'


def findings(report: dict[str, Any]) -> list[str]:
    """What breaks the pattern's promise: the API is reachable from outside the VPC, or by anyone."""
    if not report.get("exists"):
        return [f"Cloud Run service {report['name']} does not exist in {report['region']}."]
    found = []
    if report.get("ingress") == "INGRESS_TRAFFIC_ALL":
        found.append("Ingress is ALL: the run.app URL is reachable from the internet; it should be internal only.")
    public = [m for m in report.get("invokers", []) if m in check.PUBLIC_MEMBERS]
    if public:
        found.append(f"The service grants roles/run.invoker to {', '.join(public)}: anyone may call it.")
    if not report.get("loadBalancer"):
        found.append(f"The forwarding rule {pattern.Names.of(report['name']).rule} does not exist: the VPC has no "
                     "way to reach the API.")
    return found


def status(common: Common, name: str, region: str) -> int:
    from crpatterns.cli.flow import report_status

    _name_and_region(name, region)
    return report_status(common, pattern.APIS, lambda session: gather_status(session, name, region), findings,
                         render_status)


def render_status(report: dict[str, Any]) -> str:
    lines = [f'internal-api "{report["name"]}" in project {report["project"]} ({report["region"]}):']
    if not report.get("exists"):
        lines.append("  not found")
    else:
        if report.get("loadBalancer"):
            lines.append(f"  internal address: {report['ip']} port {report['port']} "
                         f"(network {report['network']}, subnet {report['subnet']})")
            reach = f"off: clients in {report['region']} only"
            if report["globalAccess"]:
                reach = "on: clients in any region"
            lines.append(f"  global access: {reach}")
            proxy = report.get("proxyOnlySubnet")
            if proxy:
                who = "created by this app" if proxy["createdByThisApp"] else "shared, not created by this app"
                lines.append(f"  proxy-only subnet: {proxy['name']} ({proxy['range']}, {who})")
            lines.append(f"  call it from the VPC: {report['call']}")
        lines.append(f"  ingress: {report['ingress']}")
        if report.get("invokerIamDisabled"):
            lines.append("  invokers: IAM check off (invokerIamDisabled)")
        else:
            lines.append(f"  invokers: {', '.join(report.get('invokers', [])) or '(none)'}")
    problems = report.get("findings", [])
    lines.extend(f"  FINDING: {p}" for p in problems)
    lines.append("OK: the API is reachable only from inside the VPC." if not problems else
                 f"{len(problems)} finding(s): run `crpatterns internal-api create` with the same flags to repair.")
    return "\n".join(lines)
