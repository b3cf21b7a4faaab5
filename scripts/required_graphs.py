"""The dependency graph Google requires for each pattern's create, written down as data with sources.

Not derived from the tool's plan: each node is what a create must do (its calls, in order), and each edge a
reference Google resolves when the call arrives, so the referenced resource's operation must be DONE first
(404 before it exists, 400 `resourceNotReady` while its insert runs: docs/google-behaviour.md, "Compute:
errors, operations, fingerprints", citing kubernetes/ingress-gce#396 and
hashicorp/terraform-provider-google#12631). scripts/bench.py computes the critical path of each graph under
a latency model: the least time any tool could take, and, summed node by node, what a shell script of
gcloud commands takes (each command waits for its operation before the next starts).

The graphs describe the bench's own commands (scripts/bench.py, PATTERNS): web-app with a managed
certificate and the HTTP-to-HTTPS redirect; internal-api on the `default` network (no proxy-only subnet yet)
with one --invoker; shared-vpc with --attach and the default ALL_TRAFFIC egress.
"""

from __future__ import annotations

from dataclasses import dataclass, field

READ = "read"  # a read (getIamPolicy before a read-modify-write)

# Sources of the edges, named once.
RESOURCE_NOT_READY = ("Google resolves the reference at insert: 404 before the resource exists, 400 "
                      "resourceNotReady until its insert is DONE (docs/google-behaviour.md, \"Compute: errors, "
                      "operations, fingerprints\")")
RUN_IAM_NEEDS_SERVICE = ("a Cloud Run service's IAM policy exists only with the service: setIamPolicy before it "
                         "is 404 or 403 (GoogleCloudPlatform/solutions-builder#37, "
                         "garbetjie/terraform-google-cloud-run#13)")
IAP_NEEDS_BACKEND = ("the IAP web resource of a backend service exists only with the backend service "
                     "(docs/google-behaviour.md, \"IAP v1\")")
PROXY_SUBNET = ("an INTERNAL_MANAGED forwarding rule needs the region's ACTIVE proxy-only subnet: \"An active "
                "proxy-only subnetwork is required in the same region and VPC as the forwarding rule.\" "
                "(https://cloud.google.com/load-balancing/docs/proxy-only-subnets; docs/google-behaviour.md)")
DIRECT_VPC_GRANTS = ("the revision fails unless the service project is attached and the Cloud Run agent holds "
                     "its grants when it starts (https://cloud.google.com/run/docs/configuring/"
                     "shared-vpc-direct-vpc, \"Set up IAM permissions\")")
WORKLOAD_PGA = ("not an API rule but the workload's: with ALL_TRAFFIC egress (discovery run.v2 VpcAccess.egress: "
                "\"All outbound traffic is routed through the VPC\") the revision reaches Google APIs only with "
                "Private Google Access (https://cloud.google.com/vpc/docs/private-google-access)")
# The edge the tool dropped (issue 17), recorded so the graph says why it is absent.
NO_NEG_EDGE = ("none: Google does not resolve cloudRun.service at insert (URL-mask NEGs name no service; "
               "GoogleCloudPlatform/cloud-foundation-fabric modules/net-lb-app-ext/README.md, \"Serverless NEG "
               "creation\", creates a NEG for a service it never deploys, in an e2e test)")


@dataclass(frozen=True)
class Node:
    """One step of a create: its calls in order (discovery method ids, or READ), and what it must wait for."""

    calls: tuple[str, ...]
    after: dict[str, str] = field(default_factory=dict)  # node -> the source saying Google requires it


def op(method_id: str, **after: str) -> Node:
    return Node((method_id,), dict(after))


def binding(write: str, *before: str, **after: str) -> Node:
    """An IAM read-modify-write (getIamPolicy, setIamPolicy), after `before` calls (e.g. making a service agent)."""
    return Node((*before, READ, write), dict(after))


RUN_CREATE = "run.projects.locations.services.create"
RUN_SET_IAM = "run.projects.locations.services.setIamPolicy"

WEB_APP = {
    "service": op(RUN_CREATE),
    # The IAP service agent is made (Service Usage operation) before it can be granted.
    "invoker": binding(RUN_SET_IAM, "serviceusage.services.generateServiceIdentity", service=RUN_IAM_NEEDS_SERVICE),
    "address": op("compute.globalAddresses.insert"),
    "certificate": op("compute.sslCertificates.insert"),
    "neg": op("compute.regionNetworkEndpointGroups.insert"),
    "backend": op("compute.backendServices.insert", neg=RESOURCE_NOT_READY),
    "iap-access": binding("iap.setIamPolicy", backend=IAP_NEEDS_BACKEND),
    "url-map": op("compute.urlMaps.insert", backend=RESOURCE_NOT_READY),
    "https-proxy": op("compute.targetHttpsProxies.insert", **{"url-map": RESOURCE_NOT_READY,
                                                              "certificate": RESOURCE_NOT_READY}),
    "https-rule": op("compute.globalForwardingRules.insert", **{"https-proxy": RESOURCE_NOT_READY,
                                                                "address": RESOURCE_NOT_READY}),
    "redirect-url-map": op("compute.urlMaps.insert"),
    "http-proxy": op("compute.targetHttpProxies.insert", **{"redirect-url-map": RESOURCE_NOT_READY}),
    "http-rule": op("compute.globalForwardingRules.insert", **{"http-proxy": RESOURCE_NOT_READY,
                                                               "address": RESOURCE_NOT_READY}),
}

INTERNAL_API = {
    "proxy-subnet": op("compute.subnetworks.insert"),
    "service": op(RUN_CREATE),
    "invoker": binding(RUN_SET_IAM, service=RUN_IAM_NEEDS_SERVICE),
    "neg": op("compute.regionNetworkEndpointGroups.insert"),
    "backend": op("compute.regionBackendServices.insert", neg=RESOURCE_NOT_READY),
    "url-map": op("compute.regionUrlMaps.insert", backend=RESOURCE_NOT_READY),
    "http-proxy": op("compute.regionTargetHttpProxies.insert", **{"url-map": RESOURCE_NOT_READY}),
    "rule": op("compute.forwardingRules.insert", **{"http-proxy": RESOURCE_NOT_READY, "proxy-subnet": PROXY_SUBNET}),
}

SHARED_VPC = {
    "attachment": op("compute.projects.enableXpnResource"),
    "network-user": binding("compute.subnetworks.setIamPolicy"),
    "network-viewer": binding("cloudresourcemanager.projects.setIamPolicy"),
    "subnet": op("compute.subnetworks.setPrivateIpGoogleAccess"),
    "service": op(RUN_CREATE, attachment=DIRECT_VPC_GRANTS, **{"network-user": DIRECT_VPC_GRANTS,
                                                              "network-viewer": DIRECT_VPC_GRANTS},
                  subnet=WORKLOAD_PGA),
}

THREE_REGIONS = ("us-central1", "us-east1", "europe-west1")


def web_app_in(regions: tuple[str, ...]) -> dict[str, Node]:
    """web-app in several regions (https://cloud.google.com/run/docs/multiple-regions): a service, its
    invoker grant and a NEG per region; the one backend service takes every NEG."""
    graph = {name: node for name, node in WEB_APP.items() if name not in ("service", "invoker", "neg", "backend")}
    for region in regions:
        graph[f"service@{region}"] = op(RUN_CREATE)
        graph[f"invoker@{region}"] = binding(RUN_SET_IAM, "serviceusage.services.generateServiceIdentity",
                                             **{f"service@{region}": RUN_IAM_NEEDS_SERVICE})
        graph[f"neg@{region}"] = op("compute.regionNetworkEndpointGroups.insert")
    graph["backend"] = op("compute.backendServices.insert", **{f"neg@{r}": RESOURCE_NOT_READY for r in regions})
    return graph


CROSS_REGION_PROXY_SUBNET = ("a cross-region internal forwarding rule needs an ACTIVE GLOBAL_MANAGED_PROXY subnet "
                             "in its region (https://cloud.google.com/load-balancing/docs/l7-internal/"
                             "setting-up-l7-cross-reg-serverless; docs/google-behaviour.md)")


def internal_api_in(regions: tuple[str, ...]) -> dict[str, Node]:
    """internal-api in several regions: a cross-region internal Application Load Balancer (global backend
    service, URL map and HTTP proxy; per region a service, NEG, proxy-only subnet and forwarding rule)."""
    graph: dict[str, Node] = {}
    for region in regions:
        graph[f"proxy-subnet@{region}"] = op("compute.subnetworks.insert")
        graph[f"service@{region}"] = op(RUN_CREATE)
        graph[f"invoker@{region}"] = binding(RUN_SET_IAM, **{f"service@{region}": RUN_IAM_NEEDS_SERVICE})
        graph[f"neg@{region}"] = op("compute.regionNetworkEndpointGroups.insert")
    graph["backend"] = op("compute.backendServices.insert", **{f"neg@{r}": RESOURCE_NOT_READY for r in regions})
    graph["url-map"] = op("compute.urlMaps.insert", backend=RESOURCE_NOT_READY)
    graph["http-proxy"] = op("compute.targetHttpProxies.insert", **{"url-map": RESOURCE_NOT_READY})
    for region in regions:
        graph[f"rule@{region}"] = op("compute.globalForwardingRules.insert", **{
            "http-proxy": RESOURCE_NOT_READY, f"proxy-subnet@{region}": CROSS_REGION_PROXY_SUBNET})
    return graph


GRAPHS: dict[str, dict[str, Node]] = {
    "web-app": WEB_APP, "internal-api": INTERNAL_API, "shared-vpc": SHARED_VPC,
    "web-app-3-regions": web_app_in(THREE_REGIONS), "internal-api-3-regions": internal_api_in(THREE_REGIONS),
}
DROPPED = {name: {"neg -> service": NO_NEG_EDGE} for name in GRAPHS if name != "shared-vpc"}


def as_document(pattern: str) -> dict[str, object]:
    """The graph as JSON for the bench's report: nodes with their calls, edges with their sources."""
    graph = GRAPHS[pattern]
    return {
        "nodes": {name: list(node.calls) for name, node in graph.items()},
        "edges": [{"from": name, "after": before, "source": source}
                  for name, node in graph.items() for before, source in node.after.items()],
        "dropped": DROPPED.get(pattern, {}),
    }
