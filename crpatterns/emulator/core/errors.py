"""One error type for every emulated API, rendered once in the style of the API that raised it.

Google has two error shapes. Compute (an older API) answers
`{"error": {"code", "message", "errors": [{"message", "domain", "reason"}]}}`; the AIP-style APIs
(Cloud Run v2, IAP, Resource Manager, Service Usage) answer
`{"error": {"code", "message", "status", "details": [...]}}`.
Source: docs/google-behaviour.md, "Compute: errors, operations, fingerprints"; https://google.aip.dev/193.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# HTTP code -> canonical gRPC status name (google.rpc.Code), used by AIP-style errors.
STATUS_FOR_HTTP = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ALREADY_EXISTS",
    412: "FAILED_PRECONDITION",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    501: "UNIMPLEMENTED",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}

# HTTP code -> Compute's `reason`, for errors raised without an explicit one.
COMPUTE_REASON_FOR_HTTP = {
    400: "invalid",
    403: "forbidden",
    404: "notFound",
    409: "alreadyExists",
    412: "conditionNotMet",
    429: "rateLimitExceeded",
    500: "backendError",
    503: "backendError",
}


@dataclass
class ApiError(Exception):
    """An error the emulated API returns to its caller.

    `reason` is Compute's reason string; `status` the gRPC status name of AIP-style APIs; `details`
    the AIP `details` list (google.rpc.ErrorInfo, BadRequest, ...).
    """

    code: int
    message: str
    reason: str | None = None
    status: str | None = None
    details: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def compute_body(self) -> dict[str, Any]:
        reason = self.reason or COMPUTE_REASON_FOR_HTTP.get(self.code, "invalid")
        return {
            "error": {
                "code": self.code,
                "message": self.message,
                "errors": [{"message": self.message, "domain": "global", "reason": reason}],
            }
        }

    def aip_body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "code": self.code,
            "message": self.message,
            "status": self.status or STATUS_FOR_HTTP.get(self.code, "UNKNOWN"),
        }
        if self.details:
            body["details"] = self.details
        return {"error": body}

    def render(self, style: str) -> dict[str, Any]:
        return self.compute_body() if style == "compute" else self.aip_body()


# Constructors for the errors every API raises, so the wording lives in one place.


def bad_request(message: str, reason: str = "invalid", field_violation: str | None = None) -> ApiError:
    details = []
    if field_violation is not None:
        details.append(
            {
                "@type": "type.googleapis.com/google.rpc.BadRequest",
                "fieldViolations": [{"field": field_violation, "description": message}],
            }
        )
    return ApiError(400, message, reason=reason, status="INVALID_ARGUMENT", details=details)


def compute_not_found(path: str) -> ApiError:
    return ApiError(404, f"The resource '{path}' was not found", reason="notFound")


def compute_already_exists(path: str) -> ApiError:
    return ApiError(409, f"The resource '{path}' already exists", reason="alreadyExists")


def compute_in_use(snake_type: str, path: str, user: str) -> ApiError:
    return ApiError(
        400,
        f"The {snake_type} resource '{path}' is already being used by '{user}'",
        reason="resourceInUseByAnotherResource",
    )


def stale_fingerprint() -> ApiError:
    """Compute's answer to a stale fingerprint or labelFingerprint: `Error 412: Invalid fingerprint.,
    conditionNotMet` (kubernetes/ingress-gce#396)."""
    return ApiError(412, "Invalid fingerprint.", reason="conditionNotMet", status="FAILED_PRECONDITION")


def iam_etag_conflict() -> ApiError:
    # docs/google-behaviour.md, "IAM policies (all APIs)".
    return ApiError(
        409,
        "There were concurrent policy changes. Please retry the whole read-modify-write with "
        "exponential backoff.",
        reason="aborted",
        status="ABORTED",
    )


def permission_denied_project(project: str, permission: str) -> ApiError:
    # Unknown or inaccessible project: 403, never 404 (docs/google-behaviour.md, "Resource Manager and Service
    # Usage").
    return ApiError(
        403,
        f"Permission '{permission}' denied on resource '//cloudresourcemanager.googleapis.com/projects/"
        f"{project}' (or it may not exist).",
        reason="forbidden",
        status="PERMISSION_DENIED",
        details=[
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "IAM_PERMISSION_DENIED",
                "domain": "iam.googleapis.com",
                "metadata": {"permission": permission},
            }
        ],
    )


def service_disabled(service: str, title: str, project_number: str) -> ApiError:
    # docs/google-behaviour.md, "Resource Manager and Service Usage": 403 SERVICE_DISABLED with the enable link.
    message = (
        f"{title} has not been used in project {project_number} before or it is disabled. Enable it by "
        f"visiting https://console.developers.google.com/apis/api/{service}/overview?project="
        f"{project_number} then retry. If you enabled this API recently, wait a few minutes for the "
        "action to propagate to our systems and retry."
    )
    return ApiError(
        403,
        message,
        reason="accessNotConfigured",
        status="PERMISSION_DENIED",
        details=[
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "SERVICE_DISABLED",
                "domain": "googleapis.com",
                "metadata": {"service": service, "consumer": f"projects/{project_number}"},
            }
        ],
    )
