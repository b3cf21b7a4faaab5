"""The shared-vpc pattern as pure functions: facts and spec in, desired state out; no server, no CLI."""

from __future__ import annotations

from typing import Any

import pytest

from crpatterns.engine.model import Action, Observation, Ownership, Scope
from crpatterns.engine.planner import make_plan
from crpatterns.errors import PlanError, UsageError
from crpatterns.kinds.run_services import merge
from crpatterns.patterns.base import Intent
from crpatterns.patterns.shared_vpc import desired as pattern
from crpatterns.patterns.shared_vpc import grants as record
from crpatterns.patterns.shared_vpc import spec as specs
from crpatterns.patterns.shared_vpc import status

AGENT = "serviceAccount:service-3@serverless-robot-prod.iam.gserviceaccount.com"
SUBNET = "projects/host-project/regions/us-central1/subnetworks/run-egress"
NETWORK = "projects/host-project/global/networks/shared"


def spec(**changes: Any) -> specs.EnableSpec:
    fields: dict[str, Any] = dict(name="api", project="svc-project", project_number="3", region="us-central1",
                                  host="host-project", network="shared", subnet="run-egress")
    return specs.EnableSpec(**{**fields, **changes})


def host(**changes: Any) -> specs.HostFacts:
    fields: dict[str, Any] = dict(xpn_status="HOST", attached_to="host-project",
                                  subnet={"name": "run-egress", "network": f"https://www.googleapis.com/compute/v1/"
                                          f"{NETWORK}", "privateIpGoogleAccess": False})
    return specs.HostFacts(**{**fields, **changes})


def existing(**changes: Any) -> dict[str, Any]:
    service = {"name": "projects/svc-project/locations/us-central1/services/api", "ingress": "INGRESS_TRAFFIC_ALL",
               "labels": {"team": "payments"},
               "template": {"containers": [{"image": "us-docker.pkg.dev/x/y/z:1",
                                            "env": [{"name": "A", "value": "1"}]}],
                            "scaling": {"maxInstanceCount": 5}}}
    service.update(changes)
    return service


def by_role(intent: Intent) -> dict[str, Any]:
    return {d.role: d for d in intent.desired}


# -- enable ---------------------------------------------------------------------------------------


def test_enable_on_an_existing_service_changes_only_vpc_ingress_label_and_annotations() -> None:
    intent = pattern.enable(spec(tags=("svc",)), host(), existing())
    service = by_role(intent)["service"]
    assert service.ownership is Ownership.SHARED
    assert set(service.body) == {"ingress", "template", "labels", "annotations"}
    assert set(service.body["template"]) == {"vpcAccess"}
    assert service.body["template"]["vpcAccess"] == {
        "networkInterfaces": [{"network": NETWORK, "subnetwork": SUBNET, "tags": ["svc"]}], "egress": "ALL_TRAFFIC"}
    assert service.body["ingress"] == "INGRESS_TRAFFIC_INTERNAL_ONLY"
    assert service.body["labels"] == {specs.CONNECTED_LABEL: "host-project"}  # no ownership labels
    assert service.body["annotations"][specs.PREVIOUS_INGRESS] == "INGRESS_TRAFFIC_ALL"
    assert set(service.depends_on) == {"attachment", "network-user", "network-viewer", "subnet"}


def test_enable_grants_to_the_service_projects_run_agent_additively() -> None:
    roles = by_role(pattern.enable(spec(), host(), existing()))
    user, viewer = roles["network-user"], roles["network-viewer"]
    assert (user.kind, user.name, user.scope) == ("compute.subnetworks.iamPolicy", "run-egress",
                                                  Scope("host-project", "us-central1"))
    assert user.body == {"role": "roles/compute.networkUser", "members": [AGENT], "mode": "additive"}
    assert (viewer.kind, viewer.name, viewer.scope) == ("cloudresourcemanager.projects.iamPolicy", "host-project",
                                                        Scope("host-project"))
    assert viewer.body["role"] == "roles/compute.networkViewer" and viewer.ownership is Ownership.BINDING
    grants = record.decode_grants(roles["service"].body["annotations"][specs.HOST_GRANTS])
    assert grants == {record.Grant(SUBNET, "roles/compute.networkUser"),
                      record.Grant("projects/host-project", "roles/compute.networkViewer")}
    assert roles["service"].body["annotations"][specs.HOST_GRANTS] == (
        f"roles/compute.networkUser={SUBNET},roles/compute.networkViewer=projects/host-project")


def test_grants_that_existed_before_are_not_remembered_as_the_tools() -> None:
    intent = pattern.enable(spec(), host(agent_is_subnet_user=True, agent_is_host_viewer=True), existing())
    assert specs.HOST_GRANTS not in by_role(intent)["service"].body["annotations"]


def test_a_rerun_keeps_what_the_annotations_remember() -> None:
    first = by_role(pattern.enable(spec(), host(), existing()))["service"].body["annotations"]
    after = existing(ingress="INGRESS_TRAFFIC_INTERNAL_ONLY", annotations=dict(first))
    again = by_role(pattern.enable(spec(), host(agent_is_subnet_user=True, agent_is_host_viewer=True), after))
    assert again["service"].body["annotations"] == first


def test_private_google_access_is_a_shared_change_noted_only_when_off() -> None:
    off = by_role(pattern.enable(spec(), host(), existing()))["subnet"]
    assert off.ownership is Ownership.SHARED and off.body == {"privateIpGoogleAccess": True}
    assert "crpatterns does not own" in off.notes[0]
    on = host(subnet={**host().subnet, "privateIpGoogleAccess": True})
    assert by_role(pattern.enable(spec(), on, existing()))["subnet"].notes == ()


def test_a_missing_service_is_created_and_owned_with_image() -> None:
    service = by_role(pattern.enable(spec(image="us-docker.pkg.dev/a/b/c:1"), host(), None))["service"]
    assert service.ownership is Ownership.OWNED
    assert service.body["template"]["containers"] == [{"image": "us-docker.pkg.dev/a/b/c:1"}]
    assert specs.PREVIOUS_INGRESS not in service.body["annotations"]
    assert "connector" not in service.body["template"]["vpcAccess"]


def test_a_service_the_tool_created_stays_owned() -> None:
    labels = {"managed-by": "crpatterns", "crpatterns-app": "api", "crpatterns-pattern": "shared-vpc",
              "crpatterns-role": "service"}
    assert by_role(pattern.enable(spec(), host(), existing(labels=labels)))["service"].ownership is Ownership.OWNED
    # Another pattern's service belongs to it: shared-vpc refuses it, naming the owner (issue 11).
    other = {**labels, "crpatterns-pattern": "web-app"}
    with pytest.raises(PlanError, match="belongs to crpatterns web-app app 'api'"):
        pattern.enable(spec(), host(), existing(labels=other))
    # A service nobody's crpatterns mark claims is changed as a shared one.
    assert by_role(pattern.enable(spec(), host(), existing()))["service"].ownership is Ownership.SHARED


@pytest.mark.parametrize(("facts", "service", "words"), [
    (dict(xpn_status="UNSPECIFIED_XPN_PROJECT_STATUS"), existing(), "is not a Shared VPC host project"),
    (dict(attached_to=None), existing(), "--attach"),
    (dict(attached_to="other-host"), existing(), "attached to the Shared VPC host other-host"),
    (dict(subnet=None), existing(), "Subnet run-egress does not exist"),
    (dict(subnet={"network": "projects/host-project/global/networks/other"}), existing(), "not to shared"),
    (dict(subnet={"network": NETWORK, "purpose": "REGIONAL_MANAGED_PROXY"}), existing(), "regular"),
    ({}, None, "Pass --image to create it"),
])
def test_what_must_hold_before_anything_changes(facts: dict[str, Any], service: Any, words: str) -> None:
    with pytest.raises(PlanError) as error:
        pattern.enable(spec(), host(**facts), service)
    assert words in str(error.value)


def test_not_attached_names_the_missing_step_and_role() -> None:
    with pytest.raises(PlanError) as error:
        pattern.enable(spec(), host(attached_to=None), existing())
    assert "not attached" in str(error.value) and "roles/compute.xpnAdmin" in str(error.value)
    intent = pattern.enable(spec(attach=True), host(attached_to=None), existing())
    attachment = by_role(intent)["attachment"]
    assert attachment.body == {"hostProject": "host-project"} and attachment.ownership is Ownership.SHARED


def test_the_host_must_be_another_project() -> None:
    with pytest.raises(UsageError):
        pattern.enable(spec(host="svc-project"), host(), existing())


def test_an_image_for_an_existing_service_is_a_warning_not_a_change() -> None:
    intent = pattern.enable(spec(image="us-docker.pkg.dev/a/b/c:2"), host(), existing())
    assert "keeps its image" in intent.warnings[0]
    assert "containers" not in by_role(intent)["service"].body["template"]


def test_invokers_are_added_to_the_service_policy_after_the_service() -> None:
    invoker = by_role(pattern.enable(spec(invokers=("serviceAccount:caller@x.iam.gserviceaccount.com",)), host(),
                               existing()))["invoker"]
    assert invoker.body["mode"] == "additive" and invoker.depends_on == ("service",)


# -- disable --------------------------------------------------------------------------------------


def disable_spec(revoke: bool = False) -> specs.DisableSpec:
    return specs.DisableSpec(name="api", project="svc-project", project_number="3", region="us-central1", revoke=revoke)


def connected(name: str = "api", subnet: str = SUBNET, **changes: Any) -> dict[str, Any]:
    grants = {record.Grant(SUBNET, "roles/compute.networkUser"),
              record.Grant("projects/host-project", "roles/compute.networkViewer")}
    return existing(name=f"projects/svc-project/locations/us-central1/services/{name}",
                    ingress="INGRESS_TRAFFIC_INTERNAL_ONLY",
                    annotations={specs.PREVIOUS_INGRESS: "INGRESS_TRAFFIC_ALL",
                                 specs.HOST_GRANTS: record.encode_grants(grants)},
                    template={"containers": [{"image": "i"}], "vpcAccess": {"networkInterfaces": [
                        {"network": NETWORK, "subnetwork": subnet}], "egress": "ALL_TRAFFIC"}}, **changes)


def test_disable_removes_the_connection_and_restores_the_ingress() -> None:
    intent = pattern.disable(disable_spec(), connected(), [], {})
    assert [d.role for d in intent.desired] == ["service"]
    body = intent.desired[0].body
    assert body["template"] == {"vpcAccess": None}
    assert body["ingress"] == "INGRESS_TRAFFIC_ALL"
    assert body["annotations"] == {specs.PREVIOUS_INGRESS: None}  # host-grants kept for a later revoke
    assert body["labels"] == {specs.CONNECTED_LABEL: None}


def test_revoke_removes_only_the_remembered_grants_after_the_service() -> None:
    intent = pattern.disable(disable_spec(True), connected(), [], {"host-project": set()})
    revokes = [d for d in intent.desired if d.role.startswith("revoke-")]
    assert {(d.kind, d.body["role"], d.body["mode"]) for d in revokes} == {
        ("compute.subnetworks.iamPolicy", "roles/compute.networkUser", "absent"),
        ("cloudresourcemanager.projects.iamPolicy", "roles/compute.networkViewer", "absent")}
    assert all(d.depends_on == ("service",) and d.body["members"] == [AGENT] for d in revokes)
    assert intent.desired[0].body["annotations"][specs.HOST_GRANTS] is None


def test_grants_another_service_still_needs_stay() -> None:
    other = connected("billing")
    intent = pattern.disable(disable_spec(True), connected(), [other], {"host-project": {SUBNET}})
    assert not [d for d in intent.desired if d.role.startswith("revoke-")]
    assert any("billing still use" in w for w in intent.warnings)
    kept = record.decode_grants(intent.desired[0].body["annotations"][specs.HOST_GRANTS])
    assert len(kept) == 2  # remembered, so a later revoke can remove them


def test_the_host_viewer_grant_stays_while_the_agent_uses_another_subnet_of_the_host() -> None:
    elsewhere = "projects/host-project/regions/europe-west1/subnetworks/eu"
    intent = pattern.disable(disable_spec(True), connected(), [], {"host-project": {SUBNET, elsewhere}})
    revokes = [d for d in intent.desired if d.role.startswith("revoke-")]
    assert [d.body["role"] for d in revokes] == ["roles/compute.networkUser"]
    assert any("eu" in w and "another region" in w for w in intent.warnings)


def test_disable_keeps_the_ingress_of_a_service_the_tool_created() -> None:
    labels = {"managed-by": "crpatterns", "crpatterns-app": "api", "crpatterns-pattern": "shared-vpc"}
    service = {**connected(labels=labels), "annotations": {}}
    intent = pattern.disable(disable_spec(), service, [], {})
    assert intent.desired[0].ownership is Ownership.OWNED
    assert "ingress" not in intent.desired[0].body
    assert "ingress stays INGRESS_TRAFFIC_INTERNAL_ONLY" in intent.desired[0].notes[0]


def test_disable_on_a_missing_service_is_an_error() -> None:
    with pytest.raises(PlanError):
        pattern.disable(disable_spec(), None, [], {})


def test_an_edited_annotation_names_no_grants() -> None:
    assert record.decode_grants("not a grant") == set()
    assert record.decode_grants("roles/x=elsewhere,r=projects/h,roles/y=projects/h/a") == set()
    assert record.decode_grants(" roles/x=projects/h ,") == {record.Grant("projects/h", "roles/x")}


def test_a_connector_is_cleared_for_direct_vpc_egress() -> None:
    service = existing(template={"containers": [{"image": "i"}], "vpcAccess": {"connector": "projects/x/c"}})
    vpc_access = by_role(pattern.enable(spec(), host(), service))["service"].body["template"]["vpcAccess"]
    assert vpc_access["connector"] is None


@pytest.mark.parametrize(("interface", "expected"), [
    ({"subnetwork": SUBNET}, SUBNET),
    ({"subnetwork": f"https://www.googleapis.com/compute/v1/{SUBNET}"}, SUBNET),
    ({"subnetwork": "own"}, "projects/svc-project/regions/us-central1/subnetworks/own"),
    ({"network": NETWORK}, "projects/host-project/regions/us-central1/subnetworks/shared"),
])
def test_connected_subnet_reads_every_form(interface: dict[str, str], expected: str) -> None:
    service = {"template": {"vpcAccess": {"networkInterfaces": [interface]}}}
    assert pattern.connected_subnet(service, "svc-project", "us-central1") == expected


# -- status findings ------------------------------------------------------------------------------


def good_report(**changes: Any) -> dict[str, Any]:
    report = {"name": "api", "project": "svc-project", "region": "us-central1", "exists": True,
              "subnet": SUBNET, "host": "host-project", "ingress": "INGRESS_TRAFFIC_INTERNAL_ONLY",
              "hostIsSharedVpcHost": True, "attachedTo": "host-project", "subnetExists": True,
              "agentCanUseSubnet": True, "agentIsHostNetworkViewer": True, "privateGoogleAccess": True,
              "agent": AGENT}
    return {**report, **changes}


def test_a_healthy_connection_has_no_findings() -> None:
    assert status.findings(good_report()) == []


@pytest.mark.parametrize(("changes", "words"), [
    (dict(exists=False), "does not exist"),
    (dict(subnet=None), "no Direct VPC egress"),
    (dict(ingress="INGRESS_TRAFFIC_ALL"), "Ingress is INGRESS_TRAFFIC_ALL"),
    (dict(hostIsSharedVpcHost=False), "not a Shared VPC host"),
    (dict(attachedTo=None), "not attached"),
    (dict(agentCanUseSubnet=False), "lacks roles/compute.networkUser"),
    (dict(agentIsHostNetworkViewer=False), "lacks roles/compute.networkViewer"),
    (dict(invokers=["allUsers"]), "roles/run.invoker to allUsers"),
    (dict(privateGoogleAccess=False), "Private Google Access is off"),
    (dict(failure="boom"), "failed: boom"),
])
def test_findings(changes: dict[str, Any], words: str) -> None:
    assert any(words in f for f in status.findings(good_report(**changes)))


# -- the engine pieces the pattern relies on ------------------------------------------------------


def test_merge_removes_keys_set_to_none_and_keeps_the_rest() -> None:
    template = {"containers": [{"image": "i", "env": [{"name": "A"}]}], "vpcAccess": {"egress": "ALL_TRAFFIC"}}
    assert merge(template, {"vpcAccess": None}) == {"containers": [{"image": "i", "env": [{"name": "A"}]}]}
    assert merge({"a": "1", "b": "2"}, {"a": None, "c": "3"}) == {"b": "2", "c": "3"}


def test_a_service_marked_for_the_app_is_matched_by_name_without_listing() -> None:
    from crpatterns.kinds.run_services import RunServices

    kinds = {"run.services": RunServices.__new__(RunServices)}
    desired = pattern.enable(spec(image="us-docker.pkg.dev/a/b/c:1"), host(), None).desired
    service = next(d for d in desired if d.role == "service")
    labels = {"managed-by": "crpatterns", "crpatterns-app": "api", "crpatterns-pattern": "shared-vpc",
              "crpatterns-role": "service", specs.CONNECTED_LABEL: "host-project"}
    actual = {"name": "projects/svc-project/locations/us-central1/services/api", "labels": labels,
              "ingress": "INGRESS_TRAFFIC_INTERNAL_ONLY", "annotations": service.body["annotations"],
              "template": {"containers": [{"image": "us-docker.pkg.dev/a/b/c:1"}],
                           "vpcAccess": service.body["template"]["vpcAccess"]}}
    observation = Observation(by_key={("run.services", service.scope, "api"): actual})
    alone = service.__class__(**{**vars(service), "depends_on": ()})
    plan = make_plan(specs.PATTERN_NAME, "api", "svc-project", [alone], observation, kinds)
    assert [s.action for s in plan.steps] == [Action.NOOP]
