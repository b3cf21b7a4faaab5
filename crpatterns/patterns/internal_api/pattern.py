"""The internal-api pattern behind the Pattern interface."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any, ClassVar

from crpatterns.patterns.base import Intent, Outputs, Pattern, Spec, StatusReport, Teardown, compute_names
from crpatterns.patterns.internal_api import checks, desired, projects
from crpatterns.patterns.internal_api.projects import Where
from crpatterns.patterns.internal_api.spec import APIS, HTTPS_PORT, PATTERN_NAME, Facts, InternalApiSpec, Names
from crpatterns.session import Session


class InternalApi(Pattern):
    name: ClassVar[str] = PATTERN_NAME
    apis: ClassVar[tuple[str, ...]] = APIS

    def read(self, session: Session, spec: Spec) -> Facts:
        from crpatterns.patterns.internal_api import project_reads, reads

        if not isinstance(spec, InternalApiSpec):
            # destroy: the service's record says which other projects hold the app's parts (projects.py)
            service = project_reads.service(session, spec.name, spec.region)
            where = Where.recorded(session.project, service)
            found = reads.facts(session, spec.name, spec.regions, None, where.frontend, where.network)
            return dataclasses.replace(found, service=service)
        where = Where.of(spec)
        found = reads.facts(session, spec.name, spec.regions, spec.network, where.frontend, where.network)
        return dataclasses.replace(found, projects=project_reads.project_facts(session, spec))

    def decide(self, spec: Spec, facts: Any) -> Intent:
        if not isinstance(spec, InternalApiSpec):
            return projects.place_teardown(spec.name, spec.project, facts,
                                           desired.decide_teardown(spec.name, spec.project, facts))
        projects.check(spec, facts)
        checks.check_facts(spec, facts)
        return projects.place(spec, facts, desired.decide(spec, facts))

    def resource_names(self, app: str) -> dict[str, str]:
        return compute_names(Names.of(app))

    def status(self, session: Session, target: Teardown) -> StatusReport:
        from crpatterns.patterns.internal_api import status

        return status.status(session, target, self)

    def outputs(self, session: Session, target: Teardown) -> Outputs:
        from crpatterns.patterns.internal_api import status

        return status.outputs_of(session, target)

    def examples(self) -> Iterable[tuple[Spec, Any]]:
        base = dict(name="x", region="us-central1", project="p", project_number="1", image="i", network="n",
                    subnet="s")
        subnet = {"name": "s", "region": "regions/us-central1", "network": "projects/p/global/networks/n",
                  "ipCidrRange": "10.0.0.0/24"}
        facts = Facts(network={"selfLink": "projects/p/global/networks/n"}, subnets=(subnet,))
        yield InternalApiSpec(**base), facts
        yield InternalApiSpec(**base, port=HTTPS_PORT, certificate_pem="C", private_key_pem="K", ip="10.0.0.9"), facts
        # Several regions: the cross-region load balancer's global kinds.
        east = {**subnet, "region": "regions/us-east1", "ipCidrRange": "10.0.1.0/24"}
        yield (InternalApiSpec(**base, other_regions=("us-east1",), failover=True),
               Facts(network=facts.network, subnets=(subnet, east)))
