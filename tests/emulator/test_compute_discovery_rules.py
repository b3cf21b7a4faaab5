"""The rules Google states in words in compute.v1 discovery field descriptions (issue 10, Compute, item 6).

Every rule of crpatterns/emulator/compute/field_rules.py quotes its sentence; here each quote is checked
against the discovery document Google ships, and a body breaking each rule is sent (one case per rule, the
sentence being the refusal's explanation). The coverage table of docs/google-behaviour.md must account for
every (schema, field) whose description states a rule (tests/emulator/discovery_rules.py lists them).
"""

from __future__ import annotations

import copy
from typing import Any

from crpatterns.emulator.compute.field_rules import RULES, Rule
from crpatterns.emulator.core import discovery
from tests.emulator import discovery_rules
from tests.emulator.lb import link, regional, regional_internal_chain
from tests.emulator.networking import PROJECT, REGION
from tests.support import EmulatorProcess

V1 = "compute/v1/"
REGIONAL = f"{V1}projects/{PROJECT}/regions/{REGION}"
GLOBAL = f"{V1}projects/{PROJECT}/global"
BACKEND = regional("backend", "backendServices")
NEG = link(regional("neg", "networkEndpointGroups"))
LONG = "x" * 1025


def gpath(name: str, segment: str) -> str:
    return f"projects/{PROJECT}/global/{segment}/{name}"


# Valid bodies the cases break, and where they are inserted.
BASES: dict[str, tuple[str, dict[str, Any]]] = {
    "rule": (f"{REGIONAL}/forwardingRules", {
        "name": "r2", "loadBalancingScheme": "INTERNAL_MANAGED", "network": gpath("vpc", "networks"),
        "subnetwork": regional("app", "subnetworks"), "target": regional("proxy", "targetHttpProxies"),
        "portRange": "8080"}),
    "backend": (f"{REGIONAL}/backendServices", {
        "name": "b2", "loadBalancingScheme": "INTERNAL_MANAGED", "protocol": "HTTP", "backends": [{"group": NEG}]}),
    "global-backend": (f"{GLOBAL}/backendServices", {
        "name": "gb2", "loadBalancingScheme": "EXTERNAL_MANAGED", "protocol": "HTTP", "backends": [{"group": NEG}]}),
    "urlmap": (f"{REGIONAL}/urlMaps", {"name": "u2", "defaultService": BACKEND}),
    "classic-urlmap": (f"{GLOBAL}/urlMaps", {"name": "cu", "defaultService": gpath("classic", "backendServices")}),
    "managed-urlmap": (f"{GLOBAL}/urlMaps", {"name": "mu", "defaultService": gpath("managed", "backendServices")}),
    "neg": (f"{REGIONAL}/networkEndpointGroups", {"name": "n2", "networkEndpointType": "SERVERLESS",
                                                  "cloudRun": {"service": "hello"}}),
    "subnet": (f"{REGIONAL}/subnetworks", {"name": "s2", "network": gpath("vpc", "networks"),
                                          "ipCidrRange": "10.50.0.0/24"}),
}


def matcher(service: str = BACKEND, **fields: Any) -> dict[str, Any]:
    """A URL map patch with one path matcher `m` (default service `service`) for host a.example."""
    pm = {"name": "m", "defaultService": service, **fields}
    return {"hostRules": [{"hosts": ["a.example"], "pathMatcher": "m"}], "pathMatchers": [pm]}


def route(**fields: Any) -> dict[str, Any]:
    return matcher(routeRules=[{"priority": 1, "service": BACKEND, "matchRules": [{"prefixMatch": "/"}], **fields}])


def match(service: str = BACKEND, **fields: Any) -> dict[str, Any]:
    return matcher(service, routeRules=[{"priority": 1, "service": service, "matchRules": [fields]}])


CLASSIC = gpath("classic", "backendServices")


def action(**fields: Any) -> dict[str, Any]:
    return {"defaultRouteAction": fields}


PM = "resource.pathMatchers[0]"
RR = f"{PM}.routeRules[0]"
MR = f"{RR}.matchRules[0]"
# (rule: "Schema.field/Type", base, patch merged into the base (None deletes), the refused field's path)
CASES: list[tuple[str, str, dict[str, Any], str]] = [
    ("ForwardingRule.sourceIpRanges/Schemes", "rule", {"sourceIpRanges": ["10.0.0.0/8"]}, "resource.sourceIpRanges"),
    ("ForwardingRule.serviceDirectoryRegistrations/Items", "rule",
     {"serviceDirectoryRegistrations": [{"namespace": "a"}, {"namespace": "b"}]},
     "resource.serviceDirectoryRegistrations"),
    ("ForwardingRule.isMirroringCollector/Schemes", "rule", {"isMirroringCollector": True},
     "resource.isMirroringCollector"),
    ("ForwardingRule.metadataFilters/Schemes", "rule", {"metadataFilters": [
        {"filterMatchCriteria": "MATCH_ANY", "filterLabels": [{"name": "a", "value": "b"}]}]},
     "resource.metadataFilters"),
    ("ForwardingRule.externalManagedBackendBucketMigrationTestingPercentage/Range", "rule",
     {"externalManagedBackendBucketMigrationTestingPercentage": 101},
     "resource.externalManagedBackendBucketMigrationTestingPercentage"),
    ("BackendService.affinityCookieTtlSec/Range", "backend", {"affinityCookieTtlSec": 1_209_601},
     "resource.affinityCookieTtlSec"),
    ("BackendService.healthChecks/Items", "backend",
     {"healthChecks": ["global/healthChecks/a", "global/healthChecks/b"]}, "resource.healthChecks"),
    ("BackendService.tlsSettings/When", "backend", {"tlsSettings": {"sni": "a.example"}}, "resource.tlsSettings"),
    ("BackendService.maxStreamDuration/Schemes", "backend", {"maxStreamDuration": {"seconds": "5"}},
     "resource.maxStreamDuration"),
    ("BackendService.serviceBindings/Schemes", "backend", {"serviceBindings": ["x"]}, "resource.serviceBindings"),
    ("BackendService.network/Schemes", "backend", {"network": gpath("vpc", "networks")}, "resource.network"),
    ("BackendService.connectionTrackingPolicy/Schemes", "backend",
     {"connectionTrackingPolicy": {"trackingMode": "PER_CONNECTION"}}, "resource.connectionTrackingPolicy"),
    ("BackendService.failoverPolicy/Schemes", "backend", {"failoverPolicy": {"failoverRatio": 0.5}},
     "resource.failoverPolicy"),
    ("BackendService.serviceLbPolicy/Schemes", "global-backend",
     {"loadBalancingScheme": "EXTERNAL", "serviceLbPolicy": "x"}, "resource.serviceLbPolicy"),
    ("BackendService.externalManagedMigrationTestingPercentage/Range", "backend",
     {"externalManagedMigrationTestingPercentage": 101}, "resource.externalManagedMigrationTestingPercentage"),
    ("BackendService.strongSessionAffinityCookie/RequiredWhen", "backend",
     {"sessionAffinity": "STRONG_COOKIE_AFFINITY"}, "resource.strongSessionAffinityCookie"),
    ("BackendService.consistentHash/When", "backend", {"consistentHash": {"minimumRingSize": "1024"}},
     "resource.consistentHash"),
    ("Backend.capacityScaler/Range", "global-backend", {"backends": [{"group": NEG, "capacityScaler": 0.05}]},
     "resource.backends[0].capacityScaler"),
    ("Backend.failover/Schemes", "backend", {"backends": [{"group": NEG, "failover": True}]},
     "resource.backends[0].failover"),
    ("BackendServiceFailoverPolicy.failoverRatio/Range", "backend",
     {"loadBalancingScheme": "INTERNAL", "backends": None, "failoverPolicy": {"failoverRatio": 2}},
     "resource.failoverPolicy.failoverRatio"),
    ("BackendServiceLogConfig.sampleRate/Range", "backend", {"logConfig": {"enable": True, "sampleRate": 2}},
     "resource.logConfig.sampleRate"),
    ("BackendServiceLogConfig.optionalMode/When", "backend", {"logConfig": {"enable": False, "optionalMode": "CUSTOM"}},
     "resource.logConfig.optionalMode"),
    ("BackendServiceLocalityLoadBalancingPolicyConfigCustomPolicy.name/Length", "backend",
     {"localityLbPolicies": [{"customPolicy": {"name": "x" * 257}}]},
     "resource.localityLbPolicies[0].customPolicy.name"),
    ("BackendServiceCdnPolicy.bypassCacheOnRequestHeaders/Items", "global-backend", {"cdnPolicy": {
        "bypassCacheOnRequestHeaders": [{"headerName": f"h{i}"} for i in range(6)]}},
     "resource.cdnPolicy.bypassCacheOnRequestHeaders"),
    ("BackendServiceCdnPolicy.clientTtl/Range", "global-backend", {"cdnPolicy": {"clientTtl": 31_622_401}},
     "resource.cdnPolicy.clientTtl"),
    ("BackendServiceCdnPolicy.defaultTtl/Range", "global-backend", {"cdnPolicy": {"defaultTtl": 31_622_401}},
     "resource.cdnPolicy.defaultTtl"),
    ("BackendServiceCdnPolicy.maxTtl/Range", "global-backend", {"cdnPolicy": {"maxTtl": 31_622_401}},
     "resource.cdnPolicy.maxTtl"),
    ("BackendServiceCdnPolicy.serveWhileStale/Range", "global-backend", {"cdnPolicy": {"serveWhileStale": 604_801}},
     "resource.cdnPolicy.serveWhileStale"),
    ("BackendServiceCdnPolicyNegativeCachingPolicy.ttl/Range", "global-backend",
     {"cdnPolicy": {"negativeCaching": True, "negativeCachingPolicy": [{"code": 404, "ttl": 1801}]}},
     "resource.cdnPolicy.negativeCachingPolicy[0].ttl"),
    ("BackendServiceNetworkPassThroughLbTrafficPolicyZonalAffinity.spilloverRatio/Range", "backend",
     {"loadBalancingScheme": "INTERNAL", "backends": None,
      "networkPassThroughLbTrafficPolicy": {"zonalAffinity": {"spilloverRatio": 2}}},
     "resource.networkPassThroughLbTrafficPolicy.zonalAffinity.spilloverRatio"),
    ("BackendServiceLogConfig.optionalFields/When", "backend", {"logConfig": {
        "enable": True, "optionalMode": "INCLUDE_ALL_OPTIONAL", "optionalFields": ["a"]}},
     "resource.logConfig.optionalFields"),
    ("BackendServiceCdnPolicy.negativeCachingPolicy/When", "global-backend", {"cdnPolicy": {
        "negativeCachingPolicy": [{"code": 404, "ttl": 60}]}}, "resource.cdnPolicy.negativeCachingPolicy"),
    ("BackendServiceCdnPolicyNegativeCachingPolicy.code/Pattern", "global-backend", {"cdnPolicy": {
        "negativeCaching": True, "negativeCachingPolicy": [{"code": 500, "ttl": 60}]}},
     "resource.cdnPolicy.negativeCachingPolicy[0].code"),
    ("NetworkEndpointGroup.pscData/When", "neg", {"pscData": {"producerPort": 80}}, "resource.pscData"),
    ("NetworkEndpointGroup.pscTargetService/When", "neg", {"pscTargetService": "x"}, "resource.pscTargetService"),
    ("NetworkEndpointGroupAppEngine.service/Length", "neg", {"cloudRun": None, "appEngine": {"service": "x" * 64}},
     "resource.appEngine.service"),
    ("NetworkEndpointGroupAppEngine.version/Length", "neg", {"cloudRun": None, "appEngine": {"version": "x" * 101}},
     "resource.appEngine.version"),
    ("NetworkEndpointGroupCloudFunction.function/Length", "neg", {"cloudRun": None, "cloudFunction": {
        "function": "x" * 64}}, "resource.cloudFunction.function"),
    ("CachePolicy.negativeCachingPolicy/When", "managed-urlmap", action(cachePolicy={"negativeCachingPolicy": [
        {"code": 404, "ttl": {"seconds": "60"}}]}), "resource.defaultRouteAction.cachePolicy.negativeCachingPolicy"),
    ("CachePolicyNegativeCachingPolicy.code/Pattern", "managed-urlmap", action(cachePolicy={
        "negativeCaching": True, "negativeCachingPolicy": [{"code": 500}]}),
     "resource.defaultRouteAction.cachePolicy.negativeCachingPolicy[0].code"),
    ("SubnetworkLogConfig.filterExpr/When", "subnet", {"logConfig": {"enable": False, "filterExpr": "true"}},
     "resource.logConfig.filterExpr"),
    ("SubnetworkLogConfig.metadataFields/When", "subnet", {"logConfig": {
        "enable": True, "metadata": "INCLUDE_ALL_METADATA", "metadataFields": ["a"]}},
     "resource.logConfig.metadataFields"),
    ("SubnetworkSecondaryRange.rangeName/Pattern", "subnet", {"secondaryIpRanges": [
        {"rangeName": "Pods", "ipCidrRange": "10.51.0.0/24"}]}, "resource.secondaryIpRanges[0].rangeName"),
    ("UrlMap.tests/Items", "urlmap", {"tests": [{"host": "a.example", "path": "/"}] * 101}, "resource.tests"),
    ("Duration.seconds/Range", "urlmap", action(timeout={"seconds": "-1"}),
     "resource.defaultRouteAction.timeout.seconds"),
    ("Duration.nanos/Range", "urlmap", action(timeout={"nanos": 1_000_000_000}),
     "resource.defaultRouteAction.timeout.nanos"),
    ("HttpRedirectAction.hostRedirect/Length", "urlmap", {"defaultService": None, "defaultUrlRedirect": {
        "hostRedirect": "x" * 256}}, "resource.defaultUrlRedirect.hostRedirect"),
    ("HttpRedirectAction.pathRedirect/Length", "urlmap", {"defaultService": None, "defaultUrlRedirect": {
        "pathRedirect": LONG}}, "resource.defaultUrlRedirect.pathRedirect"),
    ("HttpRedirectAction.prefixRedirect/Length", "urlmap", {"defaultService": None, "defaultUrlRedirect": {
        "prefixRedirect": LONG}}, "resource.defaultUrlRedirect.prefixRedirect"),
    ("HttpRedirectAction.pathRedirect/OneOf", "urlmap", {"defaultService": None, "defaultUrlRedirect": {
        "pathRedirect": "/a", "prefixRedirect": "/b"}}, "resource.defaultUrlRedirect.prefixRedirect"),
    ("UrlRewrite.hostRewrite/Length", "urlmap", action(urlRewrite={"hostRewrite": "x" * 256}),
     "resource.defaultRouteAction.urlRewrite.hostRewrite"),
    ("UrlRewrite.pathPrefixRewrite/Length", "urlmap", action(urlRewrite={"pathPrefixRewrite": LONG}),
     "resource.defaultRouteAction.urlRewrite.pathPrefixRewrite"),
    ("UrlRewrite.pathPrefixRewrite/OneOf", "urlmap", action(urlRewrite={"pathPrefixRewrite": "/a",
                                                                        "pathTemplateRewrite": "/b"}),
     "resource.defaultRouteAction.urlRewrite.pathTemplateRewrite"),
    ("HttpFaultAbort.httpStatus/Range", "urlmap", action(faultInjectionPolicy={"abort": {"httpStatus": 600}}),
     "resource.defaultRouteAction.faultInjectionPolicy.abort.httpStatus"),
    ("HttpFaultAbort.percentage/Range", "urlmap", action(faultInjectionPolicy={"abort": {"percentage": 101}}),
     "resource.defaultRouteAction.faultInjectionPolicy.abort.percentage"),
    ("HttpFaultDelay.percentage/Range", "urlmap", action(faultInjectionPolicy={"delay": {"percentage": 101}}),
     "resource.defaultRouteAction.faultInjectionPolicy.delay.percentage"),
    ("HttpRetryPolicy.numRetries/Range", "urlmap", action(retryPolicy={"numRetries": 0}),
     "resource.defaultRouteAction.retryPolicy.numRetries"),
    ("WeightedBackendService.weight/Range", "urlmap", {"defaultService": None, **action(
        weightedBackendServices=[{"backendService": BACKEND, "weight": 1001}])},
     "resource.defaultRouteAction.weightedBackendServices[0].weight"),
    ("HttpRouteRule.priority/Range", "urlmap", route(priority=-1), f"{RR}.priority"),
    ("HttpRouteRule.description/Length", "urlmap", route(description=LONG), f"{RR}.description"),
    ("HttpRouteRule.service/OneOf", "urlmap", route(urlRedirect={"hostRedirect": "b.example"}), f"{RR}.urlRedirect"),
    ("PathRule.service/OneOf", "urlmap", matcher(pathRules=[{"paths": ["/a"], "service": BACKEND,
                                                             "urlRedirect": {"hostRedirect": "b.example"}}]),
     f"{PM}.pathRules[0].urlRedirect"),
    ("PathMatcher.defaultService/OneOf", "urlmap", matcher(defaultUrlRedirect={"hostRedirect": "b.example"}),
     f"{PM}.defaultUrlRedirect"),
    ("PathMatcher.pathRules/OneOf", "urlmap", matcher(
        pathRules=[{"paths": ["/a"], "service": BACKEND}],
        routeRules=[{"priority": 1, "service": BACKEND, "matchRules": [{"prefixMatch": "/"}]}]), f"{PM}.routeRules"),
    ("PathMatcher.routeRules/Unique", "urlmap", matcher(routeRules=[
        {"priority": 1, "service": BACKEND, "matchRules": [{"prefixMatch": "/a"}]},
        {"priority": 1, "service": BACKEND, "matchRules": [{"prefixMatch": "/b"}]}]), f"{PM}.routeRules"),
    ("PathRule.paths/Pattern", "urlmap", matcher(pathRules=[{"paths": ["/a*"], "service": BACKEND}]),
     f"{PM}.pathRules[0].paths"),
    ("HttpRouteRuleMatch.prefixMatch/OneOf", "urlmap", match(prefixMatch="/", fullPathMatch="/a"),
     f"{MR}.fullPathMatch"),
    ("HttpRouteRuleMatch.prefixMatch/Pattern", "urlmap", match(prefixMatch="a"), f"{MR}.prefixMatch"),
    ("HttpRouteRuleMatch.pathTemplateMatch/Pattern", "urlmap", match(pathTemplateMatch="a"),
     f"{MR}.pathTemplateMatch"),
    ("HttpRouteRuleMatch.ignoreCase/OneOf", "urlmap", match(regexMatch="/.*", ignoreCase=True), f"{MR}.regexMatch"),
    ("HttpRouteRuleMatch.regexMatch/Schemes", "classic-urlmap", match(CLASSIC, regexMatch="/.*"), f"{MR}.regexMatch"),
    ("HttpHeaderMatch.exactMatch/OneOf", "urlmap", match(prefixMatch="/", headerMatches=[
        {"headerName": "x", "exactMatch": "a", "prefixMatch": "b"}]), f"{MR}.headerMatches[0].prefixMatch"),
    ("HttpHeaderMatch.regexMatch/Schemes", "classic-urlmap", match(CLASSIC, prefixMatch="/", headerMatches=[
        {"headerName": "x", "regexMatch": "a.*"}]), f"{MR}.headerMatches[0].regexMatch"),
    ("HttpHeaderMatch.rangeMatch/NotSchemes", "classic-urlmap", match(CLASSIC, prefixMatch="/", headerMatches=[
        {"headerName": "x", "rangeMatch": {"rangeStart": "1", "rangeEnd": "2"}}]),
     f"{MR}.headerMatches[0].rangeMatch"),
    ("HttpQueryParameterMatch.presentMatch/OneOf", "urlmap", match(prefixMatch="/", queryParameterMatches=[
        {"name": "q", "presentMatch": True, "exactMatch": "a"}]), f"{MR}.queryParameterMatches[0].exactMatch"),
    ("HttpQueryParameterMatch.regexMatch/Schemes", "classic-urlmap", match(
        CLASSIC, prefixMatch="/", queryParameterMatches=[{"name": "q", "regexMatch": "a.*"}]),
     f"{MR}.queryParameterMatches[0].regexMatch"),
    ("MetadataFilter.filterLabels/Items", "urlmap", match(prefixMatch="/", metadataFilters=[
        {"filterMatchCriteria": "MATCH_ANY", "filterLabels": []}]), f"{MR}.metadataFilters[0].filterLabels"),
    ("MetadataFilterLabelMatch.name/Length", "urlmap", match(prefixMatch="/", metadataFilters=[
        {"filterMatchCriteria": "MATCH_ANY", "filterLabels": [{"name": "", "value": "v"}]}]),
     f"{MR}.metadataFilters[0].filterLabels[0].name"),
    ("MetadataFilterLabelMatch.value/Length", "urlmap", match(prefixMatch="/", metadataFilters=[
        {"filterMatchCriteria": "MATCH_ANY", "filterLabels": [{"name": "n", "value": LONG}]}]),
     f"{MR}.metadataFilters[0].filterLabels[0].value"),
    ("HttpRouteAction.maxStreamDuration/Schemes", "urlmap", action(maxStreamDuration={"seconds": "5"}),
     "resource.defaultRouteAction.maxStreamDuration"),
    ("HttpRouteAction.cachePolicy/Schemes", "urlmap", action(cachePolicy={"cacheMode": "CACHE_ALL_STATIC"}),
     "resource.defaultRouteAction.cachePolicy"),
    ("HttpRouteAction.dynamicCompressionPolicy/Schemes", "urlmap",
     action(dynamicCompressionPolicy={"compressionMode": "AUTOMATIC"}),
     "resource.defaultRouteAction.dynamicCompressionPolicy"),
    ("HttpRouteAction.imageOptimizationPolicy/Schemes", "urlmap",
     action(imageOptimizationPolicy={"queryParameterInterpretation": "ENABLED"}),
     "resource.defaultRouteAction.imageOptimizationPolicy"),
    ("HttpRouteAction.urlRewrite/Only", "classic-urlmap", action(timeout={"seconds": "5"}),
     "resource.defaultRouteAction.timeout"),
    ("CorsPolicy.allowOriginRegexes/Schemes", "urlmap", action(corsPolicy={"allowOriginRegexes": ["a.*"]}),
     "resource.defaultRouteAction.corsPolicy.allowOriginRegexes"),
    ("CachePolicy.cacheBypassRequestHeaderNames/Items", "managed-urlmap", action(cachePolicy={
        "cacheBypassRequestHeaderNames": [f"h{i}" for i in range(6)]}),
     "resource.defaultRouteAction.cachePolicy.cacheBypassRequestHeaderNames"),
    ("CachePolicyCacheKeyPolicy.includedCookieNames/Items", "managed-urlmap", action(cachePolicy={
        "cacheKeyPolicy": {"includedCookieNames": [f"c{i}" for i in range(6)]}}),
     "resource.defaultRouteAction.cachePolicy.cacheKeyPolicy.includedCookieNames"),
    ("CachePolicy.clientTtl/Range", "managed-urlmap", action(cachePolicy={"clientTtl": {"seconds": "31622401"}}),
     "resource.defaultRouteAction.cachePolicy.clientTtl"),
    ("CachePolicy.defaultTtl/Range", "managed-urlmap", action(cachePolicy={"defaultTtl": {"seconds": "31622401"}}),
     "resource.defaultRouteAction.cachePolicy.defaultTtl"),
    ("CachePolicy.maxTtl/Range", "managed-urlmap", action(cachePolicy={"maxTtl": {"seconds": "31622401"}}),
     "resource.defaultRouteAction.cachePolicy.maxTtl"),
    ("CachePolicy.serveWhileStale/Range", "managed-urlmap", action(cachePolicy={"serveWhileStale": {
        "seconds": "604801"}}), "resource.defaultRouteAction.cachePolicy.serveWhileStale"),
    ("CachePolicyNegativeCachingPolicy.ttl/Range", "managed-urlmap", action(cachePolicy={
        "negativeCaching": True, "negativeCachingPolicy": [{"code": 404, "ttl": {"seconds": "1801"}}]}),
     "resource.defaultRouteAction.cachePolicy.negativeCachingPolicy[0].ttl"),
    ("CustomErrorResponsePolicyCustomErrorResponseRule.path/Pattern", "urlmap", {
        "defaultCustomErrorResponsePolicy": {"errorResponseRules": [{"matchResponseCodes": ["404"], "path": "/e/"}]}},
     "resource.defaultCustomErrorResponsePolicy.errorResponseRules[0].path"),
    ("SubnetworkLogConfig.flowSampling/Range", "subnet", {"logConfig": {"enable": True, "flowSampling": 2}},
     "resource.logConfig.flowSampling"),
    ("SubnetworkLogConfig.aggregationInterval/When", "subnet", {"logConfig": {
        "enable": False, "aggregationInterval": "INTERVAL_5_SEC"}}, "resource.logConfig.aggregationInterval"),
    ("SubnetworkLogConfig.metadata/When", "subnet",
     {"logConfig": {"enable": False, "metadata": "INCLUDE_ALL_METADATA"}}, "resource.logConfig.metadata"),
]


def rule_id(rule: Rule) -> str:
    return f"{rule.schema}.{rule.field}/{type(rule).__name__}"


def merged(base: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    body = copy.deepcopy(base)
    for key, value in patch.items():
        if value is None:
            body.pop(key, None)
        else:
            body[key] = copy.deepcopy(value)
    return body


def normalised(text: str) -> str:
    return " ".join(text.split())


def description(key: str) -> str:
    schema, field = key.split(".")
    return normalised(discovery.document("compute.v1")["schemas"][schema]["properties"][field]["description"])


def test_every_rule_quotes_google_s_discovery_document() -> None:
    wrong = [rule_id(r) for r in RULES if not any(normalised(r.quote) in description(k) for k in r.entries())]
    assert wrong == []


def test_every_rule_has_a_case() -> None:
    assert sorted(rule_id(r) for r in RULES) == sorted(case[0] for case in CASES)


def test_every_rule_refuses_a_body_breaking_it(emulator: EmulatorProcess) -> None:
    regional_internal_chain(emulator)
    for name, scheme in (("classic", "EXTERNAL"), ("managed", "EXTERNAL_MANAGED")):
        status, _ = emulator.call("POST", f"{GLOBAL}/backendServices", {"name": name, "loadBalancingScheme": scheme,
                                                                        "protocol": "HTTP"})
        assert status == 200
    quotes = {rule_id(r): r.quote for r in RULES}
    wrong = []
    for key, base, patch, path in CASES:
        url, body = BASES[base]
        status, answer = emulator.call("POST", url, merged(body, patch))
        message = (answer or {}).get("error", {}).get("message", "")
        if status != 400 or not message.startswith(f"Invalid value for field '{path}'") or quotes[key] not in message:
            wrong.append(f"{key}: {status} {message or answer}")
    assert not wrong, "\n".join(wrong)
    for url, body in BASES.values():  # each base alone is accepted
        status, answer = emulator.call("POST", url, body)
        assert status == 200, (url, answer)


def test_the_docs_table_accounts_for_every_rule_discovery_states() -> None:
    """Each (schema, field) whose description states a rule is in the table, enforced / n/a / left with why;
    every field a rule of field_rules.py covers is marked enforced."""
    table = discovery_rules.docs_table()
    keys = {c.key for c in discovery_rules.candidates()}
    assert sorted(keys - set(table)) == [], "add these to the table in docs/google-behaviour.md"
    assert sorted(set(table) - keys) == [], "the table names fields that state no rule"
    enforced = {key for rule in RULES for key in rule.entries()}
    assert sorted(k for k in enforced if table.get(k, ("enforced",))[0] != "enforced") == []
