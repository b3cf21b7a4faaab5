"""What the patterns share: service agent emails and the standard roles."""

from __future__ import annotations

from typing import Any

INVOKER_ROLE = "roles/run.invoker"
IAP_ACCESSOR_ROLE = "roles/iap.httpsResourceAccessor"
NETWORK_USER_ROLE = "roles/compute.networkUser"
NETWORK_VIEWER_ROLE = "roles/compute.networkViewer"
# Never granted by crpatterns, and removed from the invoker role of a service that must stay private.
PUBLIC_MEMBERS = ("allUsers", "allAuthenticatedUsers")


def iap_agent(project_number: str) -> str:
    """IAP's service agent: not created when the API is enabled (docs/google-behaviour.md, "IAP v1")."""
    return f"service-{project_number}@gcp-sa-iap.iam.gserviceaccount.com"


def run_agent(project_number: str) -> str:
    """Cloud Run's service agent, which attaches revisions to a (Shared) VPC subnet."""
    return f"service-{project_number}@serverless-robot-prod.iam.gserviceaccount.com"


def annotation(resource: dict[str, Any] | None, key: str) -> str:
    """One annotation of a resource (a Cloud Run service's record of what the tool did), or ""."""
    return str(((resource or {}).get("annotations") or {}).get(key) or "")
