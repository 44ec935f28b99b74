"""Fixtures shared by every test: a migrated test database, settings, connections, a bus pump.

The test database is `<DATABASE_URL's name>_test`, recreated once per session; Redis is the
database number in TEST_REDIS_DB (default 15) of REDIS_URL's server, so tests never touch a
running development stack. Each test gets its own stream prefix and export directory.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import asyncpg
import pytest
from cryptography.fernet import Fernet
from sqlalchemy.engine import make_url

from shared.infra.bus import OutboxRelay, StreamConsumer
from shared.infra.db import asyncpg_dsn
from shared.infra.runtime import Infrastructure
from shared.infra.settings import Settings
from shared.tools import migrate

from .factories import create_tenant

pytest_plugins = ["tests.smtp_kit.fixtures", "tests.imap_kit.fixtures"]

BASE_DATABASE_URL = os.environ.get(
    "DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/ledgerpost"
)
BASE_REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
TEST_REDIS_DB = int(os.environ.get("TEST_REDIS_DB", "15"))
TEST_JWT_SECRET = secrets.token_urlsafe(48)
TEST_ENCRYPTION_KEY = Fernet.generate_key().decode()
TEST_FILE_LINK_SECRET = secrets.token_urlsafe(48)


def _test_database_url() -> str:
    url = make_url(BASE_DATABASE_URL)
    return url.set(database=f"{url.database}_test").render_as_string(hide_password=False)


def _test_redis_url() -> str:
    base = BASE_REDIS_URL.rsplit("/", 1)[0] if BASE_REDIS_URL.count("/") > 2 else BASE_REDIS_URL
    return f"{base}/{TEST_REDIS_DB}"


async def _recreate_database(database_url: str) -> None:
    name = make_url(database_url).database
    conn = await asyncpg.connect(asyncpg_dsn(database_url, "postgres"))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()
    await migrate.upgrade(database_url)


@pytest.fixture(scope="session")
async def test_database_url() -> str:
    url = _test_database_url()
    await _recreate_database(url)
    return url


@pytest.fixture(scope="session")
def db_dsn(test_database_url: str) -> str:
    """A plain asyncpg DSN of the migrated test database."""
    return asyncpg_dsn(test_database_url)


def make_settings(database_url: str, export_dir: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "app_env": "test",
        "database_url": database_url,
        "redis_url": _test_redis_url(),
        "auth_jwt_secret": TEST_JWT_SECRET,
        "file_link_secret": TEST_FILE_LINK_SECRET,
        "encryption_keys": TEST_ENCRYPTION_KEY,
        "export_dir": export_dir,
        # Each test's uploads wait in its own folder, as its exports do.
        "import_dir": export_dir.parent / "imports",
        "bus_stream_prefix": f"test-{uuid.uuid4().hex[:8]}:",
        "bus_claim_idle_ms": 0,  # burst-mode tests retry at once instead of waiting
        "bus_max_deliveries": 3,
        "log_format": "text",
        # The suite's SMTP servers listen on loopback, which tenants may not use by default.
        "smtp_allowed_private_hosts": "127.0.0.1,::1",
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture
def settings(test_database_url: str, tmp_path: Path) -> Settings:
    return make_settings(test_database_url, tmp_path / "exports")


@pytest.fixture
async def infra(settings: Settings) -> AsyncIterator[Infrastructure]:
    connected = await Infrastructure.connect(settings)
    try:
        yield connected
    finally:
        await connected.close()


@pytest.fixture
async def tenant_id(infra: Infrastructure) -> str:
    return await create_tenant(infra.uow())


Pump = Callable[..., Awaitable[int]]


@pytest.fixture
def pump(infra: Infrastructure) -> Pump:
    """Relay the outbox and drain the consumers until nothing moves; returns messages moved."""
    relay = OutboxRelay(infra.engine, infra.redis, infra.settings)

    async def run(*consumers: StreamConsumer, rounds: int = 50) -> int:
        handled = 0
        for _ in range(rounds):
            moved = await relay.publish_pending()
            for consumer in consumers:
                moved += await consumer.drain()
            handled += moved
            if moved == 0:
                return handled
        raise AssertionError(f"bus still busy after {rounds} rounds")

    return run


async def wait_until(
    condition: Callable[[], Awaitable[bool]], timeout: float = 20.0, what: str = "condition"
) -> None:
    """Poll `condition` until true, failing after `timeout` seconds (no blind sleeps)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.05)
