"""Turning a failed Google API call into one sentence: which resource, which call, what to do."""

from __future__ import annotations

import re

from crpatterns.errors import ApiCallError

# Compute's 403 for a permission the caller lacks on another project's resource (docs/google-behaviour.md,
# "Compute: cross-project references"), with the least role that holds it and who grants it.
_MISSING = re.compile(r"Required '(?P<permission>compute\.[A-Za-z]+\.[A-Za-z]+)' permission for "
                      r"'(?P<resource>projects/(?P<project>[^/']+)/[^']+)'")
PERMISSION_ROLES = {
    "compute.backendServices.use": ("roles/compute.loadBalancerServiceUser", "crpatterns grants it to the members "
                                    "of --frontend-admin"),
    "compute.subnetworks.use": ("roles/compute.networkUser", "a Shared VPC Admin shares a subnet that way"),
}


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
    missing = _MISSING.search(message)
    if code == 403 and missing and missing["permission"] in PERMISSION_ROLES:
        role, how = PERMISSION_ROLES[missing["permission"]]
        text = (f"{call} of {resource} failed ({status}): the caller lacks {missing['permission']} on "
                f"{missing['resource']}, which {role} holds: an admin of project {missing['project']} must grant "
                f"the caller {role} on it or on the project ({how}).")
        return ApiCallError(text, status=403)
    text = f"{call} of {resource} failed ({status}): {message}. {_hint(int(code) if code else None, str(error))}"
    return ApiCallError(text, status=int(code) if code else None)
