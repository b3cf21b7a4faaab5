"""Resource Manager v1 and v3: projects.get and project IAM policies.

gcloud's IAP commands read `projectNumber` through v1 (docs/google-behaviour.md, "Resource Manager and
Service Usage"); the client library google-cloud-resource-manager speaks v3.
"""

from crpatterns.emulator.resourcemanager.routes import V1Module, V3Module

MODULES = [V1Module, V3Module]
__all__ = ["MODULES", "V1Module", "V3Module"]
