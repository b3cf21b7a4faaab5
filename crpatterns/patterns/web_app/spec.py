"""What a web-app is asked to be, and the names of what it is made of."""

from __future__ import annotations

from dataclasses import dataclass

from crpatterns.patterns.base import Spec

PATTERN_NAME = "web-app"
APIS = ("run.googleapis.com", "compute.googleapis.com", "iap.googleapis.com")
LB_MODE = "lb"  # IAP on the external load balancer's backend service
DIRECT_MODE = "direct"  # IAP on the Cloud Run service itself, no load balancer
IAP_MODES = (LB_MODE, DIRECT_MODE)
MAX_DOMAINS = 100  # a managed certificate's limit (discovery compute.v1 SslCertificateManagedSslCertificate.domains)


@dataclass(frozen=True, kw_only=True)
class WebAppSpec(Spec):
    image: str = ""
    domains: tuple[str, ...] = ()
    members: tuple[str, ...] = ()
    iap_mode: str = LB_MODE
    certificate_pem: str | None = None
    private_key_pem: str | None = None
    address: str | None = None  # an existing global address to use
    https_redirect: bool = True
    oauth_client_id: str | None = None
    oauth_client_secret: str | None = None
    disable_default_url: bool = False
    # Cloud Run service health moves traffic between the regions (crpatterns/patterns/failover.py): IAP then
    # sits on the Cloud Run services, behind the load balancer, instead of on its backend service.
    failover: bool = False
    readiness_path: str = "/"

    @property
    def direct(self) -> bool:
        return self.iap_mode == DIRECT_MODE

    @property
    def iap_on_services(self) -> bool:
        """IAP checks users on the Cloud Run services themselves: direct mode, or behind the load balancer
        with --failover ("You can't enable IAP from a backend service or load balancer. Enable IAP directly
        from Cloud Run.", https://cloud.google.com/run/docs/configuring/configure-service-health)."""
        return self.direct or self.failover


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
