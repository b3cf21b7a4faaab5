"""The wording of Cloud Run Admin API v2 errors, in one place.

Sources: docs/google-behaviour.md, "Cloud Run Admin API v2" and "Names and labels"; real replies quoted in
public issues (cited per function). Cloud Run v2 names the offending field as
"Violation in <Request>.<field path>: <description>" in the message, and puts the same path in a
google.rpc.BadRequest field violation (pulumi/pulumi-gcp#3167, googleapis/python-run#84).
"""

from __future__ import annotations

from crpatterns.emulator.core.errors import ApiError

LAUNCH_STAGE_DOC = "https://cloud.google.com/run/docs/troubleshooting#launch-stage-validation"


def violation(request_kind: str, field: str, description: str) -> ApiError:
    """400 INVALID_ARGUMENT naming `field` inside e.g. CreateServiceRequest."""
    where = f"Violation in {request_kind}.{field}"
    return ApiError(
        400,
        f"{where}: {description}",
        status="INVALID_ARGUMENT",
        details=[
            {
                "@type": "type.googleapis.com/google.rpc.BadRequest",
                "fieldViolations": [{"field": where, "description": description}],
            }
        ],
    )


def service_not_found(service: str, region: str, project: str) -> ApiError:
    # Quoted in GoogleCloudPlatform/generative-ai#1795: "Resource 'gemini-live-demo' of kind 'SERVICE' in region
    # 'us-central1' in project '' does not exist."
    return ApiError(
        404, f"Resource '{service}' of kind 'SERVICE' in region '{region}' in project '{project}' does not exist.",
        status="NOT_FOUND",
    )


def revision_not_found(revision: str, region: str, project: str) -> ApiError:
    # UNCONFIRMED for revisions (no public quote): the emulator uses the service's sentence with kind 'REVISION'.
    return ApiError(
        404, f"Resource '{revision}' of kind 'REVISION' in region '{region}' in project '{project}' does not exist.",
        status="NOT_FOUND",
    )


def already_exists(service: str) -> ApiError:
    # 409 ALREADY_EXISTS (https://google.aip.dev/133). Wording UNCONFIRMED: no public report quotes Cloud Run
    # v2's sentence; the emulator answers in the shape of its NOT_FOUND sentence.
    return ApiError(409, f"Resource '{service}' already exists.", status="ALREADY_EXISTS")


def revision_conflict(revision: str) -> ApiError:
    # hashicorp/terraform-provider-google#14569 and googleapis/google-cloud-python#14259 (409, this sentence).
    return ApiError(409, f"Revision named '{revision}' with different configuration already exists.",
                    status="ALREADY_EXISTS")


def stale_etag(name: str) -> ApiError:
    # 409 ABORTED per https://google.aip.dev/154 ("the service must send an ABORTED error response"). Cloud
    # Run's own sentence is UNCONFIRMED; the emulator names the resource and says to read again.
    return ApiError(
        409,
        f"The etag provided does not match the current etag of resource '{name}'. The resource was modified "
        "concurrently: read it again and retry.",
        status="ABORTED",
    )


def launch_stage(feature: str, service: str, needed: str = "BETA") -> ApiError:
    """A preview feature used without declaring its launch stage.

    Wording quoted in google-github-actions/deploy-cloudrun#35 and, for the v2 API in 2025,
    GoogleCloudPlatform/magic-modules#14724 ("Per-service maximum instances"). The status name is
    UNCONFIRMED: v2 jobs answered 400 "Precondition check failed." (terraform-provider-google#14010),
    which is FAILED_PRECONDITION.
    """
    return ApiError(
        400,
        f"The feature '{feature}' is not supported in the declared launch stage on resource {service}. The launch "
        f"stage annotation should be specified at least as {needed}. Please visit {LAUNCH_STAGE_DOC} for in-depth "
        "troubleshooting documentation.",
        status="FAILED_PRECONDITION",
    )


def bad_location(location: str) -> ApiError:
    # run.v2 discovery, services.list `parent`: "Location must be a valid Google Cloud region, and cannot be
    # the "-" wildcard." Wording UNCONFIRMED: the emulator answers 400 INVALID_ARGUMENT restating the rule.
    return ApiError(400, f"Location '{location}' is not a valid Google Cloud region; the '-' wildcard is not "
                         "supported.", status="INVALID_ARGUMENT")


def act_as_denied(account: str) -> ApiError:
    """A revision whose service account does not exist (or may not be used): the whole answer is quoted in
    google/keyword_factory#22 (403 PERMISSION_DENIED, "Permission 'iam.serviceaccounts.actAs' denied on service
    account saffafsafa-compute@developer.gserviceaccount.com (or it may not exist).") and, through gcloud, in
    alphagov/govuk-knowledge-graph-gcp#806 for a user-managed account."""
    return ApiError(403, f"Permission 'iam.serviceaccounts.actAs' denied on service account {account} (or it may "
                         "not exist).", status="PERMISSION_DENIED")
