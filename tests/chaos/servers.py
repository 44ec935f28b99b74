"""The fault campaign's own PostgreSQL and Redis: started, restarted, flushed and stopped.

`scripts/devstack.py servers` starts them (the installed programs, else PyPI's) in a temporary
folder on free ports, so restarting or flushing them never touches a server anyone else uses:
the shared development servers are configured away (closed ports in DATABASE_URL/REDIS_URL).
"""

from __future__ import annotations

import asyncio
import logging
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from tests.e2e.test_fallback_servers import quiet_port

log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parents[2]
DEVSTACK = [sys.executable, str(ROOT / "scripts" / "devstack.py")]
DATABASE = "chaos"


class PrivateServers:
    def __init__(self) -> None:
        self.home = Path(tempfile.mkdtemp(prefix="lp-chaos-"))
        # PostgreSQL runs as another user when we are root: it must reach its data folder.
        self.home.chmod(0o755)
        self.pg_port, self.redis_port = quiet_port(), quiet_port()
        self.database_url = f"postgresql+asyncpg://postgres@127.0.0.1:{self.pg_port}/{DATABASE}"
        self.redis_url = f"redis://127.0.0.1:{self.redis_port}/0"

    def _env(self) -> dict[str, str]:
        closed = quiet_port()  # nothing answers there: devstack starts private servers
        return {
            **os.environ,
            "DATABASE_URL": f"postgresql+asyncpg://postgres@127.0.0.1:{closed}/{DATABASE}",
            "REDIS_URL": f"redis://127.0.0.1:{closed}/0",
            "DEVSTACK_DIR": str(self.home / "var"),
            "DEVSTACK_PG_PORT": str(self.pg_port),
            "DEVSTACK_REDIS_PORT": str(self.redis_port),
        }

    def _devstack(self, command: str) -> str:
        done = subprocess.run(
            [*DEVSTACK, command], env=self._env(), capture_output=True, text=True, timeout=120
        )
        if done.returncode != 0:
            raise RuntimeError(f"devstack {command} failed:\n{done.stdout}{done.stderr}")
        return done.stdout

    def start(self) -> None:
        """Start both servers (or the one that is down) and create the database."""
        urls = dict(line.split("=", 1) for line in self._devstack("servers").split())
        assert urls["DATABASE_URL"] == self.database_url, urls
        assert urls["REDIS_URL"] == self.redis_url, urls

    def migrate(self) -> None:
        # Migrating needs no secrets: development accepts the built-in ones (a missing APP_ENV
        # is production, which refuses them).
        env = {**os.environ, "APP_ENV": "development", "DATABASE_URL": self.database_url}
        command = [sys.executable, "-m", "shared.tools.cli", "migrate"]
        subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True, timeout=120)

    async def restart_postgres(self) -> None:
        """pg_ctl restart (fast: open sessions are cut, as in a failover or an upgrade)."""
        data = self.home / "var" / "pg" / "data"
        # The postmaster's own command line names the programs' folder.
        bindir = Path((data / "postmaster.opts").read_text().split()[0].strip("'\"")).parent
        owner = pwd.getpwuid(data.stat().st_uid).pw_name
        as_owner = ["runuser", "-u", owner, "--"] if os.geteuid() == 0 else []
        log = str(self.home / "var" / "pg" / "postgres.log")
        restart = [str(bindir / "pg_ctl"), "-D", str(data), "-l", log, "-m", "fast", "-w"]
        process = await asyncio.create_subprocess_exec(
            *as_owner, *restart, "restart", stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        _, errors = await process.communicate()
        assert process.returncode == 0, errors.decode()

    async def restart_redis(self) -> None:
        """SHUTDOWN (the append-only file is kept) and start again from the same folder."""
        client = Redis.from_url(self.redis_url)
        try:
            await client.shutdown()
        except RedisConnectionError:
            log.info("Redis closed the connection: that is SHUTDOWN's answer")
        finally:
            await client.aclose()
        await asyncio.to_thread(self.start)

    async def flush_redis(self) -> None:
        """Every stream, group, pending list and marker gone at once."""
        client = Redis.from_url(self.redis_url)
        try:
            await client.flushall()
        finally:
            await client.aclose()

    def stop(self) -> None:
        try:
            self._devstack("stop-servers")
        finally:
            shutil.rmtree(self.home, ignore_errors=True)
