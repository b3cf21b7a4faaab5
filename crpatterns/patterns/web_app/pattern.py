"""The web-app pattern behind the Pattern interface."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from crpatterns.patterns.base import Intent, Outputs, Pattern, Spec, StatusReport, Teardown, compute_names
from crpatterns.patterns.web_app import desired
from crpatterns.patterns.web_app.spec import APIS, DIRECT_MODE, PATTERN_NAME, Names, WebAppSpec
from crpatterns.session import Session


class WebApp(Pattern):
    name: ClassVar[str] = PATTERN_NAME
    apis: ClassVar[tuple[str, ...]] = APIS

    def read(self, session: Session, spec: Spec) -> desired.WebAppFacts:
        from crpatterns.patterns.web_app import reads

        if isinstance(spec, Teardown):
            return desired.WebAppFacts()
        assert isinstance(spec, WebAppSpec)
        return reads.facts(session, spec.name, spec.direct, spec.regions)

    def decide(self, spec: Spec, facts: Any) -> Intent:
        if isinstance(spec, Teardown):
            return Intent([])
        assert isinstance(spec, WebAppSpec)
        return desired.decide(spec, facts)

    def resource_names(self, app: str) -> dict[str, str]:
        return compute_names(Names.of(app))

    def status(self, session: Session, target: Teardown) -> StatusReport:
        from crpatterns.patterns.web_app import status

        return status.status(session, target, self)

    def outputs(self, session: Session, target: Teardown) -> Outputs:
        from crpatterns.patterns.web_app import status

        return status.outputs_of(session, target)

    def examples(self) -> Iterable[tuple[Spec, Any]]:
        base = dict(name="x", region="us-central1", project="p", project_number="1", image="i",
                    domains=("x.example.com",), members=("user:a@example.com",))
        yield WebAppSpec(**base), desired.WebAppFacts()
        yield WebAppSpec(**base, certificate_pem="C", private_key_pem="K", address="a",
                         https_redirect=False), desired.WebAppFacts()
        yield WebAppSpec(**base, iap_mode=DIRECT_MODE), desired.WebAppFacts()
        yield WebAppSpec(**base, other_regions=("us-east1",), failover=True), desired.WebAppFacts()
