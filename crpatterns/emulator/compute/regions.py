"""Google Cloud's regions and the IPv4 range each gets in an auto mode VPC network.

Source: https://cloud.google.com/vpc/docs/subnets#ip-ranges ("Auto mode IPv4 ranges"): every auto mode
network gets one /20 per region, all inside 10.128.0.0/9, and the same table in every project.
A region outside this table is unknown to the emulator (404 on its paths).
"""

from __future__ import annotations

import ipaddress

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
}


def known_region(region: str | None) -> bool:
    return region in AUTO_MODE_RANGES
