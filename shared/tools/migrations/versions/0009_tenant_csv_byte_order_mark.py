"""tenants: csv_byte_order_mark, whether the tenant's CSV files start with a UTF-8 BOM

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # On for every tenant, existing ones too: Excel on Windows reads a UTF-8 CSV without the
    # mark in the machine's legacy code page, which garbles every Devanagari name and the ₹.
    op.add_column(
        "tenants",
        sa.Column("csv_byte_order_mark", sa.Boolean(), server_default=sa.true(), nullable=False),
    )


def downgrade() -> None:
    op.drop_column("tenants", "csv_byte_order_mark")
