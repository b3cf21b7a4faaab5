"""What the web-app pattern reads before it decides, and for status. Reads only, through the kinds."""

from __future__ import annotations

from typing import Any

from crpatterns.concurrency import together
from crpatterns.engine.model import Scope
from crpatterns.kinds.keys import KindKey
from crpatterns.patterns.web_app.desired import WebAppFacts
from crpatterns.patterns.web_app.spec import Names
from crpatterns.session import Session


def proxy_certificates(session: Session, name: str) -> tuple[dict[str, Any], ...]:
    """The certificates the app's HTTPS proxy serves now, in the proxy's order."""
    global_ = Scope(session.project)
    proxy = session.kinds[KindKey.TARGET_HTTPS_PROXIES].read(global_, Names.of(name).https_proxy) or {}
    urls = list(proxy.get("sslCertificates", []))
    kind = session.kinds[KindKey.SSL_CERTIFICATES]
    found = together(session.parallelism, {url: (lambda u=url: kind.read(global_, u.rsplit("/", 1)[-1]))
                                           for url in urls})
    return tuple(found[url] for url in urls if found[url] is not None)


def facts(session: Session, name: str, direct: bool) -> WebAppFacts:
    if direct:
        return WebAppFacts()
    return WebAppFacts(proxy_certificates(session, name))
