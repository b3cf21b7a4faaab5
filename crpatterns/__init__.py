"""crpatterns: secure-by-default Cloud Run architectures, planned and applied idempotently."""

__version__ = "0.1.0"
