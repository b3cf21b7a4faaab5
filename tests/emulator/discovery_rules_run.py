"""Which request fields of Cloud Run v2, IAP v1, Resource Manager v1/v3 and Service Usage v1/v1beta1 state a
rule in words, and whether docs/google-behaviour.md accounts for each.

Google's discovery documents describe each field in prose, and many descriptions state rules ("must",
"cannot", "only", ranges, mutually exclusive fields, required). This script walks every schema these APIs'
emulated methods accept as a request body (from the emulator's own routes) and every schema nested in them,
and lists each (document, schema, field) whose description has such words, with the sentences that do. The
table under TABLE_HEADING in docs/google-behaviour.md classifies each: enforced (and where), n/a (the
sentence states no rule a request can break, or concerns what the emulator does not serve) or left (why).

    python -m tests.emulator.discovery_rules_run            # every candidate, its sentences, its status
    python -m tests.emulator.discovery_rules_run --missing  # candidates the docs table does not account for
    python -m tests.emulator.discovery_rules_run --totals   # counts per status

tests/emulator/test_run_discovery_rules.py fails when a candidate is missing from the table (a new
discovery document brought a new rule) or the table names a field that is no candidate.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from crpatterns.emulator.core import discovery
from tests.emulator.discovery_rules import report, table_rows

DOCS = ("run.v2", "iap.v1", "cloudresourcemanager.v1", "cloudresourcemanager.v3", "serviceusage.v1",
        "serviceusage.v1beta1")
TABLE_HEADING = "### Cloud Run, IAP, IAM, Resource Manager, Service Usage: rules stated in discovery field descriptions"
DOCS_PAGE = Path(__file__).resolve().parents[2] / "docs" / "google-behaviour.md"
RULE_WORDS = re.compile(
    r"\b(must|cannot|can't|can not|only|required|mutually exclusive|between|at most|at least|maximum|"
    r"minimum|inclusive|immutable|not allowed|exactly one|one of|up to|range|limit|rejected|not supported|"
    r"valid values|format|DNS_LABEL|RFC 1035|RFC 1123|characters|defaults? to)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Candidate:
    doc: str
    schema: str
    field: str
    sentences: tuple[str, ...]

    @property
    def key(self) -> str:
        return f"{self.doc} {self.schema}.{self.field}"


@cache
def schemas(doc: str) -> dict[str, dict]:
    return discovery.document(doc)["schemas"]


@cache
def request_schemas() -> dict[str, frozenset[str]]:
    """Per discovery document, the request body schemas of the methods the emulator serves."""
    from crpatterns.emulator.server import create_emulator

    found: dict[str, set[str]] = {doc: set() for doc in DOCS}
    for route in create_emulator().routes:
        if route.api.discovery in found:
            schema = discovery.request_schema(route.api.discovery, route.method_id)
            if schema:
                found[route.api.discovery].add(schema)
    return {doc: frozenset(names) for doc, names in found.items()}


def nested(doc: str, root: str, seen: set[str]) -> None:
    """Adds `root` and every object schema reachable from its fields to `seen`."""
    if root in seen:
        return
    seen.add(root)
    for prop in schemas(doc)[root].get("properties", {}).values():
        for ref in (prop.get("$ref"), prop.get("items", {}).get("$ref"),
                    (prop.get("additionalProperties") or {}).get("$ref")):
            if ref and schemas(doc)[ref].get("type") == "object":
                nested(doc, ref, seen)


def output_only(description: str) -> bool:
    return description.lstrip().lower().startswith(("[output only]", "output only"))


def rule_sentences(description: str) -> tuple[str, ...]:
    text = " ".join(description.split())
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z\[(`*-])|\s+\*\s+", text)
    return tuple(part for part in parts if RULE_WORDS.search(part))


def candidates() -> list[Candidate]:
    found = []
    for doc in DOCS:
        seen: set[str] = set()
        for root in sorted(request_schemas()[doc]):
            nested(doc, root, seen)
        for schema in sorted(seen):
            for field, prop in sorted(schemas(doc)[schema].get("properties", {}).items()):
                description = prop.get("description", "")
                if output_only(description):
                    continue
                sentences = rule_sentences(description)
                if sentences:
                    found.append(Candidate(doc, schema, field, sentences))
    return found


def docs_table(page: Path = DOCS_PAGE) -> dict[str, tuple[str, str]]:
    """`doc Schema.field` -> (status, why) from rows `| doc Schema.field[, ...] | status | why |`; a row may
    name several fields, and `DOC1/DOC2 Schema.field` names the field in each document."""
    rows: dict[str, tuple[str, str]] = {}
    for keys, status, why in table_rows(page, TABLE_HEADING):
        for key in keys:
            docs, _, field = key.partition(" ")
            for doc in docs.split("/"):
                rows[f"{doc} {field}"] = (status, why)
    return rows


def main(argv: list[str]) -> int:
    return report(candidates(), docs_table(), argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
