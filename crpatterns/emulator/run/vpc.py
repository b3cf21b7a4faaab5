"""Direct VPC egress: which subnet a revision uses, and whether Cloud Run may use it.

Rules (docs/google-behaviour.md, "Cloud Run: Direct VPC egress and Shared VPC"; discovery run.v2,
NetworkInterface):
- network and/or subnetwork, as full paths `projects/HOST/global/networks/N` /
  `projects/HOST/regions/R/subnetworks/S`, or short names meaning the service's own project.
  "If subnetwork is not specified, the subnetwork with the same name with the network will be used";
  "If both network and subnetwork are specified, the given VPC subnetwork must belong to the given VPC network."
- The subnet must exist and be in the service's region: checked when the request arrives (400; the timing
  and wording are UNCONFIRMED).
- A subnet in another project works only when that project is a Shared VPC host, the service project is
  attached to it, and the service project's Cloud Run service agent may use the subnet and read the host's
  network. https://cloud.google.com/run/docs/configuring/shared-vpc-direct-vpc#set_up_iam_permissions asks
  for either roles/compute.networkUser on the host project, or roles/compute.networkUser on the subnet plus
  roles/compute.networkViewer on the host project (as quoted in terraform-google-modules/
  terraform-google-project-factory#998 and chainguard-dev/terraform-infra-common#84); the permissions behind
  them are compute.subnetworks.use on the subnet and compute.networks.get, compute.addresses.get/list on the
  project (https://cloud.google.com/functions/docs/running/direct-vpc, "Custom permissions"). A grant on a
  subnet covers only that subnet, so the network reads need a project-level role.
  Otherwise the revision fails when it is created: the operation ends in error and the service's
  terminalCondition fails (wording UNCONFIRMED: the emulator names the agent, the missing permission and the
  role to grant).
"""

from __future__ import annotations

from typing import Any

from crpatterns.emulator.compute import queries
from crpatterns.emulator.core.world import Project, World
from crpatterns.emulator.run.errors import violation

NETWORK_USER = "roles/compute.networkUser"
NETWORK_VIEWER = "roles/compute.networkViewer"
SUBNET_USE = "compute.subnetworks.use"
NETWORK_READS = "compute.networks.get"  # with compute.addresses.get and compute.addresses.list
# Predefined roles holding each permission (https://cloud.google.com/iam/docs/roles-permissions/compute and
# .../roles-overview#basic). networkUser includes the network reads too, which is why it alone suffices on
# the host project.
ROLES_WITH = {
    SUBNET_USE: frozenset({NETWORK_USER, "roles/compute.networkAdmin", "roles/compute.admin", "roles/editor",
                           "roles/owner"}),
    NETWORK_READS: frozenset({NETWORK_USER, NETWORK_VIEWER, "roles/compute.networkAdmin", "roles/compute.admin",
                              "roles/compute.viewer", "roles/viewer", "roles/editor", "roles/owner"}),
}


def run_agent(project: Project) -> str:
    return f"service-{project.number}@serverless-robot-prod.iam.gserviceaccount.com"


def _compute(world: World) -> Any:
    return world.apis["compute"].state


def _path(reference: str, project_id: str, scope: str, collection: str) -> str:
    """A network or subnet reference as `projects/P/<scope>/<collection>/NAME` (short names: own project)."""
    text = reference.split("/compute/v1/", 1)[1] if "/compute/v1/" in reference else reference
    text = text.strip("/")
    if text.startswith("projects/"):
        return text
    if "/" in text:
        return f"projects/{project_id}/{text}"
    return f"projects/{project_id}/{scope}/{collection}/{text}"


def subnet_of(interface: dict[str, Any], project_id: str, region: str) -> tuple[str | None, str]:
    """(network path or None, subnet path) of one network interface."""
    network = interface.get("network")
    network_path = _path(network, project_id, "global", "networks") if network else None
    subnetwork = interface.get("subnetwork")
    if subnetwork:
        return network_path, _path(subnetwork, project_id, f"regions/{region}", "subnetworks")
    assert network_path is not None
    host, name = network_path.split("/")[1], network_path.rsplit("/", 1)[1]
    return network_path, f"projects/{host}/regions/{region}/subnetworks/{name}"


def interfaces(template: dict[str, Any]) -> list[dict[str, Any]]:
    return list(((template.get("vpcAccess") or {}).get("networkInterfaces")) or [])


def check_interfaces(world: World, project_id: str, region: str, template: dict[str, Any], kind: str,
                     root: str) -> None:
    """The request-time checks: the subnet exists, lies in the service's region and in the given network."""
    state = _compute(world)
    for index, interface in enumerate(interfaces(template)):
        field = f"{root}.vpc_access.network_interfaces[{index}]"
        network_path, subnet_path = subnet_of(interface, project_id, region)
        if network_path and queries.find_network(state, network_path) is None:
            raise violation(kind, f"{field}.network", f"network '{network_path}' does not exist.")
        subnet = queries.find_subnetwork(state, subnet_path)
        if subnet is None:
            raise violation(kind, f"{field}.subnetwork", f"subnetwork '{subnet_path}' does not exist.")
        subnet_region = str(subnet.get("region", "")).rstrip("/").rsplit("/", 1)[-1]
        if subnet_region and subnet_region != region:
            raise violation(kind, f"{field}.subnetwork", f"subnetwork '{subnet_path}' is in region "
                            f"'{subnet_region}', not in the service's region '{region}'.")
        if network_path and not queries.same_resource(state, subnet.get("network"), network_path):
            raise violation(kind, f"{field}.subnetwork",
                            f"subnetwork '{subnet_path}' does not belong to network '{network_path}'.")


def revision_failure(world: World, project: Project, region: str, template: dict[str, Any]) -> str | None:
    """Why a revision with this template cannot start, or None. Evaluated when the revision is created
    (at the end of the operation), so grants made while it runs count, as with Google's reconciliation."""
    state = _compute(world)
    for interface in interfaces(template):
        network_path, subnet_path = subnet_of(interface, project.project_id, region)
        host = state.project_id(subnet_path.split("/")[1])
        if host == project.project_id:
            continue
        if not queries.is_xpn_host(state, host):
            return (f"Project '{host}' is not a Shared VPC host project, so subnetwork '{subnet_path}' cannot be "
                    f"used by project '{project.project_id}'.")
        if queries.xpn_host_of(state, project.project_id) != host:
            return (f"Project '{project.project_id}' is not attached as a service project to the Shared VPC host "
                    f"project '{host}', so it cannot use subnetwork '{subnet_path}'.")
        missing = _missing_grant(world, run_agent(project), host, subnet_path, network_path)
        if missing:
            return missing
    return None


def _holds(world: World, member: str, policy_keys: list[str], permission: str) -> bool:
    return any(member in world.iam.members_with_role(key, role)
               for key in policy_keys for role in ROLES_WITH[permission])


def _missing_grant(world: World, agent: str, host: str, subnet_path: str, network_path: str | None) -> str | None:
    """The sentence saying which grant the agent lacks on the host, or None."""
    member = f"serviceAccount:{agent}"
    host_policy = f"//cloudresourcemanager.googleapis.com/projects/{host}"
    subnet_policy = queries.subnet_policy_key(_compute(world), subnet_path)
    if not _holds(world, member, [subnet_policy, host_policy], SUBNET_USE):
        return (f"The Cloud Run service agent {agent} lacks permission '{SUBNET_USE}' on subnetwork "
                f"'{subnet_path}'. Grant it {NETWORK_USER} on the subnetwork, or on the host project '{host}'.")
    if not _holds(world, member, [host_policy], NETWORK_READS):
        network = network_path or f"the network of subnetwork '{subnet_path}'"
        return (f"The Cloud Run service agent {agent} lacks permission '{NETWORK_READS}' on {network} and "
                f"'compute.addresses.list' in the host project '{host}'. Grant it {NETWORK_VIEWER} (or "
                f"{NETWORK_USER}) on the host project '{host}'.")
    return None
