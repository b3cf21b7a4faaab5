"""Service Usage v1 and v1beta1: enabling APIs, and generating service agents."""

from crpatterns.emulator.serviceusage.module import V1Beta1Module, V1Module

MODULES = [V1Module, V1Beta1Module]
__all__ = ["MODULES", "V1Beta1Module", "V1Module"]
