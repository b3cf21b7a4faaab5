"""Google's Shared VPC facts the patterns decide by, as pure values (no client code)."""

from __future__ import annotations

# Compute Project.xpnProjectStatus of a Shared VPC host project (discovery compute.v1 Project.xpnProjectStatus:
# HOST or UNSPECIFIED_XPN_PROJECT_STATUS).
XPN_HOST_STATUS = "HOST"
NOT_A_HOST_STATUS = "UNSPECIFIED_XPN_PROJECT_STATUS"
