"""Pattern 2: an internal API, Cloud Run behind a regional internal Application Load Balancer.
spec.py: what is asked and the facts read; desired.py: the resources (pure); checks.py: refusals by
the cloud's state; reads.py: what it reads; status.py: findings; pattern.py: the Pattern interface."""

from crpatterns.patterns.internal_api.pattern import InternalApi
from crpatterns.patterns.internal_api.spec import Facts, InternalApiSpec, Names

PATTERN = InternalApi()

__all__ = ["PATTERN", "Facts", "InternalApi", "InternalApiSpec", "Names"]
