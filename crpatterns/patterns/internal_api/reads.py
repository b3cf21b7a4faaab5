"""What the internal-api pattern decides from, read before it runs: the network and every subnet of the
project (all regions: the proxy-only range must overlap none, and the proxy-only subnets the app made
are found wherever they are), the region's addresses, every forwarding rule of the project (IPs in use,
the app's rule, other load balancers on a proxy-only subnet), and the service with its invokers. Reads
only, through the kinds (retries, one-sentence failures). Several regions add each region's service and
invokers, the global forwarding rules and the global backend service."""

from __future__ import annotations

from typing import Any

from crpatterns.concurrency import together
from crpatterns.engine import ownership
from crpatterns.engine.model import Scope
from crpatterns.gcp.load_balancing import region_of, same_ref
from crpatterns.kinds.iam import members_for
from crpatterns.kinds.keys import KindKey
from crpatterns.patterns.common import INVOKER_ROLE
from crpatterns.patterns.internal_api.spec import PATTERN_NAME, Facts, Names
from crpatterns.patterns.regions import backend_regions
from crpatterns.session import Session


def facts(session: Session, name: str, regions: tuple[str, ...], network: str | None, frontend: str | None = None,
          host: str | None = None) -> Facts:
    """Everything `decide` needs; with no network (destroy), what stays is decided from the same reads. For
    several regions also the service and its invokers in each, every global forwarding rule, and the global
    backend service (which regions the load balancer serves now). `frontend` and `host`: the projects of the
    forwarding rule (its rules and addresses are read there) and of the network (its subnets), when not the
    app's (internal_api/projects.py)."""
    kinds, project = session.kinds, session.project
    frontend, host = frontend or project, host or frontend or project
    region = regions[0]
    names = Names.of(name)
    reads: dict[str, Any] = {
        "subnets": lambda: kinds[KindKey.SUBNETWORKS].aggregated_list(host),
        "rules": lambda: kinds[KindKey.FORWARDING_RULES].aggregated_list(frontend),
        "global rules": lambda: kinds[KindKey.GLOBAL_FORWARDING_RULES].list(Scope(frontend)),
    }
    if network is not None:
        reads.update({
            "network": lambda: kinds[KindKey.NETWORKS].read(Scope(host), network),
            "addresses": lambda: kinds[KindKey.ADDRESSES].list(Scope(frontend, region)),
            "backend": lambda: kinds[KindKey.BACKEND_SERVICES].read(Scope(project), names.backend),
        })
        for where in regions:
            scope = Scope(project, where)
            reads[f"service {where}"] = lambda s=scope: kinds[KindKey.RUN_SERVICES].read(s, name)
            reads[f"policy {where}"] = lambda s=scope: kinds[KindKey.RUN_SERVICE_IAM].read(s, name)
    found = together(session.parallelism, reads)
    all_subnets = tuple(found["subnets"])
    global_rules = tuple(found["global rules"])
    if network is None:
        return Facts(all_subnets=all_subnets, rules=tuple(found["rules"]), global_rules=global_rules)
    networks: tuple[str, ...] = ()
    if found["network"] is None:
        networks = tuple(sorted(n.get("name", "") for n in kinds[KindKey.NETWORKS].list(Scope(host))))
    services = {where: found[f"service {where}"] for where in regions}
    members = {where: frozenset(members_for(found[f"policy {where}"] or {}, INVOKER_ROLE)) if services[where]
               else frozenset() for where in regions}
    link = (found["network"] or {}).get("selfLink")
    subnets = tuple(s for s in all_subnets if link and same_ref(s.get("network"), link))
    rules = tuple(found["rules"])
    cross_region = backend_regions(found["backend"])
    lb_regions = cross_region or tuple(
        region_of(r) for r in rules if r.get("name") == names.rule and ownership.made_by(r, name, PATTERN_NAME))
    return Facts(found["network"], networks, subnets, all_subnets, tuple(found["addresses"]), rules,
                 services[region], members[region], global_rules, services, members, lb_regions,
                 bool(cross_region))
