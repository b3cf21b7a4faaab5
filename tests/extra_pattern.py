"""A pattern that lives in the test tree: a bare Cloud Run service, private, with one invoker. It shows
that a pattern is its own module plus one registration line, with nothing added to the CLI, the flow or
the engine (issue 12, "Done means")."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

from crpatterns.engine.model import BindingMode, Desired, Ownership, Scope
from crpatterns.kinds.iam import members_for
from crpatterns.kinds.keys import KindKey
from crpatterns.patterns.base import Intent, Pattern, Spec, StatusReport, Teardown
from crpatterns.patterns.common import INVOKER_ROLE
from crpatterns.session import Session


@dataclass(frozen=True, kw_only=True)
class BareServiceSpec(Spec):
    image: str
    invoker: str


class BareService(Pattern):
    name: ClassVar[str] = "bare-service"
    apis: ClassVar[tuple[str, ...]] = ("run.googleapis.com",)

    def read(self, session: Session, spec: Spec) -> None:
        return None  # nothing to decide from

    def decide(self, spec: Spec, facts: Any) -> Intent:
        if not isinstance(spec, BareServiceSpec):
            return Intent([])
        where = Scope(spec.project, spec.region)
        return Intent([
            Desired("service", KindKey.RUN_SERVICES, spec.name, where,
                    {"template": {"containers": [{"image": spec.image}]}, "ingress": "INGRESS_TRAFFIC_INTERNAL_ONLY"}),
            Desired("invoker", KindKey.RUN_SERVICE_IAM, spec.name, where,
                    {"role": INVOKER_ROLE, "members": [spec.invoker], "mode": BindingMode.ADDITIVE},
                    ownership=Ownership.BINDING, depends_on=("service",)),
        ])

    def status(self, session: Session, target: Teardown) -> StatusReport:
        where = Scope(session.project, target.region)
        service = session.kinds[KindKey.RUN_SERVICES].read(where, target.name)
        policy = session.kinds[KindKey.RUN_SERVICE_IAM].read(where, target.name) or {}
        invokers = sorted(members_for(policy, INVOKER_ROLE))
        return StatusReport(self.name, target.name, session.project, target.region, service is not None,
                            details={"invokers": invokers}, lines=[f"invokers: {', '.join(invokers)}"])

    def examples(self) -> Iterable[tuple[Spec, Any]]:
        yield BareServiceSpec(name="x", region="us-central1", image="i", invoker="user:a@example.com"), None
