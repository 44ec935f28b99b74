"""report_schedules: last run status, failures in a row and why a schedule paused itself

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("report_schedules", sa.Column("last_run_status", sa.String(16), nullable=True))
    op.add_column(
        "report_schedules",
        sa.Column("consecutive_failures", sa.Integer(), server_default="0", nullable=False),
    )
    op.add_column("report_schedules", sa.Column("paused_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("report_schedules", "paused_reason")
    op.drop_column("report_schedules", "consecutive_failures")
    op.drop_column("report_schedules", "last_run_status")
