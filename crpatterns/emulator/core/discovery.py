"""Google's discovery documents, as shipped in google-api-python-client, read without importing it.

The emulator checks request bodies against these schemas, the same descriptions Google generates its
client libraries from, so "unknown field", "wrong type" and "bad enum value" answers come from Google's
own definition of each resource rather than from a list we maintain.
"""

from __future__ import annotations

import functools
import importlib.util
import json
from pathlib import Path
from typing import Any


def documents_dir() -> Path:
    spec = importlib.util.find_spec("googleapiclient")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            "The emulator needs Google's discovery documents from google-api-python-client; "
            "install it with: pip install google-api-python-client"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "discovery_cache" / "documents"


@functools.cache
def document(name: str) -> dict[str, Any]:
    """`name` is the file stem, e.g. "compute.v1" or "run.v2"."""
    return json.loads((documents_dir() / f"{name}.json").read_text())


@functools.cache
def methods_by_id(name: str) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}

    def walk(resources: dict[str, Any]) -> None:
        for resource in resources.values():
            for method in resource.get("methods", {}).values():
                found[method["id"]] = method
            walk(resource.get("resources", {}))

    walk(document(name).get("resources", {}))
    return found


def method(name: str, method_id: str) -> dict[str, Any]:
    return methods_by_id(name)[method_id]


def request_schema(name: str, method_id: str) -> str | None:
    return method(name, method_id).get("request", {}).get("$ref")


def response_schema(name: str, method_id: str) -> str | None:
    return method(name, method_id).get("response", {}).get("$ref")
