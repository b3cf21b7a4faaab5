"""Every route the emulator serves is a method of Google's discovery documents, and every method issue 3
asks for is served.

Judged with tests/emulator/discovery_check.py, which reads the documents independently of the emulator.
The emulator is built in-process: routes are data, nothing needs a server.
"""

from __future__ import annotations

from collections import Counter
from functools import cache

import pytest
from werkzeug.exceptions import HTTPException

from crpatterns.emulator.core.app import Emulator
from crpatterns.emulator.server import create_emulator
from tests.emulator.discovery_check import equivalent, methods, sample_urls, templates


@cache
def emulator() -> Emulator:
    return create_emulator()


def served() -> set[tuple[str, str]]:
    return {(route.api.discovery, route.method_id) for route in emulator().routes}


# -- every route is Google's ---------------------------------------------------------------------------


def test_every_route_is_a_discovery_method_with_its_http_method_and_path():
    wrong = []
    for route in emulator().routes:
        method = methods(route.api.discovery).get(route.method_id)
        if method is None:
            wrong.append(f"{route.method_id}: no such method in {route.api.discovery}")
            continue
        if method["httpMethod"] != route.http_method:
            wrong.append(f"{route.method_id}: {route.http_method}, Google says {method['httpMethod']}")
        google = templates(route.api.discovery, route.method_id)
        if not any(equivalent(route.template, template) for template in google):
            wrong.append(f"{route.method_id}: {route.template!r} accepts other URLs than {google}")
    assert not wrong, "\n".join(wrong)


def test_each_method_is_served_once():
    counts = Counter((r.api.discovery, r.method_id) for r in emulator().routes)
    assert [key for key, n in counts.items() if n > 1] == []


def test_the_router_sends_google_urls_to_the_right_method():
    """URLs built from Google's templates (flatPath, and path with values matching each parameter's
    pattern) reach the route of that very method: no other route shadows it, even where several APIs
    share a version prefix on the emulator's one host (IAP and Resource Manager both under v1/)."""
    app = emulator()
    adapter = app.url_map.bind("emulator")
    wrong = []
    for route in app.routes:
        for url in sample_urls(route.api.discovery, route.method_id):
            try:
                endpoint, _ = adapter.match("/" + url, method=route.http_method)
            except HTTPException as error:
                wrong.append(f"{route.http_method} {url}: {error.code}, wanted {route.method_id}")
                continue
            got = app.routes[endpoint]
            if (got.api.discovery, got.method_id) != (route.api.discovery, route.method_id):
                wrong.append(f"{route.http_method} {url}: {got.api.discovery} {got.method_id}, "
                             f"wanted {route.api.discovery} {route.method_id}")
    assert not wrong, "\n".join(wrong)


# -- every method the issue asks for is served -------------------------------------------------------

# Issue 3, "APIs, paths exactly as Google's (REST)". Compute collections serve their CRUD verbs as far as
# the discovery document has them, plus the methods the issue names.
CRUD = ("insert", "get", "list", "delete", "patch", "update")
COMPUTE_COLLECTIONS = (
    "networks", "subnetworks", "addresses", "globalAddresses", "regionNetworkEndpointGroups", "backendServices",
    "regionBackendServices", "urlMaps", "regionUrlMaps", "targetHttpProxies", "targetHttpsProxies",
    "regionTargetHttpProxies", "regionTargetHttpsProxies", "sslCertificates", "regionSslCertificates",
    "forwardingRules", "globalForwardingRules",
)
COMPUTE_NAMED = (
    "subnetworks.getIamPolicy", "subnetworks.setIamPolicy", "subnetworks.setPrivateIpGoogleAccess",
    "subnetworks.patch",
    "forwardingRules.setLabels", "forwardingRules.setTarget",
    "globalForwardingRules.setLabels", "globalForwardingRules.setTarget",
    "projects.get", "projects.enableXpnHost", "projects.enableXpnResource", "projects.getXpnHost",
    "projects.getXpnResources",
    "regionOperations.get", "regionOperations.wait", "regionOperations.list",
    "globalOperations.get", "globalOperations.wait", "globalOperations.list",
)
OTHER_REQUIRED = [
    ("run.v2", f"run.projects.locations.services.{m}")
    for m in ("create", "get", "list", "patch", "delete", "getIamPolicy", "setIamPolicy")
] + [
    ("run.v2", f"run.projects.locations.operations.{m}") for m in ("get", "list", "wait")
] + [
    ("iap.v1", f"iap.{m}") for m in ("getIamPolicy", "setIamPolicy", "getIapSettings", "updateIapSettings")
] + [
    (doc, f"cloudresourcemanager.projects.{m}")
    for doc in ("cloudresourcemanager.v1", "cloudresourcemanager.v3")
    for m in ("get", "getIamPolicy", "setIamPolicy")
] + [
    ("serviceusage.v1", f"serviceusage.services.{m}") for m in ("get", "list", "enable", "batchEnable")
] + [("serviceusage.v1beta1", "serviceusage.services.generateServiceIdentity")]


def required() -> list[tuple[str, str]]:
    compute = methods("compute.v1")
    crud = [f"compute.{c}.{verb}" for c in COMPUTE_COLLECTIONS for verb in CRUD if f"compute.{c}.{verb}" in compute]
    named = [f"compute.{m}" for m in COMPUTE_NAMED]
    return [("compute.v1", m) for m in dict.fromkeys(crud + named)] + OTHER_REQUIRED


def test_the_required_methods_exist_in_the_discovery_documents():
    """Guards the list above: a typo would make the next test vacuous."""
    assert [key for key in required() if key[1] not in methods(key[0])] == []


@pytest.mark.parametrize("api", ["compute.v1", "run.v2", "iap.v1", "cloudresourcemanager", "serviceusage"])
def test_every_required_method_is_served(api):
    missing = [key for key in required() if key[0].startswith(api) and key not in served()]
    assert missing == []


def test_compute_collections_serve_no_verb_google_lacks():
    """'The methods each collection has in the discovery document, no others': e.g. no patch on
    regionNetworkEndpointGroups or sslCertificates (immutable resources)."""
    compute = methods("compute.v1")
    assert [m for doc, m in served() if doc == "compute.v1" and m not in compute] == []
    assert ("compute.v1", "compute.regionNetworkEndpointGroups.patch") not in served()
    assert ("compute.v1", "compute.sslCertificates.patch") not in served()


# -- the validator itself --------------------------------------------------------------------------


@pytest.mark.parametrize(("left", "right", "same"), [
    ("v1/{v1Id}/{v1Id1}/services", "v1/{container}/{project}/services", True),
    ("v1/{v1Id}/{v1Id1}/services", "v1/{+parent}/services", False),
    ("v1/{+resource}:getIamPolicy", "v1/{+name}:getIamPolicy", True),
    ("v1/{v1Id}:getIamPolicy", "v1/{+resource}:getIamPolicy", False),
    ("compute/v1/projects/{project}/global/networks", "compute/v1/projects/{p}/global/network", False),
    ("v2/{a}{b}/x", "v2/{c}/x", False),
    ("compute/v1/projects/{project}", "compute/v1/projects/{project}/", False),
    ("v1/{name}:enable", "v1/{name}:disable", False),
])
def test_template_equivalence(left, right, same):
    assert equivalent(left, right) is same
    assert equivalent(right, left) is same
