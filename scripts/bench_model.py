"""The least time a graph of steps can take under a latency model: the bound scripts/bench.py measures against.

A step's time is the sum of its calls' times under the emulator's own model (crpatterns/emulator/core/
latency.py): an operation's latency (the tool's long-poll `wait` returns as it ends), a read's latency, a
synchronous IAM write's latency. A graph's critical path is its longest chain of step times; a gcloud
recipe (one command after another) takes the sum. Both start after the reads every run needs first (the
project and its APIs, then what exists): PREFLIGHT_READS reads in a row.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from required_graphs import READ, Node

from crpatterns.emulator.core.latency import IAM_WRITE, LatencyModel, kind_of

PREFLIGHT_READS = 3
SERVICE_AGENT_MARK = "@gcp-sa-"  # a member that is a Google service agent, generated before it is granted
GENERATE_AGENT = "serviceusage.services.generateServiceIdentity"
# Plan kinds whose update is not `patch`.
UPDATE_METHOD = {"compute.subnetworks": "compute.subnetworks.setPrivateIpGoogleAccess",
                 "run.services": "run.projects.locations.services.patch"}
CREATE_METHOD = {"run.services": "run.projects.locations.services.create",
                 "compute.projects.xpnHost": "compute.projects.enableXpnResource"}
IAM_WRITES = {"run.services.iamPolicy": "run.projects.locations.services.setIamPolicy",
              "iap.webIamPolicy": "iap.setIamPolicy",
              "compute.subnetworks.iamPolicy": "compute.subnetworks.setIamPolicy",
              "cloudresourcemanager.projects.iamPolicy": "cloudresourcemanager.projects.setIamPolicy"}


def call_seconds(model: LatencyModel, call: str) -> float:
    if call == READ:
        return model.read_seconds()
    if kind_of(call) == IAM_WRITE:
        return model.write_seconds(call)
    return model.operation_seconds(call)


def node_seconds(model: LatencyModel, node: Node) -> float:
    return sum(call_seconds(model, call) for call in node.calls)


def action_calls(action: Mapping[str, Any]) -> tuple[str, ...]:
    """The calls one planned action (the plan's JSON) makes at least, as a required-graph node would."""
    kind, verb = action["kind"], action["action"]
    if verb == "noop":
        return ()
    if kind in IAM_WRITES:
        members = next((c.get("after") or [] for c in action.get("changes", []) if c.get("field") == "members"), [])
        agent = (GENERATE_AGENT,) if verb == "create" and any(SERVICE_AGENT_MARK in m for m in members) else ()
        return (*agent, READ, IAM_WRITES[kind])
    if kind == "compute.projects.xpnHost":
        return (READ, CREATE_METHOD[kind])  # the attachment is read, then made
    if verb == "update":
        return (UPDATE_METHOD.get(kind, f"{kind}.patch"),)
    insert = CREATE_METHOD.get(kind, f"{kind}.insert")
    if verb == "replace" and action.get("strategy") == "delete-before-create":
        return (f"{kind}.delete", insert)
    return (insert,)


def plan_graph(document: Mapping[str, Any]) -> dict[str, Node]:
    """The plan's own graph (actions[].dependsOn), as required-graph nodes, keyed by action index."""
    return {str(i): Node(action_calls(a), {str(d): "the plan" for d in a.get("dependsOn", [])})
            for i, a in enumerate(document["actions"])}


def critical_path(model: LatencyModel, graph: Mapping[str, Node]) -> tuple[float, list[str]]:
    """(seconds, the chain of nodes) of the longest path, preflight reads included."""
    finish: dict[str, tuple[float, list[str]]] = {}

    def end(name: str) -> tuple[float, list[str]]:
        if name not in finish:
            start, chain = max((end(before) for before in graph[name].after), default=(0.0, []))
            finish[name] = (start + node_seconds(model, graph[name]), [*chain, name])
        return finish[name]

    seconds, chain = max((end(name) for name in graph), default=(0.0, []))
    return PREFLIGHT_READS * model.read_seconds() + seconds, chain


def one_after_another(model: LatencyModel, graph: Mapping[str, Node]) -> float:
    """A shell script of gcloud commands: each step waits for the one before it."""
    return PREFLIGHT_READS * model.read_seconds() + sum(node_seconds(model, node) for node in graph.values())
