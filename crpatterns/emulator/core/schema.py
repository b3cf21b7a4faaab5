"""Request bodies checked the way Google's JSON front end checks them, against a discovery schema.

Google parses REST bodies into protocol buffers (proto3 JSON mapping), so it refuses unknown fields,
values of the wrong type and unknown enum names, and accepts enums either as names or as numbers.
Its messages name the field by its proto (snake_case) path from the request field, e.g.
`Invalid JSON payload received. Unknown name "foo" at 'service.template': Cannot find field.` and
`Invalid value at 'service.ingress' (type.googleapis.com/google.cloud.run.v2.IngressTraffic), "FOO"`
(wording as quoted in public issues against the Terraform provider and gcloud).
Output-only fields are accepted and ignored, as Google does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from crpatterns.emulator.core.errors import ApiError

# For an enum property: its value names -> {number: name}; None when the numbering is unknown.
EnumNumbers = Callable[[tuple[str, ...]], dict[int, str] | None]

_INT_FORMATS = {"int32": "TYPE_INT32", "uint32": "TYPE_UINT32", "int64": "TYPE_INT64", "uint64": "TYPE_UINT64"}


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower().replace("i_p_", "ip_")


class _Violations:
    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []

    def add(self, field: str, description: str) -> None:
        self.items.append((field, description))


class BodyChecker:
    """Validates and normalises bodies for one discovery document."""

    def __init__(self, doc: dict[str, Any], enum_numbers: EnumNumbers | None = None) -> None:
        self.schemas: dict[str, Any] = doc.get("schemas", {})
        self.enum_numbers = enum_numbers

    # -- requests -----------------------------------------------------------------------------

    def check(self, schema_name: str, body: Any, root: str) -> dict[str, Any]:
        """Returns the body with enum numbers turned into names; raises ApiError 400 on violations."""
        found = _Violations()
        if not isinstance(body, dict):
            raise _invalid_payload(root, "Invalid JSON payload received. Expected an object.", root)
        result = self._object(self.schemas[schema_name], body, root, found)
        if found.items:
            _, description = found.items[0]
            details = [
                {
                    "@type": "type.googleapis.com/google.rpc.BadRequest",
                    "fieldViolations": [{"field": f, "description": d} for f, d in found.items],
                }
            ]
            raise ApiError(400, description, reason="invalid", status="INVALID_ARGUMENT", details=details)
        return result

    def _object(self, schema: dict[str, Any], value: dict[str, Any], path: str, found: _Violations) -> dict:
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        out: dict[str, Any] = {}
        for key, item in value.items():
            if key in props:
                prop = props[key]
                field_path = f"{path}.{snake(key)}"
            elif extra is not None:
                prop = extra
                field_path = f"{path}[{key}]"
            else:
                found.add(
                    path,
                    f"Invalid JSON payload received. Unknown name \"{key}\" at '{path}': Cannot find field.",
                )
                continue
            out[key] = self._value(prop, item, field_path, found)
        return out

    def _value(self, prop: dict[str, Any], value: Any, path: str, found: _Violations) -> Any:
        if value is None:
            return None
        if "$ref" in prop:
            target = self.schemas[prop["$ref"]]
            if target.get("type") == "object":
                if not isinstance(value, dict):
                    found.add(path, f"Invalid value at '{path}' ({prop['$ref']}), {_show(value)}")
                    return value
                return self._object(target, value, path, found)
            return self._value(target, value, path, found)
        kind = prop.get("type")
        if kind == "array":
            if not isinstance(value, list):
                found.add(path, f"Invalid value at '{path}' (repeated), {_show(value)}")
                return value
            return [self._value(prop["items"], v, f"{path}[{i}]", found) for i, v in enumerate(value)]
        if kind == "object":
            if not isinstance(value, dict):
                found.add(path, f"Invalid value at '{path}' (object), {_show(value)}")
                return value
            if "properties" in prop or "additionalProperties" in prop:
                return self._object(prop, value, path, found)
            return value
        if kind == "string" and "enum" in prop:
            return self._enum(prop, value, path, found)
        if kind == "string":
            fmt = prop.get("format")
            if fmt in _INT_FORMATS:
                if isinstance(value, bool) or not isinstance(value, int | str) or not _is_integer(value):
                    found.add(path, f"Invalid value at '{path}' ({_INT_FORMATS[fmt]}), {_show(value)}")
                return str(value) if isinstance(value, int) else value
            if not isinstance(value, str):
                found.add(path, f"Invalid value at '{path}' (TYPE_STRING), {_show(value)}")
            return value
        if kind == "integer":
            fmt = _INT_FORMATS.get(prop.get("format", "int32"), "TYPE_INT32")
            if isinstance(value, bool) or not _is_integer(value):
                found.add(path, f"Invalid value at '{path}' ({fmt}), {_show(value)}")
                return value
            return int(value)
        if kind == "number":
            if isinstance(value, bool) or not isinstance(value, int | float):
                found.add(path, f"Invalid value at '{path}' (TYPE_DOUBLE), {_show(value)}")
            return value
        if kind == "boolean":
            if not isinstance(value, bool):
                found.add(path, f"Invalid value at '{path}' (TYPE_BOOL), {_show(value)}")
            return value
        return value  # "any": google.protobuf.Value and friends

    def _enum(self, prop: dict[str, Any], value: Any, path: str, found: _Violations) -> Any:
        names = tuple(prop["enum"])
        if isinstance(value, str) and value in names:
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            numbers = self._numbers(names)
            if value in numbers:
                return numbers[value]
        found.add(path, f"Invalid value at '{path}' (enum), {_show(value)}")
        return value

    def _numbers(self, names: tuple[str, ...]) -> dict[int, str]:
        numbers = self.enum_numbers(names) if self.enum_numbers else None
        # Without a proto definition, assume the discovery order is the proto numbering. UNCONFIRMED in
        # general (google.api.LaunchStage is not numbered in order), which is why run and iap supply the
        # numbering from the protos shipped in Google's client libraries.
        return numbers if numbers is not None else dict(enumerate(names))

    # -- responses ----------------------------------------------------------------------------

    def encode_enums(self, schema_name: str, body: Any) -> Any:
        """Turns enum names into numbers, for callers that asked `$alt=json;enum-encoding=int`."""
        return self._encode(self.schemas[schema_name], body)

    def _encode(self, prop: dict[str, Any], value: Any) -> Any:
        if value is None:
            return None
        if "$ref" in prop:
            return self._encode(self.schemas[prop["$ref"]], value)
        kind = prop.get("type")
        if kind == "array" and isinstance(value, list):
            return [self._encode(prop["items"], v) for v in value]
        if kind == "object" and isinstance(value, dict):
            props = prop.get("properties", {})
            extra = prop.get("additionalProperties")
            out = {}
            for key, item in value.items():
                sub = props.get(key, extra)
                out[key] = self._encode(sub, item) if sub is not None else item
            return out
        if kind == "string" and "enum" in prop and isinstance(value, str):
            by_name = {name: number for number, name in self._numbers(tuple(prop["enum"])).items()}
            return by_name.get(value, value)
        return value


def _is_integer(value: Any) -> bool:
    if isinstance(value, int):
        return True
    if isinstance(value, float):
        return value.is_integer()
    if isinstance(value, str):
        return re.fullmatch(r"-?\d+", value) is not None
    return False


def _show(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return type(value).__name__
    return str(value)


def _invalid_payload(field: str, message: str, root: str) -> ApiError:
    return ApiError(
        400,
        message,
        reason="invalid",
        status="INVALID_ARGUMENT",
        details=[
            {
                "@type": "type.googleapis.com/google.rpc.BadRequest",
                "fieldViolations": [{"field": field, "description": message}],
            }
        ],
    )
