"""What must hold of the host side before shared-vpc changes anything (PlanError naming the fix), and
the one input rule that needs the resolved project."""

from __future__ import annotations

from crpatterns.engine.diff import as_reference
from crpatterns.errors import PlanError, UsageError
from crpatterns.gcp.shared_vpc import XPN_HOST_STATUS
from crpatterns.patterns.shared_vpc.spec import SUBNET_PURPOSES, XPN_ADMIN_ROLE, EnableSpec, HostFacts


def check_host(spec: EnableSpec, host: HostFacts) -> None:
    """What must be true of the host side before anything changes; raises PlanError naming the fix."""
    if host.xpn_status != XPN_HOST_STATUS:
        raise PlanError(
            f"Project {spec.host} is not a Shared VPC host project, and crpatterns never changes that. A Shared "
            f"VPC Admin ({XPN_ADMIN_ROLE}) must enable it first: `gcloud compute shared-vpc enable {spec.host}`."
        )
    if host.attached_to and host.attached_to != spec.host:
        raise PlanError(
            f"Project {spec.project} is attached to the Shared VPC host {host.attached_to}, not {spec.host}; a "
            f"service project can be attached to one host only. Use --host-project {host.attached_to}, or have a "
            f"Shared VPC Admin ({XPN_ADMIN_ROLE}) detach it first."
        )
    if not host.attached_to and not spec.attach:
        raise PlanError(
            f"Project {spec.project} is not attached to the Shared VPC host {spec.host}. Rerun with --attach to "
            f"attach it (this needs the Shared VPC Admin role, {XPN_ADMIN_ROLE}, on the host), or have a Shared VPC "
            f"Admin run `gcloud compute shared-vpc associated-projects add {spec.project} --host-project {spec.host}`."
        )
    subnet = host.subnet
    if subnet is None:
        raise PlanError(f"Subnet {spec.subnet} does not exist in region {spec.region} of the host project "
                        f"{spec.host}. Check --subnet and --region.")
    network = as_reference(subnet.get("network")) or str(subnet.get("network", ""))
    if network != spec.network_path:
        raise PlanError(f"Subnet {spec.subnet} belongs to network {network.rsplit('/', 1)[-1]}, not to "
                        f"{spec.network}. Check --network.")
    if subnet.get("purpose", "") not in SUBNET_PURPOSES:
        raise PlanError(f"Subnet {spec.subnet} has purpose {subnet['purpose']}: Direct VPC egress needs a regular "
                        "(PRIVATE) subnet.")


def check_spec(spec: EnableSpec) -> None:
    """What can be told wrong once the service project is known, before reading anything else."""
    check_host_is_another_project(spec.host, spec.project)


def check_host_is_another_project(host: str, project: str) -> None:
    """Called before any call when --project is given, and again once the project is resolved."""
    if host == project:
        raise UsageError(f"--host-project must be the Shared VPC host, another project than the service project "
                         f"{project} (--project).")


