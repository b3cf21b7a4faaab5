"""internal-api's flags: what is refused before any call (one sentence naming the flag)."""

from __future__ import annotations

from typing import Any

import pytest

from crpatterns.cli.internal_api import spec_from_flags
from crpatterns.errors import UsageError

REGION = "us-central1"


@pytest.mark.parametrize(("fields", "words"), [
    ({"port": 8080}, "--port must be 80 (HTTP) or 443 (HTTPS); got 8080."),
    ({"port": 443}, "--port 443 needs --certificate-file and --private-key-file"),
    ({"certificate_file": "c.pem", "private_key_file": "k.pem"}, "go with --port 443 only"),
    ({"invoker": ["allUsers"]}, "--invoker allUsers is refused"),
    ({"invoker": ["user:a@example.com"], "no_invoker_iam": True}, "exclude each other"),
    ({"proxy_subnet_range": "10.129.0.0/27"}, "--proxy-subnet-range must be at least a /26"),
    ({"proxy_subnet_range": "nonsense"}, "--proxy-subnet-range must be an IPv4 range in CIDR form"),
    ({"ip": "10.0.0.300"}, "--ip must be an IPv4 address"),
    ({"subnet": ""}, "--subnet is required"),
])
def test_flags_are_checked_before_any_call(fields: dict[str, Any], words: str) -> None:
    values: dict[str, Any] = dict(name="api", image="gcr.io/p/i:1", region=REGION, network="vpc", subnet="app",
                                  proxy_subnet_range=None, port=80, certificate_file=None, private_key_file=None,
                                  ip=None, global_access=False, invoker=None, no_invoker_iam=False, failover=False,
                                  readiness_path=None)
    values.update(fields)
    with pytest.raises(UsageError) as error:
        spec_from_flags(values)
    assert words in str(error.value)
