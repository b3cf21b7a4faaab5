"""The plan's words in one place: symbol, colour and past tense of each action (Terraform's plan symbols)."""

from __future__ import annotations

from crpatterns.engine.model import SENSITIVE_TEXT, Action

SYMBOL = {
    Action.CREATE: "+",
    Action.UPDATE: "~",
    Action.REPLACE: "-/+",
    Action.DELETE: "-",
    Action.NOOP: " ",
}
PAST = {
    Action.CREATE: "created",
    Action.UPDATE: "updated",
    Action.REPLACE: "replaced",
    Action.DELETE: "deleted",
    Action.NOOP: "unchanged",
}
DOING = {
    Action.CREATE: "creating",
    Action.UPDATE: "updating",
    Action.REPLACE: "replacing",
    Action.DELETE: "deleting",
    Action.NOOP: "checking",
}
SENSITIVE = SENSITIVE_TEXT
NO_CHANGES = "No changes. The infrastructure matches the configuration."


def summary_line(counts: dict[str, int]) -> str:
    return (
        f"Plan: {counts['create']} to add, {counts['update']} to change, "
        f"{counts['replace']} to replace, {counts['delete']} to destroy."
    )
