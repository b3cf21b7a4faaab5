"""What the internal-api pattern decides from, read before it runs: the network and every subnet of it
(all regions: the proxy-only range must overlap none), the region's addresses and forwarding rules
(IPs in use, the app's rule, other load balancers on the proxy-only subnet), and the service with its
invokers. Reads only; every call goes through a kind's `call` (retries, one-sentence failures)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from crpatterns.engine.model import Scope
from crpatterns.engine.planner import Observation, ObservedKey
from crpatterns.patterns import internal_api as pattern
from crpatterns.patterns.common import INVOKER_ROLE


def gather(session: Any, name: str, region: str, network: str) -> pattern.Facts:
    kinds, project = session.kinds, session.project
    regional = Scope(project, region)
    found = _concurrently(session.common.parallelism, {
        "network": lambda: kinds["compute.networks"].read(Scope(project), network),
        "subnets": lambda: all_subnets(session),
        "addresses": lambda: kinds["compute.addresses"].list(regional),
        "rules": lambda: kinds["compute.forwardingRules"].list(regional),
        "service": lambda: kinds["run.services"].read(regional, name),
    })
    networks: tuple[str, ...] = ()
    if found["network"] is None:
        networks = tuple(sorted(n.get("name", "") for n in kinds["compute.networks"].list(Scope(project))))
    members: frozenset[str] = frozenset()
    if found["service"] is not None:
        from crpatterns.kinds.iam import members_for

        policy = kinds["run.services.iamPolicy"].read(regional, name) or {}
        members = frozenset(members_for(policy, INVOKER_ROLE))
    link = (found["network"] or {}).get("selfLink")
    subnets = tuple(s for s in found["subnets"] if link and pattern.same_ref(s.get("network"), link))
    return pattern.Facts(found["network"], networks, subnets, tuple(found["addresses"]), tuple(found["rules"]),
                         found["service"], members)


def all_subnets(session: Any) -> list[dict[str, Any]]:
    """Every subnet of the project, in every region (subnetworks.aggregatedList)."""
    from crpatterns.kinds.compute import to_dict

    kind = session.kinds["compute.subnetworks"]
    client = session.clients.compute("SubnetworksClient")

    def listing() -> list[dict[str, Any]]:
        return [to_dict(subnet) for _, scoped in client.aggregated_list(project=session.project)
                for subnet in scoped.subnetworks]

    return kind.call(f"(aggregated list in {session.project})", "aggregatedList", listing)


def kept(session: Any, app: str, observation: Observation) -> dict[ObservedKey, str]:
    """Facts for what stays although nothing desires it (on destroy, or after a region change): the
    subnets and forwarding rules of every region the app's rule or proxy-only subnet lives in; the
    pattern decides."""
    regions = sorted({a.scope.region for a in observation.owned
                      if a.kind in ("compute.forwardingRules", "compute.subnetworks") and a.scope.region})
    subnets, rules = _region_listings(session, regions)
    return pattern.kept_proxy_subnets(app, observation.owned, subnets, rules)


def _region_listings(session: Any, regions: Iterable[str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    kinds, project = session.kinds, session.project
    reads: dict[str, Callable[[], Any]] = {}
    for region in regions:
        scope = Scope(project, region)
        reads[f"subnets {region}"] = lambda s=scope: kinds["compute.subnetworks"].list(s)
        reads[f"rules {region}"] = lambda s=scope: kinds["compute.forwardingRules"].list(s)
    found = _concurrently(session.common.parallelism, reads)
    subnets = [s for key, items in found.items() if key.startswith("subnets") for s in items]
    rules = [r for key, items in found.items() if key.startswith("rules") for r in items]
    return subnets, rules


def _concurrently(parallelism: int, reads: dict[str, Callable[[], Any]]) -> dict[str, Any]:
    if not reads:
        return {}
    with ThreadPoolExecutor(max_workers=max(1, min(parallelism, len(reads))), thread_name_prefix="facts") as pool:
        futures = {key: pool.submit(read) for key, read in reads.items()}
        return {key: future.result() for key, future in futures.items()}
