"""The shared-vpc pattern behind the Pattern interface: `enable` and `disable` are both desired states."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from crpatterns.gcp.shared_vpc import XPN_HOST_STATUS
from crpatterns.patterns.base import Intent, Outputs, Pattern, Spec, StatusReport, Teardown
from crpatterns.patterns.shared_vpc import desired
from crpatterns.patterns.shared_vpc.checks import check_spec
from crpatterns.patterns.shared_vpc.grants import decode_grants
from crpatterns.patterns.shared_vpc.spec import APIS, HOST_GRANTS, PATTERN_NAME, DisableSpec, EnableSpec, HostFacts
from crpatterns.session import Session


@dataclass(frozen=True)
class SharedVpcFacts:
    service: dict[str, Any] | None = None
    host: HostFacts | None = None  # enable only
    others: list[dict[str, Any]] = field(default_factory=list)  # disable --revoke-host-access: other services
    agent_subnets: dict[str, set[str]] = field(default_factory=dict)  # ... and the agent's subnets per host


class SharedVpc(Pattern):
    name: ClassVar[str] = PATTERN_NAME
    apis: ClassVar[tuple[str, ...]] = APIS

    def read(self, session: Session, spec: Spec) -> SharedVpcFacts:
        from crpatterns.concurrency import together
        from crpatterns.patterns.shared_vpc import reads

        if isinstance(spec, EnableSpec):
            check_spec(spec)  # the host must be another project: known only once the project is resolved
            found = together(session.parallelism, {
                "service": lambda: reads.service(session, spec.name, spec.region),
                "host": lambda: reads.host_facts(session, spec),
            })
            return SharedVpcFacts(found["service"], found["host"])
        service = reads.service(session, spec.name, spec.region)
        if not isinstance(spec, DisableSpec) or not spec.revoke:
            return SharedVpcFacts(service)
        grants = decode_grants(((service or {}).get("annotations") or {}).get(HOST_GRANTS))
        if not grants:
            return SharedVpcFacts(service)
        others = reads.other_services(session, spec.name, spec.region)
        hosts = {g.host for g in grants if not g.on_subnet}
        return SharedVpcFacts(service, None, others, reads.agent_subnets(session, hosts) if hosts else {})

    def decide(self, spec: Spec, facts: Any) -> Intent:
        if isinstance(spec, EnableSpec):
            assert facts.host is not None
            return desired.enable(spec, facts.host, facts.service)
        if isinstance(spec, DisableSpec):
            return desired.disable(spec, facts.service, facts.others, facts.agent_subnets)
        return Intent([])

    def status(self, session: Session, target: Teardown) -> StatusReport:
        from crpatterns.patterns.shared_vpc import status

        return status.status(session, target, self)

    def outputs(self, session: Session, target: Teardown) -> Outputs:
        from crpatterns.patterns.shared_vpc import status

        return status.outputs_of(session, target)

    def examples(self) -> Iterable[tuple[Spec, Any]]:
        spec = EnableSpec(name="x", region="us-central1", project="p", project_number="1", host="h", network="n",
                          subnet="s", image="i")
        subnet = {"name": "s", "network": "projects/h/global/networks/n"}
        yield spec, SharedVpcFacts(None, HostFacts(xpn_status=XPN_HOST_STATUS, attached_to="h", subnet=subnet))
