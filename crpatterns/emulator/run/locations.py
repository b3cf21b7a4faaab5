"""The regions Cloud Run serves, and the answer for a location it does not.

Source: https://cloud.google.com/run/docs/locations (Tier 1 and Tier 2 regions). The discovery document
(services.list `parent`) says "Location must be a valid Google Cloud region, and cannot be the "-"
wildcard."

An unknown region: UNCONFIRMED for Cloud Run v2. Cloud Functions (2nd gen runs on Cloud Run) answers
403 "Permission denied on 'locations/europe-west4' (or it may not exist)." (Liscor/terraform_cloud_run_sgtm#9,
a region Cloud Functions 1st gen lacks), the wording Google's front end uses for a location the caller
cannot see; the emulator answers that for every location-scoped Cloud Run call (services, revisions,
operations, IAM).
"""

from __future__ import annotations

from crpatterns.emulator.core.errors import ApiError

RUN_REGIONS = frozenset({
    "africa-south1", "asia-east1", "asia-east2", "asia-northeast1", "asia-northeast2", "asia-northeast3",
    "asia-south1", "asia-south2", "asia-southeast1", "asia-southeast2", "australia-southeast1",
    "australia-southeast2", "europe-central2", "europe-north1", "europe-north2", "europe-southwest1",
    "europe-west1", "europe-west2", "europe-west3", "europe-west4", "europe-west6", "europe-west8", "europe-west9",
    "europe-west10", "europe-west12", "me-central1", "me-central2", "me-west1", "northamerica-northeast1",
    "northamerica-northeast2", "northamerica-south1", "southamerica-east1", "southamerica-west1", "us-central1",
    "us-east1", "us-east4", "us-east5", "us-south1", "us-west1", "us-west2", "us-west3", "us-west4",
})


def location_denied(location: str, permission: str) -> ApiError:
    return ApiError(
        403,
        f"Permission denied on 'locations/{location}' (or it may not exist).",
        status="PERMISSION_DENIED",
        details=[
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "IAM_PERMISSION_DENIED",
                "domain": "iam.googleapis.com",
                "metadata": {"permission": permission, "resource": f"locations/{location}"},
            }
        ],
    )


def check_location(location: str, permission: str) -> None:
    if location not in RUN_REGIONS:
        raise location_denied(location, permission)
