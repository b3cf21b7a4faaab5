"""What the web-app pattern reads before it decides, and for status. Reads only, through the kinds."""

from __future__ import annotations

from typing import Any

from crpatterns.concurrency import together
from crpatterns.engine.model import Scope
from crpatterns.kinds.keys import KindKey
from crpatterns.patterns.regions import backend_regions
from crpatterns.patterns.web_app.desired import WebAppFacts
from crpatterns.patterns.web_app.spec import Names
from crpatterns.session import Session


def proxy_certificates(session: Session, name: str, proxy: dict[str, Any] | None = None) -> tuple[dict[str, Any], ...]:
    """The certificates the app's HTTPS proxy (read here unless given) serves now, in the proxy's order."""
    global_ = Scope(session.project)
    if proxy is None:
        proxy = session.kinds[KindKey.TARGET_HTTPS_PROXIES].read(global_, Names.of(name).https_proxy)
    urls = list((proxy or {}).get("sslCertificates", []))
    kind = session.kinds[KindKey.SSL_CERTIFICATES]
    found = together(session.parallelism, {url: (lambda u=url: kind.read(global_, u.rsplit("/", 1)[-1]))
                                           for url in urls})
    return tuple(found[url] for url in urls if found[url] is not None)


def facts(session: Session, name: str, direct: bool, regions: tuple[str, ...]) -> WebAppFacts:
    """The service of each region (what --failover left on it), and with a load balancer the backend service's
    regions and the proxy's certificates. The reads are made once: planning reads the same resources again
    from the session's cache."""
    kinds, global_ = session.kinds, Scope(session.project)
    names = Names.of(name)
    reads: dict[str, Any] = {f"service {r}": (lambda r=r: kinds[KindKey.RUN_SERVICES].read(Scope(session.project, r),
                                                                                          names.service))
                             for r in regions}
    if not direct:
        reads["proxy"] = lambda: kinds[KindKey.TARGET_HTTPS_PROXIES].read(global_, names.https_proxy)
        reads["backend"] = lambda: kinds[KindKey.BACKEND_SERVICES].read(global_, names.backend)
    found = together(session.parallelism, reads)
    services = {r: found[f"service {r}"] for r in regions}
    if direct:
        return WebAppFacts(services=services)
    return WebAppFacts(proxy_certificates(session, name, found["proxy"] or {}), services,
                       backend_regions(found["backend"]))
