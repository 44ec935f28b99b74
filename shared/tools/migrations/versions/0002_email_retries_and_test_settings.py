"""emails: retry bookkeeping and the unsaved SMTP settings of a test send

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "emails", sa.Column("max_attempts", sa.Integer(), server_default="1", nullable=False)
    )
    op.add_column("emails", sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("emails", sa.Column("smtp_override", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("emails", "smtp_override")
    op.drop_column("emails", "next_attempt_at")
    op.drop_column("emails", "max_attempts")
