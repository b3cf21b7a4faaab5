"""The plan's dependency graph keeps only the edges Google requires (issue 17): the Cloud Run service, the
slowest operation, runs beside the load balancer chain, so no chain of a create has more than five
operations. Pure: real kinds for the planner's view, nothing called."""

from __future__ import annotations

from typing import Any

from crpatterns.engine.model import Observation, Plan, Scope
from crpatterns.engine.planner import make_plan
from crpatterns.kinds import all_kinds
from crpatterns.kinds.keys import KindKey
from crpatterns.patterns.internal_api import desired as internal_api
from crpatterns.patterns.internal_api.spec import Facts, InternalApiSpec
from crpatterns.patterns.shared_vpc import desired as shared_vpc
from crpatterns.patterns.shared_vpc import spec as shared_specs
from crpatterns.patterns.web_app import desired as web_app
from crpatterns.patterns.web_app.spec import WebAppSpec

P, REGION = "proj", "us-central1"
MOST_OPERATIONS_ON_A_CHAIN = 5  # NEG, backend service, URL map, target proxy, forwarding rule
KINDS = all_kinds(None)  # type: ignore[arg-type]  # the planner only uses the kinds' pure methods
BASE = f"https://www.googleapis.com/compute/v1/projects/{P}"
NETWORK = {"name": "vpc", "selfLink": f"{BASE}/global/networks/vpc", "autoCreateSubnetworks": False}
SUBNET = {"name": "app", "ipCidrRange": "10.0.0.0/24", "network": NETWORK["selfLink"],
          "region": f"{BASE}/regions/{REGION}", "selfLink": f"{BASE}/regions/{REGION}/subnetworks/app"}


def is_operation(kind: str) -> bool:
    """IAM policy writes answer at once: they are no operation on a chain."""
    return not kind.endswith("iamPolicy")


def longest_chain(plan: Plan) -> list[str]:
    """The chain of steps with the most operations, as kind names, first step first."""
    best: dict[int, list[str]] = {}

    def chain(index: int) -> list[str]:
        if index not in best:
            step = plan.steps[index]
            before = max((chain(d) for d in step.depends_on), key=lambda c: sum(map(is_operation, c)), default=[])
            best[index] = [*before, step.kind]
        return best[index]

    return max((chain(i) for i in range(len(plan.steps))), key=lambda c: sum(map(is_operation, c)))


def ancestors(plan: Plan, index: int) -> set[str]:
    found: set[str] = set()
    for dep in plan.steps[index].depends_on:
        found |= {plan.steps[dep].kind} | ancestors(plan, dep)
    return found


def step_of(plan: Plan, kind: str) -> int:
    return next(i for i, step in enumerate(plan.steps) if step.kind == kind)


def web_app_plan() -> Plan:
    spec = WebAppSpec(name="hello", project=P, project_number="42", region=REGION, image="gcr.io/p/i:1",
                      domains=("hello.example.com",), members=("group:g@example.com",))
    intent = web_app.decide(spec, web_app.WebAppFacts())
    return make_plan("web-app", "hello", P, intent.desired, Observation(), KINDS)


def internal_api_plan(**fields: Any) -> Plan:
    spec = InternalApiSpec(name="api", project=P, region=REGION, image="gcr.io/p/i:1", network="vpc", subnet="app",
                           invokers=("serviceAccount:a@proj.iam.gserviceaccount.com",), **fields)
    intent = internal_api.decide(spec, Facts(network=NETWORK, subnets=(SUBNET,)))
    existing = Observation(by_key={(KindKey.NETWORKS, Scope(P), "vpc"): NETWORK,
                                   (KindKey.SUBNETWORKS, Scope(P, REGION), "app"): SUBNET})
    return make_plan("internal-api", "api", P, intent.desired, existing, KINDS)


def test_web_app_and_internal_api_chains_have_at_most_five_operations() -> None:
    for plan in (web_app_plan(), internal_api_plan(), internal_api_plan(port=443, certificate_pem="c",
                                                                         private_key_pem="k")):
        chain = longest_chain(plan)
        assert sum(map(is_operation, chain)) <= MOST_OPERATIONS_ON_A_CHAIN, chain


def test_the_cloud_run_service_is_no_ancestor_of_the_neg() -> None:
    for plan in (web_app_plan(), internal_api_plan()):
        neg = step_of(plan, KindKey.REGION_NEGS)
        assert KindKey.RUN_SERVICES not in ancestors(plan, neg)
        assert plan.steps[neg].body["cloudRun"] == {"service": plan.steps[step_of(plan, KindKey.RUN_SERVICES)].name}


def test_the_service_waits_for_private_google_access_only_when_all_egress_goes_through_the_vpc() -> None:
    def needs(egress: str) -> set[str]:
        spec = shared_specs.EnableSpec(name="api", project="svc", project_number="3", region=REGION, host="host",
                                       network="shared", subnet="run-egress", image="gcr.io/p/i:1", egress=egress)
        network = "https://www.googleapis.com/compute/v1/projects/host/global/networks/shared"
        host = shared_specs.HostFacts(xpn_status="HOST", attached_to="host",
                                      subnet={"name": "run-egress", "network": network})
        service = next(d for d in shared_vpc.enable(spec, host, None).desired if d.role == "service")
        return set(service.depends_on)

    assert needs("ALL_TRAFFIC") == {"attachment", "network-user", "network-viewer", "subnet"}
    assert needs("PRIVATE_RANGES_ONLY") == {"attachment", "network-user", "network-viewer"}
