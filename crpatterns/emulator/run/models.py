"""A Cloud Run v2 Service as the emulator holds it: the user's spec with Google's defaults, its revisions,
and the status fields Google computes (docs/google-behaviour.md, "Cloud Run Admin API v2"; discovery run.v2).

Defaults as Google returns them (sources in docs/google-behaviour.md; UNCONFIRMED where noted): ingress
INGRESS_TRAFFIC_ALL; launchStage GA
(output: the least mature stage a used feature needs, see rules.output_launch_stage); template.timeout 300s;
maxInstanceRequestConcurrency 80 (1 when cpu < 1, discovery); template.scaling.maxInstanceCount 100
(discovery); containers' resources.limits cpu 1000m / memory 512Mi, cpuIdle true, port http1 8080;
serviceAccount the project's Compute default service account; traffic 100% to the latest revision.
"""

from __future__ import annotations

import copy
import hashlib
import random
import string
import uuid
from dataclasses import dataclass, field
from typing import Any

from crpatterns.emulator.core.world import Project, now_rfc3339
from crpatterns.emulator.run.rules import output_launch_stage

# Fields a caller may set; every other field of the body is output only and ignored (as Google does).
USER_FIELDS = (
    "description", "labels", "annotations", "client", "clientVersion", "ingress", "launchStage",
    "binaryAuthorization", "template", "traffic", "scaling", "invokerIamDisabled", "defaultUriDisabled",
    "iapEnabled", "customAudiences", "multiRegionSettings", "buildConfig",
)
LATEST = "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST"
CALLER = "crpatterns-emulator@example.com"  # creator / lastModifier: the emulator has no caller identity
# Two-letter region codes of `NAME-HASH-XX.a.run.app` URLs (UNCONFIRMED beyond the common ones).
REGION_CODES = {"us-central1": "uc", "us-east1": "ue", "us-east4": "uk", "us-west1": "uw", "europe-west1": "ew",
                "europe-west2": "nw", "europe-west3": "ey", "europe-west4": "ez", "asia-northeast1": "an",
                "asia-east1": "de", "asia-southeast1": "as", "australia-southeast1": "ts"}


def _cpu(limits: dict[str, Any]) -> float:
    text = str(limits.get("cpu", "1000m"))
    try:
        return float(text[:-1]) / 1000 if text.endswith("m") else float(text)
    except ValueError:
        return 1.0


def with_defaults(spec: dict[str, Any], project: Project) -> dict[str, Any]:
    """The user's fields with the server defaults filled in (never overriding a given value)."""
    service = {k: copy.deepcopy(spec[k]) for k in USER_FIELDS if spec.get(k) is not None}
    if service.get("ingress") in (None, "INGRESS_TRAFFIC_UNSPECIFIED"):
        service["ingress"] = "INGRESS_TRAFFIC_ALL"
    service["launchStage"] = output_launch_stage(service)
    template = service.setdefault("template", {})
    cpu = 1.0
    for index, container in enumerate(template.get("containers") or []):
        resources = container.setdefault("resources", {})
        limits = resources.setdefault("limits", {})
        limits.setdefault("cpu", "1000m")
        limits.setdefault("memory", "512Mi")
        resources.setdefault("cpuIdle", True)
        if index == 0:
            cpu = _cpu(limits)
            container.setdefault("ports", [{"name": "http1", "containerPort": 8080}])
    template.setdefault("timeout", "300s")
    template.setdefault("serviceAccount", f"{project.number}-compute@developer.gserviceaccount.com")
    if not template.get("maxInstanceRequestConcurrency"):
        template["maxInstanceRequestConcurrency"] = 80 if cpu >= 1 else 1
    template.setdefault("scaling", {}).setdefault("maxInstanceCount", 100)
    vpc = template.get("vpcAccess")
    uses_vpc = bool(vpc) and bool(vpc.get("networkInterfaces") or vpc.get("connector"))
    if uses_vpc and vpc.get("egress") in (None, "VPC_EGRESS_UNSPECIFIED"):
        vpc["egress"] = "PRIVATE_RANGES_ONLY"
    if not service.get("traffic"):
        service["traffic"] = [{"type": LATEST, "percent": 100}]
    return service


def revision_config(service: dict[str, Any]) -> dict[str, Any]:
    """What makes a revision: the template without its name."""
    return {k: v for k, v in service.get("template", {}).items() if k != "revision"}


@dataclass
class Revision:
    name: str  # short name: NAME-00001-xyz
    config: dict[str, Any]
    create_time: str
    failure: str | None = None  # why it cannot serve, once checked
    ready: bool = False


@dataclass
class ServiceRecord:
    project: Project
    location: str
    service_id: str
    spec: dict[str, Any]  # user fields with defaults
    uid: str = field(default_factory=lambda: str(uuid.uuid4()))
    create_time: str = field(default_factory=now_rfc3339)
    update_time: str = ""
    generation: int = 1
    observed_generation: int = 0
    etag: str = ""
    revisions: dict[str, Revision] = field(default_factory=dict)
    latest_created: str | None = None
    latest_ready: str | None = None
    reconciling: bool = True
    failure: str | None = None  # message of the terminal condition when reconciliation failed
    serving_traffic: list[dict[str, Any]] = field(default_factory=list)
    delete_time: str | None = None

    @property
    def name(self) -> str:
        # UNCONFIRMED whether Google echoes a project number the caller used; the emulator always answers the
        # project id form.
        return f"projects/{self.project.project_id}/locations/{self.location}/services/{self.service_id}"

    def revision_path(self, revision: str) -> str:
        return f"{self.name}/revisions/{revision}"

    # -- revisions ----------------------------------------------------------------------------

    def new_revision_name(self) -> str:
        suffix = "".join(random.choices(string.ascii_lowercase, k=3))
        return f"{self.service_id}-{len(self.revisions) + 1:05d}-{suffix}"

    def add_revision(self, name: str, config: dict[str, Any]) -> Revision:
        revision = Revision(name, copy.deepcopy(config), now_rfc3339())
        self.revisions[name] = revision
        self.latest_created = name
        return revision

    # -- the API view -------------------------------------------------------------------------

    def urls(self) -> tuple[str, list[str]]:
        digest = hashlib.sha256(self.name.encode()).hexdigest()
        hash10 = "".join(chr(ord("a") + int(c, 16) % 26) for c in digest[:10])
        code = REGION_CODES.get(self.location, "uc")
        uri = f"https://{self.service_id}-{hash10}-{code}.a.run.app"
        return uri, [f"https://{self.service_id}-{self.project.number}.{self.location}.run.app", uri]

    def conditions(self) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        when = self.update_time or self.create_time
        if self.reconciling:
            state, extra = "CONDITION_RECONCILING", {}
        elif self.failure:
            state, extra = "CONDITION_FAILED", {"message": self.failure, "reason": "REVISION_FAILED"}
        else:
            state, extra = "CONDITION_SUCCEEDED", {}
        terminal = {"type": "Ready", "state": state, "lastTransitionTime": when, **extra}
        if self.failure and not self.reconciling:
            terminal["severity"] = "ERROR"
        conditions = [
            {"type": "RoutesReady", "state": state, "lastTransitionTime": when, **extra},
            {"type": "ConfigurationsReady", "state": state, "lastTransitionTime": when, **extra},
        ]
        return terminal, conditions

    def to_api(self) -> dict[str, Any]:
        service = copy.deepcopy(self.spec)  # template.revision only when the caller named it, as Google
        terminal, conditions = self.conditions()
        uri, urls = self.urls()
        out: dict[str, Any] = {
            "name": self.name,
            "uid": self.uid,
            "generation": str(self.generation),
            **service,
            "createTime": self.create_time,
            "updateTime": self.update_time or self.create_time,
            "creator": CALLER,
            "lastModifier": CALLER,
            "observedGeneration": str(self.observed_generation),
            "terminalCondition": terminal,
            "conditions": conditions,
            "trafficStatuses": copy.deepcopy(self.serving_traffic),
            "uri": uri,
            "urls": urls,
            "reconciling": self.reconciling,
            "etag": self.etag,
        }
        if self.latest_created:
            out["latestCreatedRevision"] = self.revision_path(self.latest_created)
        if self.latest_ready:
            out["latestReadyRevision"] = self.revision_path(self.latest_ready)
        if self.delete_time:
            out["deleteTime"] = self.delete_time
        if not self.serving_traffic:
            out.pop("trafficStatuses")
        return {k: v for k, v in out.items() if v is not None}

    def revision_api(self, revision: Revision) -> dict[str, Any]:
        """A google.cloud.run.v2.Revision (the fields the patterns read)."""
        state = "CONDITION_FAILED" if revision.failure else (
            "CONDITION_SUCCEEDED" if revision.ready else "CONDITION_RECONCILING")
        ready = {"type": "Ready", "state": state, "lastTransitionTime": revision.create_time}
        if revision.failure:
            ready["message"] = revision.failure
        body = {
            "name": self.revision_path(revision.name),
            "uid": str(uuid.uuid5(uuid.NAMESPACE_URL, self.revision_path(revision.name))),
            "generation": "1",
            "createTime": revision.create_time,
            "updateTime": revision.create_time,
            "launchStage": self.spec.get("launchStage", "GA"),
            "service": self.name,
            "reconciling": not revision.ready and not revision.failure,
            "conditions": [ready],
            "observedGeneration": "1",
            "etag": f'"{hashlib.sha1(revision.name.encode()).hexdigest()[:16]}"',
            **{k: copy.deepcopy(v) for k, v in revision.config.items()
               if k in ("scaling", "vpcAccess", "maxInstanceRequestConcurrency", "timeout", "serviceAccount",
                        "containers", "volumes", "executionEnvironment", "labels", "annotations")},
        }
        return body
