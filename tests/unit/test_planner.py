"""The planner and diff as pure functions: no server, fake kinds with the real diff logic."""

from __future__ import annotations

from typing import Any

import pytest

from crpatterns.engine import ownership
from crpatterns.engine.diff import diff
from crpatterns.engine.model import Action, Desired, Observation, Ownership, Ref, ReplaceStrategy, Scope
from crpatterns.engine.planner import make_destroy_plan, make_plan, replacement_name
from crpatterns.errors import PlanError
from crpatterns.kinds.base import Kind

P = "proj"
G = Scope(P)
R = Scope(P, "us-central1")


class FakeKind(Kind):
    """The real Kind logic (markers, diff, references) with URLs in Compute's shape."""

    def __init__(self, key: str, segment: str, regional: bool, immutable: tuple[str, ...] = (),
                 strategy: ReplaceStrategy = ReplaceStrategy.CREATE_BEFORE_DESTROY) -> None:
        self.key = key
        self.segment = segment
        self.regional = regional
        self.immutable = immutable
        self.replace_strategy = strategy

    def url(self, scope: Scope, name: str) -> str:
        where = f"regions/{scope.region}" if scope.region else "global"
        return f"https://www.googleapis.com/compute/v1/projects/{scope.project}/{where}/{self.segment}/{name}"

    def path(self, scope: Scope, name: str) -> str:
        return self.url(scope, name).split("/compute/v1/")[1]


KINDS = {
    "neg": FakeKind("neg", "networkEndpointGroups", True, immutable=("cloudRun",)),
    "backend": FakeKind("backend", "backendServices", False, immutable=("loadBalancingScheme",)),
    "urlmap": FakeKind("urlmap", "urlMaps", False),
    "rule": FakeKind("rule", "forwardingRules", False, immutable=("portRange",),
                     strategy=ReplaceStrategy.DELETE_BEFORE_CREATE),
}


def chain(service: str = "svc", port: str = "443") -> list[Desired]:
    return [
        Desired("neg", "neg", "app-neg", R, {"cloudRun": {"service": service}}),
        Desired("backend", "backend", "app-backend", G,
                {"loadBalancingScheme": "EXTERNAL_MANAGED", "backends": [{"group": Ref("neg")}]}),
        Desired("url-map", "urlmap", "app-urlmap", G, {"defaultService": Ref("backend")}),
        Desired("rule", "rule", "app-rule", G, {"portRange": port, "target": Ref("url-map")}),
    ]


def applied(desired: list[Desired], before: Observation | None = None) -> Observation:
    """What the API would hold after applying the plan for `desired` (bodies resolved and marked)."""
    plan = make_plan("web-app", "app", P, desired, before or Observation(), KINDS)
    observation = Observation()
    for step in plan.steps:
        if step.action is Action.DELETE:
            continue
        kind = KINDS[step.kind]
        body = step.body if step.body is not None else step.actual.body
        body = {**body, "name": step.name, "selfLink": kind.url(step.scope, step.name)}
        observation.owned.append(kind.to_actual(step.scope, body))
        observation.by_key[(step.kind, step.scope, step.name)] = body
    return observation


def test_empty_project_plans_every_create_in_dependency_order() -> None:
    plan = make_plan("web-app", "app", P, chain(), Observation(), KINDS)
    assert [s.action for s in plan.steps] == [Action.CREATE] * 4
    names = [s.name for s in plan.steps]
    for step in plan.steps:
        for dep in step.depends_on:
            assert names.index(plan.steps[dep].name) < names.index(step.name)
    backend = next(s for s in plan.steps if s.role == "backend")
    assert backend.body["backends"][0]["group"].endswith("/regions/us-central1/networkEndpointGroups/app-neg")
    assert ownership.from_description(backend.body["description"]) == ("app", "web-app", "backend")
    assert plan.counts() == {"create": 4, "update": 0, "replace": 0, "delete": 0}


def test_replan_after_apply_is_all_noop() -> None:
    plan = make_plan("web-app", "app", P, chain(), applied(chain()), KINDS)
    assert not plan.has_changes
    assert {s.action for s in plan.steps} == {Action.NOOP}


def test_in_use_immutable_change_is_create_before_destroy_with_repointing() -> None:
    plan = make_plan("web-app", "app", P, chain(service="svc2"), applied(chain()), KINDS)
    by_role = {s.role: s for s in plan.steps if not s.hidden}
    replace = by_role["neg"]
    assert replace.action is Action.REPLACE and replace.strategy == "create-before-destroy"
    assert replace.name != "app-neg" and replace.name.startswith("app-neg-")
    assert any(c.forces_replace and c.field == "cloudRun" for c in replace.changes)
    backend = by_role["backend"]
    assert backend.action is Action.UPDATE
    assert backend.body["backends"][0]["group"].endswith(f"/networkEndpointGroups/{replace.name}")
    old_delete = next(s for s in plan.steps if s.hidden)
    assert old_delete.action is Action.DELETE and old_delete.name == "app-neg"
    index = plan.steps.index
    assert index(backend) in old_delete.depends_on  # re-pointed before the old one goes
    assert index(replace) in backend.depends_on  # and after the new one exists
    assert plan.counts() == {"create": 0, "update": 1, "replace": 1, "delete": 0}


def test_replacement_is_found_again_by_role_after_rename() -> None:
    after_replace = applied(chain(service="svc2"), before=applied(chain()))
    assert any(a.name.startswith("app-neg-") for a in after_replace.owned)
    plan = make_plan("web-app", "app", P, chain(service="svc2"), after_replace, KINDS)
    assert not plan.has_changes


def test_fixed_name_kind_replaces_delete_before_create() -> None:
    plan = make_plan("web-app", "app", P, chain(port="80"), applied(chain()), KINDS)
    rule = next(s for s in plan.steps if s.role == "rule")
    assert rule.action is Action.REPLACE and rule.strategy == "delete-before-create" and rule.name == "app-rule"


def test_unmarked_resource_in_the_way_is_a_plan_error_offering_adopt() -> None:
    observation = Observation()
    foreign = {"name": "app-backend", "loadBalancingScheme": "EXTERNAL_MANAGED"}
    observation.by_key[("backend", G, "app-backend")] = foreign
    with pytest.raises(PlanError, match="--adopt"):
        make_plan("web-app", "app", P, chain(), observation, KINDS)
    plan = make_plan("web-app", "app", P, chain(), observation, KINDS, adopt=True)
    backend = next(s for s in plan.steps if s.role == "backend")
    assert backend.action is Action.UPDATE
    assert any(c.field == "description" for c in backend.changes)


def test_resources_no_longer_desired_are_deleted_after_their_users() -> None:
    full = chain()
    plan = make_plan("web-app", "app", P, full[:2], applied(full), KINDS)
    deletes = {s.role: i for i, s in enumerate(plan.steps) if s.action is Action.DELETE}
    assert set(deletes) == {"url-map", "rule"}
    assert deletes["rule"] in plan.steps[deletes["url-map"]].depends_on


def test_destroy_deletes_in_reverse_dependency_order() -> None:
    plan = make_destroy_plan("web-app", "app", P, applied(chain()), KINDS)
    order = {s.role: i for i, s in enumerate(plan.steps)}
    steps = plan.steps
    assert order["rule"] in steps[order["url-map"]].depends_on
    assert order["url-map"] in steps[order["backend"]].depends_on
    assert order["backend"] in steps[order["neg"]].depends_on
    assert all(s.action is Action.DELETE for s in steps)


def test_other_apps_resources_are_never_planned() -> None:
    other = applied(chain())
    for actual in other.owned:
        actual.app = "someone-else"
    plan = make_destroy_plan("web-app", "app", P, other, KINDS)
    assert plan.steps == []


def test_external_resource_must_exist() -> None:
    desired = [Desired("net", "urlmap", "default", G, ownership=Ownership.EXTERNAL)]
    with pytest.raises(PlanError, match="does not exist"):
        make_plan("p", "app", P, desired, Observation(), KINDS)


@pytest.mark.parametrize(
    ("desired", "actual", "fields"),
    [
        ({"a": 1}, {"a": 1, "b": 2}, []),  # server fields are not compared
        ({"a": {"x": 1}}, {"a": {"x": 2, "y": 3}}, ["a.x"]),
        ({"ref": "https://www.googleapis.com/compute/v1/projects/p/global/urlMaps/u"},
         {"ref": "https://compute.googleapis.com/compute/v1/projects/p/global/urlMaps/u"}, []),
        ({"ref": "projects/p/global/urlMaps/u"}, {"ref": "http://127.0.0.1:1/compute/v1/projects/p/global/urlMaps/u"},
         []),
        ({"members": ["b", "a"]}, {"members": ["a", "b"]}, []),
        ({"flag": False}, {}, []),
        ({"items": [{"image": "x"}]}, {"items": [{"image": "y", "cpu": 1}]}, ["items"]),
    ],
)
def test_diff(desired: dict[str, Any], actual: dict[str, Any], fields: list[str]) -> None:
    assert [c.field for c in diff(desired, actual)] == fields


def test_replacement_names_fit_compute_limits() -> None:
    name = replacement_name("a" * 63, {"x": 1})
    assert len(name) <= 63 and not name.endswith("-")
    assert replacement_name("n", {"x": 1}) != replacement_name("n", {"x": 2})
