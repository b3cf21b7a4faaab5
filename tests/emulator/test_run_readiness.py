"""Cloud Run readiness probes and minimum instances, what Cloud Run service health is computed from
(docs/google-behaviour.md, "Cloud Run: readiness probes, minimum instances and service health")."""

from __future__ import annotations

from google.api import launch_stage_pb2
from google.cloud import run_v2

from tests.emulator.serverless import PARENT, create, error_of, raw_body


def post(emulator, body, service_id="svc"):
    return emulator.call("POST", f"v2/{PARENT}/services?serviceId={service_id}", body)


def test_a_readiness_probe_and_a_minimum_instance_need_no_launch_stage(emulator):
    """GA since 2026 (GoogleCloudPlatform/magic-modules#17925): a service declaring no launch stage takes them,
    and reports GA."""
    template = run_v2.RevisionTemplate(
        containers=[run_v2.Container(image="us-docker.pkg.dev/p/r/img:1", readiness_probe=run_v2.Probe(
            http_get=run_v2.HTTPGetAction(path="/healthz"), period_seconds=10, failure_threshold=3))],
        scaling=run_v2.RevisionScaling(min_instance_count=1))
    made = create(emulator, body=run_v2.Service(template=template))
    assert made.template.containers[0].readiness_probe.http_get.path == "/healthz"
    assert made.template.scaling.min_instance_count == 1
    assert made.launch_stage == launch_stage_pb2.LaunchStage.GA
    assert made.terminal_condition.state == run_v2.Condition.State.CONDITION_SUCCEEDED


def test_a_readiness_probe_is_checked_like_the_other_probes(emulator):
    """discovery run.v2 Probe: "Exactly one of httpGet, tcpSocket, or grpc must be specified."; periodSeconds
    "Must be greater or equal than timeout_seconds"; failureThreshold "Minimum value is 1"."""
    where = "Violation in CreateServiceRequest.service.template.containers[0].readiness_probe"
    for probe, field, words in (
            ({"httpGet": {"path": "/"}, "tcpSocket": {}}, "", "exactly one of http_get, tcp_socket, or grpc"),
            ({"httpGet": {"path": "/"}, "timeoutSeconds": 20, "periodSeconds": 10}, ".timeout_seconds",
             "must not be greater than period_seconds"),
            ({"httpGet": {"path": "/"}, "failureThreshold": -1}, ".failure_threshold", "must be at least 1"),
            ({"httpGet": {"path": "/", "port": 70000}}, ".http_get.port", "must be in the range 1 to 65535")):
        body = raw_body()
        body["template"]["containers"][0]["readinessProbe"] = probe
        message = error_of(post(emulator, body))["message"]
        assert message.startswith(f"{where}{field}: {words}"), message
    # No maximum is stated for readiness probes (only for liveness, 3600, and startup, 240).
    body = raw_body()
    body["template"]["containers"][0]["readinessProbe"] = {"httpGet": {"path": "/"}, "periodSeconds": 3000,
                                                           "timeoutSeconds": 1}
    assert post(emulator, body)[0] == 200
