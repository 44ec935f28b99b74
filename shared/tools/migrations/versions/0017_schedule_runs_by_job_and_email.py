"""schedule runs found by their export job and their email (the runner's look-ups)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_schedule_runs_export_job",
        "schedule_runs",
        ["export_job_id"],
        unique=False,
        postgresql_where="export_job_id IS NOT NULL",
    )
    op.create_index(
        "ix_schedule_runs_email",
        "schedule_runs",
        ["email_id"],
        unique=False,
        postgresql_where="email_id IS NOT NULL",
    )


def downgrade() -> None:
    op.drop_index("ix_schedule_runs_email", table_name="schedule_runs")
    op.drop_index("ix_schedule_runs_export_job", table_name="schedule_runs")
