"""Apply or revert the Alembic migrations programmatically (used by the CLI and the tests)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config

from shared.infra.db import ensure_database

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url)
    return config


async def upgrade(database_url: str, revision: str = "head") -> None:
    """Create the database when missing, then migrate it to `revision`."""
    await ensure_database(database_url)
    # env.py drives its own event loop, so Alembic runs in a worker thread.
    await asyncio.to_thread(command.upgrade, alembic_config(database_url), revision)


async def downgrade(database_url: str, revision: str = "base") -> None:
    await asyncio.to_thread(command.downgrade, alembic_config(database_url), revision)
