"""The internal-api pattern as pure functions: desired resources from a spec and facts, the checks of
the spec against the network, and what destroy keeps. No server, no CLI."""

from __future__ import annotations

from typing import Any

import pytest

from crpatterns.engine.model import Actual, Ownership, Ref, Scope
from crpatterns.errors import PlanError
from crpatterns.patterns.internal_api import checks as run
from crpatterns.patterns.internal_api import desired as pattern
from crpatterns.patterns.internal_api.spec import Facts, InternalApiSpec

P = "proj"
REGION = "us-central1"
BASE = "https://www.googleapis.com/compute/v1/projects/proj"
NETWORK = {"name": "vpc", "selfLink": f"{BASE}/global/networks/vpc", "autoCreateSubnetworks": False}
MARKED = "Created by crpatterns; do not edit by hand. managed-by=crpatterns app={app} pattern=internal-api role={role}"


def subnet(name: str, cidr: str, region: str = REGION, **extra: Any) -> dict[str, Any]:
    return {"name": name, "ipCidrRange": cidr, "network": NETWORK["selfLink"],
            "region": f"{BASE}/regions/{region}", "selfLink": f"{BASE}/regions/{region}/subnetworks/{name}", **extra}


def proxy_only(name: str = "proxy", cidr: str = "10.9.0.0/23", app: str | None = None) -> dict[str, Any]:
    extra: dict[str, Any] = {"purpose": "REGIONAL_MANAGED_PROXY", "role": "ACTIVE"}
    if app:
        extra["description"] = MARKED.format(app=app, role="proxy-subnet")
    return subnet(name, cidr, **extra)


APP_SUBNET = subnet("app", "10.0.0.0/24")
OURS = {"managed-by": "crpatterns", "crpatterns-app": "api", "crpatterns-pattern": "internal-api"}


def spec(**fields: Any) -> InternalApiSpec:
    values: dict[str, Any] = dict(name="api", project=P, region=REGION, image="gcr.io/p/i:1", network="vpc",
                                  subnet="app")
    values.update(fields)
    return InternalApiSpec(**values)


def facts(*subnets: dict[str, Any], **fields: Any) -> Facts:
    return Facts(network=fields.pop("network", NETWORK), subnets=subnets or (APP_SUBNET,), **fields)


def by_role(resources: list[Any]) -> dict[str, Any]:
    return {d.role: d for d in resources}


# -- desired ----------------------------------------------------------------------------------------


def test_without_a_proxy_only_subnet_one_is_created_for_the_app() -> None:
    desired = by_role(pattern.desired(spec(), facts()))
    proxy = desired["proxy-subnet"]
    assert proxy.ownership is Ownership.OWNED and proxy.name == "api-proxy-only"
    assert proxy.body == {"purpose": "REGIONAL_MANAGED_PROXY", "role": "ACTIVE", "network": Ref("network"),
                          "ipCidrRange": "10.129.0.0/23"}
    assert "creates one" in proxy.notes[0]
    assert set(desired) == {"network", "subnet", "proxy-subnet", "service", "invoker", "neg", "backend", "url-map",
                            "http-proxy", "rule"}


def test_an_active_proxy_only_subnet_is_reused_and_the_plan_says_whose() -> None:
    proxy = by_role(pattern.desired(spec(), facts(APP_SUBNET, proxy_only())))["proxy-subnet"]
    assert proxy.ownership is Ownership.EXTERNAL and proxy.name == "proxy"
    assert "created outside crpatterns" in proxy.notes[0]
    other = by_role(pattern.desired(spec(), facts(APP_SUBNET, proxy_only(app="other"))))["proxy-subnet"]
    assert "by crpatterns app 'other'" in other.notes[0]


def test_the_apps_own_proxy_subnet_stays_owned_with_its_range_whatever_the_flag() -> None:
    given = spec(proxy_subnet_range="10.50.0.0/23")
    proxy = by_role(pattern.desired(given, facts(APP_SUBNET, proxy_only("api-proxy-only", app="api"))))["proxy-subnet"]
    assert proxy.ownership is Ownership.OWNED and proxy.name == "api-proxy-only"
    assert proxy.body["ipCidrRange"] == "10.9.0.0/23"
    assert "is not used" in proxy.notes[0]


def test_every_resource_has_the_stated_fields() -> None:
    desired = by_role(pattern.desired(spec(global_access=True, invokers=("user:a@example.com",)), facts()))
    assert desired["service"].body["ingress"] == "INGRESS_TRAFFIC_INTERNAL_ONLY"
    assert desired["backend"].body == {"loadBalancingScheme": "INTERNAL_MANAGED", "protocol": "HTTP",
                                       "backends": [{"group": Ref("neg")}]}
    assert desired["neg"].body["networkEndpointType"] == "SERVERLESS"
    rule = desired["rule"].body
    assert rule["loadBalancingScheme"] == "INTERNAL_MANAGED" and rule["IPProtocol"] == "TCP"
    assert rule["portRange"] == "80-80" and "ports" not in rule
    assert rule["networkTier"] == "PREMIUM" and rule["allowGlobalAccess"] is True
    assert rule["network"] == Ref("network") and rule["subnetwork"] == Ref("subnet")
    assert rule["target"] == Ref("http-proxy") and "IPAddress" not in rule
    invoker = desired["invoker"]
    assert invoker.ownership is Ownership.BINDING
    assert invoker.body == {"role": "roles/run.invoker", "members": ["user:a@example.com"], "mode": "additive",
                            "refusedMembers": ["allUsers", "allAuthenticatedUsers"]}


def test_port_443_uses_a_regional_certificate_and_https_proxy() -> None:
    desired = by_role(pattern.desired(spec(port=443, certificate_pem="CERT", private_key_pem="KEY"), facts()))
    assert desired["certificate"].kind == "compute.regionSslCertificates"
    assert desired["certificate"].sensitive == ("privateKey",)
    assert desired["https-proxy"].body == {"urlMap": Ref("url-map"), "sslCertificates": [Ref("certificate")]}
    assert desired["rule"].body["target"] == Ref("https-proxy") and desired["rule"].body["portRange"] == "443-443"
    assert "http-proxy" not in desired


def test_a_static_ip_is_an_address_reserved_in_the_subnet() -> None:
    desired = by_role(pattern.desired(spec(ip="10.0.0.10"), facts()))
    assert desired["address"].body == {"addressType": "INTERNAL", "address": "10.0.0.10", "subnetwork": Ref("subnet"),
                                       "purpose": "GCE_ENDPOINT"}
    assert desired["rule"].body["IPAddress"] == Ref("address", "address")


def test_an_ephemeral_ip_is_pinned_so_a_replacement_keeps_it_and_global_access_change_is_noted() -> None:
    rule = {"name": "api-rule", "IPAddress": "10.0.0.2", "portRange": "80-80", "allowGlobalAccess": False,
            "region": f"{BASE}/regions/{REGION}"}
    desired = by_role(pattern.desired(spec(global_access=True), facts(rules=(rule,))))["rule"]
    assert desired.body["IPAddress"] == "10.0.0.2"
    assert any("--global-access changed" in n for n in desired.notes)
    held = {"name": "someone", "address": "10.0.0.2"}
    unpinned = by_role(pattern.desired(spec(), facts(rules=(rule,), region_addresses=(held,))))["rule"]
    assert "IPAddress" not in unpinned.body


def test_invokers_the_tool_granted_are_revoked_when_no_flag_names_them() -> None:
    service = {"annotations": {pattern.INVOKERS_ANNOTATION: "user:a@example.com"}}
    current = facts(service=service, invoker_members=frozenset({"user:a@example.com", "user:other@example.com"}))
    desired = by_role(pattern.desired(spec(invokers=("user:b@example.com",)), current))
    assert desired["invoker-revoke"].body["members"] == ["user:a@example.com"]
    assert desired["invoker-revoke"].body["mode"] == "absent"
    assert desired["service"].body["annotations"] == {pattern.INVOKERS_ANNOTATION: "user:b@example.com"}
    assert desired["service"].depends_on == ("invoker-revoke",)


def test_a_member_someone_else_granted_is_never_claimed() -> None:
    current = facts(service={"annotations": {}}, invoker_members=frozenset({"user:other@example.com"}))
    desired = by_role(pattern.desired(spec(invokers=("user:other@example.com",)), current))
    assert desired["service"].body["annotations"] == {pattern.INVOKERS_ANNOTATION: ""}
    later = by_role(pattern.desired(spec(), current))
    assert "invoker-revoke" not in later and later["invoker"].body["members"] == []


def test_no_invoker_iam_disables_the_check_and_revokes_what_the_tool_granted() -> None:
    service = {"annotations": {pattern.INVOKERS_ANNOTATION: "user:a@example.com"}}
    current = facts(service=service, invoker_members=frozenset({"user:a@example.com"}))
    desired = by_role(pattern.desired(spec(invoker_iam_disabled=True), current))
    assert desired["service"].body["invokerIamDisabled"] is True
    assert desired["invoker-revoke"].body["members"] == ["user:a@example.com"]
    assert desired["invoker"].body["members"] == []
    assert pattern.invoker_warning(spec(invoker_iam_disabled=True)) == []
    assert "No --invoker given" in pattern.invoker_warning(spec())[0]


def test_public_invokers_are_removed_whatever_the_flags() -> None:
    for fields in ({}, {"invokers": ("user:a@example.com",)}, {"invoker_iam_disabled": True}):
        invoker = by_role(pattern.desired(spec(**fields), facts()))["invoker"]
        assert invoker.ownership is Ownership.BINDING and invoker.depends_on == ("service",)
        assert set(invoker.body["refusedMembers"]) == {"allUsers", "allAuthenticatedUsers"}


# -- checks against the network ---------------------------------------------------------------------


def refused(spec_: InternalApiSpec, facts_: Facts) -> str:
    with pytest.raises(PlanError) as error:
        run.check_facts(spec_, facts_)
    return str(error.value)


def test_a_missing_network_or_subnet_names_what_exists() -> None:
    message = refused(spec(), facts(network=None, networks=("default", "vpc2")))
    assert message == "--network vpc does not exist in project proj; networks there: default, vpc2."
    message = refused(spec(subnet="nope"), facts(APP_SUBNET, subnet("other", "10.1.0.0/24")))
    assert message == "--subnet nope does not exist in network vpc in us-central1; subnets there: app, other."


def test_the_proxy_only_subnet_is_not_a_subnet_for_the_rule() -> None:
    message = refused(spec(subnet="proxy"), facts(APP_SUBNET, proxy_only()))
    assert message.startswith("--subnet proxy is a proxy-only subnet (REGIONAL_MANAGED_PROXY)")
    assert message.endswith("give a regular subnet of the network: app.")


def test_the_ip_must_be_inside_the_subnet_usable_and_free() -> None:
    assert refused(spec(ip="10.1.0.5"), facts()) == ("--ip 10.1.0.5 is outside subnet app's range 10.0.0.0/24; "
                                                      "give a free address inside it.")
    assert "four addresses Google reserves" in refused(spec(ip="10.0.0.1"), facts())
    taken = {"name": "db", "address": "10.0.0.9", "subnetwork": APP_SUBNET["selfLink"]}
    assert "already used by db" in refused(spec(ip="10.0.0.9"), facts(region_addresses=(taken,)))
    mine = {**taken, "labels": OURS}
    run.check_facts(spec(ip="10.0.0.9"), facts(region_addresses=(mine,)))


def test_the_proxy_range_overlaps_no_subnet_in_any_region() -> None:
    far = subnet("far", "10.129.0.0/20", region="europe-west1")
    given = spec(proxy_subnet_range="10.129.0.0/23")
    message = refused(given, facts(APP_SUBNET, far))
    assert message.startswith("--proxy-subnet-range 10.129.0.0/23 overlaps subnet far (10.129.0.0/20) in "
                              "europe-west1 of network vpc")
    assert message.endswith("give a free range such as 10.0.2.0/23.")
    run.check_facts(given, facts(APP_SUBNET, far, proxy_only()))  # reused: the range is not used


def test_auto_mode_networks_keep_their_block() -> None:
    auto = {**NETWORK, "autoCreateSubnetworks": True}
    message = refused(spec(proxy_subnet_range="10.129.0.0/23"), facts(network=auto))
    assert "lies in 10.128.0.0/9, which auto mode network vpc keeps for its own subnets" in message


def test_a_default_range_that_does_not_fit_becomes_the_first_free_block() -> None:
    auto = {**NETWORK, "autoCreateSubnetworks": True}
    current = facts(network=auto)
    run.check_facts(spec(), current)
    proxy = by_role(pattern.desired(spec(), current))["proxy-subnet"]
    assert proxy.body["ipCidrRange"] == "10.0.2.0/23"  # 10.0.0.0/24 is the app subnet
    assert "the default range 10.129.0.0/23 is taken in network vpc: uses 10.0.2.0/23" in proxy.notes[1]
    free = by_role(pattern.desired(spec(), facts()))["proxy-subnet"]
    assert free.body["ipCidrRange"] == "10.129.0.0/23" and len(free.notes) == 1


# -- destroy ----------------------------------------------------------------------------------------


def actual(kind: str, name: str, body: dict[str, Any], app: str = "api") -> Actual:
    return Actual(kind, name, Scope(P, REGION), body, app, None, "internal-api")


def test_destroy_keeps_the_apps_proxy_subnet_while_another_rule_runs_on_it() -> None:
    mine = proxy_only("api-proxy-only", app="api")
    rule = {"name": "api-rule", "network": NETWORK["selfLink"], "region": f"{BASE}/regions/{REGION}",
            "loadBalancingScheme": "INTERNAL_MANAGED", "labels": OURS}
    assert pattern.kept_proxy_subnets("api", P, Facts(all_subnets=(mine,), rules=(rule,))) == {}
    other = {**rule, "name": "b-rule", "labels": {}}
    kept = pattern.kept_proxy_subnets("api", P, Facts(all_subnets=(mine,), rules=(rule, other)))
    (reason,) = kept.values()
    assert list(kept) == [("compute.subnetworks", Scope(P, REGION), "api-proxy-only")]
    assert reason.startswith("kept: forwarding rule b-rule still runs on this proxy-only subnet")


def test_destroy_mentions_a_reused_proxy_subnet_it_never_deletes() -> None:
    theirs = proxy_only("proxy")
    rule = {"name": "api-rule", "network": NETWORK["selfLink"], "region": f"{BASE}/regions/{REGION}",
            "loadBalancingScheme": "INTERNAL_MANAGED", "labels": OURS}
    kept = pattern.kept_proxy_subnets("api", P, Facts(all_subnets=(theirs,), rules=(rule,)))
    assert kept == {("compute.subnetworks", Scope(P, REGION), "proxy"):
                    "kept: this app reused the proxy-only subnet, which was created outside crpatterns"}


def test_the_planner_deletes_a_proxy_subnet_after_the_rules_that_run_on_it() -> None:
    from crpatterns.engine.model import Observation
    from crpatterns.engine.planner import make_destroy_plan
    from crpatterns.kinds import all_kinds

    kinds = all_kinds(None)  # type: ignore[arg-type]  # pure methods only: no client is built
    mine = {**proxy_only("api-proxy-only", app="api"), "name": "api-proxy-only"}
    rule = {"name": "api-rule", "network": NETWORK["selfLink"], "region": f"{BASE}/regions/{REGION}",
            "loadBalancingScheme": "INTERNAL_MANAGED", "labels": {"managed-by": "crpatterns", "crpatterns-app": "api"}}
    observation = Observation(owned=[actual("compute.subnetworks", "api-proxy-only", mine),
                                     actual("compute.forwardingRules", "api-rule", rule)])
    plan = make_destroy_plan("internal-api", "api", P, observation, kinds)
    subnet_step, rule_step = plan.steps
    assert subnet_step.depends_on == (1,) and rule_step.depends_on == ()
    observation.keep[("compute.subnetworks", Scope(P, REGION), "api-proxy-only")] = "kept: because"
    kept = make_destroy_plan("internal-api", "api", P, observation, kinds)
    assert [(s.action.value, s.notes) for s in kept.steps] == [("noop", ("kept: because",)), ("delete", ())]
