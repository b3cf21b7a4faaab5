"""Google-managed service agents: which exist once an API is enabled, and which only when generated.

docs/google-behaviour.md, "IAP v1": the IAP agent `service-PN@gcp-sa-iap.iam.gserviceaccount.com` is NOT created
when the API is enabled, only by generateServiceIdentity. "Cloud Run: Direct VPC egress and Shared VPC": the
Cloud Run agent
`service-PN@serverless-robot-prod.iam.gserviceaccount.com` exists with the API (Google creates it when
run.googleapis.com is enabled), as does Compute's `service-PN@compute-system.iam.gserviceaccount.com`.
"""

from __future__ import annotations

import hashlib

from crpatterns.emulator.core.world import Project, World

# Service -> the agent's domain label, for agents Google creates when the service is enabled.
CREATED_ON_ENABLE = {
    "run.googleapis.com": "serverless-robot-prod",
    "compute.googleapis.com": "compute-system",
}
COMPUTE = "compute.googleapis.com"
# Agents with a domain that does not follow gcp-sa-<service prefix>.
SPECIAL_DOMAINS = {**CREATED_ON_ENABLE, "iap.googleapis.com": "gcp-sa-iap"}


def agent_email(project: Project, service: str) -> str:
    domain = SPECIAL_DOMAINS.get(service) or f"gcp-sa-{service.split('.', 1)[0]}"
    return f"service-{project.number}@{domain}.iam.gserviceaccount.com"


def unique_id(email: str) -> str:
    """A stable 21-digit numeric id, the shape of a service account's uniqueId."""
    return str(int(hashlib.sha256(email.encode()).hexdigest(), 16))[:21].rjust(21, "1")


def on_enabled(world: World, project: Project, service: str) -> None:
    """Creates the agent Google creates together with the API, if any, and Compute's default service account
    ("Google creates the Compute Engine default service account ... when you enable the Compute Engine API",
    https://cloud.google.com/compute/docs/access/service-accounts#default_service_account)."""
    if service in CREATED_ON_ENABLE:
        world.service_agents.add(agent_email(project, service))
    if service == COMPUTE:
        world.service_accounts.add(f"{project.number}-compute@developer.gserviceaccount.com")


def generate(world: World, project: Project, service: str) -> dict[str, str]:
    """generateServiceIdentity: the agent now exists; returns the ServiceIdentity."""
    email = agent_email(project, service)
    world.service_agents.add(email)
    return {"email": email, "uniqueId": unique_id(email)}
