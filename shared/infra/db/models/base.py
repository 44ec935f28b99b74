"""Declarative base and column helpers shared by every table."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, TypeVar

from sqlalchemy import DateTime, Dialect, MetaData, Numeric, String, func
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import DeclarativeBase, mapped_column
from sqlalchemy.types import TypeDecorator

# Constraint names follow one convention so Alembic migrations stay deterministic.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    # Every timestamp is timestamptz in UTC; every amount is numeric(18,2).
    type_annotation_map = {datetime: DateTime(timezone=True), Decimal: Numeric(18, 2)}


UuidPk = Annotated[
    uuid.UUID, mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
]
TenantId = Annotated[str, mapped_column(String(64), nullable=False, index=True)]
Money = Annotated[Decimal, mapped_column(Numeric(18, 2), nullable=False)]
CreatedAt = Annotated[
    datetime, mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())
]
Timestamp = Annotated[datetime | None, mapped_column(DateTime(timezone=True))]


S = TypeVar("S", bound=StrEnum)


class StatusColumn(TypeDecorator[S]):
    """A status stored as its plain string in a `varchar(16)` (no database enum, so adding a
    status needs no migration), read back as its `StrEnum`; a word that is not one of the
    enum's statuses is refused on the way in and on the way out."""

    impl = String(16)
    cache_ok = True

    def __init__(self, statuses: type[S]) -> None:
        super().__init__()
        self.statuses = statuses

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else self.statuses(value).value

    def process_result_value(self, value: Any, dialect: Dialect) -> S | None:
        return None if value is None else self.statuses(value)
