"""What `--failover` asks of each regional Cloud Run service so that Cloud Run service health can move
traffic to a healthy region and back, and what it costs (pure; shared by web-app and internal-api).

Google's conditions (https://cloud.google.com/run/docs/configuring/configure-service-health,
"Limitations"; docs/google-behaviour.md, "Cloud Run: readiness probes, minimum instances and service
health"): a readiness probe on the container, "at least one service-level or revision-level minimum
instance per region to calculate health", "at least two services from different regions", no URL mask or
tag in the serverless NEGs (the patterns' NEGs name the service only), no more than 5 serverless NEG
backends behind a cross-region internal Application Load Balancer, and IAP on the Cloud Run services, never
on the backend service. None of these is refused by Google's API, so the flags refuse them instead.

The settings the tool adds are recorded in the service annotation `crpatterns.dev/failover`, so dropping
--failover removes exactly them (a readiness probe or minimum instances set outside the tool stay).
"""

from __future__ import annotations

from typing import Any

MIN_REGIONS = 2  # "Failovers require at least two services from different regions"
MAX_CROSS_REGION_BACKENDS = 5  # "doesn't support cross-region internal ... with more than 5 serverless NEG backends"
MIN_INSTANCES = 1  # "at least one ... minimum instance per region to calculate health"
DEFAULT_READINESS_PATH = "/"  # every HTTP server answers its root
ANNOTATION = "crpatterns.dev/failover"
PRICING = "https://cloud.google.com/run/pricing"
# An idle minimum instance of the services the patterns make: Cloud Run's default limits, 1 vCPU and 512 MiB
# (https://cloud.google.com/run/docs/configuring/services/cpu, .../memory-limits).
INSTANCE_VCPU = 1.0
INSTANCE_GIB = 0.5
SECONDS_PER_MONTH = 30 * 24 * 3600


def template(image: str, readiness_path: str) -> dict[str, Any]:
    """The revision template of a service in failover: the image, an HTTP readiness probe, one warm instance."""
    return {"containers": [{"image": image, "readinessProbe": {"httpGet": {"path": readiness_path}}}],
            "scaling": {"minInstanceCount": MIN_INSTANCES}}


def cleared_template(image: str) -> dict[str, Any]:
    """The template that takes away what an earlier --failover added (None removes a field)."""
    return {"containers": [{"image": image, "readinessProbe": None}], "scaling": {"minInstanceCount": None}}


def was_on(service: dict[str, Any] | None) -> bool:
    """Whether the tool turned failover on for this service (its annotation records it)."""
    return bool(((service or {}).get("annotations") or {}).get(ANNOTATION))


def readiness_path(service: dict[str, Any] | None) -> str | None:
    """The HTTP path of the service's readiness probe, or None."""
    containers = (((service or {}).get("template") or {}).get("containers")) or [{}]
    return (((containers[0].get("readinessProbe") or {}).get("httpGet")) or {}).get("path")


def min_instances(service: dict[str, Any] | None) -> int:
    """The revision-level minimum instance count (Google returns int64 as a string in JSON)."""
    return int(((((service or {}).get("template") or {}).get("scaling")) or {}).get("minInstanceCount") or 0)


def health_computed(service: dict[str, Any] | None) -> bool:
    """Whether Cloud Run computes this regional service's health: a readiness probe and a warm instance."""
    return readiness_path(service) is not None and min_instances(service) >= MIN_INSTANCES


def cost_note(regions: int) -> str:
    """What the minimum instances cost, in the units Cloud Run bills (prices vary by region and tier)."""
    vcpu = round(regions * MIN_INSTANCES * INSTANCE_VCPU * SECONDS_PER_MONTH / 1e6, 1)
    gib = round(regions * MIN_INSTANCES * INSTANCE_GIB * SECONDS_PER_MONTH / 1e6, 1)
    return (f"--failover keeps {MIN_INSTANCES} minimum instance warm in each of {regions} regions (1 vCPU, 512 MiB "
            f"each): Cloud Run bills minimum instances while idle, about {vcpu} million vCPU-seconds and {gib} "
            f"million GiB-seconds a month in all, at its idle rate ({PRICING}; the pricing calculator gives the "
            "amount for your regions)")
