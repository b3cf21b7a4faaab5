"""Independent reads at once: the one helper the read phase, the patterns' reads and the preflight
share. At most `parallelism` run together; the first failure is raised once all have finished."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any


def together(parallelism: int, reads: Mapping[str, Callable[[], Any]]) -> dict[str, Any]:
    """Runs every read concurrently; returns their answers under the same keys."""
    if not reads:
        return {}
    if len(reads) == 1:
        (key, read), = reads.items()
        return {key: read()}
    with ThreadPoolExecutor(max_workers=max(1, min(parallelism, len(reads))), thread_name_prefix="read") as pool:
        futures = {key: pool.submit(read) for key, read in reads.items()}
        return {key: future.result() for key, future in futures.items()}


def run_all(parallelism: int, tasks: list[Callable[[], None]]) -> None:
    """Runs tasks that record their own results, concurrently."""
    together(parallelism, {str(i): task for i, task in enumerate(tasks)})
