"""What a command works with once its project is known: the project, the clients, and the resource
kinds. Below the CLI, so patterns and the engine can name its type.

`kinds` read each resource once (the patterns' reads, the observation and status share the answers);
`writers` are the kinds themselves, for apply and for reading afresh after it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Session:
    project: str
    number: str
    clients: Any
    kinds: dict[str, Any]
    writers: dict[str, Any] = field(default_factory=dict)
    parallelism: int = 8

    def refreshed(self) -> Session:
        """The same session with no remembered reads (after an apply, what was read is stale)."""
        from crpatterns.engine.read_cache import cached

        return Session(self.project, self.number, self.clients, cached(self.writers), self.writers, self.parallelism)


def open_session(project_flag: str | None, apis: tuple[str, ...], *, parallelism: int = 8,
                 enable_apis: bool = False, log: Callable[[str], None] | None = None,
                 say: Callable[[str], None] | None = None) -> Session:
    """Resolves the project, checks its number and APIs (enabling them when asked), and builds the kinds.
    `log` receives every API call (--verbose); `say` a line about APIs it enabled."""
    from crpatterns.concurrency import together
    from crpatterns.engine.read_cache import cached
    from crpatterns.gcp.clients import Clients
    from crpatterns.gcp.endpoint import Endpoint
    from crpatterns.gcp.http_log import CallLog
    from crpatterns.gcp.preflight import ensure_apis, project_info
    from crpatterns.gcp.project import resolve_project
    from crpatterns.kinds import all_kinds

    endpoint = Endpoint.from_env()
    project = resolve_project(project_flag, allow_adc=not endpoint.is_emulator)
    clients = Clients(endpoint, CallLog(emit=log), pool_size=parallelism * 2)
    clients.credentials()  # missing credentials: one sentence saying how to get some, before any call
    # Both reads at once: the API check takes the project id as well as its number. An unknown project
    # is reported first.
    found = together(2, {"info": lambda: project_info(clients, project),
                         "off": lambda: _off_or_error(clients, project, apis)})
    info = found["info"]
    disabled = found["off"]
    if isinstance(disabled, Exception):
        raise disabled
    enabled = ensure_apis(clients, info, disabled, enable=enable_apis)
    if enabled and say is not None:
        say(f"Enabled APIs: {', '.join(enabled)}")
    kinds = all_kinds(clients)
    return Session(info.project_id, info.number, clients, cached(kinds), kinds, parallelism)


def _off_or_error(clients: Any, project: str, apis: tuple[str, ...]) -> list[str] | Exception:
    """The disabled APIs, or the error reading them (raised after the project lookup's own)."""
    from crpatterns.gcp.preflight import disabled_apis

    try:
        return disabled_apis(clients, project, apis)
    except Exception as error:
        return error
