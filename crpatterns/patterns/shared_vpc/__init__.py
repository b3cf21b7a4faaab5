"""Pattern 3: a Cloud Run service in a service project sending its traffic through a Shared VPC host's
subnet (Direct VPC egress), with internal ingress. spec.py: what is asked; grants.py: the host-side
grants and their record; desired.py: enable and disable (pure); checks.py: what the host must be;
reads.py: what it reads; status.py: findings; pattern.py: the Pattern interface."""

from crpatterns.patterns.shared_vpc.pattern import SharedVpc, SharedVpcFacts
from crpatterns.patterns.shared_vpc.spec import DisableSpec, EnableSpec, HostFacts

PATTERN = SharedVpc()

__all__ = ["PATTERN", "DisableSpec", "EnableSpec", "HostFacts", "SharedVpc", "SharedVpcFacts"]
