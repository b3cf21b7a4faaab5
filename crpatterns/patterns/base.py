"""The one interface every pattern implements, and the values it exchanges with the flow.

A pattern is a folder under crpatterns/patterns/: its spec and desired resources (pure), the reads it
needs, its checks of cloud state, and its status. The flow (crpatterns/cli/flow.py) runs every command
the same way: read, decide, observe, plan, confirm, apply, report. Adding a pattern is its folder plus
one registration line (crpatterns/patterns/registry.py).
"""

from __future__ import annotations

import dataclasses
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar, Self

from crpatterns.engine.model import Desired, ObservedKey, Ownership

if TYPE_CHECKING:
    from crpatterns.session import Session


@dataclass(frozen=True, kw_only=True)
class Spec:
    """What the user asked for (from flags or a stack file). The project is filled in once resolved."""

    name: str
    region: str  # the first (for most patterns, the only) region
    project: str = ""
    project_number: str = ""
    # A pattern that runs in several regions (web-app, internal-api): the regions after the first.
    other_regions: tuple[str, ...] = ()
    # The stack file the app comes from (its name), carried on the app's Cloud Run service so that
    # `--prune` only ever destroys apps of that stack: never one made by a single command or another stack.
    stack: str = ""

    @property
    def regions(self) -> tuple[str, ...]:
        """Every region of the app, the first first, each once."""
        return tuple(dict.fromkeys((self.region, *self.other_regions)))

    def in_project(self, project: str, number: str) -> Self:
        return dataclasses.replace(self, project=project, project_number=number)


@dataclass(frozen=True, kw_only=True)
class Teardown(Spec):
    """destroy (and status): the app by its name and region; nothing is desired any more."""


@dataclass
class Intent:
    """What a pattern decided: the resources it wants, what the plan must warn about, and resources it
    keeps although nothing desires them (with the reason the plan gives)."""

    desired: list[Desired]
    warnings: list[str] = field(default_factory=list)
    keep: dict[ObservedKey, str] = field(default_factory=dict)
    # Shared resources another app of this pattern made and left behind, that nothing uses any more:
    # this run deletes them (with the reason the plan gives).
    release: dict[ObservedKey, str] = field(default_factory=dict)
    # The app's own resources nothing desires any more, with the reason the plan gives for deleting them
    # (a region taken off the app).
    deleting: dict[ObservedKey, str] = field(default_factory=dict)
    # Of those, the ones to delete only after the steps of these desired roles (make before break).
    delete_after: dict[ObservedKey, tuple[str, ...]] = field(default_factory=dict)
    # Projects besides the app's where it has resources (a load balancer's frontend in another project, a
    # proxy-only subnet in a Shared VPC host): searched too for what is marked for the app.
    projects: tuple[str, ...] = ()


@dataclass(frozen=True)
class DnsRecord:
    """A record the person must make at their DNS provider (the tool manages no DNS zone)."""

    name: str
    type: str
    value: str


@dataclass
class Outputs:
    """What a person or a pipeline needs once an app exists, built from what `status` reads: where it
    is, how to reach and call it, what DNS to make, how far its certificates are, and what to do next.
    Printed after create (to stderr when stdout is not a terminal), in the JSON result and in status."""

    addresses: list[str] = field(default_factory=list)  # IPs clients connect to
    urls: list[str] = field(default_factory=list)
    dns_records: list[DnsRecord] = field(default_factory=list)
    certificates: dict[str, str] = field(default_factory=dict)  # domain -> status (ACTIVE, PROVISIONING...)
    call: str | None = None  # an example call, e.g. curl with an identity token
    next_steps: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.addresses or self.urls or self.dns_records or self.certificates or self.call
                    or self.next_steps)

    def to_json(self) -> dict[str, Any]:
        return {"addresses": list(self.addresses), "urls": list(self.urls),
                "dnsRecords": [{"name": r.name, "type": r.type, "value": r.value} for r in self.dns_records],
                "certificates": [{"domain": d, "status": s} for d, s in self.certificates.items()],
                "call": self.call, "nextSteps": list(self.next_steps)}

    def lines(self) -> list[str]:
        """The outputs as text, Terraform's way: one `name = value` a line, then the next steps."""
        out = [f"address = {a}" for a in self.addresses]
        out += [f"url = {u}" for u in self.urls]
        out += [f"dns = {r.name} {r.type} {r.value}" for r in self.dns_records]
        out += [f"certificate = {d} {s}" for d, s in self.certificates.items()]
        if self.call:
            out.append(f"call = {self.call}")
        lines = ["Outputs:", *(f"  {line}" for line in out)] if out else []
        if self.next_steps:
            lines += ["Next steps:", *(f"  {step}" for step in self.next_steps)]
        return lines


@dataclass
class StatusReport:
    """What `status` found, for people (text) and programs (JSON): the pattern's facts, the findings
    that break its promise, and what the person still has to do."""

    pattern: str
    name: str
    project: str
    region: str
    exists: bool
    details: dict[str, Any] = field(default_factory=dict)  # the pattern's own fields, camelCase, for JSON
    lines: list[str] = field(default_factory=list)  # the same facts as text lines
    findings: list[str] = field(default_factory=list)
    next_steps: list[str] = field(default_factory=list)
    healthy: str = "OK."  # the sentence that ends a report without findings
    repair: str = ""  # the command that repairs findings, e.g. "crpatterns web-app create"
    outputs: Outputs = field(default_factory=Outputs)

    def to_json(self) -> dict[str, Any]:
        return {"pattern": self.pattern, "name": self.name, "project": self.project, "region": self.region,
                "exists": self.exists, **self.details, "findings": list(self.findings),
                "nextSteps": list(self.next_steps), "outputs": self.outputs.to_json()}

    def text(self) -> str:
        out = [f'{self.pattern} "{self.name}" in project {self.project} ({self.region}):']
        out.extend(f"  {line}" for line in (self.lines if self.exists else ["not found"]))
        out.extend(f"  FINDING: {finding}" for finding in self.findings)
        if self.findings:
            out.append(f"{len(self.findings)} finding(s): run `{self.repair}` with the same flags to repair.")
        else:
            out.append(self.healthy)
        if self.next_steps:
            out.append("Next steps:")
            out.extend(f"  {step}" for step in self.next_steps)
        return "\n".join(out)


def compute_names(names: object) -> dict[str, str]:
    """The Compute names in a pattern's Names dataclass: every field but `service`, the Cloud Run
    service's own name (which follows Cloud Run's rules, not Compute's)."""
    return {what: name for what, name in vars(names).items() if what != "service"}


class Pattern(ABC):
    """One architecture. `read` and `status` read (never write); `decide` is pure."""

    name: ClassVar[str]  # "web-app": the command group, and the crpatterns-pattern marker
    apis: ClassVar[tuple[str, ...]]  # the APIs it calls, checked (or enabled) before anything else

    @abstractmethod
    def read(self, session: Session, spec: Spec) -> Any:
        """The facts `decide` needs about what exists. Reads only."""

    @abstractmethod
    def decide(self, spec: Spec, facts: Any) -> Intent:
        """The desired state (pure). Raises PlanError when the cloud's state refuses the spec."""

    @abstractmethod
    def status(self, session: Session, target: Teardown) -> StatusReport:
        """What exists now and what breaks the pattern's promise. Reads only."""

    @abstractmethod
    def examples(self) -> Iterable[tuple[Spec, Any]]:
        """Specs with facts that together use every option: what `owned_kinds` is derived from."""

    def resource_names(self, app: str) -> dict[str, str]:
        """The Compute names derived from the app's name (checked as input before any call)."""
        return {}

    def outputs(self, session: Session, target: Teardown) -> Outputs:
        """After an apply (and in status): addresses, URLs, DNS records, certificates, an example call,
        next steps. Reads only. This default takes them from `status`; a pattern whose status also plans
        (to report drift) overrides it with its reads alone."""
        return self.status(session, target).outputs

    def next_steps(self, session: Session, spec: Spec) -> list[str]:
        """After an apply: what the person still has to do (DNS records, how to call the app)."""
        return self.outputs(session, Teardown(name=spec.name, region=spec.region, project=spec.project,
                                              project_number=spec.project_number)).next_steps

    @cached_property
    def owned_kinds(self) -> tuple[str, ...]:
        """Every kind this pattern creates, from what `decide` produces (never a list kept by hand): the
        kinds searched for resources marked for an app, so a destroy finds all of them."""
        kinds: dict[str, None] = {}
        for spec, facts in self.examples():
            for desired in self.decide(spec, facts).desired:
                if desired.ownership is Ownership.OWNED:
                    kinds[desired.kind] = None
        return tuple(kinds)
