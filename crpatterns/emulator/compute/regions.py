"""Google Cloud's regions and the IPv4 range each gets in an auto mode VPC network.

Source: https://cloud.google.com/vpc/docs/subnets#ip-ranges ("Auto mode IPv4 ranges"): every auto mode
network gets one /20 per region, all inside 10.128.0.0/9, and the same table in every project (the
regions opened since 2021 as listed by `gcloud compute networks subnets list` of auto mode networks in
public transcripts). A region outside this table is unknown: every regional Compute method answers
400 `Invalid value for field 'region': 'R'. Unknown region.` (googleapis/nodejs-compute#390 for
subnetworks.get, kelseyhightower/kubernetes-the-hard-way#164 for subnetworks.insert), and a region that
is not even a name `Invalid value for field 'region': ''. Must be a match of regex
'[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?'` (GoogleCloudPlatform/terraformer#746); both reason `invalid`.
"""

from __future__ import annotations

import ipaddress
import re

from crpatterns.emulator.core.errors import ApiError, bad_request

AUTO_MODE_BLOCK = ipaddress.ip_network("10.128.0.0/9")

AUTO_MODE_RANGES: dict[str, str] = {
    "us-central1": "10.128.0.0/20",
    "europe-west1": "10.132.0.0/20",
    "us-west1": "10.138.0.0/20",
    "asia-east1": "10.140.0.0/20",
    "us-east1": "10.142.0.0/20",
    "asia-northeast1": "10.146.0.0/20",
    "asia-southeast1": "10.148.0.0/20",
    "us-east4": "10.150.0.0/20",
    "australia-southeast1": "10.152.0.0/20",
    "europe-west2": "10.154.0.0/20",
    "europe-west3": "10.156.0.0/20",
    "southamerica-east1": "10.158.0.0/20",
    "asia-south1": "10.160.0.0/20",
    "northamerica-northeast1": "10.162.0.0/20",
    "europe-west4": "10.164.0.0/20",
    "europe-north1": "10.166.0.0/20",
    "us-west2": "10.168.0.0/20",
    "asia-east2": "10.170.0.0/20",
    "europe-west6": "10.172.0.0/20",
    "asia-northeast2": "10.174.0.0/20",
    "asia-northeast3": "10.178.0.0/20",
    "us-west3": "10.180.0.0/20",
    "us-west4": "10.182.0.0/20",
    "asia-southeast2": "10.184.0.0/20",
    "europe-central2": "10.186.0.0/20",
    "northamerica-northeast2": "10.188.0.0/20",
    "asia-south2": "10.190.0.0/20",
    "australia-southeast2": "10.192.0.0/20",
    "southamerica-west1": "10.194.0.0/20",
    "europe-west8": "10.198.0.0/20",
    "europe-west9": "10.200.0.0/20",
    "us-east5": "10.202.0.0/20",
    "europe-southwest1": "10.204.0.0/20",
    "us-south1": "10.206.0.0/20",
    "me-west1": "10.208.0.0/20",
    "europe-west12": "10.210.0.0/20",
    "me-central1": "10.212.0.0/20",
    "europe-west10": "10.214.0.0/20",
    "me-central2": "10.216.0.0/20",
    "africa-south1": "10.218.0.0/20",
    "northamerica-south1": "10.224.0.0/20",
    "europe-north2": "10.226.0.0/20",
}
REGION_PATTERN = "[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?"
_REGION = re.compile(rf"^{REGION_PATTERN}$")


def known_region(region: str | None) -> bool:
    return region in AUTO_MODE_RANGES


def check_region(region: str | None) -> None:
    """400 invalid for a region that is not a name or not a region Google has (see the module docstring)."""
    shown = region or ""
    if not _REGION.match(shown):
        raise bad_request(f"Invalid value for field 'region': '{shown}'. Must be a match of regex '{REGION_PATTERN}'")
    if not known_region(region):
        raise unknown_region(shown)


def unknown_region(region: str) -> ApiError:
    return bad_request(f"Invalid value for field 'region': '{region}'. Unknown region.")
