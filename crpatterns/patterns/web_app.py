"""Pattern 1: an internal web app, Cloud Run behind an external HTTPS load balancer with IAP.

IAP's service agent is the only invoker (never allUsers, so Domain Restricted Sharing holds); ingress is
internal and cloud load balancing, so the run.app URL cannot bypass IAP. In direct mode IAP is enabled
on the Cloud Run service itself and there is no load balancer (patterns.md, pattern 1).
"""

from __future__ import annotations

from dataclasses import dataclass

from crpatterns.engine.model import Desired, Ownership, Ref, Scope
from crpatterns.patterns.common import IAP_ACCESSOR_ROLE, INVOKER_ROLE, PUBLIC_MEMBERS, iap_agent

PATTERN = "web-app"
APIS = ("run.googleapis.com", "compute.googleapis.com", "iap.googleapis.com")
OWNED_KINDS = (
    "run.services",
    "compute.globalAddresses",
    "compute.regionNetworkEndpointGroups",
    "compute.backendServices",
    "compute.urlMaps",
    "compute.sslCertificates",
    "compute.targetHttpsProxies",
    "compute.targetHttpProxies",
    "compute.globalForwardingRules",
)
MANAGED_OAUTH_NOTE = ("IAP uses the Google-managed OAuth client: only users inside your Google Cloud "
                      "organization can sign in (pass --oauth-client-id for others).")
# Direct IAP on Cloud Run signs users in with the Google-managed client too (cloud.google.com/iap/docs/
# enabling-cloud-run); a custom client for outside users is an IAP setting this tool does not manage.
DIRECT_OAUTH_NOTE = ("IAP uses the Google-managed OAuth client: only users inside your Google Cloud "
                     "organization can sign in (use --iap-mode lb with --oauth-client-id for others).")


@dataclass(frozen=True)
class WebAppSpec:
    name: str
    project: str
    project_number: str
    region: str
    image: str = ""
    domains: tuple[str, ...] = ()
    members: tuple[str, ...] = ()
    iap_mode: str = "lb"  # "lb" or "direct"
    certificate_pem: str | None = None
    private_key_pem: str | None = None
    address: str | None = None  # an existing global address to use
    https_redirect: bool = True
    oauth_client_id: str | None = None
    oauth_client_secret: str | None = None
    disable_default_url: bool = False


@dataclass(frozen=True)
class Names:
    service: str
    address: str
    neg: str
    backend: str
    url_map: str
    certificate: str
    https_proxy: str
    https_rule: str
    redirect_url_map: str
    http_proxy: str
    http_rule: str

    @classmethod
    def of(cls, app: str) -> Names:
        return cls(app, f"{app}-ip", f"{app}-neg", f"{app}-backend", f"{app}-urlmap", f"{app}-cert",
                   f"{app}-https-proxy", f"{app}-https", f"{app}-redirect", f"{app}-http-proxy", f"{app}-http")


def iap_resource(spec: WebAppSpec) -> str:
    """The IAP web resource whose policy says who may reach the app (gcp-behaviour.md, "IAP v1")."""
    if spec.iap_mode == "direct":
        return f"projects/{spec.project_number}/iap_web/cloud_run-{spec.region}/services/{spec.name}"
    return f"projects/{spec.project_number}/iap_web/compute/services/{Names.of(spec.name).backend}"


def desired(spec: WebAppSpec) -> list[Desired]:
    names = Names.of(spec.name)
    regional = Scope(spec.project, spec.region)
    global_ = Scope(spec.project)
    direct = spec.iap_mode == "direct"
    service_body: dict = {
        "template": {"containers": [{"image": spec.image}]},
        # Direct IAP guards the run.app URL itself, so it must be reachable; behind the load balancer
        # only the load balancer may reach the service.
        "ingress": "INGRESS_TRAFFIC_ALL" if direct else "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER",
        "defaultUriDisabled": spec.disable_default_url,
        "iapEnabled": direct,
    }
    if direct:
        service_body["launchStage"] = "BETA"  # iapEnabled needed BETA in 2025 (gcp-behaviour.md)
    agent = f"serviceAccount:{iap_agent(spec.project_number)}"
    resources = [
        Desired("service", "run.services", names.service, regional, service_body,
                notes=(DIRECT_OAUTH_NOTE,) if direct else ()),
        Desired(
            "invoker", "run.services.iamPolicy", names.service, regional,
            {"role": INVOKER_ROLE, "members": [agent], "mode": "additive", "agents": ["iap.googleapis.com"],
             "agentProject": spec.project, "refusedMembers": list(PUBLIC_MEMBERS)},
            ownership=Ownership.BINDING, depends_on=("service",),
            notes=("IAP's service agent is the only invoker the tool grants; public invokers (allUsers, "
                   "allAuthenticatedUsers) are refused and removed.",),
        ),
        Desired(
            "iap-access", "iap.webIamPolicy", iap_resource(spec), global_,
            {"role": IAP_ACCESSOR_ROLE, "members": list(spec.members), "mode": "authoritative"},
            ownership=Ownership.BINDING, depends_on=("service",) if direct else ("backend",),
        ),
    ]
    if direct:
        return resources
    iap: dict = {"enabled": True}
    notes: tuple[str, ...] = ()
    if spec.oauth_client_id:
        iap.update(oauth2ClientId=spec.oauth_client_id, oauth2ClientSecret=spec.oauth_client_secret)
    else:
        iap["oauth2ClientId"] = ""
        notes = (MANAGED_OAUTH_NOTE,)
    if spec.address:
        address = Desired("address", "compute.globalAddresses", spec.address, global_, ownership=Ownership.EXTERNAL,
                          notes=(f"uses the existing address {spec.address}",))
    else:
        address = Desired("address", "compute.globalAddresses", names.address, global_,
                          {"addressType": "EXTERNAL", "ipVersion": "IPV4", "networkTier": "PREMIUM"})
    if spec.certificate_pem:
        certificate_body = {"type": "SELF_MANAGED", "certificate": spec.certificate_pem,
                            "privateKey": spec.private_key_pem}
    else:
        certificate_body = {"type": "MANAGED", "managed": {"domains": list(spec.domains)}}
    resources += [
        address,
        Desired("neg", "compute.regionNetworkEndpointGroups", names.neg, regional,
                {"networkEndpointType": "SERVERLESS", "cloudRun": {"service": Ref("service", "name")}}),
        Desired("backend", "compute.backendServices", names.backend, global_,
                {"loadBalancingScheme": "EXTERNAL_MANAGED", "protocol": "HTTPS",
                 "backends": [{"group": Ref("neg")}], "iap": iap},
                notes=notes, sensitive=("iap.oauth2ClientSecret",)),
        Desired("url-map", "compute.urlMaps", names.url_map, global_, {"defaultService": Ref("backend")}),
        Desired("certificate", "compute.sslCertificates", names.certificate, global_, certificate_body,
                sensitive=("privateKey",)),
        Desired("https-proxy", "compute.targetHttpsProxies", names.https_proxy, global_,
                {"urlMap": Ref("url-map"), "sslCertificates": [Ref("certificate")]}),
        Desired("https-rule", "compute.globalForwardingRules", names.https_rule, global_,
                {"IPAddress": Ref("address", "address"), "IPProtocol": "TCP", "portRange": "443-443",
                 "loadBalancingScheme": "EXTERNAL_MANAGED", "networkTier": "PREMIUM",
                 "target": Ref("https-proxy")}),
    ]
    if spec.https_redirect:
        resources += [
            Desired("redirect-url-map", "compute.urlMaps", names.redirect_url_map, global_,
                    {"defaultUrlRedirect": {"httpsRedirect": True,
                                            "redirectResponseCode": "MOVED_PERMANENTLY_DEFAULT",
                                            "stripQuery": False}}),
            Desired("http-proxy", "compute.targetHttpProxies", names.http_proxy, global_,
                    {"urlMap": Ref("redirect-url-map")}),
            Desired("http-rule", "compute.globalForwardingRules", names.http_rule, global_,
                    {"IPAddress": Ref("address", "address"), "IPProtocol": "TCP", "portRange": "80-80",
                     "loadBalancingScheme": "EXTERNAL_MANAGED", "networkTier": "PREMIUM",
                     "target": Ref("http-proxy")}),
        ]
    return resources
