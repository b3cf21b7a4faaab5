"""IAM policies as every emulated API stores them: read-modify-write guarded by an etag.

Rules (docs/google-behaviour.md, "IAM policies (all APIs)"; discovery, google.iam.v1 Policy and Binding,
the same text in every API's document):
- setIamPolicy with an etag other than the current one: 409 ABORTED, "There were concurrent policy changes...".
- setIamPolicy without an etag overwrites (Policy.etag: "If you omit this field, then IAM allows you to
  overwrite a version `3` policy with a version `1` policy, and all of the conditions ... are lost").
- Policy.version: "Valid values are `0`, `1`, and `3`. Requests that specify an invalid value are rejected.
  Any operation that affects conditional role bindings must specify version `3`."
- Policy.bindings: "Each of the `bindings` must contain at least one principal"; at most 1,500 principals.
- A role must exist and be grantable on the resource (core/roles.py).
- A member must be a known kind; a service account must exist: Google's service agents once Google made
  them, user-managed accounts of a project the emulator knows once declared (/_emulator/service-accounts):
  400 "Service account NAME@... does not exist."
- Under Domain Restricted Sharing, allUsers / allAuthenticatedUsers: 400 "One or more users named in the
  policy do not belong to a permitted customer, perhaps due to an organization policy."
"""

from __future__ import annotations

import copy
import re
from typing import TYPE_CHECKING, Any

from crpatterns.emulator.core import roles
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
# User-managed service accounts: https://cloud.google.com/iam/docs/service-accounts-create ("The name must be
# between 6 and 30 characters"), always in the domain PROJECT_ID.iam.gserviceaccount.com.
USER_MANAGED_ACCOUNT = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?@(?P<project>[a-z][-a-z0-9]{4,28}[a-z0-9])"
                                  r"\.iam\.gserviceaccount\.com$")
# Compute Engine's default service account: "Google creates the Compute Engine default service account ... when
# you enable the Compute Engine API" (https://cloud.google.com/compute/docs/access/service-accounts#default_service_account);
# granting it in a project without it: 400 "Service account PN-compute@developer.gserviceaccount.com does not
# exist." (GoogleCloudPlatform/genai-for-marketing#139).
DEFAULT_COMPUTE_ACCOUNT = re.compile(r"^(?P<number>\d+)-compute@developer\.gserviceaccount\.com$")
MAX_PRINCIPALS = 1500
MAX_GROUPS = 250
VALID_VERSIONS = (0, 1, 3)
CONDITIONS_VERSION = 3
VERSIONS_DOC = "https://cloud.google.com/iam/docs/policies#versions"


class PolicyStore:
    """Policies keyed by the resource they are attached to (any string unique across APIs)."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.policies: dict[str, dict[str, Any]] = {}
        # Set by the "policy-race" fault for the duration of one call (admin: /_emulator/faults).
        self.interference: dict[str, Any] | None = None

    def _stored(self, key: str) -> dict[str, Any]:
        """The policy as held (a resource starts with an empty version-1 policy and its own etag)."""
        policy = self.policies.get(key)
        if policy is None:
            policy = {"version": 1, "etag": self.world.next_etag()}
            self.policies[key] = policy
        return policy

    def get(self, key: str, requested_version: int | None = CONDITIONS_VERSION) -> dict[str, Any]:
        """getIamPolicy. `requested_version`: GetPolicyOptions.requestedPolicyVersion (None or 0 when unset).

        Discovery, GetPolicyOptions.requestedPolicyVersion: "Requests for policies with any conditional role
        bindings must specify version 3"; the answer for others is version 1 ("if you specify version 3, but
        the policy has no conditional role bindings, the response uses version 1")."""
        with self.world.lock:
            policy = self._stored(key)
            check_requested_version(requested_version, policy)
            return copy.deepcopy(policy)

    def set(self, key: str, policy: dict[str, Any], project: Project | None) -> dict[str, Any]:
        with self.world.lock:
            if self.interference is not None:
                self._add_binding(key, self.interference)
                self.interference = None
            current = self._stored(key)
            etag = policy.get("etag")
            if etag and etag != current["etag"]:
                raise iam_etag_conflict()
            # googleapis iam/v1/policy.proto (quoted in googleapis/google-cloud-ruby#4153): "If no etag is
            # provided in the call to `setIamPolicy`, any version compliance checks on the incoming and/or
            # stored policy is skipped."
            check_version(policy, current if etag else None)
            self.check_members(policy, project, key)
            stored = {k: v for k, v in copy.deepcopy(policy).items() if k not in ("etag", "bindings")}
            bindings = copy.deepcopy(policy.get("bindings") or [])
            if bindings:
                stored["bindings"] = bindings
            stored["version"] = CONDITIONS_VERSION if has_conditions(bindings) else 1
            stored["etag"] = self.world.next_etag()
            self.policies[key] = stored
            return copy.deepcopy(stored)

    def _add_binding(self, key: str, binding: dict[str, Any]) -> None:
        """Another writer's read-modify-write: adds members to a role and moves the etag on."""
        policy = copy.deepcopy(self._stored(key))
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

    def check_members(self, policy: dict[str, Any], project: Project | None, key: str = "") -> None:
        """Roles, members and the policy's size. UNCONFIRMED: which of two faults in one policy Google names
        first; the emulator reports the first binding's role, then its members, in order."""
        principals = groups = 0
        hierarchy = _hierarchy(project)
        for binding in policy.get("bindings") or []:
            role = binding.get("role") or ""
            roles.check_role(role, key, hierarchy, self.world.custom_roles)
            members = binding.get("members") or []
            if not members:
                raise empty_binding(role)
            for member in members:
                principals += 1
                groups += member.startswith("group:")
                self._check_member(member, project)
        if principals > MAX_PRINCIPALS:
            raise bad_request(
                f"The number of members in the policy ({principals}) is larger than the maximum allowed "
                f"size {MAX_PRINCIPALS}."
            )
        if groups > MAX_GROUPS:
            raise too_many_groups(groups)

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
        if member == "serviceAccount:":
            # terraform-google-modules/terraform-example-foundation#776: "Error 400: Invalid service account ().,
            # badRequest".
            raise bad_request("Invalid service account ().", reason="badRequest")
        if not member.startswith(MEMBER_PREFIXES) or member.endswith(":"):
            raise bad_request(f"Invalid member type for member: {member}.")
        if member.startswith("serviceAccount:"):
            email = member.removeprefix("serviceAccount:")
            if not self.account_exists(email):
                raise bad_request(f"Service account {email} does not exist.")

    def account_exists(self, email: str) -> bool:
        """Service agents exist once Google made them; a user-managed account of a project the emulator
        knows exists once declared, the Compute default account once Compute was enabled there; any other
        account (of a project the emulator does not hold) is taken to exist."""
        if AGENT_EMAIL.match(email):
            return email in self.world.service_agents
        account = USER_MANAGED_ACCOUNT.match(email)
        if account and account["project"] in self.world.projects:
            return email in self.world.service_accounts
        default = DEFAULT_COMPUTE_ACCOUNT.match(email)
        if default and self.world.find_project(default["number"]) is not None:
            return email in self.world.service_accounts
        return True


def has_conditions(bindings: list[dict[str, Any]] | None) -> bool:
    return any(binding.get("condition") for binding in bindings or [])


def _hierarchy(project: Project | None) -> tuple[str, ...]:
    """Where a custom role usable on this project's resources may be defined."""
    if project is None:
        return ()
    return (f"projects/{project.project_id}", f"projects/{project.number}", project.parent)


def policy_of(body: dict[str, Any] | None) -> dict[str, Any]:
    """SetIamPolicyRequest.policy: "REQUIRED: The complete policy to be applied to the `resource`." An absent
    policy is refused (wording UNCONFIRMED); an empty one is a valid policy that clears the bindings."""
    policy = (body or {}).get("policy")
    if policy is None:
        raise bad_request("policy is required: the complete policy to be applied to the resource.",
                          field_violation="policy")
    return policy


def tested_permissions(body: dict[str, Any] | None) -> dict[str, Any]:
    """testIamPermissions: the emulator's caller holds every permission it asks about.
    TestIamPermissionsRequest.permissions: "Permissions with wildcards (such as `*` or `storage.*`) are not
    allowed." (wording of the refusal UNCONFIRMED)."""
    permissions = list((body or {}).get("permissions") or [])
    for permission in permissions:
        if "*" in permission:
            raise bad_request(f"Permission {permission} is invalid: permissions with wildcards are not allowed.",
                              field_violation="permissions")
    return {"permissions": permissions}


def requested_version(value: Any) -> int:
    """GetPolicyOptions.requestedPolicyVersion from a query string or body (unset: 0)."""
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        raise bad_request(f"Invalid value at 'options.requested_policy_version' (TYPE_INT32), \"{value}\"",
                          reason="badRequest") from None


def check_requested_version(requested: int | None, policy: dict[str, Any]) -> None:
    requested = int(requested or 0)
    if requested not in VALID_VERSIONS:
        raise invalid_version("requested policy version", requested)
    if has_conditions(policy.get("bindings")) and requested < CONDITIONS_VERSION:
        # terraform-google-modules/terraform-google-iam#86, hashicorp/vault-plugin-secrets-gcp#77 (an unset
        # version reads as 1).
        raise bad_request(
            f"Requested policy version ({max(requested, 1)}) cannot be less than the existing policy version "
            f"({CONDITIONS_VERSION}). For more information, please refer to {VERSIONS_DOC}.",
            reason="badRequest",
        )


def check_version(policy: dict[str, Any], current: dict[str, Any] | None) -> None:
    """Policy.version rules; `current` is the stored policy when the compliance checks apply (etag given)."""
    version = int(policy.get("version") or 0)
    if version not in VALID_VERSIONS:
        raise invalid_version("policy version", version)
    if current is None or version >= CONDITIONS_VERSION:
        return
    if has_conditions(policy.get("bindings")):
        # UNCONFIRMED wording: no public report quotes Google's answer to a conditional binding sent with
        # version 1; the emulator answers 400 in the shape of the stored-version refusal below.
        raise bad_request(
            f"Specified policy version ({max(version, 1)}) cannot be used with conditional role bindings: they "
            f"need version {CONDITIONS_VERSION}. For more information, please refer to {VERSIONS_DOC}.",
            reason="badRequest",
        )
    if has_conditions(current.get("bindings")):
        # hashicorp/vault-plugin-secrets-gcp#88 quotes this answer.
        raise bad_request(
            f"Specified policy version ({max(version, 1)}) cannot be less than the existing policy version "
            f"({CONDITIONS_VERSION}). For more information, please refer to {VERSIONS_DOC}",
            reason="badRequest",
        )


def invalid_version(what: str, version: int) -> ApiError:
    # Discovery, Policy.version: "Valid values are `0`, `1`, and `3`. Requests that specify an invalid value
    # are rejected." Wording UNCONFIRMED: the emulator answers 400 naming the value and the valid ones.
    return bad_request(f"Invalid {what} {version}: valid values are 0, 1 and 3. For more information, please "
                       f"refer to {VERSIONS_DOC}.", reason="badRequest")


def empty_binding(role: str) -> ApiError:
    # Discovery, Policy.bindings: "Each of the `bindings` must contain at least one principal." Wording
    # UNCONFIRMED; the emulator answers 400 naming the role.
    return bad_request(f"The binding for role {role} has no members: each binding must contain at least one "
                       "principal.", reason="badRequest")


def too_many_groups(groups: int) -> ApiError:
    # Discovery, Policy.bindings: "up to 250 of these principals can be Google groups." Wording UNCONFIRMED: the
    # emulator answers 400 in the shape of the 1,500-principal refusal.
    return bad_request(f"The number of groups in the policy ({groups}) is larger than the maximum allowed size "
                       f"{MAX_GROUPS}.", reason="badRequest")
