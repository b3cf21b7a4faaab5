"""Importing only the parts of Google's client libraries a run uses.

Each `google.cloud.<api>_vN/__init__.py` imports every service client of its API: for Compute that is
~250 clients (over a second on these machines), for Cloud Run jobs, builds, executions... and every
crpatterns command would pay for all of it. So each package is registered without running its
__init__, and its submodules are imported on demand (about 0.4 s for everything a pattern needs,
against 2.5 s). The first access to anything else on the package (`compute_v1.SomeClient` from other
code in the same process) runs the real __init__ into the same module object, so the package behaves
exactly as usual from then on.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
from types import ModuleType
from typing import Any

_lock = threading.RLock()


def package(name: str) -> ModuleType:
    """`google.cloud.compute_v1` and the like, registered without running its __init__."""
    with _lock:
        loaded = sys.modules.get(name)
        if loaded is not None:
            return loaded
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            raise ImportError(f"{name} is not installed")
        module = importlib.util.module_from_spec(spec)
        loader = spec.loader

        def load_on_demand(attribute: str) -> Any:
            if importlib.util.find_spec(f"{name}.{attribute}") is not None:
                return importlib.import_module(f"{name}.{attribute}")
            with _lock:
                if "__getattr__" in module.__dict__:
                    del module.__dict__["__getattr__"]
                    loader.exec_module(module)  # the real __init__: everything, as usual
            return getattr(module, attribute)

        module.__getattr__ = load_on_demand  # type: ignore[attr-defined]
        sys.modules[name] = module
        parent_name, _, child = name.rpartition(".")
        setattr(importlib.import_module(parent_name), child, module)
        return module


def client_class(package_name: str, service_module: str, class_name: str) -> Any:
    """A client class, importing only its own service module, e.g.
    ("google.cloud.run_v2", "services", "ServicesClient")."""
    package(package_name)
    package(f"{package_name}.types")  # its __init__ imports every message module of the API, too
    return getattr(importlib.import_module(f"{package_name}.services.{service_module}"), class_name)


def types(package_name: str) -> Any:
    """`<package>.types`: the API's message classes (all of them, on first use of a name)."""
    package(package_name)
    package(f"{package_name}.types")
    return importlib.import_module(f"{package_name}.types")


def type_module(package_name: str, module: str) -> Any:
    """One message module, e.g. ("google.cloud.run_v2", "service"): only what it needs is imported."""
    package(package_name)
    package(f"{package_name}.types")
    return importlib.import_module(f"{package_name}.types.{module}")


COMPUTE = "google.cloud.compute_v1"
RUN = "google.cloud.run_v2"


def compute_types() -> Any:
    return types(COMPUTE)


def run_service_type() -> Any:
    """google.cloud.run_v2.Service."""
    return type_module(RUN, "service").Service
