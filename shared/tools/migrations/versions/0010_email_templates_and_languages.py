"""email templates per report and language; the language of a party, an email, a document

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "email_templates",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("report", sa.String(length=32), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("tenant_id", "report", "language", name="pk_email_templates"),
    )
    # Every existing party, email and export keeps reading as it did: English.
    op.add_column(
        "party_email_directory",
        sa.Column("language", sa.String(length=16), server_default="en", nullable=False),
    )
    op.add_column(
        "export_jobs",
        sa.Column("language", sa.String(length=16), server_default="en", nullable=False),
    )
    op.add_column("emails", sa.Column("language", sa.String(length=16), nullable=True))


def downgrade() -> None:
    op.drop_column("emails", "language")
    op.drop_column("export_jobs", "language")
    op.drop_column("party_email_directory", "language")
    op.drop_table("email_templates")
