"""Helpers shared by the Cloud Run, IAP and Service Usage tests: bodies, waits, and the Shared VPC host
side built through the Compute API."""

from __future__ import annotations

from typing import Any

from google.cloud import compute_v1, run_v2

from tests.emulator.clients import compute, run_services, wait
from tests.support import EmulatorProcess

IMAGE = "us-docker.pkg.dev/cloudrun/container/hello"
REGION = "us-central1"
PARENT = f"projects/demo-project/locations/{REGION}"
INT_ENUMS = "$alt=json;enum-encoding=int"


def service(image: str = IMAGE, **fields: Any) -> run_v2.Service:
    """A minimal Service: one container, plus any other Service fields."""
    template = fields.pop("template", None) or run_v2.RevisionTemplate(containers=[run_v2.Container(image=image)])
    return run_v2.Service(template=template, **fields)


def raw_body(image: str = IMAGE, **fields: Any) -> dict[str, Any]:
    """The same as JSON, for `emulator.call`."""
    return {"template": {"containers": [{"image": image}]}, **fields}


def create(emulator: EmulatorProcess, service_id: str = "hello", body: run_v2.Service | None = None,
           parent: str = PARENT) -> run_v2.Service:
    """Creates a service through the client and waits with the operation's own `result()`."""
    client = run_services(emulator)
    operation = client.create_service(parent=parent, service_id=service_id, service=body or service())
    return operation.result(timeout=60)


def error_of(response: tuple[int, Any]) -> dict[str, Any]:
    status, body = response
    assert status >= 400, body
    return body["error"]


def shared_vpc_host(emulator: EmulatorProcess, host: str = "demo-host", region: str = REGION) -> str:
    """A custom network `shared` with subnet `run-egress` in the host project; returns the subnet path."""
    networks = compute(emulator, "NetworksClient")
    operation = networks.insert(project=host, network_resource=compute_v1.Network(
        name="shared", auto_create_subnetworks=False))
    wait(emulator, operation, host)
    subnets = compute(emulator, "SubnetworksClient")
    operation = subnets.insert(project=host, region=region, subnetwork_resource=compute_v1.Subnetwork(
        name="run-egress", network=f"projects/{host}/global/networks/shared", ip_cidr_range="10.8.0.0/24",
        private_ip_google_access=True))
    wait(emulator, operation, host, region)
    return f"projects/{host}/regions/{region}/subnetworks/run-egress"


def enable_xpn_host(emulator: EmulatorProcess, host: str = "demo-host") -> None:
    wait(emulator, compute(emulator, "ProjectsClient").enable_xpn_host(project=host), host)


def attach(emulator: EmulatorProcess, service_project: str = "demo-service", host: str = "demo-host") -> None:
    request = compute_v1.ProjectsEnableXpnResourceRequest(xpn_resource=compute_v1.XpnResourceId(
        id=service_project, type_="PROJECT"))
    wait(emulator, compute(emulator, "ProjectsClient").enable_xpn_resource(
        project=host, projects_enable_xpn_resource_request_resource=request), host)


def grant_on_subnet(emulator: EmulatorProcess, member: str, subnet: str = "run-egress", host: str = "demo-host",
                    region: str = REGION, role: str = "roles/compute.networkUser") -> None:
    """Adds a binding to the subnet's policy (read-modify-write, keeping other bindings)."""
    client = compute(emulator, "SubnetworksClient")
    policy = client.get_iam_policy(project=host, region=region, resource=subnet)
    policy.bindings.append(compute_v1.Binding(role=role, members=[member]))
    client.set_iam_policy(project=host, region=region, resource=subnet,
                          region_set_policy_request_resource=compute_v1.RegionSetPolicyRequest(policy=policy))


def grant_on_project(emulator: EmulatorProcess, member: str, project: str = "demo-host",
                     role: str = "roles/compute.networkViewer") -> None:
    """Adds a binding to the project's policy through Resource Manager v3 (read-modify-write)."""
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import resourcemanager_v3
    from google.iam.v1 import iam_policy_pb2, options_pb2, policy_pb2

    from tests.emulator.clients import options

    client = resourcemanager_v3.ProjectsClient(transport="rest", client_options=options(emulator),
                                               credentials=AnonymousCredentials())
    policy = client.get_iam_policy(request=iam_policy_pb2.GetIamPolicyRequest(
        resource=f"projects/{project}", options=options_pb2.GetPolicyOptions(requested_policy_version=3)))
    policy.bindings.append(policy_pb2.Binding(role=role, members=[member]))
    client.set_iam_policy(request=iam_policy_pb2.SetIamPolicyRequest(resource=f"projects/{project}", policy=policy))


def backend_service(emulator: EmulatorProcess, name: str = "web-backend", region: str | None = None,
                    ) -> compute_v1.BackendService:
    """A backend service in demo-project (global EXTERNAL_MANAGED, or regional INTERNAL_MANAGED), created
    through the Compute API: what IAP resources point at."""
    body = compute_v1.BackendService(name=name, protocol="HTTPS",
                                     load_balancing_scheme="INTERNAL_MANAGED" if region else "EXTERNAL_MANAGED")
    if region:
        client = compute(emulator, "RegionBackendServicesClient")
        wait(emulator, client.insert(project="demo-project", region=region, backend_service_resource=body),
             "demo-project", region)
        return client.get(project="demo-project", region=region, backend_service=name)
    client = compute(emulator, "BackendServicesClient")
    wait(emulator, client.insert(project="demo-project", backend_service_resource=body), "demo-project")
    return client.get(project="demo-project", backend_service=name)
