"""The Compute API module: its collections, operations, and per-project seed."""

from __future__ import annotations

import importlib
from typing import Any

from crpatterns.emulator.compute.collection import Collection
from crpatterns.emulator.compute.operations import Operations
from crpatterns.emulator.compute.store import COMPUTE, ComputeState
from crpatterns.emulator.core.routing import Route
from crpatterns.emulator.core.world import Project, World

# Modules defining `COLLECTIONS` (Collection subclasses) and optionally `seed_project(module, project)`
# and `extra_routes(module) -> list[Route]` (non-collection methods such as projects.enableXpnHost).
PARTS = (
    "networks",
    "subnetworks",
    "addresses",
    "projects",
    "network_endpoint_groups",
    "backend_services",
    "url_maps",
    "target_proxies",
    "ssl_certificates",
    "forwarding_rules",
)


class ComputeModule:
    api = COMPUTE

    def __init__(self, world: World) -> None:
        self.world = world
        self.state = ComputeState(world)
        self.operations = Operations(self.state)
        self.parts = []
        for name in PARTS:
            try:
                self.parts.append(importlib.import_module(f"crpatterns.emulator.compute.{name}"))
            except ModuleNotFoundError as error:
                if error.name != f"crpatterns.emulator.compute.{name}":
                    raise
        self.collections: dict[str, Collection] = {
            cls.name: cls(self.state, self.operations)
            for part in self.parts
            for cls in getattr(part, "COLLECTIONS", ())
        }

    def routes(self) -> list[Route]:
        routes = self.operations.routes()
        for collection in self.collections.values():
            routes.extend(collection.routes())
        for part in self.parts:
            if hasattr(part, "extra_routes"):
                routes.extend(part.extra_routes(self))
        return routes

    def seed_project(self, project: Project) -> None:
        for part in self.parts:
            if hasattr(part, "seed_project"):
                part.seed_project(self, project)

    def mark_dns_ready(self, domain: str) -> None:
        """Admin /_emulator/dns-ready: DNS for `domain` points at its load balancer."""
        for part in self.parts:
            if hasattr(part, "mark_dns_ready"):
                part.mark_dns_ready(self.state, domain)

    def inventory(self) -> dict[str, Any]:
        return self.state.inventory()
