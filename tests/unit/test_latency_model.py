"""The emulator's latency model and quota flags as pure functions (crpatterns/emulator/core/latency.py, quotas.py)."""

from __future__ import annotations

import pytest

from crpatterns.emulator.core import quotas
from crpatterns.emulator.core.admin import changed_latency
from crpatterns.emulator.core.latency import GOOGLE_PROFILE, LatencyModel, kind_of


def test_each_method_takes_its_kinds_time_under_the_google_profile() -> None:
    model = LatencyModel.named("google", scale=0.5)
    assert model.operation_seconds("run.projects.locations.services.create") == GOOGLE_PROFILE["run-service-create"] / 2
    assert model.operation_seconds("compute.globalForwardingRules.insert") > model.operation_seconds(
        "compute.forwardingRules.insert")
    assert kind_of("compute.subnetworks.setPrivateIpGoogleAccess") == "subnet-update"
    assert kind_of("compute.subnetworks.setIamPolicy") == kind_of("iap.setIamPolicy") == "iam-write"
    assert model.write_seconds("run.projects.locations.services.setIamPolicy") == GOOGLE_PROFILE["iam-write"] / 2
    assert model.read_seconds() == GOOGLE_PROFILE["read"] / 2


def test_the_flat_model_times_every_operation_alike_and_writes_answer_at_once() -> None:
    model = LatencyModel.flat(op=1.0, read=0.05, scale=2.0)
    assert model.operation_seconds("run.projects.locations.services.create") == 2.0
    assert model.operation_seconds("compute.regionNetworkEndpointGroups.insert") == 2.0
    assert model.write_seconds("iap.setIamPolicy") == 0.0 and model.read_seconds() == 0.1


def test_the_admin_endpoint_switches_models_and_op_read_mean_flat_at_scale_one() -> None:
    google = changed_latency(LatencyModel.flat(), {"profile": "google", "scale": 0.1})
    assert (google.profile, google.scale) == ("google", 0.1)
    flat = changed_latency(google, {"op": 0.02, "read": 0.0})
    assert (flat.profile, flat.op, flat.scale) == ("flat", 0.02, 1.0)
    assert changed_latency(flat, {"scale": 3.0}).operation_seconds(None) == pytest.approx(0.06)


def test_quota_flags_take_google_defaults_or_named_limits() -> None:
    assert quotas.parse(["google"]) == quotas.GOOGLE_DEFAULTS
    assert quotas.parse(["google", "run-writes-per-minute=5"])["run-writes-per-minute"] == 5
    for bad in ("run-writes=5", "compute-concurrent-operations=0", "google=1"):
        with pytest.raises(ValueError):
            quotas.parse([bad])
