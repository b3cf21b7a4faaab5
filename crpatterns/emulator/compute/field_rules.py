"""Rules Google states in words in compute.v1 discovery field descriptions, checked on every request body.

Each rule names the schema and field it comes from and quotes the sentence (a test checks that every quote is
still in Google's discovery document, and sends a body breaking each rule). The walker follows the body
through the discovery schema, so a rule on a nested schema (Duration, HttpRedirectAction...) holds wherever
that schema appears. Every refusal is 400 `invalid`, `Invalid value for field '<path>': '<value>'. <quote>`:
UNCONFIRMED wording (Google's own text for these is not public); the field path and the rule are Google's.

Rules needing the load balancing scheme read it from a context the collection gives: the resource's own
`loadBalancingScheme` (backend services, forwarding rules) or, for URL maps, the scheme of their backend
services; a scheme token `X@regional` / `X@global` limits the token to one scope. Without a scheme (a
redirect-only URL map) scheme rules do not apply.
The table of docs/google-behaviour.md, "Compute: rules stated in discovery field descriptions", lists these
with the rules enforced elsewhere and those left.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from crpatterns.emulator.core import discovery
from crpatterns.emulator.core.errors import ApiError, bad_request

DOC = "compute.v1"
PASSTHROUGH = ("INTERNAL", "EXTERNAL")  # schemes of passthrough Network Load Balancers (and classic ALBs)


@dataclass(frozen=True)
class Context:
    scheme: str | None
    regional: bool

    def matches(self, tokens: tuple[str, ...]) -> bool:
        scope = "regional" if self.regional else "global"
        return any(token in (self.scheme, f"{self.scheme}@{scope}") for token in tokens)


@dataclass(frozen=True)
class Rule:
    schema: str
    field: str  # a field of `schema`; dotted for a nested one ("routeAction.weightedBackendServices")
    quote: str  # the sentence of discovery `schema.field` (or of `source`) that states the rule
    source: str = ""  # `Schema.field` whose description states the rule, when not this field's

    def entries(self) -> tuple[str, ...]:
        """The `Schema.field` entries of the discovery document this rule accounts for."""
        own = (f"{self.schema}.{self.field.split('.')[0]}",)
        return own + ((self.source,) if self.source else ())

    def check(self, obj: dict[str, Any], path: str, context: Context) -> None:
        raise NotImplementedError

    def refuse(self, path: str, value: Any) -> ApiError:
        shown = "" if value is None else str(value).lower() if isinstance(value, bool) else value
        if isinstance(value, dict | list):
            shown = ""
        return bad_request(f"Invalid value for field '{path}.{self.field}': '{shown}'. {self.quote}")


def _get(obj: dict[str, Any], dotted: str) -> Any:
    for part in dotted.split("."):
        obj = obj.get(part) if isinstance(obj, dict) else None
    return obj


def _number(value: Any) -> float:
    """A number, an int64 sent as a string, or a Duration (`{"seconds": "30", "nanos": 0}`) in seconds."""
    if isinstance(value, dict):
        return float(value.get("seconds") or 0) + float(value.get("nanos") or 0) / 1e9
    return float(value)


def _given(value: Any) -> bool:
    return value is not None and value != [] and value != {}


@dataclass(frozen=True)
class Range(Rule):
    """A number within [low, high] (None: unbounded); `zero` also allows 0 below `low` (capacityScaler)."""

    low: float | None = None
    high: float | None = None
    zero: bool = False

    def check(self, obj: dict[str, Any], path: str, context: Context) -> None:
        value = obj.get(self.field)
        if value is None:
            return
        number = _number(value)
        if self.zero and number == 0:
            return
        if (self.low is not None and number < self.low) or (self.high is not None and number > self.high):
            raise self.refuse(path, value)


@dataclass(frozen=True)
class Length(Rule):
    """A string of low..high characters."""

    low: int = 0
    high: int = 0

    def check(self, obj: dict[str, Any], path: str, context: Context) -> None:
        value = obj.get(self.field)
        if value is not None and not self.low <= len(str(value)) <= self.high:
            raise self.refuse(path, value)


@dataclass(frozen=True)
class Items(Rule):
    """A list of low..high items."""

    low: int = 0
    high: int = 0

    def check(self, obj: dict[str, Any], path: str, context: Context) -> None:
        value = obj.get(self.field)
        if value is not None and not self.low <= len(value) <= self.high:
            raise self.refuse(path, "")


@dataclass(frozen=True)
class Pattern(Rule):
    """A string (or every string of a list) matching `regex`."""

    regex: str = ""

    def check(self, obj: dict[str, Any], path: str, context: Context) -> None:
        value = obj.get(self.field)
        for item in value if isinstance(value, list) else [] if value is None else [value]:
            if not re.fullmatch(self.regex, str(item)):
                raise self.refuse(path, item)


@dataclass(frozen=True)
class OneOf(Rule):
    """At most one of `fields` (exactly one with `required`); `field` is the first of them."""

    fields: tuple[str, ...] = ()
    required: bool = False

    def entries(self) -> tuple[str, ...]:
        return tuple(f"{self.schema}.{name.split('.')[0]}" for name in self.fields)

    def check(self, obj: dict[str, Any], path: str, context: Context) -> None:
        given = [name for name in self.fields if _given(_get(obj, name))]
        if len(given) > 1 or (self.required and not given):
            name = given[1] if len(given) > 1 else self.fields[0]
            raise bad_request(f"Invalid value for field '{path}.{name}': ''. {self.quote}")


@dataclass(frozen=True)
class Schemes(Rule):
    """The field may be set (truthy) only for the load balancing schemes `allowed`."""

    allowed: tuple[str, ...] = ()

    def check(self, obj: dict[str, Any], path: str, context: Context) -> None:
        value = obj.get(self.field)
        if value and context.scheme is not None and not context.matches(self.allowed):
            raise self.refuse(path, value)


@dataclass(frozen=True)
class NotSchemes(Rule):
    """The field may not be set for the load balancing schemes `refused`."""

    refused: tuple[str, ...] = ()

    def check(self, obj: dict[str, Any], path: str, context: Context) -> None:
        value = obj.get(self.field)
        if value and context.scheme is not None and context.matches(self.refused):
            raise self.refuse(path, value)


@dataclass(frozen=True)
class When(Rule):
    """The field may be set only when field `other` of the same object has one of `values`."""

    other: str = ""
    values: tuple[Any, ...] = ()

    def check(self, obj: dict[str, Any], path: str, context: Context) -> None:
        value = obj.get(self.field)
        if _given(value) and obj.get(self.other) not in self.values:
            raise self.refuse(path, value)


@dataclass(frozen=True)
class RequiredWhen(Rule):
    """The field must be set when field `other` of the same object has one of `values`."""

    other: str = ""
    values: tuple[Any, ...] = ()

    def check(self, obj: dict[str, Any], path: str, context: Context) -> None:
        if obj.get(self.other) in self.values and not _given(obj.get(self.field)):
            raise self.refuse(path, "")


@dataclass(frozen=True)
class Unique(Rule):
    """The items of list `field` have distinct `key` values."""

    key: str = ""

    def check(self, obj: dict[str, Any], path: str, context: Context) -> None:
        seen: set[Any] = set()
        for item in obj.get(self.field) or []:
            value = item.get(self.key) if isinstance(item, dict) else None
            if value is not None and value in seen:
                raise self.refuse(path, value)
            seen.add(value)


@dataclass(frozen=True)
class Only(Rule):
    """For the schemes `for_schemes`, only `kept` may be set among the object's fields (`field` is the object's
    first field the rule names)."""

    kept: tuple[str, ...] = ()
    for_schemes: tuple[str, ...] = ()
    others: tuple[str, ...] = field(default_factory=tuple)

    def check(self, obj: dict[str, Any], path: str, context: Context) -> None:
        if context.scheme is None or not context.matches(self.for_schemes):
            return
        for name in self.others:
            if _given(obj.get(name)):
                raise bad_request(f"Invalid value for field '{path}.{name}': ''. {self.quote}")


def _route_action_fields() -> tuple[str, ...]:
    props = discovery.document(DOC)["schemas"]["HttpRouteAction"]["properties"]
    return tuple(name for name in sorted(props) if name != "urlRewrite")


TTL_MAX = "The maximum allowed value is 31,622,400s (1 year)"
NEGATIVE_CACHING_CODES = "300|301|302|307|308|404|405|410|421|451|501"
ONE_ROUTE = "Only one of urlRedirect, service orrouteAction.weightedBackendService can be set."
REGEX_SCHEMES = ("INTERNAL_SELF_MANAGED", "EXTERNAL_MANAGED@regional", "INTERNAL_MANAGED")
REGEX_QUOTE = ("Regular expressions can only be used when the loadBalancingScheme is set to INTERNAL_SELF_MANAGED, "
               "EXTERNAL_MANAGED (regional scope) or INTERNAL_MANAGED.")

RULES: tuple[Rule, ...] = (
    # -- ForwardingRule --------------------------------------------------------------------------------
    Schemes("ForwardingRule", "sourceIpRanges", "Note that a forwarding rule can only have up to 64 source IP "
            "ranges, and this field can only be used with a regional forwarding rule whose scheme isEXTERNAL.",
            allowed=("EXTERNAL@regional",)),
    Items("ForwardingRule", "serviceDirectoryRegistrations", "Currently, only supports a single Service "
          "Directory resource.", low=0, high=1),
    Schemes("ForwardingRule", "isMirroringCollector", "This can only be set to true for load balancers that have "
            "theirloadBalancingScheme set to INTERNAL.", allowed=("INTERNAL",)),
    Schemes("ForwardingRule", "metadataFilters", "metadataFilters only applies to Loadbalancers that have their "
            "loadBalancingScheme set toINTERNAL_SELF_MANAGED.", allowed=("INTERNAL_SELF_MANAGED",)),
    Range("ForwardingRule", "externalManagedBackendBucketMigrationTestingPercentage", "The value of this field "
          "must be in the range [0, 100].", low=0, high=100),
    # -- BackendService --------------------------------------------------------------------------------
    Range("BackendService", "affinityCookieTtlSec", "The maximum allowed value is two weeks (1,209,600).",
          low=0, high=1_209_600),
    Items("BackendService", "healthChecks", "Currently, at most one health check can be specified for each backend "
          "service.", low=0, high=1),
    When("BackendService", "tlsSettings", "May only be specified when the backend protocol is SSL, HTTPS or HTTP2.",
         other="protocol", values=("SSL", "HTTPS", "HTTP2")),
    Schemes("BackendService", "maxStreamDuration", "This field is only allowed when the loadBalancingScheme of the "
            "backend service is INTERNAL_SELF_MANAGED.", allowed=("INTERNAL_SELF_MANAGED",)),
    Schemes("BackendService", "serviceBindings", "Can only be set if load balancing scheme is "
            "INTERNAL_SELF_MANAGED.", allowed=("INTERNAL_SELF_MANAGED",)),
    Schemes("BackendService", "network", "This field can only be specified when the load balancing scheme is set "
            "toINTERNAL, or when the load balancing scheme is set toEXTERNAL and haPolicy fastIpMove is enabled.",
            allowed=PASSTHROUGH),
    Schemes("BackendService", "connectionTrackingPolicy", "Connection tracking policy settings are only available "
            "for external passthrough Network Load Balancers and internal passthrough Network Load Balancers.",
            allowed=PASSTHROUGH),
    Schemes("BackendService", "failoverPolicy", "For load balancers that have configurable failover: [Internal "
            "passthrough Network Load Balancers]", allowed=PASSTHROUGH),
    Schemes("BackendService", "serviceLbPolicy", "Can only be set if load balancing scheme is EXTERNAL_MANAGED, "
            "INTERNAL_MANAGED or INTERNAL_SELF_MANAGED for a global backend service, and EXTERNAL_MANAGED or "
            "INTERNAL_MANAGED for a regional backend service.",
            allowed=("EXTERNAL_MANAGED", "INTERNAL_MANAGED", "INTERNAL_SELF_MANAGED@global")),
    Range("BackendService", "externalManagedMigrationTestingPercentage", "The value of this field must be in the "
          "range [0, 100].", low=0, high=100),
    RequiredWhen("BackendService", "strongSessionAffinityCookie", "This field is applicable and required if the "
                 "sessionAffinity is set toSTRONG_COOKIE_AFFINITY.", other="sessionAffinity",
                 values=("STRONG_COOKIE_AFFINITY",)),
    When("BackendService", "consistentHash", "This field is only applicable whenlocalityLbPolicy is set to MAGLEV "
         "orRING_HASH.", other="localityLbPolicy", values=("MAGLEV", "RING_HASH")),
    Range("Backend", "capacityScaler", "The valid ranges are 0.0 and [0.1,1.0].", low=0.1, high=1.0, zero=True),
    Schemes("Backend", "failover", "This field can only be used for a regional external Passthrough Network Load "
            "Balancer or a regional internal Passthrough Network Load Balancer.",
            allowed=("INTERNAL@regional", "EXTERNAL@regional")),
    Range("BackendServiceFailoverPolicy", "failoverRatio", "The value of the field must be in the range[0, 1].",
          low=0, high=1),
    Range("BackendServiceLogConfig", "sampleRate", "The value of the field must be in [0, 1].", low=0, high=1),
    When("BackendServiceLogConfig", "optionalMode", "This field can only be specified if logging is enabled for this "
         "backend service.", other="enable", values=(True,)),
    Length("BackendServiceLocalityLoadBalancingPolicyConfigCustomPolicy", "name", "The maximum length is 256 "
           "characters.", low=1, high=256),
    Items("BackendServiceCdnPolicy", "bypassCacheOnRequestHeaders", "Up to 5 headers can be specified.", high=5),
    Range("BackendServiceCdnPolicy", "clientTtl", f"{TTL_MAX}.", low=0, high=31_622_400),
    Range("BackendServiceCdnPolicy", "defaultTtl", f"{TTL_MAX}, noting that infrequently accessed objects may be "
          "evicted from the cache before the defined TTL.", low=0, high=31_622_400),
    Range("BackendServiceCdnPolicy", "maxTtl", f"{TTL_MAX}, noting that infrequently accessed objects may be "
          "evicted from the cache before the defined TTL.", low=0, high=31_622_400),
    Range("BackendServiceCdnPolicy", "serveWhileStale", "The maximum allowed value is 604800 (1 week).", low=0,
          high=604_800),
    Range("BackendServiceCdnPolicyNegativeCachingPolicy", "ttl", "The maximum allowed value is 1800s (30 minutes), "
          "noting that infrequently accessed objects may be evicted from the cache before the defined TTL.", low=0,
          high=1800),
    Range("BackendServiceNetworkPassThroughLbTrafficPolicyZonalAffinity", "spilloverRatio", "The value of the field "
          "must be in [0, 1].", low=0, high=1),
    When("BackendServiceLogConfig", "optionalFields", "This field can only be specified if logging is enabled for "
         "this backend service and \"logConfig.optionalMode\" was set to CUSTOM.", other="optionalMode",
         values=("CUSTOM",)),
    When("BackendServiceCdnPolicy", "negativeCachingPolicy", "negative_caching must be enabled to configure "
         "negative_caching_policy.", other="negativeCaching", values=(True,)),
    Pattern("BackendServiceCdnPolicyNegativeCachingPolicy", "code", "Only HTTP status codes 300, 301, 302, 307, 308, "
            "404, 405, 410, 421, 451 and 501 can be specified as values, and you cannot specify a status code more "
            "than once.", regex=NEGATIVE_CACHING_CODES),
    # -- NetworkEndpointGroup ------------------------------------------------------------------------------
    When("NetworkEndpointGroup", "pscData", "Only valid when networkEndpointType isPRIVATE_SERVICE_CONNECT.",
         other="networkEndpointType", values=("PRIVATE_SERVICE_CONNECT",)),
    When("NetworkEndpointGroup", "pscTargetService", "Only valid when networkEndpointType isPRIVATE_SERVICE_CONNECT.",
         other="networkEndpointType", values=("PRIVATE_SERVICE_CONNECT",)),
    Length("NetworkEndpointGroupAppEngine", "service", "The service name is case-sensitive and must be 1-63 "
           "characters long.", low=1, high=63),
    Length("NetworkEndpointGroupAppEngine", "version", "The version name is case-sensitive and must be 1-100 "
           "characters long.", low=1, high=100),
    Length("NetworkEndpointGroupCloudFunction", "function", "The function name is case-sensitive and must be 1-63 "
           "characters long.", low=1, high=63),
    # -- UrlMap and what it nests ------------------------------------------------------------------------
    Items("UrlMap", "tests", "You can specify a maximum of 100 tests per UrlMap.", high=100),
    Range("Duration", "seconds", "Must be from 0 to 315,576,000,000 inclusive.", low=0, high=315_576_000_000),
    Range("Duration", "nanos", "Must be from 0 to 999,999,999 inclusive.", low=0, high=999_999_999),
    Length("HttpRedirectAction", "hostRedirect", "The value must be from 1 to 255 characters.", low=1, high=255),
    Length("HttpRedirectAction", "pathRedirect", "The value must be from 1 to 1024 characters.", low=1, high=1024),
    Length("HttpRedirectAction", "prefixRedirect", "The value must be from 1 to 1024 characters.", low=1, high=1024),
    OneOf("HttpRedirectAction", "pathRedirect", "pathRedirect cannot be supplied together withprefixRedirect.",
          fields=("pathRedirect", "prefixRedirect")),
    Length("UrlRewrite", "hostRewrite", "The value must be from 1 to 255 characters.", low=1, high=255),
    Length("UrlRewrite", "pathPrefixRewrite", "The value must be from 1 to 1024 characters.", low=1, high=1024),
    OneOf("UrlRewrite", "pathPrefixRewrite", "Only one ofpathPrefixRewrite, pathTemplateRewrite, orregexRewrite may be "
          "specified.", fields=("pathPrefixRewrite", "pathTemplateRewrite", "regexRewrite")),
    Range("HttpFaultAbort", "httpStatus", "The value must be from 200 to 599 inclusive.", low=200, high=599),
    Range("HttpFaultAbort", "percentage", "The value must be from 0.0 to 100.0 inclusive.", low=0, high=100),
    Range("HttpFaultDelay", "percentage", "The value must be from 0.0 to 100.0 inclusive.", low=0, high=100),
    Range("HttpRetryPolicy", "numRetries", "This number must be > 0.", low=1),
    Range("WeightedBackendService", "weight", "The value must be from 0 to 1000.", low=0, high=1000),
    Range("HttpRouteRule", "priority", "Priority for each rule must be set to a number from 0 to 2147483647 "
          "inclusive.", low=0, high=2_147_483_647),
    Length("HttpRouteRule", "description", "The description can have a maximum length of 1024 characters.", low=0,
           high=1024),
    OneOf("HttpRouteRule", "service", ONE_ROUTE, fields=("service", "urlRedirect",
                                                         "routeAction.weightedBackendServices")),
    OneOf("PathRule", "service", ONE_ROUTE, fields=("service", "urlRedirect", "routeAction.weightedBackendServices")),
    OneOf("PathMatcher", "defaultService", "Only one of defaultUrlRedirect, defaultService or "
          "defaultRouteAction.weightedBackendService can be set.",
          fields=("defaultService", "defaultUrlRedirect", "defaultRouteAction.weightedBackendServices")),
    OneOf("PathMatcher", "pathRules", "Within a given pathMatcher, you can set only one ofpathRules or routeRules.",
          fields=("pathRules", "routeRules")),
    Unique("PathMatcher", "routeRules", "You cannot configure two or more routeRules with the same priority.",
           source="HttpRouteRule.priority", key="priority"),
    Pattern("PathRule", "paths", "Each must start with / and the only place a * is allowed is at the end following "
            "a /.", regex=r"/[^*?#]*(/\*)?"),
    OneOf("HttpRouteRuleMatch", "prefixMatch", "Precisely one ofprefixMatch, fullPathMatch,regexMatch, or "
          "pathTemplateMatch must be set.", fields=("prefixMatch", "fullPathMatch", "regexMatch", "pathTemplateMatch"),
          required=True),
    Pattern("HttpRouteRuleMatch", "prefixMatch", "For satisfying the matchRule condition, the request's path must "
            "begin with the specified prefixMatch.prefixMatch must begin with a /.", regex=r"/.{0,1023}"),
    Pattern("HttpRouteRuleMatch", "pathTemplateMatch", "The pattern must start with a leading slash (\"/\").",
            regex=r"/.{0,1023}"),
    OneOf("HttpRouteRuleMatch", "ignoreCase", "ignoreCase must not be used with regexMatch.",
          fields=("ignoreCase", "regexMatch")),
    Schemes("HttpRouteRuleMatch", "regexMatch", REGEX_QUOTE, allowed=REGEX_SCHEMES),
    OneOf("HttpHeaderMatch", "exactMatch", "Only one of exactMatch, prefixMatch,suffixMatch, regexMatch,presentMatch "
          "or rangeMatch must be set.", fields=("exactMatch", "prefixMatch", "suffixMatch", "regexMatch",
                                                 "presentMatch", "rangeMatch")),
    Schemes("HttpHeaderMatch", "regexMatch", REGEX_QUOTE, allowed=REGEX_SCHEMES),
    NotSchemes("HttpHeaderMatch", "rangeMatch", "rangeMatch is not supported for load balancers that have "
               "loadBalancingScheme set to EXTERNAL.", refused=("EXTERNAL",)),
    OneOf("HttpQueryParameterMatch", "presentMatch", "Only one of presentMatch, exactMatch, orregexMatch must be set.",
          fields=("presentMatch", "exactMatch", "regexMatch")),
    Schemes("HttpQueryParameterMatch", "regexMatch", REGEX_QUOTE, allowed=REGEX_SCHEMES),
    Items("MetadataFilter", "filterLabels", "This list must not be empty and can have at the most 64 entries.",
          low=1, high=64),
    Length("MetadataFilterLabelMatch", "name", "The name can have a maximum length of 1024 characters and must be "
           "at least 1 character long.", low=1, high=1024),
    Length("MetadataFilterLabelMatch", "value", "value can have a maximum length of 1024 characters.", low=0,
           high=1024),
    Schemes("HttpRouteAction", "maxStreamDuration", "This field is only allowed if the Url map is used with backend "
            "services with loadBalancingScheme set toINTERNAL_SELF_MANAGED.", allowed=("INTERNAL_SELF_MANAGED",)),
    Schemes("HttpRouteAction", "cachePolicy", "Available only for Global `EXTERNAL_MANAGED` load balancer schemes.",
            allowed=("EXTERNAL_MANAGED@global",)),
    Schemes("HttpRouteAction", "dynamicCompressionPolicy", "Available only for Global EXTERNAL_MANAGED load balancer "
            "schemes.", allowed=("EXTERNAL_MANAGED@global",)),
    Schemes("HttpRouteAction", "imageOptimizationPolicy", "Available only for Global EXTERNAL_MANAGED load balancer "
            "schemes.", allowed=("EXTERNAL_MANAGED@global",)),
    Only("HttpRouteAction", "urlRewrite", "urlRewrite is the only action supported in UrlMaps for classic "
         "Application Load Balancers.", kept=("urlRewrite",), for_schemes=("EXTERNAL",),
         others=_route_action_fields()),
    Schemes("CorsPolicy", "allowOriginRegexes", "Regular expressions can only be used when the loadBalancingScheme "
            "is set to INTERNAL_SELF_MANAGED.", allowed=("INTERNAL_SELF_MANAGED",)),
    Items("CachePolicy", "cacheBypassRequestHeaderNames", "Up to 5 header names can be specified.", high=5),
    Items("CachePolicyCacheKeyPolicy", "includedCookieNames", "Up to 5 cookie names can be specified.", high=5),
    Range("CachePolicy", "clientTtl", f"{TTL_MAX}.", low=0, high=31_622_400),
    Range("CachePolicy", "defaultTtl", f"{TTL_MAX}.", low=0, high=31_622_400),
    Range("CachePolicy", "maxTtl", f"{TTL_MAX}.", low=0, high=31_622_400),
    Range("CachePolicy", "serveWhileStale", "The maximum allowed value is 604800 (1 week).", low=0, high=604_800),
    Range("CachePolicyNegativeCachingPolicy", "ttl", "The maximum allowed value is 1800s (30 minutes).", low=0,
          high=1800),
    When("CachePolicy", "negativeCachingPolicy", "`negativeCaching` must be enabled to configure "
         "`negativeCachingPolicy`.", other="negativeCaching", values=(True,)),
    Pattern("CachePolicyNegativeCachingPolicy", "code", "Only HTTP status codes 300, 301, 302, 307, 308, 404, 405, "
            "410, 421, 451 and 501 can be specified as values, and you cannot specify a status code more than once.",
            regex=NEGATIVE_CACHING_CODES),
    Pattern("CustomErrorResponsePolicyCustomErrorResponseRule", "path", "For example:/errors/defaultError.html path "
            "must start with a leading slash. path cannot have trailing slashes.", regex=r"/(.{0,1022}[^/])?"),
    # -- Subnetwork, Network ------------------------------------------------------------------------------
    Range("SubnetworkLogConfig", "flowSampling", "The value of the field must be in [0, 1].", low=0, high=1),
    When("SubnetworkLogConfig", "aggregationInterval", "Can only be specified if VPC flow logging for this "
         "subnetwork is enabled.", other="enable", values=(True,)),
    When("SubnetworkLogConfig", "metadata", "Can only be specified if VPC flow logs for this subnetwork is "
         "enabled.", other="enable", values=(True,)),
    When("SubnetworkLogConfig", "filterExpr", "Can only be specified if VPC flow logs for this subnetwork is "
         "enabled.", other="enable", values=(True,)),
    When("SubnetworkLogConfig", "metadataFields", "Can only be specified if VPC flow logs for this subnetwork is "
         "enabled and \"metadata\" was set to CUSTOM_METADATA.", other="metadata", values=("CUSTOM_METADATA",)),
    Pattern("SubnetworkSecondaryRange", "rangeName", "The name must be 1-63 characters long, and comply withRFC1035.",
            regex=r"[a-z]([-a-z0-9]{0,61}[a-z0-9])?"),
)


def rules_by_schema() -> dict[str, list[Rule]]:
    found: dict[str, list[Rule]] = {}
    for rule in RULES:
        found.setdefault(rule.schema, []).append(rule)
    return found


_BY_SCHEMA = rules_by_schema()


def check_body(schema: str, body: dict[str, Any], context: Context, path: str = "resource") -> None:
    """Applies every rule to `body` (a `schema` object) and to the objects nested in it; raises ApiError 400."""
    for rule in _BY_SCHEMA.get(schema, ()):
        rule.check(body, path, context)
    for name, sub_schema, value in _nested(schema, body):
        if isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, dict):
                    check_body(sub_schema, item, context, f"{path}.{name}[{index}]")
        elif isinstance(value, dict):
            check_body(sub_schema, value, context, f"{path}.{name}")


def _nested(schema: str, body: dict[str, Any]) -> Iterator[tuple[str, str, Any]]:
    """(field, object schema, value) for each field of `body` that holds objects of a discovery schema."""
    schemas = discovery.document(DOC)["schemas"]
    properties = schemas[schema].get("properties", {})
    for name, value in body.items():
        prop = properties.get(name) or {}
        ref = prop.get("$ref") or (prop.get("items") or {}).get("$ref")
        if ref and schemas[ref].get("type") == "object":
            yield name, ref, value
