"""Serverless NEGs and backend services through google-cloud-compute: Google's rules and messages."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from google.cloud import compute_v1

from tests.emulator.clients import compute
from tests.emulator.lb import (
    assert_refused,
    backend_service,
    done,
    global_,
    link,
    regional,
    serverless_neg,
    url_map,
)
from tests.emulator.networking import PROJECT, REGION, expect_error
from tests.support import EmulatorProcess

NEG = regional("neg", "networkEndpointGroups")
NEG_PATH = f"compute/v1/{NEG}"


def neg_body(**fields: Any) -> dict[str, Any]:
    return {"name": "neg", "networkEndpointType": "SERVERLESS", **fields}


def insert_neg(emulator: EmulatorProcess, body: dict[str, Any]) -> tuple[int, Any]:
    return emulator.call("POST", f"compute/v1/projects/{PROJECT}/regions/{REGION}/networkEndpointGroups", body)


# -- serverless NEGs -------------------------------------------------------------------------------


def test_serverless_neg_lifecycle(emulator: EmulatorProcess) -> None:
    # The Cloud Run service does not exist: not required (UNCONFIRMED in Google's docs).
    neg = serverless_neg(emulator, service="not-deployed-yet")
    assert neg.network_endpoint_type == "SERVERLESS"
    assert neg.cloud_run.service == "not-deployed-yet"
    assert neg.size == 0
    assert neg.self_link == link(NEG)
    assert neg.region == link(f"projects/{PROJECT}/regions/{REGION}")
    negs = compute(emulator, "RegionNetworkEndpointGroupsClient")
    assert [n.name for n in negs.list(project=PROJECT, region=REGION)] == ["neg"]
    done(emulator, negs.delete(project=PROJECT, region=REGION, network_endpoint_group="neg"), REGION)
    with expect_error(404, f"The resource '{NEG}' was not found", "notFound"):
        negs.get(project=PROJECT, region=REGION, network_endpoint_group="neg")


def test_neg_has_no_patch(emulator: EmulatorProcess) -> None:
    serverless_neg(emulator)
    status, _ = emulator.call("PATCH", NEG_PATH, {"cloudRun": {"service": "other"}})
    assert status == 404


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "Exactly one of cloudRun, appEngine or cloudFunction must be set for a network endpoint group of "
             "type SERVERLESS."),
        ({"cloudRun": {"service": "a"}, "appEngine": {}}, "Exactly one of cloudRun, appEngine or cloudFunction "
                                                           "must be set for a network endpoint group of type "
                                                           "SERVERLESS."),
        ({"cloudRun": {}}, "Either service or urlMask must be set."),
        ({"cloudRun": {"service": "Hello_World"}}, "Must be a match of regex '[a-z]([-a-z0-9]{0,61}[a-z0-9])?'"),
        ({"cloudRun": {"service": "hello", "tag": "t" * 64}}, "Must be a match of regex "
                                                               "'[a-z]([-a-z0-9]{0,61}[a-z0-9])?'"),
        ({"cloudRun": {"service": "hello"}, "network": "global/networks/default"},
         "network must not be set for network endpoint groups of type SERVERLESS."),
        ({"cloudRun": {"service": "hello"}, "defaultPort": 8080},
         "defaultPort must not be set for network endpoint groups of type SERVERLESS."),
    ],
)
def test_serverless_neg_rules(emulator: EmulatorProcess, fields: dict[str, Any], message: str) -> None:
    assert_refused(insert_neg(emulator, neg_body(**fields)), message)


def test_serverless_blocks_only_for_serverless(emulator: EmulatorProcess) -> None:
    body = neg_body(networkEndpointType="INTERNET_FQDN_PORT", cloudRun={"service": "hello"})
    assert_refused(insert_neg(emulator, body), "cloudRun can only be set for network endpoint groups of type "
                                               "SERVERLESS.")


def test_url_mask_without_service(emulator: EmulatorProcess) -> None:
    status, _ = insert_neg(emulator, neg_body(cloudRun={"urlMask": "<service>.example.com"}))
    assert status == 200


def test_neg_in_use_by_a_backend_service(emulator: EmulatorProcess) -> None:
    neg = serverless_neg(emulator)
    backend_service(emulator, "backend", [neg.self_link])
    negs = compute(emulator, "RegionNetworkEndpointGroupsClient")
    with expect_error(400, f"The network_endpoint_group resource '{NEG}' is already being used by "
                           f"'{regional('backend', 'backendServices')}'", "resourceInUseByAnotherResource"):
        negs.delete(project=PROJECT, region=REGION, network_endpoint_group="neg")


# -- backend services with serverless NEGs --------------------------------------------------------


def regional_backend_body(**fields: Any) -> dict[str, Any]:
    return {"name": "backend", "loadBalancingScheme": "INTERNAL_MANAGED", "protocol": "HTTP",
            "backends": [{"group": NEG}], **fields}


def insert_backend(emulator: EmulatorProcess, body: dict[str, Any], region: str | None = REGION) -> tuple[int, Any]:
    scope = f"regions/{region}" if region else "global"
    return emulator.call("POST", f"compute/v1/projects/{PROJECT}/{scope}/backendServices", body)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"loadBalancingScheme": None},
         "Invalid load balancing scheme for regional backend service with Serverless network endpoint group."),
        ({"loadBalancingScheme": "INTERNAL"},
         "Invalid load balancing scheme for regional backend service with Serverless network endpoint group."),
        ({"healthChecks": [global_("hc", "healthChecks")]},
         "Invalid value for field 'resource.healthChecks': ''. A backend service cannot have a healthcheck with "
         "Serverless network endpoint group backends."),
        ({"timeoutSec": 300}, "Invalid value for field 'resource.timeoutSec': '300'. Timeout sec is not supported "
                              "for a backend service with Serverless network endpoint groups."),
        ({"portName": "https"}, "Invalid value for field 'resource.portName': 'https'. Port name is not supported "
                                "for a backend service with Serverless network endpoint groups."),
        ({"backends": [{"group": NEG, "balancingMode": "RATE"}]},
         "Invalid value for field 'resource.backends[0].balancingMode': 'RATE'. Balancing mode is not supported "
         "for Serverless network endpoint groups."),
        ({"backends": [{"group": NEG, "maxUtilization": 0.8}]},
         "Invalid value for field 'resource.backends[0].maxUtilization': '0.8'. Max utilization is not "
         "supported for Serverless network endpoint groups."),
        ({"backends": [{"group": NEG, "capacityScaler": 0.5}]},
         "Capacity scaler is not supported for regional Serverless network endpoint groups."),
    ],
)
def test_regional_backend_serverless_rules(emulator: EmulatorProcess, fields: dict[str, Any], message: str) -> None:
    serverless_neg(emulator)
    body = {k: v for k, v in regional_backend_body(**fields).items() if v is not None}
    assert_refused(insert_backend(emulator, body), message)


def test_global_backend_holds_a_regional_neg(emulator: EmulatorProcess) -> None:
    neg = serverless_neg(emulator)
    backend = backend_service(emulator, "backend", [neg.self_link], region=None, scheme="EXTERNAL_MANAGED",
                              protocol="HTTPS")
    assert backend.backends[0].group == link(NEG)
    assert backend.backends[0].balancing_mode == "UTILIZATION"
    assert backend.backends[0].capacity_scaler == 1.0
    assert backend.protocol == "HTTPS"
    assert backend.timeout_sec == 30  # returned though it cannot be set (UNCONFIRMED)
    assert backend.session_affinity == "NONE"
    assert backend.enable_c_d_n is False
    assert backend.fingerprint
    # Global schemes for serverless NEGs: EXTERNAL, EXTERNAL_MANAGED and INTERNAL_MANAGED (cross-region
    # internal); Cloud Service Mesh's INTERNAL_SELF_MANAGED is not among the load balancers serverless NEGs
    # serve (https://cloud.google.com/load-balancing/docs/negs/serverless-neg-concepts, "Supported load balancers").
    status, body = insert_backend(emulator, {"name": "mesh", "loadBalancingScheme": "INTERNAL_SELF_MANAGED",
                                             "backends": [{"group": NEG}]}, region=None)
    assert status == 400
    assert "Invalid load balancing scheme for global backend service" in body["error"]["message"]


def test_backend_defaults(emulator: EmulatorProcess) -> None:
    status, _ = insert_backend(emulator, {"name": "plain"}, region=None)
    assert status == 200
    _, backend = emulator.call("GET", f"compute/v1/{global_('plain', 'backendServices')}")
    assert backend["loadBalancingScheme"] == "EXTERNAL"
    assert backend["protocol"] == "HTTP"
    assert backend["connectionDraining"] == {"drainingTimeoutSec": 0}
    emulator.call("POST", f"compute/v1/projects/{PROJECT}/regions/{REGION}/backendServices", {"name": "plain"})
    _, backend = emulator.call("GET", f"compute/v1/{regional('plain', 'backendServices')}")
    assert backend["loadBalancingScheme"] == "INTERNAL"


def test_backend_group_must_exist_in_the_region(emulator: EmulatorProcess) -> None:
    assert_refused(insert_backend(emulator, regional_backend_body()), f"The resource '{NEG}' was not found", 404)
    serverless_neg(emulator, region="us-east1")
    other = regional("neg", "networkEndpointGroups", region="us-east1")
    assert_refused(insert_backend(emulator, regional_backend_body(backends=[{"group": other}])),
                   "Network endpoint group must be in the same region as the backend service.")


def test_update_needs_the_current_fingerprint(emulator: EmulatorProcess) -> None:
    """What gcloud's add-backend does: GET, add the backend, PUT the whole resource back."""
    serverless_neg(emulator)
    serverless_neg(emulator, name="neg2", service="other")
    client = compute(emulator, "RegionBackendServicesClient")
    backend = backend_service(emulator, "backend", [link(NEG)])
    backend.backends.append(compute_v1.Backend(group=regional("neg2", "networkEndpointGroups")))
    stale = compute_v1.BackendService(backend)
    stale.fingerprint = "AAAAAAAAAAA="
    with expect_error(412, reason="conditionNotMet"):
        client.update(project=PROJECT, region=REGION, backend_service="backend", backend_service_resource=stale)
    done(emulator, client.update(project=PROJECT, region=REGION, backend_service="backend",
                                 backend_service_resource=backend), REGION)
    updated = client.get(project=PROJECT, region=REGION, backend_service="backend")
    assert [b.group for b in updated.backends] == [link(NEG), link(regional("neg2", "networkEndpointGroups"))]
    assert updated.fingerprint != backend.fingerprint
    # The old fingerprint is stale now.
    with expect_error(412, reason="conditionNotMet"):
        client.patch(project=PROJECT, region=REGION, backend_service="backend",
                     backend_service_resource=compute_v1.BackendService(fingerprint=backend.fingerprint))
    # A changed timeout is still refused on update.
    updated.timeout_sec = 60
    with expect_error(400, "Timeout sec is not supported for a backend service with Serverless network endpoint "
                           "groups."):
        client.update(project=PROJECT, region=REGION, backend_service="backend", backend_service_resource=updated)


def test_iap_settings(emulator: EmulatorProcess) -> None:
    """What `gcloud iap web enable` does: GET, then PATCH with iap and the fingerprint it read."""
    neg = serverless_neg(emulator)
    backend = backend_service(emulator, "backend", [neg.self_link], region=None, scheme="EXTERNAL_MANAGED",
                              protocol="HTTPS")
    client = compute(emulator, "BackendServicesClient")
    patch = compute_v1.BackendService(fingerprint=backend.fingerprint, iap=compute_v1.BackendServiceIAP(
        enabled=True, oauth2_client_id="client-1", oauth2_client_secret="s3cret"))
    done(emulator, client.patch(project=PROJECT, backend_service="backend", backend_service_resource=patch))
    _, raw = emulator.call("GET", f"compute/v1/{global_('backend', 'backendServices')}")
    assert raw["iap"] == {"enabled": True, "oauth2ClientId": "client-1",
                          "oauth2ClientSecretSha256": hashlib.sha256(b"s3cret").hexdigest()}
    # Re-sending the settings without the secret (it cannot be read back) keeps its hash.
    current = client.get(project=PROJECT, backend_service="backend")
    current.iap.enabled = False
    done(emulator, client.update(project=PROJECT, backend_service="backend", backend_service_resource=current))
    kept = client.get(project=PROJECT, backend_service="backend").iap
    assert (kept.enabled, kept.oauth2_client_secret_sha256) == (False, hashlib.sha256(b"s3cret").hexdigest())
    assert not kept.oauth2_client_secret
    # IAP and Cloud CDN cannot be combined.
    current = client.get(project=PROJECT, backend_service="backend")
    patch = compute_v1.BackendService(fingerprint=current.fingerprint, enable_c_d_n=True,
                                      iap=compute_v1.BackendServiceIAP(enabled=True))
    with expect_error(400, "Cloud CDN cannot be enabled on a backend service with IAP enabled."):
        client.patch(project=PROJECT, backend_service="backend", backend_service_resource=patch)


def test_backend_in_use_by_a_url_map(emulator: EmulatorProcess) -> None:
    neg = serverless_neg(emulator)
    backend = backend_service(emulator, "backend", [neg.self_link])
    url_map(emulator, "urlmap", default_service=backend.self_link)
    client = compute(emulator, "RegionBackendServicesClient")
    with expect_error(400, f"The backend_service resource '{regional('backend', 'backendServices')}' is already "
                           f"being used by '{regional('urlmap', 'urlMaps')}'", "resourceInUseByAnotherResource"):
        client.delete(project=PROJECT, region=REGION, backend_service="backend")
