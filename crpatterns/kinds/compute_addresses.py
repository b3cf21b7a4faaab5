"""Reserved addresses, global (the external load balancer's IP) and regional (an internal IP).
Labels change through setLabels; anything else means a new address. An address lists the forwarding
rules using it in `users`, which orders its deletion after theirs."""

from __future__ import annotations

from typing import Any

from crpatterns.engine.diff import as_reference
from crpatterns.engine.model import Actual, Change
from crpatterns.kinds.compute import ComputeKind
from crpatterns.kinds.keys import KindKey


class GlobalAddresses(ComputeKind):
    key = KindKey.GLOBAL_ADDRESSES
    client_class = "GlobalAddressesClient"
    message = "Address"
    name_arg = "address"
    segment = "addresses"
    regional = False
    marker_in = "labels"
    immutable = ("address", "addressType", "ipVersion", "networkTier", "purpose", "subnetwork", "network",
                 "prefixLength", "description")

    def used_by(self, body: dict[str, Any]) -> list[str]:
        return [r for r in (as_reference(u) for u in body.get("users", [])) if r]

    def update(self, actual: Actual, body: dict[str, Any], changes: tuple[Change, ...]) -> None:
        if any(c.field.split(".")[0] != "labels" for c in changes):
            raise AssertionError(f"{self.key} changes only its labels in place")
        self.set_labels(actual, {**actual.body.get("labels", {}), **body["labels"]})


class Addresses(GlobalAddresses):
    key = KindKey.ADDRESSES
    client_class = "AddressesClient"
    regional = True
