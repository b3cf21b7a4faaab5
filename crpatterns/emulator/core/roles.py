"""Which IAM roles exist and which resource types each can be granted on (docs/google-behaviour.md,
"IAM policies (all APIs)").

Google refuses a binding whose role does not exist, or exists but cannot be granted on the resource the
policy belongs to, with 400 "Role roles/X is not supported for this resource." (wording quoted in
terraform-google-modules/terraform-google-iam#219 for an unknown role on a project,
GoogleCloudPlatform/k8s-config-connector#1072, and hashicorp/terraform-provider-google#9130 for a bucket).
The roles reference gives, per role, the "lowest-level resources where you can grant this role"; a role
can also be granted on every ancestor of those, so a project accepts every role below.

The emulator cannot know all of Google's ~2,000 predefined roles: it knows the ones in ROLES (the roles of
the APIs it emulates and the roles Cloud Run workloads commonly get), and treats any other `roles/...` as
unknown. A real role missing here is a gap in this table, to be added with its source.

Custom roles (`projects/P/roles/X`, `organizations/O/roles/X`): the emulator has no IAM roles API, so a
custom role exists once declared through `POST /_emulator/custom-roles` {"name": ...}. It can be used
only in its own hierarchy: a project's custom role on that project's resources, an organization's on the
resources of projects under it. Otherwise Google's 400 "Role (NAME) does not exist in the resource's
hierarchy." (quoted in GoogleCloudPlatform/pubsec-declarative-toolkit#608). A custom role is accepted on
every resource type (Google applies only its permissions that fit the resource).
"""

from __future__ import annotations

import re

from crpatterns.emulator.core.errors import ApiError, bad_request

# Resource types that hold an IAM policy in the emulator, named as Cloud Asset Inventory names them.
PROJECT = "cloudresourcemanager.googleapis.com/Project"
RUN_SERVICE = "run.googleapis.com/Service"
IAP_WEB = "iap.googleapis.com/Web"  # every `projects/P/iap_web...` resource
SUBNETWORK = "compute.googleapis.com/Subnetwork"
BACKEND_SERVICE = "compute.googleapis.com/BackendService"  # regional and global
BELOW_PROJECT = frozenset({RUN_SERVICE, IAP_WEB, SUBNETWORK, BACKEND_SERVICE})

_POLICY_KEYS = (
    (re.compile(r"^//cloudresourcemanager\.googleapis\.com/projects/[^/]+$"), PROJECT),
    (re.compile(r"^//run\.googleapis\.com/projects/[^/]+/locations/[^/]+/services/[^/]+$"), RUN_SERVICE),
    (re.compile(r"^//iap\.googleapis\.com/projects/[^/]+/iap_web(/.*)?$"), IAP_WEB),
    (re.compile(r"^//compute\.googleapis\.com/projects/[^/]+/regions/[^/]+/subnetworks/[^/]+$"), SUBNETWORK),
    (re.compile(r"^//compute\.googleapis\.com/projects/[^/]+/(regions/[^/]+|global)/backendServices/[^/]+$"),
     BACKEND_SERVICE),
)

_PROJECT_ONLY: frozenset[str] = frozenset()
_RUN = frozenset({RUN_SERVICE})
_IAP = frozenset({IAP_WEB})
_SUBNET = frozenset({SUBNETWORK})

# role -> the resource types below the project where it can also be granted.
ROLES: dict[str, frozenset[str]] = {
    # Basic roles, https://cloud.google.com/iam/docs/roles-overview#basic. Granting them on a Cloud Run
    # service or an IAP resource: UNCONFIRMED (no public refusal found); the emulator accepts them there.
    "roles/owner": BELOW_PROJECT,
    "roles/editor": BELOW_PROJECT,
    "roles/viewer": BELOW_PROJECT,
    "roles/browser": _PROJECT_ONLY,
    # Cloud Run, https://cloud.google.com/iam/docs/roles-permissions/run: admin, developer, invoker and viewer
    # list "Lowest-level resources where you can grant this role: Cloud Run service, Cloud Run job"; the
    # others list none (project).
    "roles/run.admin": _RUN,
    "roles/run.developer": _RUN,
    "roles/run.invoker": _RUN,
    "roles/run.viewer": _RUN,
    "roles/run.servicesInvoker": _PROJECT_ONLY,
    "roles/run.builder": _PROJECT_ONLY,
    "roles/run.jobsExecutor": _PROJECT_ONLY,
    "roles/run.jobsExecutorWithOverrides": _PROJECT_ONLY,
    "roles/run.sourceDeveloper": _PROJECT_ONLY,
    "roles/run.sourceViewer": _PROJECT_ONLY,
    "roles/run.serviceAgent": _PROJECT_ONLY,
    # IAP, https://cloud.google.com/iam/docs/roles-permissions/iap and
    # https://cloud.google.com/iap/docs/managing-access (web resources take the web roles; TCP forwarding's
    # tunnelResourceAccessor belongs on tunnel resources, not on iap_web).
    "roles/iap.admin": _IAP,
    "roles/iap.httpsResourceAccessor": _IAP,
    "roles/iap.settingsAdmin": _IAP,
    "roles/iap.tunnelResourceAccessor": _PROJECT_ONLY,
    # Compute, https://cloud.google.com/iam/docs/roles-permissions/compute; subnetwork policies take Compute
    # roles: Google's own recipe grants roles/compute.securityAdmin on a subnetwork
    # (https://cloud.google.com/sdk/gcloud/reference/compute/networks/subnets/add-iam-policy-binding) and
    # Shared VPC grants roles/compute.networkUser there (https://cloud.google.com/vpc/docs/shared-vpc).
    "roles/compute.admin": _SUBNET,
    "roles/compute.networkAdmin": _SUBNET,
    "roles/compute.networkUser": _SUBNET,
    "roles/compute.networkViewer": _SUBNET,
    "roles/compute.securityAdmin": _SUBNET,
    "roles/compute.viewer": _SUBNET,
    "roles/compute.loadBalancerAdmin": _PROJECT_ONLY,
    # Cross-project service referencing: "an administrator of project B must grant the Compute Load Balancer
    # Services User role (roles/compute.loadBalancerServiceUser)" to project A's load balancer admins, on
    # project B or on the backend service itself
    # (https://cloud.google.com/load-balancing/docs/https/setup-cross-project-backend-service-backend-bucket,
    # "Grant permissions to the Compute Load Balancer Admin to use the backend service"); gcloud's own
    # example grants it on a backend service
    # (https://cloud.google.com/sdk/gcloud/reference/compute/backend-services/add-iam-policy-binding).
    "roles/compute.loadBalancerServiceUser": frozenset({BACKEND_SERVICE}),
    "roles/compute.instanceAdmin.v1": _PROJECT_ONLY,
    "roles/compute.xpnAdmin": _PROJECT_ONLY,
    "roles/compute.serviceAgent": _PROJECT_ONLY,
    # IAM, Resource Manager, Service Usage: https://cloud.google.com/iam/docs/roles-permissions/iam,
    # .../resourcemanager, .../serviceusage.
    "roles/iam.serviceAccountUser": _PROJECT_ONLY,
    "roles/iam.serviceAccountTokenCreator": _PROJECT_ONLY,
    "roles/iam.serviceAccountAdmin": _PROJECT_ONLY,
    "roles/iam.securityAdmin": _PROJECT_ONLY,
    "roles/iam.securityReviewer": _PROJECT_ONLY,
    "roles/iam.roleAdmin": _PROJECT_ONLY,
    "roles/iam.workloadIdentityUser": _PROJECT_ONLY,
    "roles/resourcemanager.projectIamAdmin": _PROJECT_ONLY,
    "roles/serviceusage.serviceUsageAdmin": _PROJECT_ONLY,
    "roles/serviceusage.serviceUsageConsumer": _PROJECT_ONLY,
    "roles/serviceusage.serviceUsageViewer": _PROJECT_ONLY,
    # What Cloud Run workloads commonly get on their project (https://cloud.google.com/run/docs/securing/
    # service-identity), each on its service's roles-permissions page.
    "roles/artifactregistry.reader": _PROJECT_ONLY,
    "roles/artifactregistry.writer": _PROJECT_ONLY,
    "roles/cloudsql.client": _PROJECT_ONLY,
    "roles/cloudtrace.agent": _PROJECT_ONLY,
    "roles/logging.logWriter": _PROJECT_ONLY,
    "roles/logging.viewer": _PROJECT_ONLY,
    "roles/monitoring.metricWriter": _PROJECT_ONLY,
    "roles/monitoring.viewer": _PROJECT_ONLY,
    "roles/pubsub.publisher": _PROJECT_ONLY,
    "roles/pubsub.subscriber": _PROJECT_ONLY,
    "roles/secretmanager.secretAccessor": _PROJECT_ONLY,
    "roles/storage.admin": _PROJECT_ONLY,
    "roles/storage.objectAdmin": _PROJECT_ONLY,
    "roles/storage.objectViewer": _PROJECT_ONLY,
    "roles/vpcaccess.user": _PROJECT_ONLY,
}

CUSTOM_ROLE = re.compile(r"^(?P<parent>(projects|organizations)/[^/]+)/roles/[A-Za-z0-9_.]{3,64}$")


def resource_type(policy_key: str) -> str | None:
    """The type of the resource a world.iam key names; None for a type this module has no table for."""
    for pattern, kind in _POLICY_KEYS:
        if pattern.match(policy_key):
            return kind
    return None


def not_supported(role: str) -> ApiError:
    return bad_request(f"Role {role} is not supported for this resource.", reason="badRequest")


def not_in_hierarchy(role: str) -> ApiError:
    return bad_request(f"Role ({role}) does not exist in the resource's hierarchy.", reason="badRequest")


def check_role(role: str, policy_key: str, hierarchy: tuple[str, ...], custom_roles: set[str]) -> None:
    """Raises Google's 400 unless `role` exists and can be granted on the resource of `policy_key`.

    `hierarchy`: the parents a custom role may belong to (`projects/ID`, `organizations/N`) for that
    resource; `custom_roles`: the custom roles declared so far."""
    if CUSTOM_ROLE.match(role):
        parent = CUSTOM_ROLE.match(role)["parent"]  # type: ignore[index]
        if role not in custom_roles or parent not in hierarchy:
            raise not_in_hierarchy(role)
        return
    grantable_below = ROLES.get(role)
    if grantable_below is None:
        raise not_supported(role)
    kind = resource_type(policy_key)
    if kind is not None and kind != PROJECT and kind not in grantable_below:
        raise not_supported(role)
