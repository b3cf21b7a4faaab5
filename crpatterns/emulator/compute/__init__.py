"""Compute Engine v1: the networking and load-balancing collections the patterns use."""

from crpatterns.emulator.compute.module import ComputeModule

MODULES = [ComputeModule]
__all__ = ["MODULES", "ComputeModule"]
