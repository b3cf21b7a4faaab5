"""What the internal-api pattern decides from, read before it runs: the network and every subnet of the
project (all regions: the proxy-only range must overlap none, and the proxy-only subnets the app made
are found wherever they are), the region's addresses, every forwarding rule of the project (IPs in use,
the app's rule, other load balancers on a proxy-only subnet), and the service with its invokers. Reads
only, through the kinds (retries, one-sentence failures)."""

from __future__ import annotations

from typing import Any

from crpatterns.concurrency import together
from crpatterns.engine.model import Scope
from crpatterns.gcp.load_balancing import same_ref
from crpatterns.kinds.iam import members_for
from crpatterns.kinds.keys import KindKey
from crpatterns.patterns.common import INVOKER_ROLE
from crpatterns.patterns.internal_api.spec import Facts
from crpatterns.session import Session


def facts(session: Session, name: str, region: str, network: str | None) -> Facts:
    """Everything `decide` needs; with no network (destroy), what stays is decided from the same reads."""
    kinds, project = session.kinds, session.project
    regional = Scope(project, region)
    reads: dict[str, Any] = {
        "subnets": lambda: kinds[KindKey.SUBNETWORKS].aggregated_list(project),
        "rules": lambda: kinds[KindKey.FORWARDING_RULES].aggregated_list(project),
    }
    if network is not None:
        reads.update({
            "network": lambda: kinds[KindKey.NETWORKS].read(Scope(project), network),
            "addresses": lambda: kinds[KindKey.ADDRESSES].list(regional),
            "service": lambda: kinds[KindKey.RUN_SERVICES].read(regional, name),
            "policy": lambda: kinds[KindKey.RUN_SERVICE_IAM].read(regional, name),
        })
    found = together(session.parallelism, reads)
    all_subnets = tuple(found["subnets"])
    if network is None:
        return Facts(all_subnets=all_subnets, rules=tuple(found["rules"]))
    networks: tuple[str, ...] = ()
    if found["network"] is None:
        networks = tuple(sorted(n.get("name", "") for n in kinds[KindKey.NETWORKS].list(Scope(project))))
    members = frozenset(members_for(found["policy"] or {}, INVOKER_ROLE)) if found["service"] else frozenset()
    link = (found["network"] or {}).get("selfLink")
    subnets = tuple(s for s in all_subnets if link and same_ref(s.get("network"), link))
    return Facts(found["network"], networks, subnets, all_subnets, tuple(found["addresses"]), tuple(found["rules"]),
                 found["service"], members)
