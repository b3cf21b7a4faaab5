"""Forwarding rules, global and regional. Only the target (setTarget) and labels (setLabels) change in
place; anything else (port, address, global access) means a new rule. The rule keeps its name and
address, so it is replaced delete-before-create: nothing references a forwarding rule.
"""

from __future__ import annotations

from typing import Any

from crpatterns.engine.model import Actual, Change, ReplaceStrategy
from crpatterns.gcp.lazy_import import compute_types
from crpatterns.kinds.compute import ComputeKind
from crpatterns.kinds.keys import KindKey


class GlobalForwardingRules(ComputeKind):
    key = KindKey.GLOBAL_FORWARDING_RULES
    client_class = "GlobalForwardingRulesClient"
    message = "ForwardingRule"
    name_arg = "forwarding_rule"
    segment = "forwardingRules"
    regional = False
    marker_in = "labels"
    replace_strategy = ReplaceStrategy.DELETE_BEFORE_CREATE
    immutable = ("IPAddress", "IPProtocol", "portRange", "ports", "loadBalancingScheme", "network", "subnetwork",
                 "allowGlobalAccess", "networkTier", "ipVersion", "description")

    def update(self, actual: Actual, body: dict[str, Any], changes: tuple[Change, ...]) -> None:
        compute_v1 = compute_types()

        fields = {c.field.split(".")[0] for c in changes}
        if "target" in fields:
            self.operate(actual.name, actual.scope, "setTarget", "set_target", forwarding_rule=actual.name,
                         target_reference_resource=compute_v1.TargetReference(target=body["target"]))
        if "labels" in fields:
            self.set_labels(actual, {**actual.body.get("labels", {}), **body["labels"]})


class ForwardingRules(GlobalForwardingRules):
    key = KindKey.FORWARDING_RULES
    client_class = "ForwardingRulesClient"
    regional = True
