"""book_imports: Tally uploads, imported in the background

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "book_imports",
        sa.Column("id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("requested_by", sa.String(200), nullable=False),
        sa.Column("source", sa.String(16), server_default="tally", nullable=False),
        sa.Column("file_names", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("file_keys", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("total_bytes", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("status", sa.String(16), server_default="queued", nullable=False),
        sa.Column("progress", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("report", postgresql.JSONB()),
        sa.Column("error", sa.Text()),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("lease_expires_at", sa.DateTime(timezone=True)),
        sa.Column("announced_at", sa.DateTime(timezone=True)),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("started_at", sa.DateTime(timezone=True)),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_book_imports")),
    )
    op.create_index("ix_book_imports_tenant", "book_imports", ["tenant_id", "created_at"])
    op.create_index("ix_book_imports_status", "book_imports", ["status", "lease_expires_at"])
    op.create_index(op.f("ix_book_imports_tenant_id"), "book_imports", ["tenant_id"])


def downgrade() -> None:
    op.drop_table("book_imports")
