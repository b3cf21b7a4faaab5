"""Google's checks on a Cloud Run v2 Service body, as pure functions raising ApiError.

Sources: docs/google-behaviour.md, "Cloud Run Admin API v2" and "Names and labels"; the run.v2 discovery
document's field descriptions (quoted where used); real error text from public issues (cited).
`kind` is the request message Google names in its violations: CreateServiceRequest or
UpdateServiceRequest; `root` the path of the Service inside it ("service").
"""

from __future__ import annotations

import re
from typing import Any

from crpatterns.emulator.core import discovery, required
from crpatterns.emulator.core.errors import ApiError
from crpatterns.emulator.run import containers as container_rules
from crpatterns.emulator.run.errors import launch_stage, violation

# pulumi/pulumi-gcp#3167 quotes Google's answer for a bad id, "Violation in CreateServiceRequest.service_id:".
SERVICE_ID = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
SERVICE_ID_RULE = ("only lowercase, digits, and hyphens; must begin with letter, and cannot end with hyphen; "
                   "must be less than 50 characters.")
# Discovery, Service.labels / annotations: "Cloud Run API v2 does not support labels with `run.googleapis.com`,
# `cloud.googleapis.com`, `serving.knative.dev`, or `autoscaling.knative.dev` namespaces, and they will be
# rejected." No exception for annotations could be confirmed, so none is made.
REFUSED_NAMESPACES = ("run.googleapis.com", "cloud.googleapis.com", "serving.knative.dev", "autoscaling.knative.dev")
LABEL_KEY = re.compile(r"^[a-z][a-z0-9_-]{0,62}$")
LABEL_VALUE = re.compile(r"^[a-z0-9_-]{0,63}$")
# Kubernetes annotation keys (discovery: "This field follows Kubernetes annotations' namespacing, limits, and
# rules"): optional DNS-subdomain prefix and "/", then a name of at most 63 characters.
ANNOTATION_NAME = re.compile(r"^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$")
ANNOTATION_PREFIX = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
# Maturity order of google.api.LaunchStage values Cloud Run accepts; a feature needing BETA is allowed when
# the declared stage is BETA or less mature.
MATURITY = ("PRELAUNCH", "EARLY_ACCESS", "ALPHA", "BETA", "GA")
MAX_DESCRIPTION = 512  # discovery, Service.description: "currently has a 512-character limit"
# Limits from https://cloud.google.com/run/docs/configuring/request-timeout and .../about-concurrency; the
# violation wording is UNCONFIRMED (not publicly quoted): the emulator states the bound.
MAX_TIMEOUT_SECONDS = 3600
REQUIRED_CHECKED_ELSEWHERE = frozenset({"GoogleCloudRunV2VolumeMount.mountPath"})
MAX_CONCURRENCY = 1000


def check_service_id(service_id: str | None, kind: str, field: str = "service_id") -> str:
    if not service_id or len(service_id) >= 50 or not SERVICE_ID.match(service_id):
        raise violation(kind, field, SERVICE_ID_RULE)
    return service_id


def maturity(stage: str | None) -> int:
    return MATURITY.index(stage) if stage in MATURITY else MATURITY.index("GA")


def preview_features(service: dict[str, Any]) -> list[tuple[str, str]]:
    """(feature, stage needed) for each preview feature the service uses.

    - iapEnabled: direct IAP needed launchStage BETA in 2025 (docs/google-behaviour.md, "Cloud Run Admin API v2";
      GoogleCloudPlatform/magic-modules#13575: "The feature is launch stage protected"). Feature name in the
      message UNCONFIRMED: the emulator calls it 'IAP'.
    - scaling.maxInstanceCount at service level: "The feature 'Per-service maximum instances' is not supported
      in the declared launch stage" (GoogleCloudPlatform/magic-modules#14724, August 2025).
    Direct VPC egress has been GA since 2024, so it needs no launch stage.
    """
    features = []
    if service.get("iapEnabled"):
        features.append(("IAP", "BETA"))
    if (service.get("scaling") or {}).get("maxInstanceCount"):
        features.append(("Per-service maximum instances", "BETA"))
    return features


def output_launch_stage(service: dict[str, Any]) -> str:
    """Discovery, Service.launchStage: "if ALPHA is provided as input, but only BETA and GA-level features are
    used, this field will be BETA on output." So: the least mature stage any used feature needs, else GA."""
    stages = [stage for _, stage in preview_features(service)]
    return min(stages, key=maturity) if stages else "GA"


def check_launch_stage(service: dict[str, Any], service_id: str) -> None:
    declared = service.get("launchStage") or "GA"
    if declared == "LAUNCH_STAGE_UNSPECIFIED":
        declared = "GA"
    for feature, needed in preview_features(service):
        if maturity(declared) > maturity(needed):
            raise launch_stage(feature, service_id, needed)


def check_labels(labels: Any, kind: str, field: str) -> None:
    # Label rules: docs/google-behaviour.md, "Names and labels". Descriptions UNCONFIRMED: the emulator states
    # the rule that was broken.
    labels = labels or {}
    if len(labels) > 64:
        raise violation(kind, field, "a resource can have at most 64 labels.")
    for key, value in labels.items():
        namespace = _refused_namespace(key)
        if namespace:
            raise violation(kind, f"{field}[{key}]",
                            f"Cloud Run API v2 does not support labels in the '{namespace}' namespace.")
        if not LABEL_KEY.match(key):
            raise violation(kind, f"{field}[{key}]", "label keys must be 1-63 characters, start with a lowercase "
                            "letter, and contain only lowercase letters, digits, underscores and dashes.")
        if not isinstance(value, str) or not LABEL_VALUE.match(value):
            raise violation(kind, f"{field}[{key}]", "label values must be at most 63 characters and contain only "
                            "lowercase letters, digits, underscores and dashes.")


def check_annotations(annotations: Any, kind: str, field: str, allowed_existing: dict[str, Any] | None = None) -> None:
    """`allowed_existing`: service annotations already stored. The discovery says refused namespaces "will be
    rejected in new resources", so a service that already carries one (from the v1 API) may keep it."""
    for key in annotations or {}:
        namespace = _refused_namespace(key)
        if namespace and key not in (allowed_existing or {}):
            raise violation(kind, f"{field}[{key}]",
                            f"Cloud Run API v2 does not support annotations in the '{namespace}' namespace.")
        prefix, _, name = key.rpartition("/")
        if not ANNOTATION_NAME.match(name) or (prefix and (len(prefix) > 253 or not ANNOTATION_PREFIX.match(prefix))):
            raise violation(kind, f"{field}[{key}]", "annotation keys must be an optional DNS subdomain prefix and "
                            "'/', then a name of at most 63 alphanumeric characters, '-', '_' or '.'.")


def _refused_namespace(key: str) -> str | None:
    prefix = key.split("/", 1)[0] if "/" in key else ""
    for namespace in REFUSED_NAMESPACES:
        if prefix == namespace or prefix.endswith("." + namespace):
            return namespace
    return None


def check_service(service: dict[str, Any], service_id: str, kind: str, root: str = "service",
                  existing: dict[str, Any] | None = None) -> None:
    """Every synchronous check of a Service body (the VPC subnet checks live in vpc.py)."""
    if len(service.get("description") or "") > MAX_DESCRIPTION:
        raise violation(kind, f"{root}.description", f"must be at most {MAX_DESCRIPTION} characters.")
    check_labels(service.get("labels"), kind, f"{root}.labels")
    check_annotations(service.get("annotations"), kind, f"{root}.annotations",
                      (existing or {}).get("annotations"))
    check_launch_stage(service, service_id)
    template = service.get("template")
    if not isinstance(template, dict):
        raise violation(kind, f"{root}.template", "template is required.")
    check_required(service, kind, root)
    check_template(template, service_id, kind, f"{root}.template")
    check_traffic(service.get("traffic") or [], kind, f"{root}.traffic")
    container_rules.check_binary_authorization(service.get("binaryAuthorization"), kind, f"{root}.binary_authorization")


def check_required(service: dict[str, Any], kind: str, root: str) -> None:
    """Every field of the body whose discovery description starts with "Required." (core/required.py).
    VolumeMount.mountPath is "Required" but "For Cloud SQL volumes, it can be left empty": containers.py
    checks it. Description wording UNCONFIRMED: the emulator says "<field> is required."."""
    schemas = discovery.document("run.v2")["schemas"]
    for path in required.missing(schemas, "GoogleCloudRunV2Service", service, root, REQUIRED_CHECKED_ELSEWHERE):
        raise violation(kind, path, f"{path.rsplit('.', 1)[-1]} is required.")


def check_template(template: dict[str, Any], service_id: str, kind: str, root: str) -> None:
    check_labels(template.get("labels"), kind, f"{root}.labels")
    check_annotations(template.get("annotations"), kind, f"{root}.annotations")
    revision = template.get("revision")
    if revision and not revision.startswith(f"{service_id}-"):
        # The v1 API's rule, kept by v2 (wording UNCONFIRMED: the emulator states the rule as v1's docs do).
        raise violation(kind, f"{root}.revision",
                        f"Revision name must be prefixed by the name of the enclosing Service with a trailing -: "
                        f"'{service_id}-'.")
    containers = template.get("containers") or []
    if not containers:
        # UNCONFIRMED wording (not publicly quoted): the emulator names the field and says one is required.
        raise violation(kind, f"{root}.containers", "at least one container is required.")
    for index, container in enumerate(containers):
        # Discovery, Container.image: "Required." Wording UNCONFIRMED: "image is required.".
        if not (container or {}).get("image"):
            raise violation(kind, f"{root}.containers[{index}].image", "image is required.")
    timeout = template.get("timeout")
    if timeout and _seconds(timeout) > MAX_TIMEOUT_SECONDS:
        raise violation(kind, f"{root}.timeout", f"must be at most {MAX_TIMEOUT_SECONDS}s.")
    concurrency = template.get("maxInstanceRequestConcurrency")
    if concurrency is not None and not 0 <= concurrency <= MAX_CONCURRENCY:
        raise violation(kind, f"{root}.max_instance_request_concurrency",
                        f"must be between 0 and {MAX_CONCURRENCY}.")
    check_vpc_shape(template.get("vpcAccess"), kind, f"{root}.vpc_access")
    container_rules.check_containers(template, kind, root)
    container_rules.check_volumes(template, kind, root)
    container_rules.check_template_extras(template, kind, root)


def check_vpc_shape(vpc: dict[str, Any] | None, kind: str, root: str) -> None:
    """Discovery: VpcAccess.networkInterfaces "Currently only single network interface is supported";
    NetworkInterface.network "At least one of network or subnetwork must be specified"; connector XOR
    networkInterfaces (https://cloud.google.com/run/docs/configuring/vpc-direct-vpc: "You can't use Direct VPC
    egress and Serverless VPC Access connectors at the same time" as the Cloud Run functions page puts it).
    Descriptions UNCONFIRMED: the emulator states the rule that was broken."""
    if not vpc:
        return
    interfaces = vpc.get("networkInterfaces") or []
    if interfaces and vpc.get("connector"):
        raise violation(kind, root, "connector and network_interfaces cannot both be set.")
    if len(interfaces) > 1:
        raise violation(kind, f"{root}.network_interfaces", "at most one network interface is supported.")
    for index, interface in enumerate(interfaces):
        if not (interface or {}).get("network") and not (interface or {}).get("subnetwork"):
            raise violation(kind, f"{root}.network_interfaces[{index}]",
                            "at least one of network or subnetwork must be specified.")


def check_traffic(traffic: list[dict[str, Any]], kind: str, root: str) -> None:
    if not traffic:
        return
    total = sum(int(target.get("percent") or 0) for target in traffic)
    if total != 100:
        # Wording UNCONFIRMED (not publicly quoted): the emulator names the field and the sum it got.
        raise violation(kind, root, f"traffic percentages must add up to 100, got {total}.")


def _seconds(duration: str) -> float:
    try:
        return float(str(duration).removesuffix("s"))
    except ValueError:
        raise ApiError(400, f"Invalid duration '{duration}'.", status="INVALID_ARGUMENT") from None
