"""The client factory: every Google client built one way, REST transport, pointed at one endpoint.

REST for Google and for the emulator alike, so the code path the tests exercise is the one users run
(google-cloud-run and google-cloud-iap default to gRPC; docs/google-behaviour.md, "Wire facts for the
Python client libraries").
Clients are created on first use and shared by the threads of one run.
"""

from __future__ import annotations

import re
import threading
from typing import Any

from crpatterns.errors import CrpatternsError
from crpatterns.gcp.endpoint import Endpoint
from crpatterns.gcp.http_log import CallLog
from crpatterns.gcp.lazy_import import COMPUTE, RUN, client_class

COMPUTE_HOST = "compute.googleapis.com"
RUN_HOST = "run.googleapis.com"
IAP_HOST = "iap.googleapis.com"
RESOURCE_MANAGER_HOST = "cloudresourcemanager.googleapis.com"
SERVICE_USAGE_HOST = "serviceusage.googleapis.com"
SCOPES = ("https://www.googleapis.com/auth/cloud-platform",)


class Clients:
    def __init__(self, endpoint: Endpoint, call_log: CallLog | None = None, pool_size: int = 16) -> None:
        self.endpoint = endpoint
        self.call_log = call_log or CallLog()
        self.pool_size = max(pool_size, 10)
        self._lock = threading.Lock()
        self._cache: dict[str, Any] = {}
        self._credentials: Any = None
        self._answered = threading.Event()  # something at the endpoint has answered (gcp/reachability.py)

    # -- plumbing -----------------------------------------------------------------------------

    def credentials(self) -> Any:
        with self._lock:
            if self._credentials is None:
                if self.endpoint.is_emulator:
                    from google.auth.credentials import AnonymousCredentials

                    self._credentials = AnonymousCredentials()
                else:
                    import google.auth
                    import google.auth.exceptions

                    try:
                        self._credentials, _ = google.auth.default(scopes=list(SCOPES))
                    except google.auth.exceptions.DefaultCredentialsError:
                        raise CrpatternsError(
                            "No Google Cloud credentials found: run `gcloud auth application-default login` "
                            "(or set GOOGLE_APPLICATION_CREDENTIALS), or set CRPATTERNS_EMULATOR_HOST=HOST:PORT "
                            "to use the local emulator (`crpatterns emulator start`)."
                        ) from None
            return self._credentials

    def _prepare_session(self, session: Any) -> None:
        from crpatterns.gcp.endpoint import ENV_VAR
        from crpatterns.gcp.reachability import FailFastAdapter

        adapter = FailFastAdapter(self.endpoint.emulator_host, ENV_VAR, self._answered, pool_connections=4,
                                  pool_maxsize=self.pool_size)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        self.call_log.attach(session)

    def _build(self, key: str, factory: Any, host: str) -> Any:
        credentials = self.credentials()
        with self._lock:
            client = self._cache.get(key)
            if client is None:
                client = factory(
                    transport="rest",
                    credentials=credentials,
                    client_options={"api_endpoint": self.endpoint.api_endpoint(host)},
                )
                self._prepare_session(client._transport._session)
                self._cache[key] = client
            return client

    # -- clients ------------------------------------------------------------------------------

    def compute(self, class_name: str) -> Any:
        """A compute_v1 client by class name, e.g. "RegionBackendServicesClient"."""
        module = re.sub(r"(?<!^)(?=[A-Z])", "_", class_name.removesuffix("Client")).lower()
        return self._build(f"compute.{class_name}", client_class(COMPUTE, module, class_name), COMPUTE_HOST)

    def run_services(self) -> Any:
        return self._build("run.services", client_class(RUN, "services", "ServicesClient"), RUN_HOST)

    def iap(self) -> Any:
        cls = client_class("google.cloud.iap_v1", "identity_aware_proxy_admin_service",
                           "IdentityAwareProxyAdminServiceClient")
        return self._build("iap.admin", cls, IAP_HOST)

    def projects(self) -> Any:
        cls = client_class("google.cloud.resourcemanager_v3", "projects", "ProjectsClient")
        return self._build("rm.projects", cls, RESOURCE_MANAGER_HOST)

    def service_usage(self) -> Any:
        cls = client_class("google.cloud.service_usage_v1", "service_usage", "ServiceUsageClient")
        return self._build("su.v1", cls, SERVICE_USAGE_HOST)

    def session(self) -> Any:
        """An authorised HTTP session, for the one method no client library covers:
        Service Usage v1beta1 generateServiceIdentity."""
        credentials = self.credentials()
        with self._lock:
            session = self._cache.get("session")
            if session is None:
                from google.auth.transport.requests import AuthorizedSession

                session = AuthorizedSession(credentials)
                self._prepare_session(session)
                self._cache["session"] = session
            return session

    def service_usage_url(self, path: str) -> str:
        return f"{self.endpoint.base_url(SERVICE_USAGE_HOST)}/{path.lstrip('/')}"
