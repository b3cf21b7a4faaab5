"""IAM bindings as plan steps: members of one role on one resource's policy.

Read-modify-write with the policy's etag; a concurrent change (409 ABORTED) re-reads and retries, so
bindings others add at the same time are kept. Bindings of other roles, other members and conditional
bindings are never touched (docs/google-behaviour.md, "IAM policies (all APIs)").
Modes: "additive" adds the members; "authoritative" makes them the role's only unconditional members
(for a resource the tool owns, such as its app's IAP resource); "absent" removes them. Members listed in
"refusedMembers" are removed in every mode (allUsers on a service only IAP may reach).
A member that is a Google service agent which may not exist yet is generated first
(generateServiceIdentity is idempotent), so granting it never fails with "does not exist".
"""

from __future__ import annotations

import random
import time
from typing import Any, ClassVar

from crpatterns.engine.model import Actual, BindingMode, Change, Scope
from crpatterns.kinds.base import Kind, is_not_found

MAX_ATTEMPTS = 8


def members_for(policy: dict[str, Any], role: str) -> set[str]:
    return {
        m for b in policy.get("bindings", []) if b.get("role") == role and not b.get("condition")
        for m in b.get("members", [])
    }


def target_members(mode: str, current: set[str], desired: set[str], refused: set[str] = frozenset()) -> set[str]:
    """The role's members after the change. `refused` members are removed whatever the mode (the
    public principals a secure pattern must never leave in place)."""
    if mode == BindingMode.AUTHORITATIVE:
        return set(desired) - refused
    if mode == BindingMode.ABSENT:
        return current - desired - refused
    return (current | desired) - refused


def with_members(policy: dict[str, Any], role: str, members: set[str]) -> dict[str, Any]:
    """The policy with the role's unconditional binding set to `members`; everything else as it was."""
    bindings = [dict(b) for b in policy.get("bindings", [])]
    unconditional = [b for b in bindings if b.get("role") == role and not b.get("condition")]
    others = [b for b in bindings if b not in unconditional]
    if members:
        others.append({"role": role, "members": sorted(members)})
    updated = {k: v for k, v in policy.items() if k != "bindings"}
    updated["bindings"] = others
    updated["version"] = max(int(policy.get("version", 1) or 1), 3 if any(b.get("condition") for b in others) else 1)
    return updated


class IamBindingKind(Kind):
    """Subclasses read and write one API's policies; desired bodies are
    {"role", "members", "mode", "agents": [service names whose agents must exist], "agentProject"}."""

    marker_in: ClassVar[str] = "none"

    def get_policy(self, scope: Scope, name: str) -> dict[str, Any]:
        raise NotImplementedError

    def set_policy(self, scope: Scope, name: str, policy: dict[str, Any]) -> None:
        raise NotImplementedError

    def read(self, scope: Scope, name: str) -> dict[str, Any] | None:
        def get() -> dict[str, Any] | None:
            try:
                return self.get_policy(scope, name)
            except Exception as error:
                if is_not_found(error):
                    return None  # the resource itself does not exist yet: no policy
                raise

        return self.call(name, "getIamPolicy", get)

    def to_actual(self, scope: Scope, body: dict[str, Any]) -> Actual:
        return Actual(self.key, body.get("name", ""), scope, body)

    def diff(self, desired: dict[str, Any], actual: dict[str, Any]) -> list[Change]:
        role = desired["role"]
        current = members_for(actual, role)
        wanted = target_members(desired.get("mode", BindingMode.ADDITIVE), current, set(desired.get("members", [])),
                                set(desired.get("refusedMembers", [])))
        if wanted == current:
            return []
        return [Change(f"bindings[{role}]", sorted(current), sorted(wanted))]

    def references(self, body: dict[str, Any]) -> list[str]:
        return []

    def create(self, scope: Scope, name: str, body: dict[str, Any]) -> None:
        self.apply_binding(scope, name, body)

    def update(self, actual: Actual, body: dict[str, Any], changes: tuple[Change, ...]) -> None:
        self.apply_binding(actual.scope, actual.name or body.get("name", ""), body)

    def delete(self, actual: Actual) -> None:
        raise AssertionError("bindings are removed with mode 'absent', never deleted as resources")

    def apply_binding(self, scope: Scope, name: str, body: dict[str, Any]) -> None:
        from google.api_core import exceptions as gexc

        for service in body.get("agents", []):
            self.ensure_agent(body["agentProject"], service)
        role, mode, desired = body["role"], body.get("mode", BindingMode.ADDITIVE), set(body.get("members", []))
        for attempt in range(MAX_ATTEMPTS):
            policy = self.call(name, "getIamPolicy", lambda: self.get_policy(scope, name))
            current = members_for(policy, role)
            wanted = target_members(mode, current, desired, set(body.get("refusedMembers", [])))
            if wanted == current:
                return
            try:
                updated = with_members(policy, role, wanted)
                self.call(name, "setIamPolicy", lambda p=updated: self.set_policy(scope, name, p))
                return
            except Exception as error:
                cause = error.__cause__ if error.__cause__ is not None else error
                if not isinstance(cause, gexc.Conflict | gexc.Aborted) or attempt == MAX_ATTEMPTS - 1:
                    raise
                time.sleep(random.uniform(0, 0.2 * 2**attempt))  # someone else wrote: re-read, retry

    def ensure_agent(self, project: str, service: str) -> None:
        """Service Usage v1beta1 generateServiceIdentity: idempotent; no client library covers it."""
        session = self.clients.session()
        url = self.clients.service_usage_url(f"v1beta1/projects/{project}/services/{service}:generateServiceIdentity")

        def request(method: str, target: str) -> dict[str, Any]:
            response = session.request(method, target, json={} if method == "POST" else None)
            if response.status_code >= 400:
                from google.api_core import exceptions as gexc

                raise gexc.from_http_response(response)
            return response.json()

        label = f"service agent of {service} in {project}"
        operation = self.call(label, "generateServiceIdentity", lambda: request("POST", url))
        # Service Usage operations have no wait method: poll, quickly at first.
        delay = 0.05
        while not operation.get("done"):
            time.sleep(delay)
            delay = min(delay * 1.5, 2.0)
            target = self.clients.service_usage_url(f"v1beta1/{operation['name']}")
            operation = self.call(label, "operations.get", lambda t=target: request("GET", t))
        if "error" in operation:
            raise self.call(label, "generateServiceIdentity", lambda: _raise(operation["error"]))


def _raise(error: dict[str, Any]) -> None:
    from google.api_core import exceptions as gexc

    raise gexc.from_http_status(500, error.get("message", "generateServiceIdentity failed"))


def policy_to_dict(policy: Any) -> dict[str, Any]:
    """A google.iam.v1 Policy (protobuf) as JSON."""
    from google.protobuf import json_format

    return json_format.MessageToDict(policy)


def policy_from_dict(policy: dict[str, Any]) -> Any:
    from google.iam.v1 import policy_pb2
    from google.protobuf import json_format

    return json_format.ParseDict(policy, policy_pb2.Policy())
