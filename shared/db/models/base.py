"""Declarative base and column helpers shared by every table."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated

from sqlalchemy import DateTime, MetaData, Numeric, String, func
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import DeclarativeBase, mapped_column

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
