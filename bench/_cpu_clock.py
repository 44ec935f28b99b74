"""CPU seconds of one measurement: the measuring process's own and its database's PostgreSQL
backends' (the server runs on this machine, so /proc shows them).

Wall-clock time on a machine shared with other work (load averages of 8 to 15 are common here)
moves by a factor of two between runs of the same code; CPU time moves far less. A COPY's work
is mostly in its PostgreSQL backend, so both sides are counted: this process's
`time.process_time()` and the backends connected to the bench's database (`datname`), each
counted from its CPU time when the clock started (0 for one that connected later). Other
engineers' databases on the same server are not counted.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import asyncpg

_BACKENDS = "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
_TICKS = os.sysconf("SC_CLK_TCK")


class CpuClock:
    def __init__(self, dsn: str) -> None:
        self._dsn = dsn
        self._conn: Any = None
        self._client = 0.0
        self._backends: dict[int, float] = {}

    async def start(self) -> None:
        self._conn = await asyncpg.connect(self._dsn)
        self._backends = await self._backend_seconds()
        self._client = time.process_time()

    async def stop(self) -> float | None:
        """Seconds of CPU since `start`, or None when the backends' /proc entries are not
        readable (a server on another machine or in a container)."""
        client = time.process_time() - self._client
        try:
            after = await self._backend_seconds()
        finally:
            await self._conn.close()
        if not after:
            return None
        backends = sum(seconds - self._backends.get(pid, 0.0) for pid, seconds in after.items())
        return client + backends

    async def _backend_seconds(self) -> dict[int, float]:
        pids = [record["pid"] for record in await self._conn.fetch(_BACKENDS)]
        seconds = {pid: _process_seconds(pid) for pid in pids}
        return {pid: used for pid, used in seconds.items() if used is not None}


def _process_seconds(pid: int) -> float | None:
    """User and system CPU seconds of a process, None when it is not readable (or gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()  # after the command name: the state is [0]
    return (int(fields[11]) + int(fields[12])) / _TICKS  # utime, stime
