"""IAP v1: IAM policies and settings of IAP-protected web resources."""

from crpatterns.emulator.iap.module import IapModule

MODULES = [IapModule]
__all__ = ["MODULES", "IapModule"]
