"""shared-vpc's flags: what is refused before any call (one sentence naming the flag), and the spec they make."""

from __future__ import annotations

from typing import Any

import pytest

from crpatterns.cli.options import Common
from crpatterns.cli.shared_vpc import enable_spec
from crpatterns.errors import UsageError


def flags(**changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = dict(service="api", region="us-central1", host_project="host-project", network="shared",
                                  subnet="run-egress", image="", egress="all-traffic", ingress="internal",
                                  network_tag=None, invoker=None, attach=False,
                                  common=Common(project=None, format="text", dry_run=False, yes=False, parallelism=8,
                                                verbose=False))
    return {**fields, **changes}


@pytest.mark.parametrize(("changes", "flag"), [
    (dict(service="Bad_Name"), "SERVICE"),
    (dict(region=""), "--region"),
    (dict(host_project=""), "--host-project"),
    (dict(host_project="X"), "--host-project"),
    (dict(network="Bad"), "--network"),
    (dict(subnet=""), "--subnet"),
    (dict(egress="all"), "--egress"),
    (dict(ingress="all"), "--ingress"),
    (dict(network_tag=["Bad Tag"]), "--network-tag"),
    (dict(invoker=["allUsers"]), "--invoker"),
    (dict(image="NOT AN IMAGE"), "--image"),
])
def test_bad_input_names_the_flag(changes: dict[str, Any], flag: str) -> None:
    with pytest.raises(UsageError) as error:
        enable_spec(flags(**changes))
    assert flag in str(error.value)


def test_choices_map_to_the_api_values() -> None:
    spec = enable_spec(flags(egress="private-ranges-only", ingress="internal-and-cloud-load-balancing"))
    assert (spec.egress, spec.ingress) == ("PRIVATE_RANGES_ONLY", "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER")
