"""The host-side grants shared-vpc adds for the Cloud Run service agent, and how the service remembers
them (the `crpatterns.dev/host-grants` annotation), so a revoke removes exactly those."""

from __future__ import annotations

from dataclasses import dataclass

from crpatterns.engine.model import Desired, Ownership, Scope
from crpatterns.kinds.keys import KindKey


@dataclass(frozen=True, order=True)
class Grant:
    """One role on one host-side resource (`projects/H` or a subnet's path), granted to the service
    project's Cloud Run service agent: the only member the pattern ever grants on the host."""

    resource: str
    role: str

    @property
    def host(self) -> str:
        return self.resource.split("/")[1]

    @property
    def on_subnet(self) -> bool:
        return "/subnetworks/" in self.resource

    def desired(self, role: str, member: str, mode: str, depends_on: tuple[str, ...] = (),
                notes: tuple[str, ...] = ()) -> Desired:
        body = {"role": self.role, "members": [member], "mode": mode}
        if self.on_subnet:
            _, host, _, region, _, subnet = self.resource.split("/")
            return Desired(role, KindKey.SUBNETWORK_IAM, subnet, Scope(host, region), body,
                           ownership=Ownership.BINDING, depends_on=depends_on, notes=notes)
        return Desired(role, KindKey.PROJECT_IAM, self.host, Scope(self.host), body,
                       ownership=Ownership.BINDING, depends_on=depends_on, notes=notes)


def encode_grants(grants: set[Grant]) -> str | None:
    """The annotation's value, `ROLE=RESOURCE` joined by commas, sorted, so the same grants always
    read the same (and a person can read them in the console)."""
    if not grants:
        return None
    return ",".join(f"{g.role}={g.resource}" for g in sorted(grants, key=lambda g: (g.role, g.resource)))


def decode_grants(text: str | None) -> set[Grant]:
    """The grants an annotation names; parts edited beyond recognition name none."""
    grants = set()
    for part in (text or "").split(","):
        role, _, resource = part.strip().partition("=")
        if role.startswith("roles/") and resource.startswith("projects/") and len(resource.split("/")) in (2, 6):
            grants.add(Grant(resource, role))
    return grants


