"""The CLI's error types; `cli.app.main` maps each to an exit code and one clear sentence on stderr."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    ERROR = 1  # a cloud-side refusal, a failed apply, findings in `status`
    USAGE = 2  # bad input: nothing was called that changes anything
    CHANGES_PENDING = 2  # with --detailed-exitcode: the plan has changes


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
