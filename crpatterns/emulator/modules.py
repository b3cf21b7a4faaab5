"""The list of emulated APIs. Each lives in its own package: routes, handlers, models."""

from __future__ import annotations

from crpatterns.emulator.core.app import ModuleFactory


def all_modules() -> list[ModuleFactory]:
    from crpatterns.emulator import resourcemanager

    factories: list[ModuleFactory] = [resourcemanager.V1Module, resourcemanager.V3Module]
    # Modules added as they land; each package exposes `Module` (or several) taking the World.
    for name in ("compute", "run", "iap", "serviceusage"):
        try:
            package = __import__(f"crpatterns.emulator.{name}", fromlist=["MODULES"])
        except ModuleNotFoundError as error:
            if error.name == f"crpatterns.emulator.{name}":
                continue
            raise
        factories.extend(package.MODULES)
    return factories
