"""the web app's language: each user's saved choice; a tenant's default may be left unset

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "user_preferences",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=200), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name="fk_user_preferences_tenant_id_tenants",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "user_id", name="pk_user_preferences"),
    )
    # Until now "en" was only the column's default, read by nothing: unset, each user's
    # browser decides until the host or an admin chooses the company's language.
    op.alter_column("tenants", "default_language", nullable=True, server_default=None)
    op.execute("UPDATE tenants SET default_language = NULL WHERE default_language = 'en'")


def downgrade() -> None:
    op.execute("UPDATE tenants SET default_language = 'en' WHERE default_language IS NULL")
    op.alter_column("tenants", "default_language", nullable=False, server_default="en")
    op.drop_table("user_preferences")
