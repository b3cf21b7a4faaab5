"""Turning a failed Google API call into one sentence: which resource, which call, what to do."""

from __future__ import annotations

import re

from crpatterns.errors import ApiCallError


def _hint(code: int | None, message: str) -> str:
    if "SERVICE_DISABLED" in message or "has not been used in project" in message:
        return "Enable the API (gcloud services enable ...), or rerun with --enable-apis."
    if code == 403:
        return "Check that the project exists and that you hold the roles this change needs."
    if code == 404:
        return "Check the name, region and project."
    if code == 409:
        return "Something else changed it at the same time; run the command again."
    if code == 412:
        return "It changed since it was read; run the command again."
    if code == 429 or (code or 0) >= 500:
        return "Google is busy or throttling; wait a minute and run the command again."
    if code is None:
        return "Check your network connection and run the command again."
    return "Fix the cause above and run the command again."


def describe(error: BaseException, resource: str, call: str) -> ApiCallError:
    """`resource` like "compute.regionBackendServices my-api-backend", `call` like "insert"."""
    from google.api_core import exceptions as gexc

    from crpatterns.gcp.reachability import EndpointUnreachable

    if isinstance(error, EndpointUnreachable):
        return error  # says all there is: no resource or call is at fault

    code = getattr(error, "code", None) if isinstance(error, gexc.GoogleAPICallError) else None
    if isinstance(error, gexc.GoogleAPICallError):
        message = error.message or str(error)
    else:
        message = str(error) or type(error).__name__
    message = re.sub(r"\s+", " ", message).strip().rstrip(".")
    # REST errors start with "METHOD URL: "; the sentence names the resource and call instead.
    message = re.sub(r"^(GET|POST|PUT|PATCH|DELETE) \S+: ", "", message)
    status = f"HTTP {int(code)}" if code else "no answer"
    text = f"{call} of {resource} failed ({status}): {message}. {_hint(int(code) if code else None, str(error))}"
    return ApiCallError(text, status=int(code) if code else None)
