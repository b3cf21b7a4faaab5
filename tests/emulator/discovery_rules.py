"""Which Compute request fields state a rule in words, and whether docs/google-behaviour.md accounts for each.

Google's discovery document describes each field in prose, and many descriptions state rules ("must",
"cannot", "only", ranges, mutually exclusive fields, required-when, fixed after creation). This script walks
every schema the emulator accepts as a request body (from its own routes) and every schema nested in them,
and lists each (schema, field) whose description has such words, with the sentences that do. The table
"Compute: rules stated in discovery field descriptions" of docs/google-behaviour.md classifies each of them:
enforced, not applicable to what the emulator serves, or left (and why).

    python -m tests.emulator.discovery_rules            # every candidate, its sentences, its status
    python -m tests.emulator.discovery_rules --missing  # candidates the docs table does not account for
    python -m tests.emulator.discovery_rules --totals   # counts per status

tests/emulator/test_compute_discovery_rules.py fails when a candidate is missing from the table (a new
discovery document brought a new rule) or the table names a field that is no candidate.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from crpatterns.emulator.core import discovery

DOC = "compute.v1"
TABLE_HEADING = "### Compute: rules stated in discovery field descriptions"
DOCS_PAGE = Path(__file__).resolve().parents[2] / "docs" / "google-behaviour.md"
# Words that state a rule. "only" also appears in "[Output Only]", which is skipped as a whole field.
RULE_WORDS = re.compile(
    r"\b(must|cannot|can't|can not|only|required|mutually exclusive|between|at most|at least|maximum|"
    r"minimum|inclusive|immutable|after creation|not allowed|exactly one|one of|up to)\b",
    re.IGNORECASE,
)
STATUSES = ("enforced", "n/a", "left")


@dataclass(frozen=True)
class Candidate:
    schema: str
    field: str
    sentences: tuple[str, ...]

    @property
    def key(self) -> str:
        return f"{self.schema}.{self.field}"


@cache
def schemas() -> dict[str, dict]:
    return discovery.document(DOC)["schemas"]


def request_schemas() -> set[str]:
    """The request body schemas of every Compute method the emulator serves."""
    from crpatterns.emulator.server import create_emulator

    names = set()
    for route in create_emulator().routes:
        if route.api.discovery == DOC:
            schema = discovery.request_schema(DOC, route.method_id)
            if schema:
                names.add(schema)
    return names


def nested(root: str, seen: set[str]) -> None:
    """Adds `root` and every object schema reachable from its fields to `seen`."""
    if root in seen:
        return
    seen.add(root)
    for prop in schemas()[root].get("properties", {}).values():
        for ref in (prop.get("$ref"), prop.get("items", {}).get("$ref"),
                    (prop.get("additionalProperties") or {}).get("$ref")):
            if ref and schemas()[ref].get("type") == "object":
                nested(ref, seen)


def output_only(description: str) -> bool:
    return description.lstrip().lower().startswith(("[output only]", "output only"))


def rule_sentences(description: str) -> tuple[str, ...]:
    text = " ".join(description.split())
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z\[(-])|\s+-\s+", text)
    return tuple(part for part in parts if RULE_WORDS.search(part))


def candidates() -> list[Candidate]:
    seen: set[str] = set()
    for root in sorted(request_schemas()):
        nested(root, seen)
    found = []
    for schema in sorted(seen):
        for field, prop in sorted(schemas()[schema].get("properties", {}).items()):
            description = prop.get("description", "")
            if output_only(description):
                continue
            sentences = rule_sentences(description)
            if sentences:
                found.append(Candidate(schema, field, sentences))
    return found


def table_rows(page: Path, heading: str) -> list[tuple[list[str], str, str]]:
    """The coverage table under `heading`: (the field keys a row names, its status, why)."""
    text = page.read_text()
    if heading not in text:
        return []
    rows = []
    for line in text[text.index(heading):].splitlines()[1:]:
        if line.startswith("#"):
            break
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and cells[1] in STATUSES:
            rows.append(([key.strip() for key in cells[0].replace("`", "").split(",")], cells[1], cells[2]))
    return rows


def docs_table(page: Path = DOCS_PAGE) -> dict[str, tuple[str, str]]:
    return {key: (status, why) for keys, status, why in table_rows(page, TABLE_HEADING) for key in keys}


def report(found: list, table: dict[str, tuple[str, str]], argv: list[str]) -> int:
    """Prints each candidate with its status in the table (--totals: the counts; --missing: the gaps)."""
    if "--totals" in argv:
        counts = Counter(table.get(c.key, ("missing", ""))[0] for c in found)
        print(f"{len(found)} candidates: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
        return 0
    for candidate in found:
        status, why = table.get(candidate.key, ("MISSING", ""))
        if "--missing" in argv and status != "MISSING":
            continue
        print(f"{candidate.key}: {status}{' - ' + why if why else ''}")
        for sentence in candidate.sentences:
            print(f"    {sentence}")
    return 0


def main(argv: list[str]) -> int:
    return report(candidates(), docs_table(), argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
