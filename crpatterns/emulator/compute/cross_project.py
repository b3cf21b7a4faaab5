"""References from a resource in one project to a resource in another: where Google allows them, and what
the caller must hold (docs/google-behaviour.md, "Compute: cross-project references").

Compute resources reference resources of their own project, with two exceptions the emulator serves:
- Shared VPC (https://cloud.google.com/vpc/docs/shared-vpc): a service project's forwarding rules and
  addresses use the subnets (and network) of the Shared VPC host it is attached to. Unattached: 403
  `Required 'compute.subnetworks.use' permission for '<subnet>'` (the answer addresses gave already).
  A caller needs compute.subnetworks.use on the subnet, from its own policy or the host project's: "a
  subnet is shared" with a service project's people through IAM, not a setting
  (hashicorp/terraform-provider-google#1279), and lacking it is that 403
  (hashicorp/terraform-provider-google#4961 quotes it for an instance in a host subnet). The network
  reference is checked for the attachment only (UNCONFIRMED: which permission Google checks on it;
  Google's guides let Service Project Admins with subnet-level grants create load balancers).
- Cross-project service referencing (https://cloud.google.com/load-balancing/docs/l7-internal#shared-vpc,
  https://cloud.google.com/load-balancing/docs/https/setup-cross-project-backend-service-backend-bucket):
  a URL map of the load balancer's frontend project names a backend service of another project. The
  caller needs compute.backendServices.use on that backend service (roles/compute.loadBalancerServiceUser,
  on the backend service or its project); without it, 403 `Required 'compute.backendServices.use'
  permission for '<backend service>'` (the form of Compute's other permission refusals,
  permissions.py; UNCONFIRMED for this permission). Classic Application Load Balancers (scheme EXTERNAL)
  do not support it: refused like any other cross-project reference (UNCONFIRMED: Google's wording there).
  UNCONFIRMED: whether Google refuses it for internal load balancers outside a Shared VPC (its guides show
  it inside one); the emulator allows it.
Every other reference to another project is 400 `Invalid value for field 'F': 'R'. Cross-project references
for this resource are not allowed.` (the sentence: PaloAltoNetworks/terraform-google-vmseries-modules#127,
#130; the field prefix is Compute's usual form, UNCONFIRMED here).

Permissions are checked only when a caller is known (core/caller.py); without one the caller holds them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from crpatterns.emulator.compute import queries
from crpatterns.emulator.core.caller import holds
from crpatterns.emulator.core.errors import ApiError, bad_request

if TYPE_CHECKING:
    from crpatterns.emulator.compute.store import ComputeState

# Collections whose resources may use a Shared VPC host's network and subnets.
SHARED_VPC_USERS = frozenset({"forwardingRules", "globalForwardingRules", "addresses"})
SHARED_VPC_SEGMENTS = frozenset({"subnetworks", "networks"})
# Collections that may name a backend service of another project (cross-project service referencing).
SERVICE_REFERENCERS = frozenset({"urlMaps", "regionUrlMaps"})
CLASSIC_SCHEME = "EXTERNAL"
SUBNET_USE = "compute.subnetworks.use"
BACKEND_USE = "compute.backendServices.use"


def check_reference(state: ComputeState, field: str, project: str, path: str, reference: Any) -> None:
    """Raises Google's answer when the resource of `project` being written may not reference `path` (a
    canonical path of an existing resource). The referring collection is the call's (world.calling)."""
    from crpatterns.emulator.compute.store import split_path

    owner, _, segment, _ = split_path(path)
    calling = state.world.calling or ""
    if owner == project or calling.count(".") != 2:
        return
    collection = calling.split(".")[1]
    if collection in SHARED_VPC_USERS and segment in SHARED_VPC_SEGMENTS:
        check_shared_vpc(state, project, owner, path, segment)
    elif collection in SERVICE_REFERENCERS and segment == "backendServices":
        check_service_reference(state, field, path, reference)
    else:
        raise not_allowed(field, reference)


def check_shared_vpc(state: ComputeState, project: str, host: str, path: str, segment: str) -> None:
    if queries.xpn_host_of(state, project) != host:
        raise permission_missing(SUBNET_USE if segment == "subnetworks" else "compute.networks.use", path)
    if segment == "subnetworks":
        require(state, SUBNET_USE, path, host)


def check_service_reference(state: ComputeState, field: str, path: str, reference: Any) -> None:
    backend = state.resources.get(path) or {}
    if backend.get("loadBalancingScheme", CLASSIC_SCHEME) == CLASSIC_SCHEME:
        raise not_allowed(field, reference)
    require(state, BACKEND_USE, path, path.split("/")[1])


def require(state: ComputeState, permission: str, path: str, owner: str) -> None:
    """The caller holds `permission` on the resource at `path` (its policy, or its project's), or 403."""
    caller = state.world.caller
    if caller is None:
        return
    bindings: dict[str, set[str]] = {}
    for key in (f"//compute.googleapis.com/{path}", f"//cloudresourcemanager.googleapis.com/projects/{owner}"):
        for binding in state.world.iam.policies.get(key, {}).get("bindings", []):
            if not binding.get("condition"):
                bindings.setdefault(binding.get("role", ""), set()).update(binding.get("members", []))
    if not holds(bindings, caller, permission):
        raise permission_missing(permission, path)


def permission_missing(permission: str, path: str) -> ApiError:
    return ApiError(403, f"Required '{permission}' permission for '{path}'", reason="forbidden",
                    status="PERMISSION_DENIED")


def not_allowed(field: str, reference: Any) -> ApiError:
    return bad_request(f"Invalid value for field '{field}': '{reference}'. Cross-project references for this "
                       "resource are not allowed.")
