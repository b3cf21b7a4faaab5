"""Cloud Run v2 service IAM policies: read-modify-write, etags, members, and the policy's lifetime."""

from __future__ import annotations

import pytest
from google.api_core import exceptions
from google.iam.v1 import iam_policy_pb2, options_pb2, policy_pb2

from tests.emulator.clients import run_services
from tests.emulator.serverless import PARENT, REGION, create, error_of

NAME = f"{PARENT}/services/hello"
IAP_AGENT = "serviceAccount:service-100000000001@gcp-sa-iap.iam.gserviceaccount.com"
RUN_AGENT = "serviceAccount:service-100000000001@serverless-robot-prod.iam.gserviceaccount.com"


def get_policy(client, name=NAME):
    return client.get_iam_policy(request=iam_policy_pb2.GetIamPolicyRequest(
        resource=name, options=options_pb2.GetPolicyOptions(requested_policy_version=3)))


def set_policy(client, policy, name=NAME):
    return client.set_iam_policy(request=iam_policy_pb2.SetIamPolicyRequest(resource=name, policy=policy))


def invoker(*members: str) -> policy_pb2.Binding:
    return policy_pb2.Binding(role="roles/run.invoker", members=list(members))


def test_read_modify_write(emulator):
    create(emulator)
    client = run_services(emulator)
    policy = get_policy(client)
    assert not policy.bindings and policy.etag
    policy.bindings.append(invoker("user:alice@example.com", RUN_AGENT))
    written = set_policy(client, policy)
    assert written.etag != policy.etag
    read = get_policy(client)
    assert [(b.role, list(b.members)) for b in read.bindings] == [
        ("roles/run.invoker", ["user:alice@example.com", RUN_AGENT])]
    assert emulator.inventory()["run"]["services"][0]["name"] == NAME


def test_getiampolicy_is_a_get_with_the_requested_version(emulator):
    create(emulator)
    status, policy = emulator.call("GET", f"v2/{NAME}:getIamPolicy?options.requestedPolicyVersion=3")
    assert status == 200 and "etag" in policy


def test_stale_etag_is_409_aborted(emulator):
    create(emulator)
    client = run_services(emulator)
    stale = get_policy(client)
    fresh = get_policy(client)
    fresh.bindings.append(invoker("user:bob@example.com"))
    set_policy(client, fresh)
    stale.bindings.append(invoker("user:eve@example.com"))
    with pytest.raises(exceptions.Conflict) as conflict:
        set_policy(client, stale)
    body = conflict.value.response.json()["error"]
    assert body["status"] == "ABORTED"
    assert body["message"].startswith("There were concurrent policy changes.")


def test_missing_service_is_404(emulator):
    with pytest.raises(exceptions.NotFound):
        get_policy(run_services(emulator))


def test_iap_agent_must_be_generated_before_it_is_granted(emulator):
    create(emulator)
    client = run_services(emulator)
    policy = get_policy(client)
    policy.bindings.append(invoker(IAP_AGENT))
    with pytest.raises(exceptions.BadRequest) as refused:
        set_policy(client, policy)
    assert refused.value.message.endswith(
        ": Service account service-100000000001@gcp-sa-iap.iam.gserviceaccount.com does not exist.")
    status, operation = emulator.call(
        "POST", "v1beta1/projects/100000000001/services/iap.googleapis.com:generateServiceIdentity")
    assert status == 200 and operation["done"], operation
    assert set_policy(client, get_policy(client).__class__(bindings=[invoker(IAP_AGENT)])).bindings


def test_public_members_under_domain_restricted_sharing(emulator):
    emulator.add_project("drs-project", "100000000042", domainRestrictedSharing=True)
    create(emulator, parent=f"projects/drs-project/locations/{REGION}")
    name = f"projects/drs-project/locations/{REGION}/services/hello"
    client = run_services(emulator)
    with pytest.raises(exceptions.BadRequest) as refused:
        set_policy(client, policy_pb2.Policy(bindings=[invoker("allUsers")]), name)
    assert "do not belong to a permitted customer" in refused.value.message
    create(emulator, "open")
    set_policy(client, policy_pb2.Policy(bindings=[invoker("allUsers")]), f"{PARENT}/services/open")


def test_the_policy_goes_with_the_service(emulator):
    create(emulator)
    client = run_services(emulator)
    set_policy(client, policy_pb2.Policy(bindings=[invoker("user:alice@example.com")]))
    client.delete_service(name=NAME).result()
    assert error_of(emulator.call("GET", f"v2/{NAME}:getIamPolicy"))["code"] == 404
    create(emulator)
    assert not get_policy(client).bindings


def test_every_project_with_run_enabled_has_its_run_agent(emulator):
    agents = emulator.inventory()["serviceAgents"]
    for number in ("100000000001", "100000000002", "100000000003"):
        assert f"service-{number}@serverless-robot-prod.iam.gserviceaccount.com" in agents
    emulator.add_project("no-run", "100000000098", services=["compute.googleapis.com"])
    assert "service-100000000098@serverless-robot-prod.iam.gserviceaccount.com" not in emulator.inventory()[
        "serviceAgents"]
