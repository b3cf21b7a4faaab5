"""The CLI's error types; `cli.app.main` maps each to an exit code and one clear sentence on stderr."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Terraform's codes (0 success or no changes, 1 error, 2 changes pending with --detailed-exitcode),
    and bad input on a code of its own: 64, EX_USAGE of BSD's sysexits.h. Bad input never exits 2, so a
    pipeline reading `--dry-run --detailed-exitcode` cannot take a typo for "changes pending"."""

    OK = 0
    ERROR = 1  # a cloud-side refusal, a failed apply, a plan not confirmed, findings in `status`
    CHANGES_PENDING = 2  # with --dry-run --detailed-exitcode: the plan has changes
    USAGE = 64  # bad input: nothing was called that changes anything
    INTERRUPTED = 130  # Ctrl-C (128 + SIGINT), as shells report it


class CrpatternsError(Exception):
    """An error with a message meant for the user, as is."""

    exit_code: int = ExitCode.ERROR


class UsageError(CrpatternsError):
    """Bad input: a flag's value, a missing argument, conflicting flags."""

    exit_code = ExitCode.USAGE


class PlanError(CrpatternsError):
    """The plan cannot be made: a resource in the way, a prerequisite missing in the project."""

    exit_code = ExitCode.ERROR


class ApiCallError(CrpatternsError):
    """A Google API call failed for good: names the resource, the call, and what to do."""

    exit_code = ExitCode.ERROR

    def __init__(self, message: str, status: int | None = None, reason: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.reason = reason
