"""tenants: the outstanding report's ageing bucket edges, a tenant setting

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The default keeps every existing tenant's report as it was: 0-30, 31-60, 61-90, 90+.
    op.add_column(
        "tenants",
        sa.Column(
            "ageing_buckets",
            postgresql.ARRAY(sa.Integer()),
            server_default="{30,60,90}",
            nullable=False,
        ),
    )


def downgrade() -> None:
    op.drop_column("tenants", "ageing_buckets")
