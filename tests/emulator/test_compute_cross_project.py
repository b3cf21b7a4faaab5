"""Compute references across projects (crpatterns/emulator/compute/cross_project.py): Shared VPC subnets for a
service project's forwarding rules, cross-project service referencing from a URL map, every other reference
refused, and the caller's permissions (core/caller.py) checked once a caller is known."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest

from tests.emulator.lb import assert_refused
from tests.emulator.serverless import attach, enable_xpn_host, shared_vpc_host
from tests.support import EmulatorProcess

HOST, SERVICE, APP, REGION = "demo-host", "demo-service", "demo-project", "us-central1"
ALICE, BOB = "user:alice@example.com", "user:bob@example.com"
SUBNET = f"projects/{HOST}/regions/{REGION}/subnetworks/run-egress"
BACKEND = f"projects/{APP}/regions/{REGION}/backendServices/api-backend"
CROSS_PROJECT = "Cross-project references for this resource are not allowed."


def post(emulator: EmulatorProcess, path: str, body: Any, token: str | None = None) -> tuple[int, Any]:
    """A raw call, as a member's access token when given."""
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    request = urllib.request.Request(f"{emulator.base_url}/compute/v1/{path}", data=json.dumps(body).encode(),
                                     method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def created(answer: tuple[int, Any]) -> None:
    status, body = answer
    assert status == 200 and not body.get("error"), body


def rule(project: str, name: str = "rule") -> tuple[str, dict[str, Any]]:
    """A regional internal rule of `project` on the host's subnet (the target proxy is the project's own)."""
    return f"projects/{project}/regions/{REGION}/forwardingRules", {
        "name": name, "loadBalancingScheme": "INTERNAL_MANAGED", "IPProtocol": "TCP", "portRange": "80",
        "network": f"projects/{HOST}/global/networks/shared", "subnetwork": SUBNET,
        "target": f"projects/{project}/regions/{REGION}/targetHttpProxies/proxy"}


def url_map(project: str, name: str, backend: str = BACKEND) -> tuple[str, dict[str, Any]]:
    return f"projects/{project}/regions/{REGION}/urlMaps", {"name": name, "defaultService": backend}


def grant(emulator: EmulatorProcess, path: str, role: str, member: str) -> tuple[int, Any]:
    return emulator.call("POST", f"compute/v1/{path}/setIamPolicy",
                         {"policy": {"bindings": [{"role": role, "members": [member]}]}})


@pytest.fixture
def shared(emulator: EmulatorProcess) -> EmulatorProcess:
    """demo-host's network `shared` (subnet run-egress, a proxy-only subnet) and a Shared VPC host; the app's
    backend service in demo-project; in demo-service a URL map and proxy on it."""
    shared_vpc_host(emulator)
    created(post(emulator, f"projects/{HOST}/regions/{REGION}/subnetworks", {
        "name": "proxy-only", "network": f"projects/{HOST}/global/networks/shared", "ipCidrRange": "10.9.0.0/23",
        "purpose": "REGIONAL_MANAGED_PROXY", "role": "ACTIVE"}))
    enable_xpn_host(emulator)
    created(post(emulator, f"projects/{APP}/regions/{REGION}/networkEndpointGroups", {
        "name": "api-neg", "networkEndpointType": "SERVERLESS", "cloudRun": {"service": "api"}}))
    created(post(emulator, f"projects/{APP}/regions/{REGION}/backendServices", {
        "name": "api-backend", "loadBalancingScheme": "INTERNAL_MANAGED", "protocol": "HTTP",
        "backends": [{"group": f"projects/{APP}/regions/{REGION}/networkEndpointGroups/api-neg"}]}))
    created(post(emulator, *url_map(SERVICE, "front")))
    created(post(emulator, f"projects/{SERVICE}/regions/{REGION}/targetHttpProxies", {
        "name": "proxy", "urlMap": f"projects/{SERVICE}/regions/{REGION}/urlMaps/front"}))
    return emulator


def test_a_service_project_uses_the_host_subnet_only_once_attached(shared):
    assert_refused(post(shared, *rule(SERVICE)), f"Required 'compute.subnetworks.use' permission for '{SUBNET}'",
                   code=403)
    attach(shared)
    created(post(shared, *rule(SERVICE)))


def test_the_caller_needs_subnetworks_use_on_the_host_subnet(shared):
    attach(shared)
    shared.admin("POST", "caller", {"member": ALICE})
    usable = shared.call("GET", f"compute/v1/projects/{SERVICE}/aggregated/subnetworks/listUsable")[1]
    assert SUBNET not in {i["subnetwork"].split("/v1/")[-1] for i in usable.get("items", [])}
    assert_refused(post(shared, *rule(SERVICE)), f"Required 'compute.subnetworks.use' permission for '{SUBNET}'",
                   code=403)
    created(grant(shared, SUBNET, "roles/compute.networkUser", ALICE))
    usable = shared.call("GET", f"compute/v1/projects/{SERVICE}/aggregated/subnetworks/listUsable")[1]
    assert SUBNET in {i["subnetwork"].split("/v1/")[-1] for i in usable["items"]}
    created(post(shared, *rule(SERVICE)))


def test_a_url_map_references_a_backend_service_of_another_project_with_the_use_permission(shared):
    """Without a caller, as before; with one, compute.backendServices.use on the backend service (or its project),
    from the configured caller or from the member an access token stands for."""
    shared.admin("POST", "caller", {"member": ALICE})
    assert_refused(post(shared, *url_map(SERVICE, "second")),
                   f"Required 'compute.backendServices.use' permission for '{BACKEND}'", code=403)
    created(grant(shared, BACKEND, "roles/compute.loadBalancerServiceUser", ALICE))
    created(post(shared, *url_map(SERVICE, "second")))
    token = shared.admin("POST", "tokens", {"member": BOB})["access_token"]
    assert_refused(post(shared, *url_map(SERVICE, "third"), token=token),
                   f"Required 'compute.backendServices.use' permission for '{BACKEND}'", code=403)
    shared.admin("POST", "reset")
    assert shared.admin("GET", "caller") == {"member": None}


def test_other_references_across_projects_are_refused(shared):
    """A proxy naming another project's URL map, a backend service another project's NEG, and a classic
    (EXTERNAL) backend service named from another project's URL map."""
    assert_refused(post(shared, f"projects/{APP}/regions/{REGION}/targetHttpProxies", {
        "name": "proxy", "urlMap": f"projects/{SERVICE}/regions/{REGION}/urlMaps/front"}), CROSS_PROJECT)
    created(post(shared, f"projects/{SERVICE}/regions/{REGION}/networkEndpointGroups", {
        "name": "other-neg", "networkEndpointType": "SERVERLESS", "cloudRun": {"service": "api"}}))
    assert_refused(post(shared, f"projects/{APP}/regions/{REGION}/backendServices", {
        "name": "mixed", "loadBalancingScheme": "INTERNAL_MANAGED", "protocol": "HTTP",
        "backends": [{"group": f"projects/{SERVICE}/regions/{REGION}/networkEndpointGroups/other-neg"}]}),
        CROSS_PROJECT)
    created(post(shared, f"projects/{APP}/global/backendServices", {
        "name": "classic", "loadBalancingScheme": "EXTERNAL", "protocol": "HTTP"}))
    assert_refused(post(shared, f"projects/{SERVICE}/global/urlMaps", {
        "name": "classic-front", "defaultService": f"projects/{APP}/global/backendServices/classic"}), CROSS_PROJECT)


def test_the_grant_lives_on_the_backend_service_and_goes_with_it(shared):
    assert_refused(grant(shared, SUBNET, "roles/compute.loadBalancerServiceUser", ALICE),
                   "Role roles/compute.loadBalancerServiceUser is not supported for this resource.")
    created(grant(shared, BACKEND, "roles/compute.loadBalancerServiceUser", ALICE))
    key = f"//compute.googleapis.com/{BACKEND}"
    assert key in shared.inventory()["iam"]
    status, _ = shared.call("DELETE", f"compute/v1/projects/{SERVICE}/regions/{REGION}/targetHttpProxies/proxy")
    assert status == 200
    for path in (f"projects/{SERVICE}/regions/{REGION}/urlMaps/front", BACKEND):
        assert shared.call("DELETE", f"compute/v1/{path}")[0] == 200
    assert key not in shared.inventory()["iam"]
