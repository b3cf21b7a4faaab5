"""The resources of a web-app, from its spec and what its HTTPS proxy serves now (pure).

IAP's service agent is the only invoker (never allUsers, so Domain Restricted Sharing holds); ingress is
internal and cloud load balancing, so the run.app URL cannot bypass IAP. In direct mode IAP is enabled
on the Cloud Run service itself and there is no load balancer
(https://cloud.google.com/iap/docs/enabling-cloud-run).

Several regions: a Cloud Run service, its invoker grant and a serverless NEG in each, all NEGs backends of the
one global backend service (https://cloud.google.com/run/docs/multiple-regions). A region added joins the
backend service once its NEG exists; a region removed leaves the backend service first, and its NEG and
service are deleted after, so the backend service always keeps a backend. With --failover, Cloud Run
service health moves traffic between them (crpatterns/patterns/failover.py), and IAP sits on the Cloud Run
services, behind the load balancer.

A domain change never leaves the proxy without a certificate that serves: Google provisions a managed
certificate only once DNS points at the load balancer and the certificate is attached to its proxy
(https://cloud.google.com/load-balancing/docs/ssl-certificates/google-managed-certs), so the new one is
attached next to the ACTIVE old one, and the old one is detached and deleted by the first run after the
new one is ACTIVE.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from crpatterns.engine.model import BindingMode, Desired, ObservedKey, Ownership, Ref, Scope
from crpatterns.kinds.keys import KindKey
from crpatterns.patterns import failover
from crpatterns.patterns.base import Intent
from crpatterns.patterns.common import IAP_ACCESSOR_ROLE, INVOKER_ROLE, PUBLIC_MEMBERS, iap_agent
from crpatterns.patterns.regions import backend_notes, changes, ordered, role
from crpatterns.patterns.web_app.spec import Names, WebAppSpec

MANAGED_OAUTH_NOTE = ("IAP uses the Google-managed OAuth client: only users inside your Google Cloud "
                      "organization can sign in (pass --oauth-client-id for others).")
# Direct IAP on Cloud Run signs users in with the Google-managed client too (cloud.google.com/iap/docs/
# enabling-cloud-run); a custom client for outside users is an IAP setting this tool does not manage.
DIRECT_OAUTH_NOTE = ("IAP uses the Google-managed OAuth client: only users inside your Google Cloud "
                     "organization can sign in (use --iap-mode lb with --oauth-client-id for others).")
FAILOVER_OAUTH_NOTE = ("IAP is on the Cloud Run service, behind the load balancer (service health cannot work with "
                       "IAP on the backend service), with the Google-managed OAuth client: only users inside your "
                       "Google Cloud organization can sign in.")
ACTIVE = "ACTIVE"
MANAGED = "MANAGED"


@dataclass(frozen=True)
class WebAppFacts:
    """What the decision depends on beyond the spec: the certificates the HTTPS proxy serves now, the app's
    Cloud Run service in each region asked for (None where there is none), and the regions whose NEG the
    backend service holds now."""

    proxy_certificates: tuple[dict[str, Any], ...] = ()
    services: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    lb_regions: tuple[str, ...] = ()


def iap_resource(spec: WebAppSpec, region: str | None = None) -> str:
    """The IAP web resource whose policy says who may reach the app
    (https://cloud.google.com/iap/docs/reference/rest/v1/projects.iap_web): the backend service's, or, with
    IAP on the Cloud Run services, the service's in `region` (the first region when not given)."""
    if spec.iap_on_services:
        return f"projects/{spec.project_number}/iap_web/cloud_run-{region or spec.region}/services/{spec.name}"
    return f"projects/{spec.project_number}/iap_web/compute/services/{Names.of(spec.name).backend}"


def certificate_body(spec: WebAppSpec) -> dict[str, Any]:
    if spec.certificate_pem:
        return {"type": "SELF_MANAGED", "certificate": spec.certificate_pem, "privateKey": spec.private_key_pem}
    return {"type": MANAGED, "managed": {"domains": list(spec.domains)}}


def serves_as_desired(certificate: dict[str, Any], spec: WebAppSpec) -> bool:
    """Whether a certificate on the proxy is the one the spec asks for (a managed one for the same domains)."""
    managed = certificate.get("managed") or {}
    return certificate.get("type") == MANAGED and sorted(managed.get("domains", [])) == sorted(spec.domains)


def certificates_kept(spec: WebAppSpec, facts: WebAppFacts) -> list[dict[str, Any]]:
    """The ACTIVE certificates that must stay on the proxy while the desired managed one is not ACTIVE yet."""
    if spec.certificate_pem:
        return []  # a self-managed certificate serves as soon as it exists
    if any(serves_as_desired(c, spec) and (c.get("managed") or {}).get("status") == ACTIVE
           for c in facts.proxy_certificates):
        return []
    return [c for c in facts.proxy_certificates
            if not serves_as_desired(c, spec) and (c.get("type") != MANAGED
                                                    or (c.get("managed") or {}).get("status") == ACTIVE)]


def service_body(spec: WebAppSpec, current: dict[str, Any] | None) -> dict[str, Any]:
    """The Cloud Run service of one region. `current`: that service as it is now (None if absent)."""
    body: dict[str, Any] = {
        "template": {"containers": [{"image": spec.image}]},
        # Direct IAP guards the run.app URL itself, so it must be reachable; behind the load balancer
        # only the load balancer may reach the service.
        "ingress": "INGRESS_TRAFFIC_ALL" if spec.direct else "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER",
        "defaultUriDisabled": spec.disable_default_url,
        "iapEnabled": spec.iap_on_services,
    }
    if spec.iap_on_services:
        # iapEnabled needs launch stage BETA (https://cloud.google.com/iap/docs/enabling-cloud-run)
        body["launchStage"] = "BETA"
    if spec.failover:
        body["template"] = failover.template(spec.image, spec.readiness_path)
        body["annotations"] = {failover.ANNOTATION: "true"}
    elif failover.was_on(current):
        body["template"] = failover.cleared_template(spec.image)
        body["annotations"] = {failover.ANNOTATION: None}
    return body


def regional_resources(spec: WebAppSpec, names: Names, region: str, facts: WebAppFacts, added: bool) -> list[Desired]:
    """The service and its invoker grant in one region (and with IAP on the services, who may use it)."""
    scope = Scope(spec.project, region)
    regions = spec.regions
    service, invoker = role("service", region, regions), role("invoker", region, regions)
    current = facts.services.get(region)
    notes: list[str] = []
    if spec.direct:
        notes.append(DIRECT_OAUTH_NOTE)
    elif spec.failover:
        notes.append(FAILOVER_OAUTH_NOTE)
    if added:
        notes.append(f"new region {region} (--region): its service, IAP's invoker grant and its NEG are added, and "
                     "the NEG joins the backend service once it exists")
    if failover.was_on(current) and not spec.failover:
        notes.append("--failover dropped: the readiness probe and the minimum instance it added are removed")
    agent = f"serviceAccount:{iap_agent(spec.project_number)}"
    # Edges Google requires: a Cloud Run service's IAM policy exists only with the service (404 or 403 before:
    # GoogleCloudPlatform/solutions-builder#37, garbetjie/terraform-google-cloud-run#13);
    # an IAP web resource only with its backend service or Cloud Run service (docs/google-behaviour.md, "IAP v1").
    resources = [
        Desired(service, KindKey.RUN_SERVICES, names.service, scope, service_body(spec, current), notes=tuple(notes)),
        Desired(
            invoker, KindKey.RUN_SERVICE_IAM, names.service, scope,
            {"role": INVOKER_ROLE, "members": [agent], "mode": BindingMode.ADDITIVE, "agents": ["iap.googleapis.com"],
             "agentProject": spec.project, "refusedMembers": list(PUBLIC_MEMBERS)},
            ownership=Ownership.BINDING, depends_on=(service,),
            notes=("IAP's service agent is the only invoker the tool grants; public invokers (allUsers, "
                   "allAuthenticatedUsers) are refused and removed.",),
        ),
    ]
    if spec.iap_on_services:
        resources.append(Desired(
            role("iap-access", region, regions), KindKey.IAP_WEB_IAM, iap_resource(spec, region),
            Scope(spec.project),
            {"role": IAP_ACCESSOR_ROLE, "members": list(spec.members), "mode": BindingMode.AUTHORITATIVE},
            ownership=Ownership.BINDING, depends_on=(service,)))
    return resources


def decide(spec: WebAppSpec, facts: WebAppFacts) -> Intent:
    names = Names.of(spec.name)
    global_ = Scope(spec.project)
    regions = ordered(spec.regions)
    added, removed = changes(regions, facts.lb_regions) if facts.lb_regions else ([], [])
    resources: list[Desired] = []
    for region in regions:
        resources += regional_resources(spec, names, region, facts, region in added)
    warnings: list[str] = []
    if spec.failover and not all(failover.health_computed(facts.services.get(r)) for r in regions):
        warnings.append(failover.cost_note(len(regions)) + ".")
    if spec.direct:
        return Intent(resources, warnings)
    if not spec.iap_on_services:
        resources.append(Desired(
            "iap-access", KindKey.IAP_WEB_IAM, iap_resource(spec), global_,
            {"role": IAP_ACCESSOR_ROLE, "members": list(spec.members), "mode": BindingMode.AUTHORITATIVE},
            ownership=Ownership.BINDING, depends_on=("backend",)))
    kept = certificates_kept(spec, facts)
    resources += load_balancer(spec, names, kept, added, removed)
    keep: dict[ObservedKey, str] = {}
    for certificate in kept:
        name = certificate.get("name", "")
        keep[(KindKey.SSL_CERTIFICATES, global_, name)] = (
            "kept on the proxy until the new certificate is ACTIVE, so HTTPS keeps working")
        warnings.append(f"The certificate {name} keeps serving until the new certificate for "
                        f"{', '.join(spec.domains)} is ACTIVE (DNS must point at the load balancer); run this "
                        "command again then to detach and delete it (`status` shows the certificate's state).")
    return Intent(resources, warnings, keep, deleting=removed_regions(spec, names, removed))


def removed_regions(spec: WebAppSpec, names: Names, removed: list[str]) -> dict[ObservedKey, str]:
    """Why the plan deletes the NEG and service of each region taken off --region."""
    reasons: dict[ObservedKey, str] = {}
    for region in removed:
        scope = Scope(spec.project, region)
        reasons[(KindKey.REGION_NEGS, scope, names.neg)] = (
            f"region {region} is no longer in --region: deleted once the backend service no longer uses it (the "
            "backend service is updated first, so it always keeps a backend)")
        reasons[(KindKey.RUN_SERVICES, scope, names.service)] = (
            f"region {region} is no longer in --region: deleted after its NEG")
    return reasons


def backend_iap(spec: WebAppSpec) -> tuple[dict[str, Any], tuple[str, ...]]:
    """The backend service's IAP block and its note. With --failover IAP is on the Cloud Run services and off
    here (service health's limitation: docs/google-behaviour.md, "Cloud Run: readiness probes, minimum
    instances and service health")."""
    if spec.failover:
        return {"enabled": False}, ()
    iap: dict[str, Any] = {"enabled": True}
    if spec.oauth_client_id:
        iap.update(oauth2ClientId=spec.oauth_client_id, oauth2ClientSecret=spec.oauth_client_secret)
        return iap, ()
    iap["oauth2ClientId"] = ""
    return iap, (MANAGED_OAUTH_NOTE,)


def load_balancer(spec: WebAppSpec, names: Names, kept: list[dict[str, Any]], added: Sequence[str] = (),
                  removed: Sequence[str] = ()) -> list[Desired]:
    global_ = Scope(spec.project)
    regions = ordered(spec.regions)
    iap, notes = backend_iap(spec)
    if spec.address:
        address = Desired("address", KindKey.GLOBAL_ADDRESSES, spec.address, global_, ownership=Ownership.EXTERNAL,
                          notes=(f"uses the existing address {spec.address}",))
    else:
        address = Desired("address", KindKey.GLOBAL_ADDRESSES, names.address, global_,
                          {"addressType": "EXTERNAL", "ipVersion": "IPV4", "networkTier": "PREMIUM"})
    certificates: list[Any] = [Ref("certificate")] + [c["selfLink"] for c in kept if c.get("selfLink")]
    # The NEG names the service by its literal name, so the Cloud Run service (the slowest operation)
    # runs beside the load balancer chain instead of before it: Google does not resolve the service
    # at insert (URL-mask NEGs name none; cloud-foundation-fabric's net-lb-app-ext README, "Serverless
    # NEG creation", creates one for a service "hello" it never deploys, in an e2e test). Every other
    # edge below is a reference Google resolves at insert (404, or 400 resourceNotReady before DONE).
    # No URL mask or tag: Cloud Run service health needs neither (docs/google-behaviour.md).
    negs = [Desired(role("neg", region, regions), KindKey.REGION_NEGS, names.neg, Scope(spec.project, region),
                    {"networkEndpointType": "SERVERLESS", "cloudRun": {"service": names.service}})
            for region in regions]
    resources = [
        address,
        *negs,
        Desired("backend", KindKey.BACKEND_SERVICES, names.backend, global_,
                {"loadBalancingScheme": "EXTERNAL_MANAGED", "protocol": "HTTPS",
                 "backends": [{"group": Ref(neg.role)} for neg in negs], "iap": iap},
                notes=(*notes, *backend_notes(added, removed)), sensitive=("iap.oauth2ClientSecret",)),
        # Exactly one of defaultService, defaultUrlRedirect and defaultRouteAction (discovery compute.v1
        # UrlMap.defaultService): a redirect set behind the tool's back is cleared.
        Desired("url-map", KindKey.URL_MAPS, names.url_map, global_,
                {"defaultService": Ref("backend"), "defaultUrlRedirect": None}),
        Desired("certificate", KindKey.SSL_CERTIFICATES, names.certificate, global_, certificate_body(spec),
                sensitive=("privateKey",)),
        Desired("https-proxy", KindKey.TARGET_HTTPS_PROXIES, names.https_proxy, global_,
                {"urlMap": Ref("url-map"), "sslCertificates": certificates}),
        Desired("https-rule", KindKey.GLOBAL_FORWARDING_RULES, names.https_rule, global_,
                {"IPAddress": Ref("address", "address"), "IPProtocol": "TCP", "portRange": "443-443",
                 "loadBalancingScheme": "EXTERNAL_MANAGED", "networkTier": "PREMIUM",
                 "target": Ref("https-proxy")}),
    ]
    if spec.https_redirect:
        resources += [
            Desired("redirect-url-map", KindKey.URL_MAPS, names.redirect_url_map, global_,
                    {"defaultUrlRedirect": {"httpsRedirect": True,
                                            "redirectResponseCode": "MOVED_PERMANENTLY_DEFAULT",
                                            "stripQuery": False},
                     "defaultService": None}),
            Desired("http-proxy", KindKey.TARGET_HTTP_PROXIES, names.http_proxy, global_,
                    {"urlMap": Ref("redirect-url-map")}),
            Desired("http-rule", KindKey.GLOBAL_FORWARDING_RULES, names.http_rule, global_,
                    {"IPAddress": Ref("address", "address"), "IPProtocol": "TCP", "portRange": "80-80",
                     "loadBalancingScheme": "EXTERNAL_MANAGED", "networkTier": "PREMIUM",
                     "target": Ref("http-proxy")}),
        ]
    return resources
