"""What an apply did, for people (lines on stderr) and for programs (part of the JSON document)."""

from __future__ import annotations

from typing import Any

from crpatterns.engine.executor import ApplyResult
from crpatterns.render.vocabulary import PAST


def result_lines(result: ApplyResult) -> list[str]:
    visible = [s for s in result.done if not s.hidden]
    counts: dict[str, int] = {}
    for step in visible:
        counts[PAST[step.action]] = counts.get(PAST[step.action], 0) + 1
    done = ", ".join(f"{n} {word}" for word, n in counts.items()) or "nothing changed"
    if result.ok:
        return [f"Apply complete in {result.seconds:.1f}s: {done}."]
    lines = [f"Apply failed after {result.seconds:.1f}s."]
    for step, message in result.failed:
        lines.append(f"  failed: {step.label}: {message}")
    lines.append(f"  done: {done}.")
    skipped: dict[str, list[str]] = {}
    for step, blocker in result.skipped:
        if not step.hidden:
            skipped.setdefault(blocker.label, []).append(step.label)
    for blocker, labels in skipped.items():
        lines.append(f"  not started (they need {blocker}): {', '.join(labels)}")
    lines.append("Run the same command again to finish: it plans from what exists now.")
    return lines


def result_json(result: ApplyResult) -> dict[str, Any]:
    return {
        "ok": result.ok,
        "seconds": round(result.seconds, 3),
        "done": [{"kind": s.kind, "name": s.name, "action": s.action.value} for s in result.done if not s.hidden],
        "failed": [{"kind": s.kind, "name": s.name, "error": m} for s, m in result.failed],
        "notStarted": [{"kind": s.kind, "name": s.name, "waitedFor": {"kind": b.kind, "name": b.name}}
                       for s, b in result.skipped if not s.hidden],
    }
