"""An independent reading of Google's discovery documents, to judge the emulator against them.

Written apart from the emulator's own schema code (crpatterns/emulator/core/schema.py and discovery.py) on
purpose: nothing here imports or copies it, so a misreading of the discovery format in one is caught by the
other. Three things:

- path templates as languages: `equivalent(a, b)` says whether two URI templates accept exactly the same
  URLs, whatever their parameters are called (`v1/{v1Id}/{v1Id1}/services` == `v1/{c}/{p}/services`,
  but != `v1/{+parent}/services`);
- response bodies: `problems(doc, "Operation", body)` lists every place a JSON value strays from the
  schema (unknown field, wrong JSON type, int64 not a decimal string, enum value not in the list, ...);
- error bodies: `error_problems(body, style)` for Compute's and the AIP-style shape.

Semantics used for the templates (RFC 6570 and google.api.http): a simple `{x}` expands to one non-empty
path segment with reserved characters percent-encoded, so no literal '/' or ':'; a reserved `{+x}` keeps
'/' and is one or more such segments joined by '/' (a resource name, AIP-122). ':' never appears in a
value: in Google's URL grammar it only introduces the custom verb (`Verb = ":" LITERAL`).
"""

from __future__ import annotations

import base64
import binascii
import functools
import importlib.util
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# -- documents ---------------------------------------------------------------------------------------


def documents_dir() -> Path:
    spec = importlib.util.find_spec("googleapiclient")
    assert spec and spec.submodule_search_locations, "google-api-python-client is not installed"
    return Path(next(iter(spec.submodule_search_locations))) / "discovery_cache" / "documents"


@functools.cache
def load(doc: str) -> dict[str, Any]:
    return json.loads((documents_dir() / f"{doc}.json").read_text())


@functools.cache
def methods(doc: str) -> dict[str, dict[str, Any]]:
    """Every method of the document by its id (`compute.networks.get`), nested resources included."""
    found: dict[str, dict[str, Any]] = {}
    pending = [load(doc)]
    while pending:
        node = pending.pop()
        for method in node.get("methods", {}).values():
            found[method["id"]] = method
        pending.extend(node.get("resources", {}).values())
    return found


def templates(doc: str, method_id: str) -> list[str]:
    """The URL templates Google documents for a method, service path in front: flatPath, and path."""
    method = methods(doc)[method_id]
    prefix = load(doc).get("servicePath", "")
    return [prefix + t for t in dict.fromkeys(filter(None, (method.get("flatPath"), method.get("path"))))]


# -- templates as languages ------------------------------------------------------------------------

_TOKEN = re.compile(r"\{(\+?)([A-Za-z0-9_.]+)\}|(.)", re.S)
SEGMENT, NAME = "segment", "name"  # `{x}` and `{+x}`


def tokens(template: str) -> list[str]:
    """Literal characters, and SEGMENT / NAME for the two kinds of parameter."""
    out: list[str] = []
    for match in _TOKEN.finditer(template):
        plus, _name, char = match.groups()
        out.append(char if char is not None else (NAME if plus else SEGMENT))
    return out


class _Nfa:
    """A small NFA over an alphabet of the literal characters used, plus one stand-in for 'any other'."""

    OTHER = "\x00"

    def __init__(self, template: str) -> None:
        self.edges: list[list[tuple[str, int]]] = [[]]  # per state: (symbol class, target)
        state = 0
        for token in tokens(template):
            if token == SEGMENT:
                state = self._segment(state)
            elif token == NAME:
                state = self._segment(state)
                slash = self._new()
                self.edges[state].append(("/", slash))
                # after a '/', another segment returns to the same accepting state
                self.edges[slash].append(("segchar", state))
            else:
                nxt = self._new()
                self.edges[state].append((token, nxt))
                state = nxt
        self.accept = state

    def _new(self) -> int:
        self.edges.append([])
        return len(self.edges) - 1

    def _segment(self, state: int) -> int:
        inside = self._new()
        self.edges[state].append(("segchar", inside))
        self.edges[inside].append(("segchar", inside))
        return inside

    def step(self, states: frozenset[int], symbol: str) -> frozenset[int]:
        return frozenset(
            target for s in states for cls, target in self.edges[s]
            if cls == symbol or (cls == "segchar" and symbol not in "/:")
        )


def equivalent(a: str, b: str) -> bool:
    """True when templates `a` and `b` accept exactly the same URLs (subset construction on both NFAs)."""
    left, right = _Nfa(a), _Nfa(b)
    literals = {t for t in tokens(a) + tokens(b) if len(t) == 1}
    alphabet = sorted(literals | {"/", ":", _Nfa.OTHER})
    start = (frozenset({0}), frozenset({0}))
    seen, pending = {start}, [start]
    while pending:
        ls, rs = pending.pop()
        if (left.accept in ls) != (right.accept in rs):
            return False
        for symbol in alphabet:
            pair = (left.step(ls, symbol), right.step(rs, symbol))
            if pair not in seen:
                seen.add(pair)
                pending.append(pair)
    return True


def template_regex(template: str) -> re.Pattern[str]:
    """The same language as a regex, for matching logged request paths to routes."""
    parts = []
    for token in tokens(template):
        if token == SEGMENT:
            parts.append(r"[^/:]+")
        elif token == NAME:
            parts.append(r"[^/:]+(?:/[^/:]+)*")
        else:
            parts.append(re.escape(token))
    return re.compile("".join(parts))


def sample_urls(doc: str, method_id: str, free_name: str = "projects/100000000001/iap_web/compute/services/s-1"
                ) -> list[str]:
    """Concrete URLs Google's templates for the method produce: each `{x}` filled with `v-N`, each `{+x}`
    with a value matching the parameter's `pattern` (`^projects/[^/]+$` -> `projects/v-N`), or with
    `free_name` where the pattern is `^.*$`."""
    method = methods(doc)[method_id]
    count = iter(range(1, 1000))

    def value(match: re.Match[str]) -> str:
        if not match.group(1):
            return f"v-{next(count)}"
        pattern = method["parameters"][match.group(2)].get("pattern", "^.*$").strip("^$")
        if pattern in (".*", ".+"):
            return free_name
        filled = pattern.replace("[^/]+", "\x00")
        assert re.fullmatch(r"[A-Za-z0-9_/\x00-]+", filled), f"cannot sample {method_id} pattern {pattern}"
        return re.sub("\x00", lambda _m: f"v-{next(count)}", filled)

    return [re.sub(r"\{(\+?)([A-Za-z0-9_.]+)\}", value, t) for t in templates(doc, method_id)]


# -- response schemas --------------------------------------------------------------------------------

_INT64 = re.compile(r"-?(0|[1-9][0-9]*)")
_UINT64 = re.compile(r"0|[1-9][0-9]*")
_DATETIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d)")
_DURATION = re.compile(r"-?\d+(\.\d{1,9})?s")
_RANGES = {"int32": (-(2**31), 2**31 - 1), "uint32": (0, 2**32 - 1)}
_INT64_RANGES = {"int64": (-(2**63), 2**63 - 1), "uint64": (0, 2**64 - 1)}


@dataclass(frozen=True)
class Checker:
    """Validates JSON values against one discovery document's schemas.

    `int_enums`: the answer was asked for with `$alt=json;enum-encoding=int`, so enums are JSON integers.
    """

    doc: str
    int_enums: bool = False

    @property
    def schemas(self) -> dict[str, Any]:
        return load(self.doc)["schemas"]

    def problems(self, schema: str | dict[str, Any], value: Any, where: str = "$") -> list[str]:
        spec = {"$ref": schema} if isinstance(schema, str) else schema
        out: list[str] = []
        self._check(spec, value, where, out)
        return out

    def _check(self, spec: dict[str, Any], value: Any, where: str, out: list[str]) -> None:
        if "$ref" in spec:
            ref = spec["$ref"]
            if ref not in self.schemas:
                out.append(f"{where}: schema {ref} is not in {self.doc}")
                return
            spec = self.schemas[ref]
        kind = spec.get("type")
        if kind == "any":
            self._any(value, where, out)
        elif kind == "object" or "properties" in spec or "additionalProperties" in spec:
            self._object(spec, value, where, out)
        elif kind == "array":
            if not isinstance(value, list):
                out.append(f"{where}: expected an array, got {type(value).__name__}")
                return
            for i, item in enumerate(value):
                self._check(spec.get("items", {}), item, f"{where}[{i}]", out)
        elif kind == "string":
            self._string(spec, value, where, out)
        elif kind == "integer":
            if isinstance(value, bool) or not isinstance(value, int):
                out.append(f"{where}: expected a JSON integer ({spec.get('format')}), got {value!r}")
                return
            low, high = _RANGES.get(spec.get("format", ""), (value, value))
            if not low <= value <= high:
                out.append(f"{where}: {value} is out of range for {spec['format']}")
        elif kind == "number":
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
            if not ok and value not in ("NaN", "Infinity", "-Infinity"):
                out.append(f"{where}: expected a JSON number, got {value!r}")
        elif kind == "boolean":
            if not isinstance(value, bool):
                out.append(f"{where}: expected a boolean, got {value!r}")
        else:
            out.append(f"{where}: schema without a type: {spec}")

    def _object(self, spec: dict[str, Any], value: Any, where: str, out: list[str]) -> None:
        if not isinstance(value, dict):
            out.append(f"{where}: expected an object, got {type(value).__name__}")
            return
        properties = spec.get("properties")
        extra = spec.get("additionalProperties")
        if spec.get("format") == "google.protobuf.Any" or (
            extra and extra.get("type") == "any" and not properties and "@type" in value
        ):
            self._any(value, where, out)
            return
        for key, item in value.items():
            if properties and key in properties:
                self._check(properties[key], item, f"{where}.{key}", out)
                # Compute's `kind` is fixed per schema (its discovery `default`, e.g. compute#operation).
                fixed = properties[key].get("default") if key == "kind" else None
                if fixed is not None and item != fixed:
                    out.append(f"{where}.kind: {item!r}, Google's is {fixed!r}")
            elif extra is not None:
                self._check(extra, item, f"{where}[{key!r}]", out)
            else:
                out.append(f"{where}: unknown field {key!r}")

    def _string(self, spec: dict[str, Any], value: Any, where: str, out: list[str]) -> None:
        enum = spec.get("enum")
        if enum and self.int_enums:
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                out.append(f"{where}: enum asked as int, got {value!r}")
            return
        if not isinstance(value, str):
            out.append(f"{where}: expected a string ({spec.get('format', 'string')}), got {value!r}")
            return
        fmt = spec.get("format")
        if enum and value not in enum:
            out.append(f"{where}: {value!r} is not one of {enum}")
        elif fmt in _INT64_RANGES:
            low, high = _INT64_RANGES[fmt]
            pattern = _UINT64 if fmt == "uint64" else _INT64
            if not pattern.fullmatch(value) or not low <= int(value) <= high:
                out.append(f"{where}: {value!r} is not a decimal {fmt}")
        elif fmt == "byte":
            try:
                base64.b64decode(value, validate=True)
            except (binascii.Error, ValueError):
                out.append(f"{where}: {value!r} is not base64 (format byte)")
        elif fmt == "google-datetime" and not _DATETIME.fullmatch(value):
            out.append(f"{where}: {value!r} is not an RFC 3339 timestamp")
        elif fmt == "google-duration" and not _DURATION.fullmatch(value):
            out.append(f"{where}: {value!r} is not a duration like '3.5s'")

    def _any(self, value: Any, where: str, out: list[str]) -> None:
        """A google.protobuf.Any: `@type` names the message; validate its fields when the document
        describes that message (Cloud Run's Service, Service Usage's responses, ...)."""
        if not isinstance(value, dict) or "@type" not in value:
            return  # type "any" without a type URL: a free JSON value (e.g. Struct)
        schema = self.schema_for_type_url(value["@type"])
        if schema is None:
            out.append(f"{where}: {value['@type']!r} is not a message described in {self.doc}")
            return
        self._check({"$ref": schema}, {k: v for k, v in value.items() if k != "@type"}, where, out)

    def schema_for_type_url(self, type_url: str) -> str | None:
        """`type.googleapis.com/google.cloud.run.v2.Service` -> GoogleCloudRunV2Service (or Service)."""
        full = type_url.rpartition("/")[2]
        if full == "google.protobuf.Empty":
            return "Empty" if "Empty" in self.schemas else None
        candidates = ["".join(p[:1].upper() + p[1:] for p in full.split(".")), full.rpartition(".")[2]]
        return next((c for c in candidates if c in self.schemas), None)


def problems(doc: str, schema: str, value: Any, int_enums: bool = False) -> list[str]:
    return Checker(doc, int_enums).problems(schema, value)


# -- error bodies ------------------------------------------------------------------------------------

# google.rpc.Code names (google/rpc/code.proto).
RPC_CODES = {
    "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
    "PERMISSION_DENIED", "UNAUTHENTICATED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED",
    "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
}
# Fields of the google/rpc/error_details.proto messages, as proto3 JSON names.
ERROR_DETAIL_FIELDS = {
    "ErrorInfo": {"reason", "domain", "metadata"},
    "RetryInfo": {"retryDelay"},
    "DebugInfo": {"stackEntries", "detail"},
    "QuotaFailure": {"violations"},
    "PreconditionFailure": {"violations"},
    "BadRequest": {"fieldViolations"},
    "RequestInfo": {"requestId", "servingData"},
    "ResourceInfo": {"resourceType", "resourceName", "owner", "description"},
    "Help": {"links"},
    "LocalizedMessage": {"locale", "message"},
}
FIELD_VIOLATION_FIELDS = {"field", "description", "reason", "localizedMessage"}


def error_problems(body: Any, style: str, status: int) -> list[str]:
    """Compute: {"error": {code, message, errors: [{message, domain, reason}]}};
    AIP (AIP-193): {"error": {code, message, status, details?}} with google.rpc detail messages."""
    out: list[str] = []
    if not isinstance(body, dict) or set(body) != {"error"} or not isinstance(body["error"], dict):
        return [f"not an error body: {body!r}"]
    error = body["error"]
    if error.get("code") != status:
        out.append(f"error.code {error.get('code')!r} is not the HTTP status {status}")
    if not isinstance(error.get("message"), str) or not error.get("message"):
        out.append("error.message missing")
    if style == "compute":
        if set(error) != {"code", "message", "errors"}:
            out.append(f"Compute error keys {sorted(error)} != code, message, errors")
        items = error.get("errors")
        if not isinstance(items, list) or not items:
            out.append("Compute error without errors[]")
        else:
            for i, item in enumerate(items):
                if not isinstance(item, dict) or set(item) != {"message", "domain", "reason"}:
                    out.append(f"errors[{i}] {item!r} is not {{message, domain, reason}}")
                elif not all(isinstance(v, str) and v for v in item.values()):
                    out.append(f"errors[{i}] has an empty or non-string value: {item!r}")
        return out
    if not set(error) <= {"code", "message", "status", "details"} or "status" not in error:
        out.append(f"AIP error keys {sorted(error)} are not code, message, status[, details]")
    if error.get("status") not in RPC_CODES:
        out.append(f"status {error.get('status')!r} is not a google.rpc.Code name")
    for i, detail in enumerate(error.get("details", [])):
        out.extend(f"details[{i}]: {p}" for p in _detail_problems(detail))
    return out


def _detail_problems(detail: Any) -> list[str]:
    if not isinstance(detail, dict) or not isinstance(detail.get("@type"), str):
        return [f"{detail!r} has no @type"]
    match = re.fullmatch(r"type\.googleapis\.com/google\.rpc\.(\w+)", detail["@type"])
    if not match or match.group(1) not in ERROR_DETAIL_FIELDS:
        return [f"{detail['@type']!r} is not a google.rpc error detail"]
    fields = set(detail) - {"@type"}
    out = [f"unknown field {f!r} in {match.group(1)}" for f in sorted(fields - ERROR_DETAIL_FIELDS[match.group(1)])]
    if match.group(1) == "BadRequest":
        for violation in detail.get("fieldViolations", []):
            out.extend(f"unknown field {f!r} in FieldViolation" for f in set(violation) - FIELD_VIOLATION_FIELDS)
    if match.group(1) == "ErrorInfo":
        metadata = detail.get("metadata", {})
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()):
            out.append(f"ErrorInfo.metadata must map strings to strings: {metadata!r}")
    return out
