"""internal-api across projects, pure (crpatterns/patterns/internal_api/projects.py): where each resource goes,
the frontend's grant and its record, the host's proxy-only subnet kept, the refusals before any change."""

from __future__ import annotations

import pytest

from crpatterns.engine.model import BindingMode, Scope
from crpatterns.errors import PlanError
from crpatterns.kinds.keys import KindKey
from crpatterns.patterns.internal_api import desired, projects
from crpatterns.patterns.internal_api.projects import ProjectFacts, Where
from crpatterns.patterns.internal_api.spec import Facts, InternalApiSpec

R = "us-central1"
HOST_NET = "projects/host/global/networks/shared"
SUBNET = {"name": "apps", "region": f"regions/{R}", "network": HOST_NET, "ipCidrRange": "10.10.0.0/24",
          "selfLink": f"https://www.googleapis.com/compute/v1/projects/host/regions/{R}/subnetworks/apps"}
PROXY = {"name": "proxy", "region": f"regions/{R}", "network": HOST_NET, "ipCidrRange": "10.11.0.0/23",
         "purpose": "REGIONAL_MANAGED_PROXY", "role": "ACTIVE"}


def spec(**fields: object) -> InternalApiSpec:
    return InternalApiSpec(name="api", region=R, project="app", project_number="1", image="i", network="shared",
                           subnet="apps", **fields)


def facts(service: dict | None = None, found: ProjectFacts | None = None, subnets: tuple = (SUBNET, PROXY)) -> Facts:
    return Facts(network={"selfLink": HOST_NET}, subnets=subnets, all_subnets=subnets, service=service,
                 projects=found or ProjectFacts(host_status="HOST", attached_to="host",
                                                usable=(SUBNET["selfLink"],)))


def test_where_each_part_lives_and_the_record():
    where = Where.of(spec(network_project="host", frontend_project="front").in_project("app", "1"))
    assert (where.app, where.frontend, where.network, where.shared_vpc) == ("app", "front", "host", True)
    assert where.record() == "frontend=front,network=host"
    assert Where.recorded("app", {"annotations": {projects.PROJECTS_ANNOTATION: where.record()}}) == where
    assert Where.recorded("app", None) == Where("app", "app", "app") and Where("app", "app", "app").record() is None


def test_placement_grant_and_record():
    wanted = spec(network_project="host", frontend_project="front", frontend_admins=("group:p@x.com",))
    intent = projects.place(wanted, facts(), desired.decide(wanted, facts()))
    scopes = {d.role: d.scope.project for d in intent.desired}
    assert {scopes[r] for r in ("url-map", "http-proxy", "rule")} == {"front"}
    assert {scopes[r] for r in ("network", "subnet", "proxy-subnet")} == {"host"}
    assert {scopes[r] for r in ("service", "backend", "neg", projects.GRANT_ROLE)} == {"app"}
    grant = next(d for d in intent.desired if d.role == projects.GRANT_ROLE)
    assert grant.kind == KindKey.REGION_BACKEND_SERVICE_IAM and grant.body["mode"] == BindingMode.ADDITIVE
    assert projects.GRANT_ROLE in next(d for d in intent.desired if d.role == "url-map").depends_on
    service = next(d for d in intent.desired if d.role == "service")
    assert service.body["annotations"][projects.FRONTEND_ADMINS_ANNOTATION] == "group:p@x.com"
    assert set(intent.projects) == {"front", "host"}


def test_a_dropped_admin_is_revoked_and_someone_elses_grant_never_recorded():
    service = {"annotations": {projects.FRONTEND_ADMINS_ANNOTATION: "user:a@x.com,user:b@x.com"}}
    found = ProjectFacts(service_users=frozenset({"user:a@x.com", "user:b@x.com", "user:c@x.com"}))
    wanted = spec(frontend_project="front", frontend_admins=("user:a@x.com", "user:c@x.com"))
    steps, claimed = projects.frontend_grants(wanted, facts(service, found))
    assert claimed == {"user:a@x.com"}  # c held the role before the tool asked: never recorded
    revoke = next(s for s in steps if s.role == projects.REVOKE_ROLE)
    assert revoke.body["members"] == ["user:b@x.com"] and revoke.body["mode"] == BindingMode.ABSENT


def test_a_host_proxy_only_subnet_this_app_made_is_kept():
    made = {**PROXY, "description": "managed-by=crpatterns app=api pattern=internal-api role=proxy-subnet"}
    intent = projects.place_teardown("api", "app", facts({"annotations": {
        projects.PROJECTS_ANNOTATION: "frontend=front,network=host"}}, subnets=(SUBNET, made)),
        desired.decide_teardown("api", "app", facts(subnets=(SUBNET, made))))
    assert (KindKey.SUBNETWORKS, Scope("host", R), "proxy") in intent.keep
    assert intent.projects == ("front", "host") and intent.release == {}


def test_an_orphaned_proxy_only_subnet_is_released_in_the_frontends_project():
    """The last app on another app's proxy-only subnet deletes it where it is: in the frontend's project."""
    orphan = {**PROXY, "network": "projects/front/global/networks/shared",
              "description": "managed-by=crpatterns app=gone pattern=internal-api role=proxy-subnet"}
    rule = {"name": "api-rule", "region": f"regions/{R}", "network": "projects/front/global/networks/shared",
            "loadBalancingScheme": "INTERNAL_MANAGED",
            "labels": {"managed-by": "crpatterns", "crpatterns-app": "api", "crpatterns-pattern": "internal-api"}}
    found = Facts(all_subnets=(orphan,), rules=(rule,), service={"annotations": {
        projects.PROJECTS_ANNOTATION: "frontend=front"}})
    intent = projects.place_teardown("api", "app", found, desired.decide_teardown("api", "app", found))
    assert list(intent.release) == [(KindKey.SUBNETWORKS, Scope("front", R), "proxy")]


@pytest.mark.parametrize(("found", "subnets", "words"), [
    (ProjectFacts(host_status="UNSPECIFIED_XPN_PROJECT_STATUS"), (SUBNET, PROXY), "is not a Shared VPC host"),
    (ProjectFacts(host_status="HOST", attached_to="other"), (SUBNET, PROXY), "attached to the Shared VPC host other"),
    (ProjectFacts(host_status="HOST", attached_to="host"), (SUBNET, PROXY), "is not shared with project front"),
    (ProjectFacts(host_status="HOST", attached_to="host", usable=(SUBNET["selfLink"],)), (SUBNET,),
     "--create-proxy-subnet"),
])
def test_refusals_name_who_must_act(found, subnets, words):
    wanted = spec(network_project="host", frontend_project="front")
    with pytest.raises(PlanError, match=words):
        projects.check(wanted, facts(found=found, subnets=subnets))
