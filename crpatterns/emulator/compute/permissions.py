"""Compute's 403 for a project the caller cannot see: `Required '<permission>' permission for '<resource>'`.

Google does not say whether a project exists to a caller without access, so a project unknown to the
emulator is one the caller cannot see. Compute answers 403, reason `forbidden`, naming the IAM permission
the method needs and the resource it acts on (docs/google-behaviour.md, "Compute: regions and projects"):
- a get: `Required 'compute.networks.get' permission for 'projects/P/global/networks/default'`
  (hashicorp/terraform-provider-google#8262, alexandarp/terraform-gke#2);
- an insert: the new resource's path, `Required 'compute.globalAddresses.create' permission for
  'projects/P/global/addresses/NAME'`;
- a list: the project, `Required 'compute.instances.list' permission for 'projects/P'`.
UNCONFIRMED: reports since 2020 show the message prefixed `Google Compute Engine: ` and ending with a
period, older ones neither; the emulator answers the older form, which the newer one contains. Permission
names follow IAM's `compute.<collection>.<verb>` naming; the ones not quoted above are UNCONFIRMED.
"""

from __future__ import annotations

import json
import re

from crpatterns.emulator.core import discovery
from crpatterns.emulator.core.errors import ApiError

# Method verb -> the IAM verb of its permission, where they differ.
VERB_PERMISSION = {"insert": "create", "patch": "update", "aggregatedList": "list", "listUsable": "list",
                   "wait": "get"}
# Methods whose permission is not compute.<collection>.<verb>: Shared VPC administration is granted on the
# organization (roles/compute.xpnAdmin), and the Shared VPC reads need compute.projects.get.
SPECIAL_PERMISSION = {
    "compute.projects.enableXpnHost": "compute.organizations.enableXpnHost",
    "compute.projects.disableXpnHost": "compute.organizations.disableXpnHost",
    "compute.projects.enableXpnResource": "compute.organizations.enableXpnResource",
    "compute.projects.disableXpnResource": "compute.organizations.disableXpnResource",
    "compute.projects.getXpnHost": "compute.projects.get",
    "compute.projects.getXpnResources": "compute.projects.get",
}
# Methods acting on the whole project: their resource is `projects/P`.
PROJECT_WIDE_VERBS = ("list", "aggregatedList", "listUsable")


def permission_for(method_id: str) -> str:
    """The IAM permission a Compute method needs, e.g. compute.subnetworks.insert -> compute.subnetworks.create."""
    if method_id in SPECIAL_PERMISSION:
        return SPECIAL_PERMISSION[method_id]
    _, collection, verb = method_id.split(".")
    return f"compute.{collection}.{VERB_PERMISSION.get(verb, verb)}"


def resource_for(method_id: str, params: dict[str, str], raw_body: bytes) -> str:
    """The resource a Compute method acts on, as its 403 names it: the path with its parameters filled in
    (the new resource's name for an insert), without a custom verb's last segment; `projects/P` for lists."""
    project = params.get("project", "")
    verb = method_id.rsplit(".", 1)[-1]
    if verb in PROJECT_WIDE_VERBS:
        return f"projects/{project}"
    template = discovery.method("compute.v1", method_id)["path"]
    segments = template.split("/")
    if len(segments) > 1 and segments[-2].startswith("{") and not segments[-1].startswith("{"):
        segments = segments[:-1]  # .../addresses/{resource}/setLabels -> .../addresses/{resource}
    path = re.sub(r"\{(\w+)\}", lambda m: params.get(m.group(1), ""), "/".join(segments))
    if verb == "insert":
        name = _body_name(raw_body)
        return f"{path}/{name}" if name else path
    return path


def project_denied(method_id: str, params: dict[str, str], raw_body: bytes) -> ApiError:
    """Compute's answer to a call on a project the caller cannot see (or that does not exist)."""
    message = f"Required '{permission_for(method_id)}' permission for '{resource_for(method_id, params, raw_body)}'"
    return ApiError(403, message, reason="forbidden", status="PERMISSION_DENIED")


def _body_name(raw_body: bytes) -> str | None:
    try:
        body = json.loads(raw_body or b"{}")
    except ValueError:
        return None
    name = body.get("name") if isinstance(body, dict) else None
    return name if isinstance(name, str) and name else None
