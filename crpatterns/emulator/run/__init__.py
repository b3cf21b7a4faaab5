"""Cloud Run Admin API v2: services, revisions, IAM policies and long-running operations."""

from crpatterns.emulator.run.module import RunModule

MODULES = [RunModule]
__all__ = ["MODULES", "RunModule"]
