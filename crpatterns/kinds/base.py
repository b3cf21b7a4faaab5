"""What every resource kind knows: how to read, list, create, update and delete one Google resource
type, and how to compare what a pattern wants with what the API holds. Kinds print nothing and plan
nothing: a resource type per module, as Terraform providers and Pulumi resources are.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from crpatterns.engine import diff as diffing
from crpatterns.engine import ownership
from crpatterns.engine.model import Actual, Change, ReplaceStrategy, Scope
from crpatterns.gcp import failures
from crpatterns.gcp.clients import Clients
from crpatterns.gcp.retry import with_retry

T = TypeVar("T")
# How long a resource our own earlier insert is still creating may take to appear (Google's slowest
# load-balancer inserts take about 20 s; a global forwarding rule up to a minute).
LEFTOVER_WAIT_SECONDS = 60.0


def is_not_found(error: BaseException) -> bool:
    from google.api_core import exceptions as gexc

    return isinstance(error, gexc.NotFound)


class Kind:
    key: ClassVar[str]  # the API collection, e.g. "compute.regionNetworkEndpointGroups", "run.services"
    marker_in: ClassVar[str] = "description"  # "labels", "description" or "none"
    # Whether the marker can be written onto an existing resource (labels, a patchable description):
    # what --adopt needs to mark a resource in place instead of replacing it.
    marker_mutable: ClassVar[bool] = True
    # Fields whose change forces a replacement (dotted paths allowed).
    immutable: ClassVar[tuple[str, ...]] = ()
    replace_strategy: ClassVar[ReplaceStrategy] = ReplaceStrategy.CREATE_BEFORE_DESTROY
    sensitive: ClassVar[tuple[str, ...]] = ()
    regional: ClassVar[bool] = True

    def __init__(self, clients: Clients) -> None:
        self.clients = clients

    # -- calls --------------------------------------------------------------------------------

    def call(self, name: str, verb: str, fn: Callable[[], T]) -> T:
        """Runs an API call with transient-error retries; a lasting failure becomes one sentence."""
        from google.api_core import exceptions as gexc
        from requests import RequestException

        try:
            return with_retry(fn)
        except (gexc.GoogleAPICallError, RequestException, ConnectionError) as error:
            raise failures.describe(error, f"{self.key} {name}", verb) from error

    # -- identity -----------------------------------------------------------------------------

    def url(self, scope: Scope, name: str) -> str:
        raise NotImplementedError

    def path(self, scope: Scope, name: str) -> str:
        return self.url(scope, name)

    # -- reading ------------------------------------------------------------------------------

    def read(self, scope: Scope, name: str) -> dict[str, Any] | None:
        raise NotImplementedError

    def list(self, scope: Scope) -> list[dict[str, Any]]:
        """Everything of this kind in the scope: the engine keeps those marked for the app."""
        return []

    def references(self, body: dict[str, Any]) -> list[str]:
        """Normalised paths/names of the resources this one points at (what blocks their deletion)."""
        found: list[str] = []
        _collect_refs(body, found)
        return found

    def used_by(self, body: dict[str, Any]) -> list[str]:
        """Paths of resources the API says use this one (an address's `users`): reverse references."""
        return []

    def must_outlive(self, body: dict[str, Any], other: Actual) -> bool:
        """Whether this resource may be deleted only after `other` is: a dependency Google enforces
        that neither body names (a proxy-only subnet serves every envoy-based forwarding rule of its
        network and region without either referencing the other)."""
        return False

    # -- ownership ----------------------------------------------------------------------------

    def marker_of(self, body: dict[str, Any]) -> tuple[str, str, str] | None:
        if self.marker_in == "labels":
            return ownership.from_labels(body.get("labels"))
        if self.marker_in == "description":
            return ownership.from_description(body.get("description"))
        return None

    def with_marker(self, body: dict[str, Any], app: str, pattern: str, role: str) -> dict[str, Any]:
        marked = dict(body)
        if self.marker_in == "labels":
            marked["labels"] = {**body.get("labels", {}), **ownership.labels(app, pattern, role)}
        elif self.marker_in == "description":
            marked["description"] = ownership.description(app, pattern, role)
        return marked

    def to_actual(self, scope: Scope, body: dict[str, Any]) -> Actual:
        marker = self.marker_of(body)
        app, pattern, role = marker if marker else (None, None, None)
        return Actual(self.key, body.get("name", "").rsplit("/", 1)[-1], scope, body, app, role, pattern)

    # -- comparing ----------------------------------------------------------------------------

    def diff(self, desired: dict[str, Any], actual: dict[str, Any]) -> list[Change]:
        return diffing.diff(desired, actual, self.immutable, self.sensitive)

    # -- writing ------------------------------------------------------------------------------

    def create_tolerating_own(self, scope: Scope, name: str, body: dict[str, Any], create: Callable[[], None]) -> None:
        """Runs `create`; on 409 already-exists, accepts a resource with this very marker.

        A run killed mid-create, or an answer lost after the change was made, leaves a resource the next
        run's insert collides with (Compute hides a resource until its insert operation is done, so the
        plan's read cannot see it). It is ours if it carries the marker this insert would have set.
        """
        try:
            create()
        except failures.ApiCallError as error:
            if error.status != 409 or self.marker_of(body) is None:
                raise
            deadline = time.monotonic() + LEFTOVER_WAIT_SECONDS
            while time.monotonic() < deadline:
                found = self.read(scope, name)
                if found is not None:
                    if self.marker_of(found) == self.marker_of(body):
                        return
                    raise
                time.sleep(0.5)
            raise

    def create(self, scope: Scope, name: str, body: dict[str, Any]) -> None:
        raise NotImplementedError

    def update(self, actual: Actual, body: dict[str, Any], changes: tuple[Change, ...]) -> None:
        raise NotImplementedError

    def delete(self, actual: Actual) -> None:
        raise NotImplementedError


def _collect_refs(value: Any, found: list[str]) -> None:
    if isinstance(value, str):
        reference = diffing.as_reference(value)
        if reference:
            found.append(reference)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in ("selfLink", "region", "selfLinkWithId", "users"):  # users: back-references
                _collect_refs(item, found)
    elif isinstance(value, list):
        for item in value:
            _collect_refs(item, found)
