"""Who calls, and whether they hold a permission: what the emulator needs to answer a missing permission the
way Google does (docs/google-behaviour.md, "Who calls: the caller and the permissions checked").

Google knows every call's principal from its OAuth access token. The emulator learns it two ways:
- a caller configured for every call (`crpatterns emulator start --caller MEMBER`, or at run time
  `POST /_emulator/caller {"member": MEMBER}`; `{}` clears it), and
- per request, from an access token it issued (`POST /_emulator/tokens {"member": MEMBER}` answers
  `{"access_token": ...}`; a call with `Authorization: Bearer TOKEN` is that member's).
A token wins over the configured caller. Without either, there is no caller and the emulator behaves as it
always did: the caller holds every permission. With one, only the permissions listed in HOLDERS are
checked (the ones the cross-project references of Shared VPC and cross-project service referencing need,
crpatterns/emulator/compute/cross_project.py); the caller holds every other permission.

A caller is `user:EMAIL` or `serviceAccount:EMAIL`: the principals that can hold an access token (groups
and domains are granted roles, they do not call). Their grants count directly, and through a
`domain:D` binding of their email's domain; the emulator has no groups, so a grant to a group never counts
for a caller.
"""

from __future__ import annotations

import re
import secrets
import threading

CALLER = re.compile(r"^(user|serviceAccount):[^@\s:]+@[^@\s]+\.[^@\s]+$")
TOKEN_PREFIX = "emulator-token-"

# permission -> the predefined roles that hold it, from https://cloud.google.com/iam/docs/roles-permissions/compute
# and the basic roles (https://cloud.google.com/iam/docs/roles-overview#basic):
# - compute.backendServices.use: "Compute Load Balancer Services User (roles/compute.loadBalancerServiceUser):
#   Permissions to use services from a backend service or backend bucket", and the admin roles of load
#   balancing (loadBalancerAdmin, networkAdmin, compute.admin); cross-project service referencing needs it on
#   the backend service (docs/google-behaviour.md, "Compute: cross-project service referencing").
# - compute.subnetworks.use: networkUser, networkAdmin, compute.admin (the same set run/vpc.py counts for the
#   Cloud Run service agent; https://cloud.google.com/vpc/docs/shared-vpc#iam_in_shared_vpc).
HOLDERS: dict[str, frozenset[str]] = {
    "compute.backendServices.use": frozenset({
        "roles/compute.loadBalancerServiceUser", "roles/compute.loadBalancerAdmin", "roles/compute.networkAdmin",
        "roles/compute.admin", "roles/editor", "roles/owner"}),
    "compute.subnetworks.use": frozenset({
        "roles/compute.networkUser", "roles/compute.networkAdmin", "roles/compute.admin", "roles/editor",
        "roles/owner"}),
}


class Callers:
    """The configured caller (kept across /_emulator/reset: it is how the emulator was started, not state)
    and the tokens issued."""

    def __init__(self, configured: str | None = None) -> None:
        if configured is not None:
            check_member(configured)
        self.at_start = configured
        self.configured = configured
        self.tokens: dict[str, str] = {}
        self.lock = threading.Lock()

    def issue(self, member: str) -> str:
        check_member(member)
        token = TOKEN_PREFIX + secrets.token_urlsafe(24)
        with self.lock:
            self.tokens[token] = member
        return token

    def configure(self, member: str | None) -> None:
        if member is not None:
            check_member(member)
        self.configured = member

    def reset(self) -> None:
        """Back to the caller the emulator was started with."""
        self.configured = self.at_start

    def who(self, authorization: str | None) -> str | None:
        """The member calling: the token's when the emulator issued it, else the configured one, else None."""
        if authorization and authorization[:7].lower() == "bearer ":
            with self.lock:
                member = self.tokens.get(authorization[7:].strip())
            if member is not None:
                return member
        return self.configured


def check_member(member: str) -> None:
    if not CALLER.match(member):
        raise ValueError(f"a caller is user:EMAIL or serviceAccount:EMAIL; got {member!r}")


def holds(members_by_role: dict[str, set[str]], caller: str, permission: str) -> bool:
    """Whether `caller` holds `permission` through the bindings given (role -> members, unconditional, of
    every policy that applies: the resource's and its project's)."""
    domain = "domain:" + caller.rsplit("@", 1)[-1]
    return any(caller in members or domain in members
               for role, members in members_by_role.items() if role in HOLDERS[permission])

