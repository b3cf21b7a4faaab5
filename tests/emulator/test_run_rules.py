"""Cloud Run v2 refusals: ids, labels and annotations, containers, revisions, launch stages, VPC access."""

from __future__ import annotations

import pytest
from google.api_core import exceptions
from google.cloud import run_v2

from tests.emulator.clients import run_services
from tests.emulator.serverless import PARENT, create, error_of, raw_body, service

ID_RULE = ("only lowercase, digits, and hyphens; must begin with letter, and cannot end with hyphen; "
           "must be less than 50 characters.")


def post(emulator, body, service_id="svc"):
    return emulator.call("POST", f"v2/{PARENT}/services?serviceId={service_id}", body)


# An empty serviceId is proto3's unset, and discovery (services.create serviceId) says "If not provided, the
# server will generate a unique `service_id`" (test_run_discovery_rules.py tries it).
@pytest.mark.parametrize("bad", ["Hello", "1hello", "hello-", "hel_lo", "a" * 50])
def test_bad_service_ids(emulator, bad):
    error = error_of(post(emulator, raw_body(), bad))
    assert error["status"] == "INVALID_ARGUMENT"
    assert error["message"] == f"Violation in CreateServiceRequest.service_id: {ID_RULE}"
    violation = error["details"][0]["fieldViolations"][0]
    assert violation == {"field": "Violation in CreateServiceRequest.service_id", "description": ID_RULE}


def test_longest_service_id_is_49_characters(emulator):
    assert post(emulator, raw_body(), "a" * 49)[0] == 200


@pytest.mark.parametrize("where", ["labels", "template.labels"])
@pytest.mark.parametrize("key", ["run.googleapis.com/x", "cloud.googleapis.com/x", "serving.knative.dev/x",
                                 "autoscaling.knative.dev/x", "Upper", "1digit"])
def test_refused_labels(emulator, where, key):
    body = raw_body()
    target = body["template"] if where.startswith("template") else body
    target["labels"] = {key: "v"}
    error = error_of(post(emulator, body))
    assert error["code"] == 400 and f"service.{where}[{key}]" in error["message"]


def test_bad_label_value_and_good_labels(emulator):
    assert error_of(post(emulator, raw_body(labels={"team": "Not Valid"})))["code"] == 400
    assert post(emulator, raw_body(labels={"team": "web", "env": ""}))[0] == 200


@pytest.mark.parametrize("where", ["annotations", "template.annotations"])
@pytest.mark.parametrize("namespace", ["run.googleapis.com", "cloud.googleapis.com", "serving.knative.dev",
                                       "autoscaling.knative.dev"])
def test_refused_annotation_namespaces(emulator, where, namespace):
    body = raw_body()
    target = body["template"] if where.startswith("template") else body
    target["annotations"] = {f"{namespace}/ingress": "all"}
    error = error_of(post(emulator, body))
    assert error["code"] == 400
    assert f"does not support annotations in the '{namespace}' namespace" in error["message"]


def test_other_annotations_are_kept(emulator):
    created = create(emulator, body=service(annotations={"example.com/owner": "team-a", "note": "x"}))
    assert dict(created.annotations) == {"example.com/owner": "team-a", "note": "x"}


def test_a_container_image_is_required(emulator):
    error = error_of(post(emulator, {"template": {"containers": [{"name": "app"}]}}))
    assert error["message"].startswith("Violation in CreateServiceRequest.service.template.containers[0].image")
    assert error_of(post(emulator, {"template": {"containers": []}}))["code"] == 400
    assert error_of(post(emulator, {}))["code"] == 400


def test_unknown_fields_and_bad_enums_are_refused_by_the_schema(emulator):
    error = error_of(post(emulator, {"template": {"containers": [{"image": "x"}], "foo": 1}}))
    assert 'Unknown name "foo"' in error["message"]
    error = error_of(post(emulator, raw_body(ingress="EVERYONE")))
    assert "service.ingress" in error["message"]


def test_revision_name_with_different_configuration_is_409(emulator):
    body = service()
    body.template.revision = "hello-first"
    created = create(emulator, body=body)
    assert created.latest_ready_revision.endswith("/revisions/hello-first")
    client = run_services(emulator)
    same = client.update_service(service=created).result()  # same name, same config: accepted
    assert same.latest_created_revision == created.latest_created_revision
    same.template.containers[0].image = "us-docker.pkg.dev/cloudrun/container/hello:other"
    with pytest.raises(exceptions.Conflict) as conflict:
        client.update_service(service=same).result()
    assert conflict.value.message.endswith(
        ": Revision named 'hello-first' with different configuration already exists.")


def test_revision_name_must_start_with_the_service_name(emulator):
    body = raw_body()
    body["template"]["revision"] = "other-rev"
    assert error_of(post(emulator, body))["code"] == 400


def test_iap_needs_launch_stage_beta(emulator):
    error = error_of(post(emulator, raw_body(iapEnabled=True)))
    assert error["code"] == 400
    assert error["message"].startswith("The feature 'IAP' is not supported in the declared launch stage on resource "
                                       "svc. The launch stage annotation should be specified at least as BETA.")
    created = create(emulator, body=service(iap_enabled=True, launch_stage="BETA"))
    assert created.iap_enabled and created.launch_stage == 3  # BETA
    alpha = create(emulator, "alpha", body=service(iap_enabled=True, launch_stage="ALPHA"))
    assert alpha.launch_stage == 3  # discovery: ALPHA in, only BETA features used -> BETA out
    plain = create(emulator, "plain", body=service(launch_stage="BETA"))
    assert plain.launch_stage == 4  # GA: no preview feature used


def test_enabling_iap_later_needs_the_launch_stage_in_the_same_update(emulator):
    from google.protobuf import field_mask_pb2

    created = create(emulator)
    client = run_services(emulator)
    change = run_v2.Service(name=created.name, iap_enabled=True)
    with pytest.raises(exceptions.BadRequest):
        client.update_service(service=change, update_mask=field_mask_pb2.FieldMask(paths=["iap_enabled"])).result()
    change.launch_stage = "BETA"
    updated = client.update_service(service=change, update_mask=field_mask_pb2.FieldMask(
        paths=["iap_enabled", "launch_stage"])).result()
    assert updated.iap_enabled


def test_per_service_max_instances_needs_beta(emulator):
    error = error_of(post(emulator, raw_body(scaling={"maxInstanceCount": 5})))
    assert "'Per-service maximum instances'" in error["message"]
    assert post(emulator, raw_body(scaling={"maxInstanceCount": 5}, launchStage="BETA"))[0] == 200


def test_ingress_and_uri_flags_are_kept(emulator):
    for ingress in ("INGRESS_TRAFFIC_INTERNAL_ONLY", "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER", "INGRESS_TRAFFIC_NONE"):
        name = ingress.lower().replace("_", "-")[:40].rstrip("-")
        status, _ = post(emulator, raw_body(ingress=ingress, defaultUriDisabled=True, invokerIamDisabled=True), name)
        assert status == 200
        status, got = emulator.call("GET", f"v2/{PARENT}/services/{name}")
        assert got["ingress"] == ingress and got["defaultUriDisabled"] and got["invokerIamDisabled"]


def vpc_body(**vpc):
    body = raw_body()
    body["template"]["vpcAccess"] = vpc
    return body


def test_vpc_access_shape(emulator):
    both = vpc_body(connector="projects/demo-project/locations/us-central1/connectors/c",
                    networkInterfaces=[{"network": "default"}])
    assert error_of(post(emulator, both))["code"] == 400
    two = vpc_body(networkInterfaces=[{"network": "default"}, {"network": "default"}])
    assert error_of(post(emulator, two))["code"] == 400
    empty = vpc_body(networkInterfaces=[{"tags": ["a"]}])
    assert error_of(post(emulator, empty))["code"] == 400


def test_direct_vpc_egress_in_the_same_project(emulator):
    # Every project has the auto mode `default` network with a subnet per region (compute emulator seed).
    status, operation = post(emulator, vpc_body(networkInterfaces=[{"network": "default", "tags": ["web"]}]))
    assert status == 200 and "error" not in operation, operation
    status, got = emulator.call("GET", f"v2/{PARENT}/services/svc")
    assert got["template"]["vpcAccess"]["egress"] == "PRIVATE_RANGES_ONLY"
    assert got["terminalCondition"]["state"] == "CONDITION_SUCCEEDED"
    full = vpc_body(networkInterfaces=[{"network": "projects/demo-project/global/networks/default",
                                        "subnetwork": "projects/demo-project/regions/us-central1/subnetworks/default"}],
                    egress="ALL_TRAFFIC")
    assert post(emulator, full, "full")[0] == 200


def test_subnet_must_exist_be_in_the_region_and_in_the_network(emulator):
    missing = vpc_body(networkInterfaces=[{"subnetwork": "nope"}])
    assert "does not exist" in error_of(post(emulator, missing))["message"]
    elsewhere = vpc_body(networkInterfaces=[{
        "subnetwork": "projects/demo-project/regions/europe-west1/subnetworks/default"}])
    assert "not in the service's region" in error_of(post(emulator, elsewhere))["message"]
    no_network = vpc_body(networkInterfaces=[{"network": "nope"}])
    assert error_of(post(emulator, no_network))["code"] == 400
