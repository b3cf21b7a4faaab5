"""Pattern 1: an internal web app, Cloud Run behind an external HTTPS load balancer with IAP (or IAP on
the Cloud Run service itself). spec.py: what is asked; desired.py: the resources (pure); reads.py: what
it reads; status.py: findings and next steps; pattern.py: the Pattern interface."""

from crpatterns.patterns.web_app.pattern import WebApp
from crpatterns.patterns.web_app.spec import Names, WebAppSpec

PATTERN = WebApp()

__all__ = ["PATTERN", "Names", "WebApp", "WebAppSpec"]
