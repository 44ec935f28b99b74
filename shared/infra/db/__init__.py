"""Database access: engine and sessions, the unit of work, and every table's model."""

from shared.infra.db.engine import (
    AsyncSession,
    DatabaseUnavailableError,
    asyncpg_dsn,
    create_engine,
    create_session_factory,
    ensure_database,
)
from shared.infra.db.uow import OUTBOX_CHANNEL, UnitOfWork

__all__ = [
    "OUTBOX_CHANNEL",
    "AsyncSession",
    "DatabaseUnavailableError",
    "UnitOfWork",
    "asyncpg_dsn",
    "create_engine",
    "create_session_factory",
    "ensure_database",
]
