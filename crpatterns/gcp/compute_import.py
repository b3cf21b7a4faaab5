"""Importing only the parts of google-cloud-compute a run uses.

`google.cloud.compute_v1/__init__.py` imports every one of Compute's ~250 service clients (over a second
on these machines; the message types alone are under half of that), and every crpatterns command pays
it. So the package is registered without running its __init__, and its submodules are imported on
demand. The first access to anything else (`compute_v1.SomeClient` from other code in the process)
runs the real __init__ into the same module, so the package behaves exactly as usual from then on.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import sys
import threading
from types import ModuleType
from typing import Any

PACKAGE = "google.cloud.compute_v1"
_lock = threading.Lock()


def _package() -> ModuleType:
    with _lock:
        loaded = sys.modules.get(PACKAGE)
        if loaded is not None:
            return loaded
        spec = importlib.util.find_spec(PACKAGE)
        if spec is None or spec.loader is None:
            raise ImportError(f"{PACKAGE} is not installed")
        module = importlib.util.module_from_spec(spec)

        def load_on_demand(name: str) -> Any:
            if importlib.util.find_spec(f"{PACKAGE}.{name}") is not None:
                return importlib.import_module(f"{PACKAGE}.{name}")
            with _lock:
                if "__getattr__" in module.__dict__:
                    del module.__dict__["__getattr__"]
                    spec.loader.exec_module(module)  # the real __init__: everything, as usual
            return getattr(module, name)

        module.__getattr__ = load_on_demand  # type: ignore[attr-defined]
        sys.modules[PACKAGE] = module
        import google.cloud

        google.cloud.compute_v1 = module  # type: ignore[attr-defined]
        return module


def client_class(class_name: str) -> Any:
    """A Compute client class by name, e.g. "RegionBackendServicesClient", importing only its module."""
    _package()
    module_name = re.sub(r"(?<!^)(?=[A-Z])", "_", class_name.removesuffix("Client")).lower()
    module = importlib.import_module(f"{PACKAGE}.services.{module_name}")
    return getattr(module, class_name)


def types() -> Any:
    """google.cloud.compute_v1.types: the message classes (Address, BackendService, ...)."""
    _package()
    return importlib.import_module(f"{PACKAGE}.types")
