"""emails.recipient_source: whether To was typed, auto-filled or from a distribution list

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("emails", sa.Column("recipient_source", sa.String(length=20), nullable=True))


def downgrade() -> None:
    op.drop_column("emails", "recipient_source")
