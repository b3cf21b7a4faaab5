"""The real gcloud CLI builds, reads and tears down both load-balancer chains against the emulator.

gcloud speaks the real API: anything it sends that the emulator refuses (other than the refusals Google
itself makes, checked here) is an emulator bug.
"""

from __future__ import annotations

import pytest

from tests.emulator.lb import global_, link, regional
from tests.gcloud import gcloud, gcloud_json, requires_gcloud
from tests.support import EmulatorProcess

pytestmark = [requires_gcloud, pytest.mark.gcloud]
REGION = "us-central1"
R = f"--region={REGION}"


def ok(emulator: EmulatorProcess, *args: str) -> None:
    result = gcloud(emulator.host, *args)
    assert result.returncode == 0, f"gcloud {' '.join(args)} failed:\n{result.stderr}"


def fails(emulator: EmulatorProcess, message: str, *args: str) -> None:
    result = gcloud(emulator.host, *args)
    assert result.returncode != 0, f"gcloud {' '.join(args)} succeeded"
    assert message in " ".join(result.stderr.split()), result.stderr


def test_regional_internal_chain(emulator: EmulatorProcess) -> None:
    ok(emulator, "compute", "networks", "create", "vpc", "--subnet-mode=custom")
    ok(emulator, "compute", "networks", "subnets", "create", "app", "--network=vpc", R, "--range=10.0.0.0/24")
    ok(emulator, "compute", "networks", "subnets", "create", "proxy-only", "--network=vpc", R,
       "--range=10.129.0.0/23", "--purpose=REGIONAL_MANAGED_PROXY", "--role=ACTIVE")
    ok(emulator, "compute", "network-endpoint-groups", "create", "neg", R, "--network-endpoint-type=serverless",
       "--cloud-run-service=hello")
    # gcloud's regional default protocol is TCP, which serverless NEGs do not serve: say HTTP.
    ok(emulator, "compute", "backend-services", "create", "backend", "--load-balancing-scheme=INTERNAL_MANAGED",
       "--protocol=HTTP", R)
    ok(emulator, "compute", "backend-services", "add-backend", "backend", "--network-endpoint-group=neg",
       f"--network-endpoint-group-region={REGION}", R)
    ok(emulator, "compute", "url-maps", "create", "urlmap", "--default-service=backend", R)
    ok(emulator, "compute", "target-http-proxies", "create", "proxy", "--url-map=urlmap", R)
    ok(emulator, "compute", "forwarding-rules", "create", "rule", "--load-balancing-scheme=INTERNAL_MANAGED",
       "--network=vpc", "--subnet=app", "--target-http-proxy=proxy", f"--target-http-proxy-region={REGION}",
       "--ports=80", R)

    neg = gcloud_json(emulator.host, "compute", "network-endpoint-groups", "describe", "neg", R)
    assert (neg["networkEndpointType"], neg["cloudRun"]) == ("SERVERLESS", {"service": "hello"})
    backend = gcloud_json(emulator.host, "compute", "backend-services", "describe", "backend", R)
    assert backend["loadBalancingScheme"] == "INTERNAL_MANAGED"
    assert [b["group"] for b in backend["backends"]] == [link(regional("neg", "networkEndpointGroups"))]
    url_map = gcloud_json(emulator.host, "compute", "url-maps", "describe", "urlmap", R)
    assert url_map["defaultService"] == link(regional("backend", "backendServices"))
    proxy = gcloud_json(emulator.host, "compute", "target-http-proxies", "describe", "proxy", R)
    assert proxy["urlMap"] == link(regional("urlmap", "urlMaps"))
    rule = gcloud_json(emulator.host, "compute", "forwarding-rules", "describe", "rule", R)
    assert rule["IPAddress"].startswith("10.0.0.")
    assert rule["portRange"] == "80-80"
    assert rule["target"] == link(regional("proxy", "targetHttpProxies"))

    for group, name in (("forwarding-rules", "rule"), ("target-http-proxies", "proxy"), ("url-maps", "urlmap"),
                        ("backend-services", "backend"), ("network-endpoint-groups", "neg")):
        listed = gcloud_json(emulator.host, "compute", group, "list")
        assert [item["name"] for item in listed] == [name], group

    fails(emulator, f"The backend_service resource '{regional('backend', 'backendServices')}' is already being "
                    f"used by '{regional('urlmap', 'urlMaps')}'",
          "compute", "backend-services", "delete", "backend", R)
    for group, name in (("forwarding-rules", "rule"), ("target-http-proxies", "proxy"), ("url-maps", "urlmap"),
                        ("backend-services", "backend"), ("network-endpoint-groups", "neg")):
        ok(emulator, "compute", group, "delete", name, R)
    for subnet in ("app", "proxy-only"):  # one per call: several names make gcloud use the batch endpoint
        ok(emulator, "compute", "networks", "subnets", "delete", subnet, R)
    ok(emulator, "compute", "networks", "delete", "vpc")


def test_global_external_chain(emulator: EmulatorProcess) -> None:
    ok(emulator, "compute", "addresses", "create", "lb-ip", "--global")
    ok(emulator, "compute", "ssl-certificates", "create", "cert", "--domains=app.example.com", "--global")
    ok(emulator, "compute", "network-endpoint-groups", "create", "neg", R, "--network-endpoint-type=serverless",
       "--cloud-run-service=hello")
    ok(emulator, "compute", "backend-services", "create", "backend", "--global",
       "--load-balancing-scheme=EXTERNAL_MANAGED", "--protocol=HTTPS")
    # gcloud fills portName "https" from --protocol=HTTPS, which Google refuses once a serverless NEG is added.
    fails(emulator, "Invalid value for field 'resource.portName': 'https'. Port name is not supported for a "
                    "backend service with Serverless network endpoint groups.",
          "compute", "backend-services", "add-backend", "backend", "--global", "--network-endpoint-group=neg",
          f"--network-endpoint-group-region={REGION}")
    ok(emulator, "compute", "backend-services", "update", "backend", "--global", "--port-name=http")
    ok(emulator, "compute", "backend-services", "add-backend", "backend", "--global", "--network-endpoint-group=neg",
       f"--network-endpoint-group-region={REGION}")
    ok(emulator, "iap", "web", "enable", "--resource-type=backend-services", "--service=backend")
    ok(emulator, "compute", "url-maps", "create", "urlmap", "--default-service=backend", "--global")
    ok(emulator, "compute", "target-https-proxies", "create", "proxy", "--url-map=urlmap", "--ssl-certificates=cert",
       "--global")
    ok(emulator, "compute", "forwarding-rules", "create", "https", "--global",
       "--load-balancing-scheme=EXTERNAL_MANAGED", "--target-https-proxy=proxy", "--address=lb-ip", "--ports=443")

    backend = gcloud_json(emulator.host, "compute", "backend-services", "describe", "backend", "--global")
    assert backend["iap"] == {"enabled": True}
    assert backend["protocol"] == "HTTPS"
    address = gcloud_json(emulator.host, "compute", "addresses", "describe", "lb-ip", "--global")
    rule = gcloud_json(emulator.host, "compute", "forwarding-rules", "describe", "https", "--global")
    assert rule["IPAddress"] == address["address"]
    assert rule["target"] == link(global_("proxy", "targetHttpsProxies"))
    proxy = gcloud_json(emulator.host, "compute", "target-https-proxies", "describe", "proxy", "--global")
    assert proxy["sslCertificates"] == [link(global_("cert", "sslCertificates"))]
    cert = gcloud_json(emulator.host, "compute", "ssl-certificates", "describe", "cert", "--global")
    assert cert["managed"]["status"] == "PROVISIONING"
    emulator.dns_ready("app.example.com")
    cert = gcloud_json(emulator.host, "compute", "ssl-certificates", "describe", "cert", "--global")
    assert cert["managed"] == {"domains": ["app.example.com"], "status": "ACTIVE",
                               "domainStatus": {"app.example.com": "ACTIVE"}}

    fails(emulator, f"The ssl_certificate resource '{global_('cert', 'sslCertificates')}' is already being used "
                    f"by '{global_('proxy', 'targetHttpsProxies')}'",
          "compute", "ssl-certificates", "delete", "cert", "--global")
    fails(emulator, f"The backend_service resource '{global_('backend', 'backendServices')}' is already being "
                    f"used by '{global_('urlmap', 'urlMaps')}'",
          "compute", "backend-services", "delete", "backend", "--global")
    for group, name in (("forwarding-rules", "https"), ("target-https-proxies", "proxy"), ("url-maps", "urlmap"),
                        ("backend-services", "backend"), ("ssl-certificates", "cert"), ("addresses", "lb-ip")):
        ok(emulator, "compute", group, "delete", name, "--global")
    ok(emulator, "compute", "network-endpoint-groups", "delete", "neg", R)
