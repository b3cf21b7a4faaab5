"""IAM policies as every emulated API stores them: read-modify-write guarded by an etag.

Rules (gcp-behaviour.md, "IAM policies (all APIs)", "IAP v1"):
- setIamPolicy with an etag other than the current one: 409 ABORTED, "There were concurrent policy changes...".
- setIamPolicy without an etag overwrites (Google allows it; it is how conditions get dropped).
- A member must be a known kind; a service agent that was never generated:
  400 "Service account service-N@gcp-sa-iap.iam.gserviceaccount.com does not exist."
- Under Domain Restricted Sharing, allUsers / allAuthenticatedUsers: 400 "One or more users named in the
  policy do not belong to a permitted customer, perhaps due to an organization policy."
- At most 1,500 principals per policy.
"""

from __future__ import annotations

import copy
import re
from typing import TYPE_CHECKING, Any

from crpatterns.emulator.core.errors import ApiError, bad_request, iam_etag_conflict

if TYPE_CHECKING:
    from crpatterns.emulator.core.world import Project, World

MEMBER_PREFIXES = ("user:", "serviceAccount:", "group:", "domain:", "principal://", "principalSet://")
PUBLIC_MEMBERS = ("allUsers", "allAuthenticatedUsers")
# Google-owned service agents: they exist only once Google created them (API enabled or generated).
AGENT_EMAIL = re.compile(
    r"^service-(\d+)@(gcp-sa-[a-z0-9-]+|serverless-robot-prod|compute-system|container-engine-robot)"
    r"\.iam\.gserviceaccount\.com$"
)
MAX_PRINCIPALS = 1500


class PolicyStore:
    """Policies keyed by the resource they are attached to (any string unique across APIs)."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.policies: dict[str, dict[str, Any]] = {}
        # Set by the "policy-race" fault for the duration of one call (admin: /_emulator/faults).
        self.interference: dict[str, Any] | None = None

    def get(self, key: str) -> dict[str, Any]:
        with self.world.lock:
            policy = self.policies.get(key)
            if policy is None:
                policy = {"version": 1, "etag": self.world.next_etag()}
                self.policies[key] = policy
            return copy.deepcopy(policy)

    def set(self, key: str, policy: dict[str, Any], project: Project | None) -> dict[str, Any]:
        with self.world.lock:
            if self.interference is not None:
                self._add_binding(key, self.interference)
                self.interference = None
            current = self.get(key)
            etag = policy.get("etag")
            if etag and etag != current["etag"]:
                raise iam_etag_conflict()
            self.check_members(policy, project)
            stored = {k: v for k, v in copy.deepcopy(policy).items() if k != "etag"}
            stored["bindings"] = [b for b in stored.get("bindings", []) if b.get("members")]
            if not stored["bindings"]:
                del stored["bindings"]
            stored.setdefault("version", 1)
            stored["etag"] = self.world.next_etag()
            self.policies[key] = stored
            return copy.deepcopy(stored)

    def _add_binding(self, key: str, binding: dict[str, Any]) -> None:
        """Another writer's read-modify-write: adds members to a role and moves the etag on."""
        policy = self.get(key)
        bindings = policy.setdefault("bindings", [])
        for existing in bindings:
            if existing.get("role") == binding["role"] and not existing.get("condition"):
                existing["members"] = sorted(set(existing["members"]) | set(binding["members"]))
                break
        else:
            bindings.append({"role": binding["role"], "members": sorted(binding["members"])})
        policy["etag"] = self.world.next_etag()
        self.policies[key] = policy

    def drop(self, key: str) -> None:
        """A deleted resource takes its policy with it."""
        with self.world.lock:
            self.policies.pop(key, None)

    def members_with_role(self, key: str, role: str) -> set[str]:
        with self.world.lock:
            policy = self.policies.get(key, {})
            return {m for b in policy.get("bindings", []) if b.get("role") == role for m in b.get("members", [])}

    def check_members(self, policy: dict[str, Any], project: Project | None) -> None:
        principals = 0
        for binding in policy.get("bindings", []):
            role = binding.get("role", "")
            if not role.startswith(("roles/", "projects/", "organizations/")):
                raise bad_request(f"Role {role} is not supported for this resource.")
            for member in binding.get("members", []):
                principals += 1
                self._check_member(member, project)
        if principals > MAX_PRINCIPALS:
            raise bad_request(
                f"The number of members in the policy ({principals}) is larger than the maximum allowed "
                f"size {MAX_PRINCIPALS}."
            )

    def _check_member(self, member: str, project: Project | None) -> None:
        if member.startswith("deleted:"):
            return
        if member in PUBLIC_MEMBERS:
            if project is not None and project.domain_restricted_sharing:
                raise ApiError(
                    400,
                    "One or more users named in the policy do not belong to a permitted customer, "
                    "perhaps due to an organization policy.",
                    reason="badRequest",
                    status="FAILED_PRECONDITION",
                )
            return
        if not member.startswith(MEMBER_PREFIXES) or member.endswith(":"):
            raise bad_request(f"Invalid member type for member: {member}.")
        if member.startswith("serviceAccount:"):
            email = member.removeprefix("serviceAccount:")
            if AGENT_EMAIL.match(email) and email not in self.world.service_agents:
                raise bad_request(f"Service account {email} does not exist.")
