"""internal-api across projects (pure): a Shared VPC host's network (--network-project HOST) and the load
balancer's frontend in another project (--frontend-project FRONT, cross-project service referencing).

Where each resource lives:
- the network, its subnet and the proxy-only subnet: HOST (without --network-project, the frontend's project:
  the network is the forwarding rule's);
- the forwarding rule, target proxy, URL map, certificate and the addresses (--ip, and the IP pinned for a
  replacement): FRONT (without --frontend-project, the app's project). A forwarding rule takes its IP from an
  address of its own project (UNCONFIRMED: that Google refuses another project's address; the emulator
  refuses any such reference, compute/cross_project.py);
- the backend service, serverless NEG and Cloud Run service: the app's project (--project).

Google's rules (docs/google-behaviour.md, "Compute: cross-project references", "Compute: Shared VPC"): a
project uses a host's subnets only once attached to it, and its deployers only once the subnet is shared
with them (compute.subnetworks.use, roles/compute.networkUser); a regional internal load balancer needs an
ACTIVE proxy-only subnet in the network's region, in the host; a URL map may name a backend service of another
project, for Envoy-based load balancers (not the classic one), when the caller holds compute.backendServices.use
on it (roles/compute.loadBalancerServiceUser, on the backend service or its project). Each is checked before
any change, and a refusal says who must do what.

Decisions where the issue was silent:
- The grant for FRONT is roles/compute.loadBalancerServiceUser on the backend service itself (Google allows it
  there or on the whole project; the backend service is the least), to each --frontend-admin: the people or
  service accounts that manage FRONT's load balancer (and the caller, when it lacks the permission in the
  app's project). Made additively; the members the tool granted are recorded in the service annotation
  `crpatterns.dev/frontend-admins`, so dropping one revokes exactly that grant, and the grant goes with the
  backend service on destroy. Without --frontend-admin, no grant: the plan warns that only holders of
  compute.backendServices.use in the app's project can point FRONT's URL map at it.
- The projects are recorded in the service annotation `crpatterns.dev/projects` (`frontend=FRONT,network=HOST`),
  so status and destroy, which take only the app's name, read every project involved; the service is deleted
  after the app's resources in other projects (kinds/run_services.py), so a destroy stopped halfway finds them.
- A proxy-only subnet is created in a host only with --create-proxy-subnet, and destroy never deletes it: it
  serves the load balancers of every service project of the host in that region, which the tool cannot all see.
  Nor does destroy release another app's proxy-only subnet in a host.
- One region only: several --region with other projects is refused as bad input (cli/internal_api.py).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from crpatterns.engine import ownership
from crpatterns.engine.model import BindingMode, Desired, ObservedKey, Ownership, Scope, marker_role
from crpatterns.errors import PlanError, UsageError
from crpatterns.gcp.load_balancing import active_proxy_subnet, is_proxy_only, region_of, same_ref
from crpatterns.gcp.shared_vpc import XPN_HOST_STATUS
from crpatterns.kinds.keys import KindKey
from crpatterns.patterns.base import Intent
from crpatterns.patterns.common import annotation
from crpatterns.patterns.internal_api.spec import PATTERN_NAME, Facts, InternalApiSpec, Names

PROJECTS_ANNOTATION = "crpatterns.dev/projects"
FRONTEND_ADMINS_ANNOTATION = "crpatterns.dev/frontend-admins"
SERVICE_USER_ROLE = "roles/compute.loadBalancerServiceUser"
NETWORK_USER_ROLE = "roles/compute.networkUser"
XPN_ADMIN_ROLE = "roles/compute.xpnAdmin"
HOST_STATUS = XPN_HOST_STATUS
GRANT_ROLE = "frontend-grant"
REVOKE_ROLE = "frontend-revoke"
# The roles (marker roles) of the resources that live with the forwarding rule, and with the network.
FRONTEND_ROLES = frozenset({"url-map", "http-proxy", "https-proxy", "certificate", "rule", "address", "rule-ip"})
NETWORK_ROLES = frozenset({"network", "subnet", "proxy-subnet"})


@dataclass(frozen=True)
class ProjectFacts:
    """What the cloud holds about the other projects, read before deciding (project_reads.py)."""

    host_status: str = ""  # HOST's Compute xpnProjectStatus (read with a Shared VPC host only)
    attached_to: str | None = None  # the host the frontend's project is attached to
    usable: tuple[str, ...] = ()  # paths of the subnets the frontend's project may use (listUsable)
    service_users: frozenset[str] = field(default_factory=frozenset)  # loadBalancerServiceUser on the backend


@dataclass(frozen=True)
class Where:
    """The three projects of an app: its own, its load balancer's frontend's, its network's."""

    app: str
    frontend: str
    network: str

    @classmethod
    def of(cls, spec: InternalApiSpec) -> Where:
        frontend = spec.frontend_project or spec.project
        return cls(spec.project, frontend, spec.network_project or frontend)

    @classmethod
    def recorded(cls, project: str, service: dict[str, Any] | None) -> Where:
        """Where the service's record says the app's parts are (the app's project alone without a record)."""
        parts = dict(part.partition("=")[::2] for part in annotation(service, PROJECTS_ANNOTATION).split(",")
                     if "=" in part)
        frontend = parts.get("frontend") or project
        return cls(project, frontend, parts.get("network") or frontend)

    @property
    def shared_vpc(self) -> bool:
        """The network is another project's than the forwarding rule's: a Shared VPC host's."""
        return self.network != self.frontend

    @property
    def others(self) -> tuple[str, ...]:
        return tuple(p for p in dict.fromkeys((self.frontend, self.network)) if p != self.app)

    def record(self) -> str | None:
        """The `crpatterns.dev/projects` annotation: None (removed) when everything is in the app's project."""
        parts = [f"frontend={self.frontend}"] if self.frontend != self.app else []
        parts += [f"network={self.network}"] if self.network != self.frontend else []
        return ",".join(parts) or None


def recorded_admins(service: dict[str, Any] | None) -> set[str]:
    return {m for m in annotation(service, FRONTEND_ADMINS_ANNOTATION).split(",") if m}


# -- checks -----------------------------------------------------------------------------------------


def check(spec: InternalApiSpec, facts: Facts) -> None:
    """What must hold across projects before any change; PlanError naming who must do what."""
    if spec.frontend_project == spec.project:
        raise UsageError(f"--frontend-project must be another project than --project {spec.project}; leave it out "
                         "to keep the frontend with the app.")
    where = Where.of(spec)
    if not where.shared_vpc:
        return
    found: ProjectFacts = facts.projects or ProjectFacts()
    host, project = where.network, where.frontend
    if found.host_status != HOST_STATUS:
        raise PlanError(f"Project {host} (--network-project) is not a Shared VPC host project: a Shared VPC Admin "
                        f"({XPN_ADMIN_ROLE}) must enable it with `gcloud compute shared-vpc enable {host}`.")
    if found.attached_to != host:
        now = (f"attached to the Shared VPC host {found.attached_to}, not to {host}" if found.attached_to
               else f"not attached to the Shared VPC host {host}")
        raise PlanError(f"Project {project} is {now} (--network-project): a Shared VPC Admin "
                        f"({XPN_ADMIN_ROLE}) must attach it with `gcloud compute shared-vpc associated-projects add "
                        f"{project} --host-project {host}`.")
    if facts.network is None:
        raise PlanError(f"--network {spec.network} does not exist in the host project {host}: a network admin of "
                        f"{host} must create it, or give one of its networks: {', '.join(facts.networks) or '(none)'}.")
    subnet = next((s for s in facts.subnets if s.get("name") == spec.subnet and region_of(s) == spec.region), None)
    if subnet is None:
        there = sorted(s["name"] for s in facts.subnets if region_of(s) == spec.region and not is_proxy_only(s))
        raise PlanError(f"--subnet {spec.subnet} does not exist in network {spec.network} of the host project {host} "
                        f"in {spec.region}: a network admin of {host} must create it, or give one of "
                        f"{', '.join(there) or '(none)'}.")
    if not is_proxy_only(subnet) and not any(same_ref(path, subnet.get("selfLink")) for path in found.usable):
        raise PlanError(f"Subnet {spec.subnet} of the host project {host} is not shared with project {project}: a "
                        f"Shared VPC Admin must grant {NETWORK_USER_ROLE} on it to whoever deploys there "
                        f"(`gcloud compute networks subnets add-iam-policy-binding {spec.subnet} --region "
                        f"{spec.region} --project {host} --member MEMBER --role {NETWORK_USER_ROLE}`).")
    if active_proxy_subnet(facts.subnets, spec.region) is None and not spec.create_proxy_subnet:
        from crpatterns.patterns.internal_api.desired import proxy_range

        raise PlanError(f"Network {spec.network} of the host project {host} has no active proxy-only subnet in "
                        f"{spec.region}: a network admin of {host} must create one (`gcloud compute networks subnets "
                        f"create {spec.network}-proxy-only --project {host} --network {spec.network} --region "
                        f"{spec.region} --purpose REGIONAL_MANAGED_PROXY --role ACTIVE --range "
                        f"{proxy_range(spec, facts)}`), or rerun with --create-proxy-subnet to have crpatterns create "
                        "it.")


# -- placement --------------------------------------------------------------------------------------


def place(spec: InternalApiSpec, facts: Facts, intent: Intent) -> Intent:
    """The decided resources in their projects, the frontend's grant with its record, and what stays."""
    where = Where.of(spec)
    recorded = Where.recorded(spec.project, facts.service)
    placed = [_placed(d, where) for d in intent.desired]
    grants, claimed = frontend_grants(spec, facts)
    for index, d in enumerate(placed):
        base = marker_role(d.role)
        if base == "service":
            annotations = dict(d.body.get("annotations") or {})
            records = {PROJECTS_ANNOTATION: where.record(), FRONTEND_ADMINS_ANNOTATION: ",".join(sorted(claimed))}
            for key, value in records.items():
                if value or annotation(facts.service, key):  # an empty record is removed, never written
                    annotations[key] = value or None
            revokes = tuple(g.role for g in grants if g.role == REVOKE_ROLE)
            placed[index] = dataclasses.replace(d, body={**d.body, "annotations": annotations},
                                                depends_on=(*d.depends_on, *revokes))
        elif base == "url-map" and any(g.role == GRANT_ROLE for g in grants):
            placed[index] = dataclasses.replace(d, depends_on=(*d.depends_on, GRANT_ROLE))
    warnings = list(intent.warnings)
    if where.frontend != where.app and not spec.frontend_admins:
        warnings.append(f"No --frontend-admin given: only principals holding compute.backendServices.use in project "
                        f"{where.app} ({SERVICE_USER_ROLE} or a load balancer admin role) can point a URL map of "
                        f"{where.frontend} at the backend service.")
    return dataclasses.replace(
        intent, desired=placed + grants, warnings=warnings,
        keep=_in_host(intent.keep, where, facts, spec.name), release=_released(intent.release, where),
        projects=tuple(dict.fromkeys((*where.others, *recorded.others))))


def place_teardown(app: str, project: str, facts: Facts, intent: Intent) -> Intent:
    """destroy: the recorded projects are searched too; a host's proxy-only subnets stay."""
    where = Where.recorded(project, facts.service)
    return dataclasses.replace(intent, keep=_in_host(intent.keep, where, facts, app),
                               release=_released(intent.release, where), projects=where.others)


def _placed(d: Desired, where: Where) -> Desired:
    base = marker_role(d.role)
    if base in FRONTEND_ROLES:
        return dataclasses.replace(d, scope=Scope(where.frontend, d.scope.region))
    if base in NETWORK_ROLES:
        return dataclasses.replace(d, scope=Scope(where.network, d.scope.region))
    return d


def _in_host(keep: dict[ObservedKey, str], where: Where, facts: Facts, app: str) -> dict[ObservedKey, str]:
    """Proxy-only subnets are the network's: their keys name its project. In a Shared VPC host, one this app
    created is kept, with the reason the plan gives (see the decisions above)."""
    moved = {(kind, Scope(where.network, scope.region) if kind == KindKey.SUBNETWORKS else scope, name): reason
             for (kind, scope, name), reason in keep.items()}
    if not where.shared_vpc:
        return moved
    for subnet in facts.all_subnets:
        if is_proxy_only(subnet) and ownership.made_by(subnet, app, PATTERN_NAME):
            moved[(KindKey.SUBNETWORKS, Scope(where.network, region_of(subnet)), subnet["name"])] = (
                f"kept: a proxy-only subnet of project {where.network} serves every load balancer of its network in "
                f"the region, in any project; delete it (`gcloud compute networks subnets delete {subnet['name']} "
                f"--region {region_of(subnet)} --project {where.network}`) once none uses it")
    return moved


def _released(release: dict[ObservedKey, str], where: Where) -> dict[ObservedKey, str]:
    """Another app's orphaned proxy-only subnet is the network's: its key names the network's project (the
    frontend's, with --frontend-project). It is never released in a Shared VPC host (see the decisions)."""
    if where.shared_vpc:
        return {}
    return {(kind, Scope(where.network, scope.region) if kind == KindKey.SUBNETWORKS else scope, name): reason
            for (kind, scope, name), reason in release.items()}


# -- the frontend's grant ---------------------------------------------------------------------------


def frontend_grants(spec: InternalApiSpec, facts: Facts) -> tuple[list[Desired], set[str]]:
    """(the grant and revocation steps, the members recorded after apply). Claimed = (recorded and still
    wanted) + (wanted and not holding the role yet): someone else's grant is never recorded, so never revoked."""
    found: ProjectFacts = facts.projects or ProjectFacts()
    where = Where.of(spec)
    recorded = recorded_admins(facts.service)
    wanted = set(spec.frontend_admins) if where.frontend != where.app else set()
    claimed = (recorded & wanted) | (wanted - set(found.service_users))
    revoked = recorded - wanted
    scope = Scope(spec.project, spec.region)
    backend = Names.of(spec.name).backend
    steps = []
    if wanted:
        steps.append(Desired(GRANT_ROLE, KindKey.REGION_BACKEND_SERVICE_IAM, backend, scope,
                             {"role": SERVICE_USER_ROLE, "members": sorted(wanted), "mode": BindingMode.ADDITIVE},
                             ownership=Ownership.BINDING, depends_on=("backend", "service"),
                             notes=(f"lets the load balancer admins of {where.frontend} reference this backend "
                                    f"service from their URL map (cross-project service referencing)",)))
    if revoked and facts.service is not None:
        steps.append(Desired(REVOKE_ROLE, KindKey.REGION_BACKEND_SERVICE_IAM, backend, scope,
                             {"role": SERVICE_USER_ROLE, "members": sorted(revoked), "mode": BindingMode.ABSENT},
                             ownership=Ownership.BINDING, depends_on=("backend",),
                             notes=("removes grants this tool made that no --frontend-admin names any more",)))
    return steps, claimed
