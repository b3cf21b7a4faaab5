"""Real Google client libraries pointed at the emulator, and Compute operation waits.

Compute waits never use `ExtendedOperation.result()`: it polls compute.googleapis.com whatever the
client's endpoint (docs/google-behaviour.md, "Compute: errors, operations, fingerprints"); the operations
clients built here wait instead.
"""

from __future__ import annotations

from typing import Any

from google.auth.credentials import AnonymousCredentials
from google.cloud import compute_v1

from tests.support import EmulatorProcess


def options(emulator: EmulatorProcess) -> dict[str, str]:
    return {"api_endpoint": f"http://{emulator.host}"}


def compute(emulator: EmulatorProcess, name: str) -> Any:
    """A google-cloud-compute client, e.g. `compute(emulator, "SubnetworksClient")`."""
    client_class = getattr(compute_v1, name)
    return client_class(transport="rest", client_options=options(emulator), credentials=AnonymousCredentials())


def wait(emulator: EmulatorProcess, operation: Any, project: str, region: str | None = None) -> compute_v1.Operation:
    """Waits for a Compute operation (an ExtendedOperation or its name) with the operations client of its
    scope, and returns it DONE."""
    name = operation if isinstance(operation, str) else operation.name
    if region:
        done = compute(emulator, "RegionOperationsClient").wait(project=project, region=region, operation=name)
    else:
        done = compute(emulator, "GlobalOperationsClient").wait(project=project, operation=name)
    assert done.status == compute_v1.Operation.Status.DONE, done
    return done


def run_services(emulator: EmulatorProcess) -> Any:
    """google-cloud-run's ServicesClient over REST; its LRO `result()` polls the same endpoint."""
    from google.cloud import run_v2

    return run_v2.ServicesClient(transport="rest", client_options=options(emulator), credentials=AnonymousCredentials())


def iap_admin(emulator: EmulatorProcess) -> Any:
    """google-cloud-iap's IdentityAwareProxyAdminServiceClient over REST."""
    from google.cloud import iap_v1

    return iap_v1.IdentityAwareProxyAdminServiceClient(
        transport="rest", client_options=options(emulator), credentials=AnonymousCredentials()
    )


def service_usage(emulator: EmulatorProcess) -> Any:
    """google-cloud-service-usage's ServiceUsageClient (v1) over REST."""
    from google.cloud import service_usage_v1

    return service_usage_v1.ServiceUsageClient(
        transport="rest", client_options=options(emulator), credentials=AnonymousCredentials()
    )
