"""Helpers shared by the Compute networking tests: clients, waits and error checks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from google.api_core.exceptions import GoogleAPICallError
from google.cloud import compute_v1

from tests.emulator.clients import compute, wait
from tests.support import EmulatorProcess

PROJECT = "demo-project"
REGION = "us-central1"


@contextmanager
def expect_error(code: int, message: str | None = None, reason: str | None = None) -> Iterator[Any]:
    """The call inside fails with HTTP `code`; `message` is Google's whole message, `reason` Compute's."""
    with pytest.raises(GoogleAPICallError) as info:
        yield info
    error = info.value
    assert error.code == code, error
    if message is not None:
        assert error.message.endswith(message), error.message
    if reason is not None:
        assert error.errors and error.errors[0]["reason"] == reason, error.errors


def create_network(emulator: EmulatorProcess, name: str, auto: bool = False,
                   project: str = PROJECT) -> compute_v1.Network:
    networks = compute(emulator, "NetworksClient")
    operation = networks.insert(project=project, network_resource=compute_v1.Network(
        name=name, auto_create_subnetworks=auto))
    wait(emulator, operation, project)
    return networks.get(project=project, network=name)


def create_subnet(emulator: EmulatorProcess, name: str, network: str, cidr: str, region: str = REGION,
                  project: str = PROJECT, **fields: Any) -> compute_v1.Subnetwork:
    subnets = compute(emulator, "SubnetworksClient")
    resource = compute_v1.Subnetwork(name=name, network=f"projects/{project}/global/networks/{network}",
                                     ip_cidr_range=cidr, **fields)
    operation = subnets.insert(project=project, region=region, subnetwork_resource=resource)
    wait(emulator, operation, project, region)
    return subnets.get(project=project, region=region, subnetwork=name)


def custom_network_with_subnet(emulator: EmulatorProcess, project: str = PROJECT) -> compute_v1.Subnetwork:
    """A custom mode network `vpc` with subnet `app` (10.0.0.0/24) in us-central1."""
    create_network(emulator, "vpc", project=project)
    return create_subnet(emulator, "app", "vpc", "10.0.0.0/24", project=project)
