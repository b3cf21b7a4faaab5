"""Rules the discovery documents of Cloud Run v2, IAP v1, Resource Manager and Service Usage state in words
(tests/emulator/discovery_rules_run.py lists them; docs/google-behaviour.md classifies each). Every case
quotes its sentence."""

from __future__ import annotations

from typing import Any

import pytest

from tests.emulator import discovery_rules_run as rules
from tests.emulator.serverless import IMAGE, PARENT, REGION, create, error_of, raw_body

IAP_RESOURCE = f"v1/projects/100000000001/iap_web/cloud_run-{REGION}/services/hello"


def test_the_docs_table_accounts_for_every_rule_discovery_states():
    keys = {c.key for c in rules.candidates()}
    table = rules.docs_table()
    assert sorted(keys - set(table)) == [], "discovery states rules the docs table does not account for"
    assert sorted(set(table) - keys) == [], "the docs table names fields that state no rule"


def container(**fields: Any) -> dict[str, Any]:
    return {"image": IMAGE, **fields}


def template(*containers: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"template": {"containers": list(containers or [container()]), **fields}}


PROBE = {"httpGet": {"path": "/"}}
SECRET_VOLUME = {"name": "creds", "secret": {"secret": "api-key"}}
SQL_VOLUME = {"name": "db", "cloudSqlInstance": {"instances": ["p:us-central1:db"]}}
T = "service.template"

# (quoted sentence, body, field named in the violation)
REFUSED = [
    ("Container.image: Required.", template({"name": "app"}), f"{T}.containers[0].image"),
    ("EnvVar.name: Required.", template(container(env=[{"value": "x"}])), f"{T}.containers[0].env[0].name"),
    ("Volume.name: Required.", template(volumes=[{"secret": {"secret": "s"}}]), f"{T}.volumes[0].name"),
    ("SecretVolumeSource.secret: Required.", template(volumes=[{"name": "v", "secret": {"defaultMode": 256}}]),
     f"{T}.volumes[0].secret.secret"),
    ("HTTPHeader.name: Required.", template(container(livenessProbe={"httpGet": {"httpHeaders": [{"value": "1"}]}})),
     f"{T}.containers[0].liveness_probe.http_get.http_headers[0].name"),
    ("Container.name: specified as a DNS_LABEL (RFC 1123).", template(container(name="App_1")),
     f"{T}.containers[0].name"),
    ("EnvVar.name: Must not exceed 32768 characters.", template(container(env=[{"name": "N" * 32769}])),
     f"{T}.containers[0].env[0].name"),
    ("EnvVar.value: the maximum length is 32768 bytes.",
     template(container(env=[{"name": "N", "value": "é" * 16385}])), f"{T}.containers[0].env[0].value"),
    ("Container.ports: Only a single port can be specified.",
     template(container(ports=[{"containerPort": 8080}, {"containerPort": 9090}])), f"{T}.containers[0].ports"),
    ("ContainerPort.containerPort: 0 < container_port < 65536.", template(container(ports=[{"containerPort": 70000}])),
     f"{T}.containers[0].ports[0].container_port"),
    ("ResourceRequirements.limits: Only `memory`, `cpu` and `nvidia.com/gpu` keys in the map are supported.",
     template(container(resources={"limits": {"ephemeral-storage": "1Gi"}})),
     f"{T}.containers[0].resources.limits[ephemeral-storage]"),
    ("ResourceRequirements.limits: Setting 4 CPU requires at least 2Gi of memory.",
     template(container(resources={"limits": {"cpu": "4", "memory": "1Gi"}})),
     f"{T}.containers[0].resources.limits[memory]"),
    ("ResourceRequirements.limits: The only supported 'nvidia.com/gpu' value is '1'.",
     template(container(resources={"limits": {"nvidia.com/gpu": "2"}})),
     f"{T}.containers[0].resources.limits[nvidia.com/gpu]"),
    ("Probe: Exactly one of httpGet, tcpSocket, or grpc must be specified.",
     template(container(startupProbe={"httpGet": {}, "tcpSocket": {}})), f"{T}.containers[0].startup_probe"),
    ("Probe: Exactly one of httpGet, tcpSocket, or grpc must be specified (none).",
     template(container(livenessProbe={"periodSeconds": 5})), f"{T}.containers[0].liveness_probe"),
    ("HTTPGetAction.port: Must be in the range 1 to 65535.",
     template(container(livenessProbe={"httpGet": {"port": 70000}})),
     f"{T}.containers[0].liveness_probe.http_get.port"),
    ("Probe.periodSeconds: Maximum value for startup probe is 240.",
     template(container(startupProbe={**PROBE, "periodSeconds": 241})),
     f"{T}.containers[0].startup_probe.period_seconds"),
    ("Probe.initialDelaySeconds: Maximum value for liveness probe is 3600.",
     template(container(livenessProbe={**PROBE, "initialDelaySeconds": 3601})),
     f"{T}.containers[0].liveness_probe.initial_delay_seconds"),
    ("Probe.failureThreshold: Minimum value is 1.",
     template(container(livenessProbe={**PROBE, "failureThreshold": -1})),
     f"{T}.containers[0].liveness_probe.failure_threshold"),
    ("Probe.periodSeconds: Must be greater or equal than timeout_seconds.",
     template(container(livenessProbe={**PROBE, "periodSeconds": 5, "timeoutSeconds": 6})),
     f"{T}.containers[0].liveness_probe.timeout_seconds"),
    ("VolumeMount.name: This must match the Name of a Volume.",
     template(container(volumeMounts=[{"name": "nope", "mountPath": "/x"}])),
     f"{T}.containers[0].volume_mounts[0].name"),
    ("VolumeMount.mountPath: Must not contain ':'.",
     template(container(volumeMounts=[{"name": "creds", "mountPath": "/a:b"}]), volumes=[SECRET_VOLUME]),
     f"{T}.containers[0].volume_mounts[0].mount_path"),
    ("VolumeMount.mountPath: For Cloud SQL volumes, it can be left empty, or must otherwise be `/cloudsql`.",
     template(container(volumeMounts=[{"name": "db", "mountPath": "/sql"}]), volumes=[SQL_VOLUME]),
     f"{T}.containers[0].volume_mounts[0].mount_path"),
    ("VolumeMount.subPath: This field is currently rejected in Secret volume mounts.",
     template(container(volumeMounts=[{"name": "creds", "mountPath": "/s", "subPath": "k"}]), volumes=[SECRET_VOLUME]),
     f"{T}.containers[0].volume_mounts[0].sub_path"),
    ("Container.dependsOn: Names of the containers that must start before this container.",
     template(container(name="app", dependsOn=["sidecar"])), f"{T}.containers[0].depends_on"),
    ("SecretVolumeSource.defaultMode: Must be a value between 0000 and 0777 (octal).",
     template(volumes=[{"name": "v", "secret": {"secret": "s", "defaultMode": 512}}]),
     f"{T}.volumes[0].secret.default_mode"),
    ("SecretVolumeSource.items: When items are defined, they must specify a path and a version.",
     template(volumes=[{"name": "v", "secret": {"secret": "s", "items": [{"path": "k"}]}}]),
     f"{T}.volumes[0].secret.items[0]"),
    ("SecretVolumeSource.secret: Format: {secret} ... projects/{project}/secrets/{secret}.",
     template(volumes=[{"name": "v", "secret": {"secret": "projects/p/secret/s"}}]), f"{T}.volumes[0].secret.secret"),
    ("CloudSqlInstance.instances: Format: `{project}:{location}:{instance}`.",
     template(volumes=[{"name": "db", "cloudSqlInstance": {"instances": ["db"]}}]),
     f"{T}.volumes[0].cloud_sql_instance.instances[0]"),
    ("RevisionTemplate.encryptionKeyShutdownDuration: The minimum increment is 1 hour.",
     template(encryptionKeyShutdownDuration="5400s"), f"{T}.encryption_key_shutdown_duration"),
    ("BinaryAuthorization.breakglassJustification: If use_default is False, then it must be empty.",
     {**template(), "binaryAuthorization": {"breakglassJustification": "incident 42"}},
     "service.binary_authorization.breakglass_justification"),
    ("BinaryAuthorization.policy: Format: `projects/{project}/platforms/cloudRun/{policy-name}`.",
     {**template(), "binaryAuthorization": {"policy": "my-policy"}}, "service.binary_authorization.policy"),
    ("SourceFile.filename: cannot contain `..`, `./`, `//`, or end with a `/`.",
     template(container(sourceCode={"inlinedSource": {"sources": [{"filename": "../x.js", "content": "1"}]}})),
     f"{T}.containers[0].source_code.inlined_source.sources[0].filename"),
    ("ServiceMesh.mesh: Format: `projects/{project}/locations/global/meshes/{mesh}`.",
     template(serviceMesh={"mesh": "my-mesh"}), f"{T}.service_mesh.mesh"),
    ("VpcAccess.connector: Format: `projects/{project}/locations/{location}/connectors/{connector}`.",
     template(vpcAccess={"connector": "my-connector"}), f"{T}.vpc_access.connector"),
    ("MultiRegionSettings.regions: Required.", {**template(), "multiRegionSettings": {"multiRegionId": "m"}},
     "service.multi_region_settings.regions"),
]


@pytest.mark.parametrize("sentence, body, field", REFUSED, ids=[case[0].split(":")[0] for case in REFUSED])
def test_cloud_run_refuses_what_its_discovery_document_states(emulator, sentence, body, field):
    error = error_of(emulator.call("POST", f"v2/{PARENT}/services?serviceId=hello", body))
    assert error["code"] == 400 and error["status"] == "INVALID_ARGUMENT", error
    assert error["message"].startswith(f"Violation in CreateServiceRequest.{field}: "), (sentence, error["message"])


ACCEPTED = [
    # VolumeMount.mountPath: "For Cloud SQL volumes, it can be left empty".
    template(container(volumeMounts=[{"name": "db"}]), volumes=[SQL_VOLUME]),
    # Probe: 0 is proto3's unset ("If not specified, defaults to the exposed port"; "Defaults to 3").
    template(container(startupProbe={"tcpSocket": {"port": 0}, "failureThreshold": 0, "periodSeconds": 240})),
    # periodSeconds "greater or equal than timeout_seconds" (equal accepted).
    template(container(livenessProbe={**PROBE, "periodSeconds": 5, "timeoutSeconds": 5})),
    template(container(name="app"), container(name="sidecar", dependsOn=["app"])),
    template(volumes=[{"name": "v", "secret": {"secret": "projects/p/secrets/s", "defaultMode": 0o444,
                                               "items": [{"path": "k", "version": "latest", "mode": 0o400}]}}]),
    template(container(resources={"limits": {"cpu": "4", "memory": "2Gi"}, "cpuIdle": True})),
]


@pytest.mark.parametrize("body", ACCEPTED)
def test_cloud_run_accepts_what_the_descriptions_allow(emulator, body):
    status, answer = emulator.call("POST", f"v2/{PARENT}/services?serviceId=hello", body)
    assert status == 200, answer


# -- IAM requests (every API's google.iam.v1 messages) ----------------------------------------------------


def test_set_iam_policy_requires_the_policy(emulator):
    # SetIamPolicyRequest.policy: "REQUIRED: The complete policy to be applied to the `resource`."
    create(emulator)
    for path in (f"v2/{PARENT}/services/hello", "v3/projects/demo-project", "v1/projects/demo-project",
                 IAP_RESOURCE):
        assert error_of(emulator.call("POST", f"{path}:setIamPolicy", {}))["code"] == 400, path
        status, _ = emulator.call("POST", f"{path}:setIamPolicy", {"policy": {}})
        assert status == 200, path  # "An empty policy is a valid policy"


def test_test_iam_permissions_refuses_wildcards(emulator):
    # TestIamPermissionsRequest.permissions: "Permissions with wildcards (such as `*` or `storage.*`) are not
    # allowed."
    create(emulator)
    for path in (f"v2/{PARENT}/services/hello", IAP_RESOURCE):
        assert error_of(emulator.call("POST", f"{path}:testIamPermissions", {"permissions": ["run.*"]}))["code"] == 400
        status, answer = emulator.call("POST", f"{path}:testIamPermissions", {"permissions": ["run.services.get"]})
        assert status == 200 and answer["permissions"] == ["run.services.get"]


# -- IAP settings ---------------------------------------------------------------------------------------


def update_settings(emulator, settings: dict[str, Any]) -> tuple[int, Any]:
    return emulator.call("PATCH", f"{IAP_RESOURCE}:iapSettings", {"name": IAP_RESOURCE[3:], **settings})


def test_iap_settings_rules(emulator):
    create(emulator)
    # AccessSettings.identitySources: "Only one identity source can be configured."
    sources = {"accessSettings": {"identitySources": ["WORKFORCE_IDENTITY_FEDERATION"] * 2}}
    assert error_of(update_settings(emulator, sources))["code"] == 400
    # WorkforceIdentitySettings.workforcePools: "Only one workforce pool is accepted."
    pools = {"accessSettings": {"workforceIdentitySettings": {"workforcePools": ["a", "b"]}}}
    assert error_of(update_settings(emulator, pools))["code"] == 400
    # OAuth2.clientSecret: "Input only."; clientSecretSha256: "Output only. SHA256 hash value for the client
    # secret."
    oauth = {"accessSettings": {"workforceIdentitySettings": {"workforcePools": ["a"], "oauth2": {
        "clientId": "id", "clientSecret": "s3cret"}}, "oauthSettings": {"clientSecret": "other"}}}
    status, answer = update_settings(emulator, oauth)
    assert status == 200, answer
    _, read = emulator.call("GET", f"{IAP_RESOURCE}:iapSettings")
    for shown in (answer, read):
        access = shown["accessSettings"]
        assert "clientSecret" not in access["workforceIdentitySettings"]["oauth2"]
        assert access["workforceIdentitySettings"]["oauth2"]["clientSecretSha256"]
        assert "clientSecret" not in access.get("oauthSettings", {})


def test_iap_reauth_settings_are_set_together(emulator):
    # updateIapSettings.updateMask: "All IAP reauth settings must always be set together, using the field mask:
    # `iapSettings.accessSettings.reauthSettings`."
    create(emulator)
    body = {"name": IAP_RESOURCE[3:], "accessSettings": {"reauthSettings": {"method": "LOGIN", "maxAge": "600s"}}}
    partial = "iapSettings.accessSettings.reauthSettings.method"
    assert error_of(emulator.call("PATCH", f"{IAP_RESOURCE}:iapSettings?updateMask={partial}", body))["code"] == 400
    whole = "iapSettings.accessSettings.reauthSettings"
    status, answer = emulator.call("PATCH", f"{IAP_RESOURCE}:iapSettings?updateMask={whole}", body)
    assert status == 200 and answer["accessSettings"]["reauthSettings"]["method"] == "LOGIN", answer


def test_create_without_a_service_id_gets_one(emulator):
    # Discovery, services.create serviceId: "If not provided, the server will generate a unique `service_id`."
    status, operation = emulator.call("POST", f"v2/{PARENT}/services", raw_body())
    assert status == 200, operation
    assert operation["metadata"]["name"].startswith(f"{PARENT}/services/")


# -- Service Usage ----------------------------------------------------------------------------------------


def test_v1beta1_batch_enable_needs_two_services(emulator):
    # v1beta1 BatchEnableServicesRequest.serviceIds: "Two or more services must be specified."; v1 has no such
    # sentence.
    one = {"serviceIds": ["dns.googleapis.com"]}
    assert error_of(emulator.call("POST", "v1beta1/projects/demo-project/services:batchEnable", one))["code"] == 400
    status, _ = emulator.call("POST", "v1/projects/demo-project/services:batchEnable", one)
    assert status == 200


def test_required_fields_inside_unset_messages_are_not_required(emulator):
    status, answer = emulator.call("POST", f"v2/{PARENT}/services?serviceId=hello", raw_body())
    assert status == 200, answer
