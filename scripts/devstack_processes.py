"""The child processes of `make run`: each in its own process group, its output prefixed.

Helpers for scripts/devstack.py: `Console` writes whole lines from many threads behind a
coloured name; `Stack` starts the services, notices one that exits, and stops them in order
(the SMTP sink last).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from typing import IO

from devstack_programs import ROOT

STOP_TIMEOUT = 10.0
SINK = "smtp-sink"
COLOURS = ["36", "32", "33", "35", "34", "1;37"]


class Console:
    """Writes whole lines from many threads behind a fixed-width, optionally coloured prefix."""

    def __init__(self, names: list[str]) -> None:
        self.width = max(map(len, names))
        self.colour = {n: COLOURS[i % len(COLOURS)] for i, n in enumerate(names)}
        self.tty = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        self.lock = threading.Lock()

    def line(self, name: str, text: str) -> None:
        prefix = name.ljust(self.width)
        if self.tty:
            prefix = f"\033[{self.colour.get(name, '0')}m{prefix}\033[0m"
        with self.lock:
            sys.stdout.write(f"{prefix} | {text}\n")
            sys.stdout.flush()

    def block(self, text: str) -> None:
        with self.lock:
            sys.stdout.write(text)
            sys.stdout.flush()


class Stack:
    """The child processes, each in its own process group so signals reach only what we send."""

    def __init__(self, env: dict[str, str], console: Console) -> None:
        self.env = env
        self.console = console
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self.readers: list[threading.Thread] = []
        self.stop_requested = threading.Event()
        self.force = threading.Event()

    def start(self, name: str, argv: list[str], extra_env: dict[str, str] | None = None) -> None:
        proc = subprocess.Popen(
            [sys.executable, *argv],
            cwd=ROOT,
            env={**self.env, **(extra_env or {})},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.procs[name] = proc
        reader = threading.Thread(target=self._pump, args=(name, proc.stdout), daemon=True)
        reader.start()
        self.readers.append(reader)

    def _pump(self, name: str, stream: IO[bytes] | None) -> None:
        assert stream is not None
        for raw in iter(stream.readline, b""):
            self.console.line(name, raw.decode(errors="replace").rstrip("\r\n"))

    def on_signal(self, signum: int, _frame: object) -> None:
        if self.stop_requested.is_set():
            self.force.set()
        self.stop_requested.set()

    def first_exited(self) -> tuple[str, int] | None:
        for name, proc in self.procs.items():
            if (code := proc.poll()) is not None:
                return name, code
        return None

    def stop(self) -> None:
        # The sink goes last so a mail-service finishing a send on SIGTERM still has a server.
        apps = [name for name in self.procs if name != SINK]
        for group in (apps, [SINK]):
            self._stop_group([n for n in group if n in self.procs])
        for reader in self.readers:
            reader.join(timeout=2)  # so a dying child's last lines (its traceback) are shown

    def _stop_group(self, names: list[str]) -> None:
        alive = [n for n in names if self.procs[n].poll() is None]
        for name in alive:
            self._signal(name, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        while time.monotonic() < deadline and not self.force.is_set():
            if all(self.procs[n].poll() is not None for n in alive):
                return
            time.sleep(0.1)
        for name in alive:
            if self.procs[name].poll() is None:
                msg = f"{name} did not stop within {STOP_TIMEOUT:.0f} s; sending SIGKILL"
                self.console.line("devstack", msg)
                self._signal(name, signal.SIGKILL)
                self.procs[name].wait()

    def _signal(self, name: str, sig: signal.Signals) -> None:
        with contextlib.suppress(ProcessLookupError):  # it exited meanwhile
            os.killpg(self.procs[name].pid, sig)
