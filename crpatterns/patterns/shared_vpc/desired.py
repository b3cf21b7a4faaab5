"""The desired state of shared-vpc: a Cloud Run service in a service project that sends its traffic
through a Shared VPC host's subnet (Direct VPC egress), with internal ingress (https://cloud.google.com/run/docs/configuring/shared-vpc-direct-vpc).

Pure: facts read beforehand (reads.py) and the user's spec in, desired resources
out. `enable` and `disable` both describe a desired state; nothing here deletes a resource.

What the tool owns and what it does not:
- The host project's Shared VPC status is never changed: a host that is not one is an error.
- The service project's attachment changes only with --attach (a SHARED change to the host).
- Host-side IAM: BINDING steps that add the Cloud Run service agent's members and leave every other
  binding alone. Which of them the tool added (they were missing before) is remembered in the service's
  `crpatterns.dev/host-grants` annotation, so `disable --revoke-host-access` removes only those.
- Private Google Access on the host's subnet: a SHARED change (the plan says the tool does not own it).
- The service: OWNED when the tool created it (ownership labels), otherwise SHARED: only vpcAccess,
  ingress, the `crpatterns-shared-vpc` label and the `crpatterns.dev/*` annotations change. A SHARED
  service never gets the ownership labels, so no destroy-style logic can take it for the tool's.

Google's rules this follows (docs/google-behaviour.md, "Compute: Shared VPC" and "Cloud Run: Direct VPC
egress and Shared VPC"): the agent
`service-PN@serverless-robot-prod.iam.gserviceaccount.com` needs roles/compute.networkUser on the subnet
plus roles/compute.networkViewer on the host, or the revision fails, so the grants come before the
service's update; networkInterfaces take full paths `projects/HOST/...` and exclude a connector; ingress
INTERNAL_ONLY admits traffic from the Shared VPC the revision is connected to. Direct VPC egress is GA, so
no launch stage is sent (crpatterns/emulator/run/rules.py cites the sources).
"""

from __future__ import annotations

from typing import Any

from crpatterns.engine import ownership
from crpatterns.engine.diff import as_reference
from crpatterns.engine.model import BindingMode, Desired, Ownership, Scope
from crpatterns.errors import PlanError
from crpatterns.kinds.keys import KindKey
from crpatterns.patterns.base import Intent
from crpatterns.patterns.common import (
    INVOKER_ROLE,
    NETWORK_USER_ROLE,
    NETWORK_VIEWER_ROLE,
    PUBLIC_MEMBERS,
    annotation,
)
from crpatterns.patterns.shared_vpc.checks import check_host, check_spec
from crpatterns.patterns.shared_vpc.grants import Grant, decode_grants, encode_grants
from crpatterns.patterns.shared_vpc.spec import (
    CONNECTED_LABEL,
    DEFAULT_INGRESS,
    EGRESS,
    HOST_GRANTS,
    KNOWN_INGRESS,
    PATTERN_NAME,
    PREVIOUS_INGRESS,
    XPN_ADMIN_ROLE,
    DisableSpec,
    EnableSpec,
    HostFacts,
)

ALL_TRAFFIC = EGRESS["all-traffic"]


def is_tool_created(service: dict[str, Any] | None, name: str) -> bool:
    """Created by `shared-vpc enable --image` (its ownership labels name this pattern and app)."""
    if service is None:
        return False
    marker = ownership.from_labels(service.get("labels"))
    return marker is not None and marker[0] == name and marker[1] == PATTERN_NAME


def connected_subnet(service: dict[str, Any], project: str, region: str) -> str | None:
    """The `projects/H/regions/R/subnetworks/S` path a service's Direct VPC egress uses, or None.
    Short names mean the service's own project; without a subnetwork, the network's name is used
    (discovery, NetworkInterface.subnetwork)."""
    interfaces = ((service.get("template") or {}).get("vpcAccess") or {}).get("networkInterfaces") or []
    for interface in interfaces:
        subnet = interface.get("subnetwork") or ""
        network = interface.get("network") or ""
        if subnet:
            path = as_reference(subnet)
            if path:
                return path
            if subnet.startswith("regions/"):
                return f"projects/{project}/{subnet}"
            return f"projects/{project}/regions/{region}/subnetworks/{subnet.rsplit('/', 1)[-1]}"
        if network:
            path = as_reference(network) or f"projects/{project}/global/networks/{network.rsplit('/', 1)[-1]}"
            host, name = path.split("/")[1], path.rsplit("/", 1)[-1]
            return f"projects/{host}/regions/{region}/subnetworks/{name}"
    return None


# -- enable ------------------------------------------------------------------------------------


def enable(spec: EnableSpec, host: HostFacts, service: dict[str, Any] | None) -> Intent:
    """The desired state after `enable`: host side first, then the service that depends on it."""
    check_spec(spec)
    check_host(spec, host)
    if service is None and not spec.image:
        raise PlanError(f"Cloud Run service {spec.name} does not exist in {spec.region} of project {spec.project}. "
                        "Pass --image to create it, or check the name, --region and --project.")
    refuse_another_patterns(spec, service)
    warnings: list[str] = []
    if service is not None and spec.image:
        current = ((service.get("template") or {}).get("containers") or [{}])[0].get("image")
        if current != spec.image:
            warnings.append(f"--image is used only to create a missing service; {spec.name} exists and keeps its "
                            f"image {current}.")
    subnet_grant = Grant(spec.subnet_path, NETWORK_USER_ROLE)
    viewer_grant = Grant(f"projects/{spec.host}", NETWORK_VIEWER_ROLE)
    added = decode_grants(annotation(service, HOST_GRANTS))
    if not host.agent_is_subnet_user:
        added.add(subnet_grant)
    if not host.agent_is_host_viewer:
        added.add(viewer_grant)
    resources = [
        Desired("attachment", KindKey.XPN_HOST, spec.project, Scope(spec.project),
                {"hostProject": spec.host}, ownership=Ownership.SHARED,
                notes=(f"attaches {spec.project} to the Shared VPC host {spec.host} (--attach; needs "
                       f"{XPN_ADMIN_ROLE})",) if not host.attached_to else ()),
        subnet_grant.desired("network-user", spec.agent, BindingMode.ADDITIVE, notes=(
            "lets the service project's Cloud Run service agent use the subnet; other bindings stay",)),
        viewer_grant.desired("network-viewer", spec.agent, BindingMode.ADDITIVE),
        Desired("subnet", KindKey.SUBNETWORKS, spec.subnet, Scope(spec.host, spec.region),
                {"privateIpGoogleAccess": True}, ownership=Ownership.SHARED,
                notes=(f"turns on Private Google Access on subnet {spec.subnet} of the host project {spec.host}, "
                       "which crpatterns does not own",) if not (host.subnet or {}).get("privateIpGoogleAccess")
                else ()),
        _service(spec, service, added),
    ]
    # Public invokers are removed whatever the flags: only the Shared VPC's internal traffic may call it.
    resources.append(Desired(
        "invoker", KindKey.RUN_SERVICE_IAM, spec.name, Scope(spec.project, spec.region),
        {"role": INVOKER_ROLE, "members": list(spec.invokers), "mode": BindingMode.ADDITIVE,
         "refusedMembers": list(PUBLIC_MEMBERS)},
        ownership=Ownership.BINDING, depends_on=("service",)))
    return Intent(resources, warnings)


def refuse_another_patterns(spec: EnableSpec, service: dict[str, Any] | None) -> None:
    """A service another crpatterns pattern (or app) made belongs to it: shared-vpc changes a service it did
    not create only when no crpatterns mark claims it (issue 11: ownership is per pattern, not per name).
    The two patterns would otherwise undo each other's ingress on every run."""
    marker = ownership.from_labels((service or {}).get("labels"))
    if marker is not None and marker[:2] != (spec.name, PATTERN_NAME):
        raise PlanError(f"Cloud Run service {spec.name} ({spec.region}) belongs to crpatterns {marker[1]} app "
                        f"{marker[0]!r}; shared-vpc never changes what another pattern made. Choose another service.")


def _service(spec: EnableSpec, service: dict[str, Any] | None, added: set[Grant]) -> Desired:
    vpc_access: dict[str, Any] = {
        "networkInterfaces": [{"network": spec.network_path, "subnetwork": spec.subnet_path,
                               "tags": list(spec.tags)}],
        "egress": spec.egress,
    }
    annotations: dict[str, Any] = {}
    if added:
        annotations[HOST_GRANTS] = encode_grants(added)
    owned = service is None or is_tool_created(service, spec.name)
    if (((service or {}).get("template") or {}).get("vpcAccess") or {}).get("connector"):
        vpc_access["connector"] = None  # Direct VPC egress and a connector exclude each other
    if not owned:
        # The ingress before the first enable; a service the tool created had none before.
        annotations[PREVIOUS_INGRESS] = (annotation(service, PREVIOUS_INGRESS)
                                         or (service or {}).get("ingress") or DEFAULT_INGRESS)
    body: dict[str, Any] = {
        "ingress": spec.ingress,
        "template": {"vpcAccess": vpc_access},
        "labels": {CONNECTED_LABEL: spec.host},
    }
    if annotations:
        body["annotations"] = annotations
    if service is None:
        body["template"]["containers"] = [{"image": spec.image}]
    # The revision fails unless the attachment and the agent's grants exist when it starts
    # (https://cloud.google.com/run/docs/configuring/shared-vpc-direct-vpc, "Set up IAM permissions"). Private
    # Google Access matters only when all egress goes through the VPC (discovery run.v2 VpcAccess.egress
    # ALL_TRAFFIC: "All outbound traffic is routed through the VPC"): then the revision's calls to Google APIs
    # need it (https://cloud.google.com/vpc/docs/private-google-access); with PRIVATE_RANGES_ONLY they leave
    # the normal way, so the service does not wait for it.
    needs = ("attachment", "network-user", "network-viewer") + (("subnet",) if spec.egress == ALL_TRAFFIC else ())
    return Desired("service", KindKey.RUN_SERVICES, spec.name, Scope(spec.project, spec.region), body,
                   ownership=Ownership.OWNED if owned else Ownership.SHARED, depends_on=needs)


# -- disable -------------------------------------------------------------------------------------


def disable(spec: DisableSpec, service: dict[str, Any] | None, others: list[dict[str, Any]],
            agent_subnets: dict[str, set[str]]) -> Intent:
    """The desired state after `disable`: no VPC connection, the remembered ingress back, and (with
    --revoke-host-access) the tool's host-side grants removed where no other service needs them.

    `others`: the project's other services in the region; `agent_subnets`: per host named by a
    project-level grant, the subnets of that host where the agent holds roles/compute.networkUser.
    """
    if service is None and spec.delete_service:
        return Intent([])  # deleted already (a rerun after a stop): nothing left to do
    if service is None:
        raise PlanError(f"Cloud Run service {spec.name} does not exist in {spec.region} of project {spec.project}. "
                        "Check the name, --region and --project.")
    if spec.delete_service:
        return delete_service(spec, service, others, agent_subnets)
    warnings: list[str] = []
    notes: list[str] = []
    body: dict[str, Any] = {
        "template": {"vpcAccess": None},
        "labels": {CONNECTED_LABEL: None},
        "annotations": {PREVIOUS_INGRESS: None},
    }
    previous = annotation(service, PREVIOUS_INGRESS)
    if previous in KNOWN_INGRESS:
        body["ingress"] = previous
    elif previous:
        warnings.append(f"The remembered ingress {previous!r} is not one Cloud Run knows; ingress stays "
                        f"{service.get('ingress', DEFAULT_INGRESS)}.")
    elif connected_subnet(service, spec.project, spec.region):
        notes.append(f"no ingress was remembered from before enable; ingress stays "
                     f"{service.get('ingress', DEFAULT_INGRESS)}")
    owned = is_tool_created(service, spec.name)
    resources: list[Desired] = []
    if spec.revoke:
        revoked, kept = revocations(spec, service, others, agent_subnets)
        body["annotations"][HOST_GRANTS] = encode_grants(set(kept))
        for index, grant in enumerate(revoked, start=1):
            resources.append(grant.desired(f"revoke-{index}", spec.agent, BindingMode.ABSENT, depends_on=("service",),
                                           notes=("removes only what crpatterns added when it enabled this service",)))
        warnings.extend(reason for reason in kept.values())
    resources.insert(0, Desired("service", KindKey.RUN_SERVICES, spec.name, Scope(spec.project, spec.region), body,
                                ownership=Ownership.OWNED if owned else Ownership.SHARED, notes=tuple(notes)))
    return Intent(resources, warnings)


def delete_service(spec: DisableSpec, service: dict[str, Any], others: list[dict[str, Any]],
                   agent_subnets: dict[str, set[str]]) -> Intent:
    """`disable --delete-service`: the service is desired no more, so the plan deletes it (the engine deletes
    what is marked for the app and wanted no more), and with --revoke-host-access the tool's host grants
    go too, after it. Only a service `enable --image` created: any other is refused, whatever its name."""
    if not is_tool_created(service, spec.name):
        raise PlanError(f"Cloud Run service {spec.name} in {spec.region} was not created by crpatterns (its labels do "
                        f"not name app {spec.name} and pattern {PATTERN_NAME}), so --delete-service leaves it. Run "
                        "disable without --delete-service to disconnect it, and delete it yourself if you mean to "
                        f"(gcloud run services delete {spec.name} --region {spec.region}).")
    resources: list[Desired] = []
    warnings: list[str] = []
    if spec.revoke:
        revoked, kept = revocations(spec, service, others, agent_subnets)
        for index, grant in enumerate(revoked, start=1):
            resources.append(grant.desired(f"revoke-{index}", spec.agent, BindingMode.ABSENT, notes=(
                "removes only what crpatterns added when it enabled this service",)))
        warnings.extend(f"{reason} crpatterns keeps no record of it once the service is deleted: remove it "
                        "yourself when nothing uses the subnet." for reason in kept.values())
    elif decode_grants(annotation(service, HOST_GRANTS)):
        warnings.append("The host-side grants crpatterns added for this service stay, and their record goes with "
                        "the service: add --revoke-host-access to remove them too.")
    return Intent(resources, warnings)


def revocations(spec: DisableSpec, service: dict[str, Any], others: list[dict[str, Any]],
                agent_subnets: dict[str, set[str]]) -> tuple[list[Grant], dict[Grant, str]]:
    """Which of the tool's grants go, and which stay with the reason. A subnet grant stays while another
    service of the project uses that subnet; the host-project grant stays while another service uses
    any subnet of that host, or the agent still holds networkUser on another subnet of it (a service in
    another region may use that one: services are listed in this region only)."""
    grants = decode_grants(annotation(service, HOST_GRANTS))
    users: dict[str, list[str]] = {}
    for other in others:
        subnet = connected_subnet(other, spec.project, spec.region)
        if subnet:
            users.setdefault(subnet, []).append(str(other.get("name", "")).rsplit("/", 1)[-1])
    revoked: list[Grant] = []
    kept: dict[Grant, str] = {}
    for grant in sorted(g for g in grants if g.on_subnet):
        names = sorted(users.get(grant.resource, []))
        if names:
            kept[grant] = (f"{grant.role} on {grant.resource} stays: {', '.join(names)} still use that subnet "
                           f"(run disable --revoke-host-access on {spec.name} again once they do not).")
        else:
            revoked.append(grant)
    revoked_subnets = {g.resource for g in revoked}
    for grant in sorted(g for g in grants if not g.on_subnet):
        names = sorted(n for subnet, found in users.items() if subnet.split("/")[1] == grant.host for n in found)
        still = sorted(agent_subnets.get(grant.host, set()) - revoked_subnets)
        if names:
            kept[grant] = (f"{grant.role} on {grant.resource} stays: {', '.join(names)} still use a subnet of "
                           f"{grant.host}.")
        elif still:
            kept[grant] = (f"{grant.role} on {grant.resource} stays: the Cloud Run service agent still holds "
                           f"{NETWORK_USER_ROLE} on {', '.join(s.rsplit('/', 1)[-1] for s in still)}, which a service "
                           "in another region may use.")
        else:
            revoked.append(grant)
    return revoked, kept


