"""Operations tools: the `ledgerpost` CLI, migrations (Alembic) and the demo books generator."""
