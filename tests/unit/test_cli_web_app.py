"""web-app's flags: what is refused before any call (one sentence naming the flag), and the spec they make."""

from __future__ import annotations

from typing import Any

import pytest

from crpatterns.cli import validation as check
from crpatterns.cli.web_app import spec_from_flags
from crpatterns.errors import UsageError
from crpatterns.patterns.web_app.spec import Names


def flags(**fields: Any) -> dict[str, Any]:
    values: dict[str, Any] = dict(name="hello", image="gcr.io/p/i:1", region="us-central1",
                                  domain=["hello.example.com"], member=["group:g@example.com"], iap_mode="lb",
                                  certificate_file=None, private_key_file=None, address=None, https_redirect=True,
                                  oauth_client_id=None, oauth_client_secret_file=None, disable_default_url=False,
                                  failover=False, readiness_path=None)
    values.update(fields)
    return values


# -- validation -------------------------------------------------------------------------------------


def test_flags_make_the_spec() -> None:
    spec = spec_from_flags(flags(domain=["Hello.Example.COM.", "hello.example.com"],
                                 member=["user:b@example.com", "group:g@example.com", "user:b@example.com"]))
    assert spec.domains == ("hello.example.com",)
    assert spec.members == ("group:g@example.com", "user:b@example.com")
    assert spec.https_redirect is True and spec.project == ""


@pytest.mark.parametrize(("changes", "words"), [
    ({"name": "a" * 50}, "fewer than 50 characters"),
    ({"name": "Hello"}, "NAME must be a Cloud Run service name"),
    ({"region": ""}, "--region is required"),
    ({"region": "mars-north1"}, "--region must be a Cloud Run region"),
    ({"image": ""}, "--image is required"),
    ({"image": "Not An Image"}, "--image must be a container image reference"),
    ({"iap_mode": "both"}, "--iap-mode must be lb or direct"),
    ({"member": ()}, "--member is required"),
    ({"member": ("allUsers",)}, "--member allUsers is refused"),
    ({"member": ("alice@example.com",)}, "--member must start with user:"),
    ({"member": ("principal://sts.example.com/x",)}, "principal:// must name an IAM principal"),
    ({"domain": ()}, "--domain is required with --iap-mode lb"),
    ({"domain": ("*.example.com",)}, "--domain must be a fully qualified host name"),
    ({"domain": tuple(f"d{i}.example.com" for i in range(101))}, "at most 100 times"),
    ({"iap_mode": "direct"}, "--domain applies to --iap-mode lb only"),
    ({"iap_mode": "direct", "domain": (), "https_redirect": False}, "--no-https-redirect applies to --iap-mode lb"),
    ({"iap_mode": "direct", "domain": (), "oauth_client_id": "x"}, "--oauth-client-id applies to --iap-mode lb"),
    ({"oauth_client_id": "x"}, "go together"),
    ({"address": "My_IP"}, "--address must be a Compute resource name"),
    ({"certificate_file": "/nonexistent.pem", "private_key_file": "/nonexistent.key"}, "does not exist"),
])
def test_bad_input_is_one_sentence_naming_the_flag(changes: dict[str, Any], words: str) -> None:
    with pytest.raises(UsageError) as raised:
        spec_from_flags(flags(**changes))
    message = str(raised.value)
    assert words in message and "\n" not in message


def test_every_derived_compute_name_fits_for_the_longest_service_name() -> None:
    names = Names.of("a" * 49)
    check.compute_names({k: v for k, v in vars(names).items() if k != "service"})
    assert max(len(n) for n in vars(names).values()) <= 63
    with pytest.raises(UsageError, match="too long or malformed for the https_proxy name"):
        check.compute_names({"https_proxy": "a" * 60 + "-https-proxy"})


