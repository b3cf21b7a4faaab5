"""Running the CLI as a real process with any of stdin, stdout and stderr on a pseudo-terminal, for what
only a terminal shows (progress, confirmations, where outputs go)."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import threading
from dataclasses import dataclass


@dataclass
class Terminal:
    stdout: str
    stderr: str
    code: int


class _Pty:
    """A pseudo-terminal whose output is collected by a thread (the child blocks if nobody reads)."""

    def __init__(self) -> None:
        self.leader, self.follower = pty.openpty()
        self.chunks: list[bytes] = []
        self.reader = threading.Thread(target=self._drain, daemon=True)
        self.reader.start()

    def _drain(self) -> None:
        while True:
            try:
                data = os.read(self.leader, 4096)
            except OSError:
                return
            if not data:
                return
            self.chunks.append(data)

    def close(self) -> str:
        os.close(self.follower)
        self.reader.join(5)
        os.close(self.leader)
        return b"".join(self.chunks).decode(errors="replace").replace("\r\n", "\n")


def run_cli(args: list[str], env: dict[str, str], *, stdin: bool = False, stdout: bool = False,
            stderr: bool = False, timeout: float = 120) -> Terminal:
    """`python -m crpatterns ARGS` with the streams named True on terminals (the others are pipes; stdin
    otherwise /dev/null). Nothing is typed: a command that asks would wait until `timeout`."""
    ptys = {name: _Pty() for name, wanted in (("stdin", stdin), ("stdout", stdout), ("stderr", stderr)) if wanted}
    try:
        process = subprocess.run(
            [sys.executable, "-m", "crpatterns", *args], env=env, timeout=timeout,
            stdin=ptys["stdin"].follower if stdin else subprocess.DEVNULL,
            stdout=ptys["stdout"].follower if stdout else subprocess.PIPE,
            stderr=ptys["stderr"].follower if stderr else subprocess.PIPE)
    finally:
        texts = {name: p.close() for name, p in ptys.items()}
    return Terminal(texts.get("stdout", (process.stdout or b"").decode()),
                    texts.get("stderr", (process.stderr or b"").decode()), process.returncode)
