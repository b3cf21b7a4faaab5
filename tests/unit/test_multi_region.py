"""Apps in several regions as pure functions (issue 14): per-region roles and how the planner matches them,
what web-app and internal-api want in several regions, --failover, region changes and their reasons, and the
flags. No server: real kinds for the planner's view, nothing called."""

from __future__ import annotations

from typing import Any

import pytest

from crpatterns.cli import regions as flags
from crpatterns.engine import ownership
from crpatterns.engine.model import Action, Actual, Observation, Ownership, Ref, Scope, marker_role, per_region
from crpatterns.engine.planner import make_plan
from crpatterns.errors import PlanError, UsageError
from crpatterns.kinds import all_kinds
from crpatterns.kinds.keys import KindKey
from crpatterns.patterns import failover
from crpatterns.patterns.internal_api import checks
from crpatterns.patterns.internal_api import desired as api
from crpatterns.patterns.internal_api.spec import Facts, InternalApiSpec
from crpatterns.patterns.web_app import desired as web
from crpatterns.patterns.web_app.spec import WebAppSpec

P = "proj"
KINDS = all_kinds(None)  # type: ignore[arg-type]  # the planner only uses the kinds' pure methods
BASE = f"https://www.googleapis.com/compute/v1/projects/{P}"
NETWORK = {"name": "vpc", "selfLink": f"{BASE}/global/networks/vpc", "autoCreateSubnetworks": False}
THREE = ("us-central1", "us-east1", "europe-west1")


def web_spec(*regions: str, **fields: Any) -> WebAppSpec:
    return WebAppSpec(name="hello", project=P, project_number="42", region=regions[0], other_regions=regions[1:],
                      image="gcr.io/p/i:1", domains=("hello.example.com",), members=("group:g@example.com",),
                      **fields)


def subnet(region: str, cidr: str, name: str = "app", **extra: Any) -> dict[str, Any]:
    return {"name": name, "ipCidrRange": cidr, "network": NETWORK["selfLink"], "region": f"{BASE}/regions/{region}",
            "selfLink": f"{BASE}/regions/{region}/subnetworks/{name}", **extra}


SUBNETS = tuple(subnet(r, f"10.0.{i}.0/24") for i, r in enumerate(THREE))


def api_spec(*regions: str, **fields: Any) -> InternalApiSpec:
    return InternalApiSpec(name="api", project=P, region=regions[0], other_regions=regions[1:], image="gcr.io/p/i:1",
                           network="vpc", subnet="app", **fields)


def api_facts(**fields: Any) -> Facts:
    return Facts(network=NETWORK, subnets=fields.pop("subnets", SUBNETS), **fields)


def by_role(resources: list[Any]) -> dict[str, Any]:
    return {d.role: d for d in resources}


def marked(kind: str, scope: Scope, name: str, role: str, body: dict[str, Any] | None = None) -> Actual:
    """A resource the app made, as read back: its body carries the marker the planner writes."""
    marked_body = KINDS[kind].with_marker({"name": name, **(body or {})}, "hello", "web-app", role)
    return Actual(kind, name, scope, marked_body, "hello", role, "web-app")


def actions(plan: Any) -> list[tuple[str | None, Action]]:
    return sorted((s.scope.region, s.action) for s in plan.steps if not s.hidden)


# -- roles ------------------------------------------------------------------------------------------


def test_a_per_region_role_is_marked_with_its_plain_role() -> None:
    assert per_region("neg", "us-east1") == "neg@us-east1"
    assert marker_role("neg@us-east1") == "neg" and marker_role("neg") == "neg"


def test_growing_to_two_regions_keeps_the_first_regions_resources_and_shrinking_deletes_the_others() -> None:
    """The service and NEG a single-region app made (roles `service`, `neg`) play `service@R`, `neg@R` once
    it runs in several regions; back to one region, the other region's resources are the leftovers."""
    first = Scope(P, "us-central1")
    service = marked(KindKey.RUN_SERVICES, first, "hello", "service",
                     {"name": "projects/proj/locations/us-central1/services/hello"})
    neg = marked(KindKey.REGION_NEGS, first, "hello-neg", "neg",
                 {"networkEndpointType": "SERVERLESS", "cloudRun": {"service": "hello"}})
    intent = web.decide(web_spec("us-central1", "us-east1", iap_mode="direct"), web.WebAppFacts())
    desired = [d for d in intent.desired if d.kind == KindKey.RUN_SERVICES]
    plan = make_plan("web-app", "hello", P, desired, Observation(owned=[service]), KINDS)
    assert actions(plan) == [("us-central1", Action.UPDATE), ("us-east1", Action.CREATE)]  # matched, not deleted

    negs = [d for d in web.decide(web_spec("us-east1"), web.WebAppFacts()).desired if d.kind == KindKey.REGION_NEGS]
    east = marked(KindKey.REGION_NEGS, Scope(P, "us-east1"), "hello-neg", "neg", neg.body)
    plan = make_plan("web-app", "hello", P, negs, Observation(owned=[neg, east]), KINDS)
    assert actions(plan) == [("us-central1", Action.DELETE), ("us-east1", Action.NOOP)]


def test_a_per_region_role_never_takes_another_regions_resource() -> None:
    """Without the scope rule, the NEG wanted in a new region would replace the one of another region."""
    east = marked(KindKey.REGION_NEGS, Scope(P, "us-east1"), "hello-neg", "neg",
                  {"networkEndpointType": "SERVERLESS", "cloudRun": {"service": "hello"}})
    negs = [d for d in web.decide(web_spec("europe-west1", "us-east1"), web.WebAppFacts()).desired
            if d.kind == KindKey.REGION_NEGS]
    plan = make_plan("web-app", "hello", P, negs, Observation(owned=[east]), KINDS)
    assert actions(plan) == [("europe-west1", Action.CREATE), ("us-east1", Action.NOOP)]


# -- web-app --------------------------------------------------------------------------------------


def test_one_region_keeps_todays_roles_and_several_get_one_of_each_per_region() -> None:
    single = by_role(web.decide(web_spec("us-central1"), web.WebAppFacts()).desired)
    assert {"service", "invoker", "neg", "backend"} <= set(single) and not any("@" in r for r in single)
    several = by_role(web.decide(web_spec(*THREE), web.WebAppFacts()).desired)
    for region in THREE:
        for role in ("service", "invoker", "neg"):
            assert several[f"{role}@{region}"].scope == Scope(P, region)
    # One backend service, the NEGs in one order whatever order --region gave.
    assert several["backend"].body["backends"] == [{"group": Ref(f"neg@{r}")} for r in sorted(THREE)]
    assert several["iap-access"].name == "projects/42/iap_web/compute/services/hello-backend"


def test_failover_puts_iap_on_the_services_and_a_probe_and_a_warm_instance_in_each_region() -> None:
    intent = web.decide(web_spec("us-central1", "us-east1", failover=True, readiness_path="/healthz"),
                        web.WebAppFacts())
    desired = by_role(intent.desired)
    for region in ("us-central1", "us-east1"):
        body = desired[f"service@{region}"].body
        assert body["iapEnabled"] is True and body["launchStage"] == "BETA"
        assert body["ingress"] == "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER"
        assert body["template"] == {"containers": [{"image": "gcr.io/p/i:1",
                                                    "readinessProbe": {"httpGet": {"path": "/healthz"}}}],
                                    "scaling": {"minInstanceCount": 1}}
        assert body["annotations"] == {failover.ANNOTATION: "true"}
        assert desired[f"iap-access@{region}"].name == f"projects/42/iap_web/cloud_run-{region}/services/hello"
    assert desired["backend"].body["iap"] == {"enabled": False}
    assert "iap-access" not in desired
    assert any("5.2 million vCPU-seconds" in w and "cloud.google.com/run/pricing" in w for w in intent.warnings)
    # Once the services carry what service health needs, the plan stops saying what it costs.
    warm = {"template": {"containers": [{"readinessProbe": {"httpGet": {"path": "/healthz"}}}],
                         "scaling": {"minInstanceCount": "1"}}}
    quiet = web.decide(web_spec("us-central1", "us-east1", failover=True, readiness_path="/healthz"),
                       web.WebAppFacts(services={"us-central1": warm, "us-east1": warm}))
    assert not any("vCPU-seconds" in w for w in quiet.warnings)


def test_dropping_failover_takes_away_only_what_it_added() -> None:
    was = {"annotations": {failover.ANNOTATION: "true"}}
    body = by_role(web.decide(web_spec("us-central1", "us-east1"),
                              web.WebAppFacts(services={"us-central1": was})).desired)
    assert body["service@us-central1"].body["template"] == {
        "containers": [{"image": "gcr.io/p/i:1", "readinessProbe": None}], "scaling": {"minInstanceCount": None}}
    assert body["service@us-central1"].body["annotations"] == {failover.ANNOTATION: None}
    # A probe set outside the tool (no record) is left alone.
    assert body["service@us-east1"].body["template"] == {"containers": [{"image": "gcr.io/p/i:1"}]}
    assert "annotations" not in body["service@us-east1"].body


def test_a_region_change_says_what_is_added_and_removed_and_why() -> None:
    intent = web.decide(web_spec("us-central1", "europe-west1"),
                        web.WebAppFacts(lb_regions=("us-central1", "us-east1")))
    desired = by_role(intent.desired)
    assert any("new region europe-west1" in n for n in desired["service@europe-west1"].notes)
    notes = " ".join(desired["backend"].notes)
    assert "adds the NEG of europe-west1" in notes and "removes the NEG of us-east1" in notes
    east = Scope(P, "us-east1")
    assert "no longer in --region" in intent.deleting[(KindKey.REGION_NEGS, east, "hello-neg")]
    assert "after its NEG" in intent.deleting[(KindKey.RUN_SERVICES, east, "hello")]


# -- internal-api -----------------------------------------------------------------------------------


def test_several_regions_make_a_cross_region_internal_load_balancer() -> None:
    desired = by_role(api.desired(api_spec(*THREE, invokers=("user:a@example.com",)), api_facts()))
    assert desired["backend"].kind == KindKey.BACKEND_SERVICES
    assert desired["backend"].body == {"loadBalancingScheme": "INTERNAL_MANAGED", "protocol": "HTTP",
                                       "backends": [{"group": Ref(f"neg@{r}")} for r in sorted(THREE)]}
    assert desired["url-map"].kind == KindKey.URL_MAPS and desired["http-proxy"].kind == KindKey.TARGET_HTTP_PROXIES
    for region in THREE:
        rule = desired[f"rule-{region}"]
        assert (rule.kind, rule.name, rule.scope) == (KindKey.GLOBAL_FORWARDING_RULES, f"api-rule-{region}", Scope(P))
        assert rule.body["subnetwork"] == Ref(f"subnet@{region}") and rule.body["target"] == Ref("http-proxy")
        assert rule.body["loadBalancingScheme"] == "INTERNAL_MANAGED" and "allowGlobalAccess" not in rule.body
        assert rule.depends_on == (f"global-proxy-subnet@{region}",)
        proxy = desired[f"global-proxy-subnet@{region}"]
        assert proxy.body["purpose"] == "GLOBAL_MANAGED_PROXY" and proxy.name == "api-proxy-global"
        assert desired[f"invoker@{region}"].body["members"] == ["user:a@example.com"]
    ranges = {desired[f"global-proxy-subnet@{r}"].body["ipCidrRange"] for r in THREE}
    assert ranges == {"10.129.0.0/23", "10.0.4.0/23", "10.0.6.0/23"}  # distinct, none overlapping a subnet


def test_an_active_global_proxy_only_subnet_is_reused_and_one_this_app_made_is_kept_while_others_use_it() -> None:
    theirs = subnet("us-east1", "10.200.0.0/23", "shared-proxy", purpose="GLOBAL_MANAGED_PROXY", role="ACTIVE")
    desired = by_role(api.desired(api_spec("us-central1", "us-east1"), api_facts(subnets=(*SUBNETS, theirs))))
    reused = desired["global-proxy-subnet@us-east1"]
    assert reused.ownership is Ownership.EXTERNAL and reused.name == "shared-proxy"
    mine = subnet("us-central1", "10.129.0.0/23", "api-proxy-global", purpose="GLOBAL_MANAGED_PROXY", role="ACTIVE",
                  description=ownership.description("api", "internal-api", "global-proxy-subnet"))
    other_rule = {"name": "other", "loadBalancingScheme": "INTERNAL_MANAGED", "network": NETWORK["selfLink"],
                  "subnetwork": f"{BASE}/regions/us-central1/subnetworks/app"}
    kept = api.kept_proxy_subnets("api", P, Facts(all_subnets=(mine,), global_rules=(other_rule,)))
    assert "forwarding rule other still runs" in kept[(KindKey.SUBNETWORKS, Scope(P, "us-central1"),
                                                       "api-proxy-global")]


def test_one_region_to_several_replaces_the_regional_load_balancer_once_the_new_rules_exist() -> None:
    intent = api.decide(api_spec("us-central1", "us-east1"), api_facts(lb_regions=("us-central1",)))
    key = (KindKey.FORWARDING_RULES, Scope(P, "us-central1"), "api-rule")
    assert "replaces the regional one" in intent.deleting[key]
    assert intent.delete_after[key] == ("rule-us-central1", "rule-us-east1")
    back = api.decide(api_spec("us-central1"), api_facts(lb_regions=("us-central1", "us-east1"), lb_cross_region=True))
    old = (KindKey.GLOBAL_FORWARDING_RULES, Scope(P), "api-rule-us-east1")
    assert back.delete_after[old] == ("rule",) and "replaces the cross-region one" in back.deleting[old]


def test_a_region_without_its_subnet_or_with_an_overlapping_proxy_range_is_refused() -> None:
    with pytest.raises(PlanError, match="--subnet app does not exist in network vpc in europe-west1"):
        checks.check_facts(api_spec("us-central1", "europe-west1"), api_facts(subnets=SUBNETS[:2]))
    overlapping = api_spec("us-central1", "us-east1", proxy_subnet_range="10.8.0.0/23",
                           region_proxy_ranges=(("us-east1", "10.8.0.0/24"),))
    with pytest.raises(PlanError, match="overlaps the range chosen for"):
        checks.check_facts(overlapping, api_facts())


# -- flags ------------------------------------------------------------------------------------------


def test_region_flags() -> None:
    assert flags.regions("api", ["us-central1", "us-east1"], {}) == ("us-central1", "us-east1")
    with pytest.raises(UsageError, match="--region us-east1 is given twice"):
        flags.regions("api", ["us-east1", "us-central1", "us-east1"], {})
    with pytest.raises(UsageError, match="--region must be a Cloud Run region"):
        flags.regions("api", ["us-central1", "moon-1"], {})
    assert flags.failover(True, None, ("a", "b")) == "/"
    with pytest.raises(UsageError, match="--failover needs at least 2 --region"):
        flags.failover(True, "/healthz", ("a",))
    with pytest.raises(UsageError, match="--readiness-path goes with --failover"):
        flags.failover(False, "/healthz", ("a", "b"))
    with pytest.raises(UsageError, match="--readiness-path must be an absolute URL path"):
        flags.failover(True, "healthz", ("a", "b"))
    regions = ("us-central1", "us-east1")
    assert flags.per_region(["app"], regions, "--subnet", "subnet") == {"us-central1": "app", "us-east1": "app"}
    assert flags.per_region(["us-east1=b", "us-central1=a"], regions, "--subnet", "subnet") == {
        "us-east1": "b", "us-central1": "a"}
    for given, words in ((["us-east1=b"], "gives no subnet for --region us-central1"),
                         (["a", "us-east1=b"], "not both"), (["a", "b"], "given 2 times"),
                         (["us-central1=a", "us-east1=b", "us-west1=c"], "which no --region gives")):
        with pytest.raises(UsageError, match=words):
            flags.per_region(given, regions, "--subnet", "subnet")
