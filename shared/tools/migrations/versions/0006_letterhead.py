"""tenants: the company profile printed on the letterhead; ledgers: a party's GSTIN and address

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _address() -> sa.Column[list[str]]:
    # Lines as printed, top to bottom; empty until someone fills them in.
    return sa.Column("address", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False)


def upgrade() -> None:
    # Every profile field is optional: an existing tenant's documents keep their plain header
    # (the tenant's name) until an admin fills the profile in.
    op.add_column("tenants", sa.Column("legal_name", sa.String(200), nullable=True))
    op.add_column("tenants", _address())
    op.add_column("tenants", sa.Column("gstin", sa.String(15), nullable=True))
    op.add_column("tenants", sa.Column("pan", sa.String(10), nullable=True))
    op.add_column("tenants", sa.Column("phone", sa.String(40), nullable=True))
    op.add_column("tenants", sa.Column("email", sa.String(320), nullable=True))
    # Constant defaults: PostgreSQL adds these without rewriting a large ledgers table.
    op.add_column("ledgers", sa.Column("gstin", sa.String(15), nullable=True))
    op.add_column("ledgers", _address())


def downgrade() -> None:
    op.drop_column("ledgers", "address")
    op.drop_column("ledgers", "gstin")
    for column in ("email", "phone", "pan", "gstin", "address", "legal_name"):
        op.drop_column("tenants", column)
