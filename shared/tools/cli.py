"""`ledgerpost` / `python -m shared.cli`: operations commands.

migrate            create the database when missing, apply every migration
downgrade          revert migrations (default: to empty)
demo-data          load the deterministic demo books for a tenant (creating the tenant)
token              mint a development JWT
rotate-keys        re-encrypt every stored secret with the newest ENCRYPTION_KEYS key
import-tally       import Tally XML exports (masters, Day Book) into a tenant's books
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import timedelta
from typing import Any

from pydantic import ValidationError

from shared.infra.entrypoint import EXIT_CONFIG
from shared.infra.settings import Settings, get_settings


def _settings() -> Settings:
    try:
        return get_settings()
    except ValidationError as exc:
        messages = "; ".join(str(e["msg"]) for e in exc.errors())
        print(f"configuration error: {messages}", file=sys.stderr)
        raise SystemExit(EXIT_CONFIG) from None


async def _migrate(args: argparse.Namespace) -> None:
    from shared.tools import migrate

    await migrate.upgrade(_settings().database_url, args.revision)
    print(f"database migrated to {args.revision}", file=sys.stderr)


async def _downgrade(args: argparse.Namespace) -> None:
    from shared.tools import migrate

    await migrate.downgrade(_settings().database_url, args.revision)
    print(f"database downgraded to {args.revision}", file=sys.stderr)


async def _demo_data(args: argparse.Namespace) -> None:
    import asyncpg

    from shared.infra.db import asyncpg_dsn
    from shared.tools.demo import load_demo_data

    dsn = asyncpg_dsn(_settings().database_url)
    if args.if_empty:
        conn = await asyncpg.connect(dsn)
        try:
            has_books = await conn.fetchval(
                "SELECT EXISTS (SELECT 1 FROM ledgers WHERE tenant_id = $1)", args.tenant
            )
        finally:
            await conn.close()
        if has_books:
            print(f"tenant {args.tenant!r} already has books; left as they are", file=sys.stderr)
            return
    summary = await load_demo_data(dsn, tenant_id=args.tenant, rows=args.rows, seed=args.seed)
    print(
        f"tenant {summary.tenant_id!r}: {summary.ledgers} ledgers, {summary.entries} entries, "
        f"{summary.bills} bills in {summary.seconds:.1f} s",
        file=sys.stderr,
    )


async def _token(args: argparse.Namespace) -> None:
    from shared.infra.tokens import mint_token

    print(
        mint_token(
            _settings(),
            user_id=args.sub,
            tenant_id=args.tenant,
            role=args.role,
            email=args.email,
            ttl=timedelta(hours=args.ttl_hours),
        )
    )


async def _rotate_keys(args: argparse.Namespace) -> None:
    from shared.infra.crypto import SecretBox, rotate_stored_secrets
    from shared.infra.db import UnitOfWork, create_engine, create_session_factory

    settings = _settings()
    engine = create_engine(settings.database_url)
    try:
        box = SecretBox(settings.encryption_key_list)
        uow = UnitOfWork(create_session_factory(engine), settings.bus_stream_prefix)
        count = await rotate_stored_secrets(uow, box, args.tenant)
    finally:
        await engine.dispose()
    print(f"re-encrypted {count} stored secret(s) with the newest key", file=sys.stderr)


async def _import_tally(args: argparse.Namespace) -> None:
    import json
    from pathlib import Path

    from shared.domain.books.tally.importer import import_tally
    from shared.domain.books.tally.stream import TallyFileError
    from shared.infra.db import UnitOfWork, create_engine, create_session_factory
    from shared.infra.db.models import Tenant

    settings = _settings()
    engine = create_engine(settings.database_url)
    try:
        async with UnitOfWork(create_session_factory(engine), settings.bus_stream_prefix) as uow:
            if await uow.session.get(Tenant, args.tenant) is None:
                print(f"no tenant {args.tenant!r}: create it first", file=sys.stderr)
                raise SystemExit(1)
            try:
                report = await import_tally(uow.session, args.tenant, [Path(f) for f in args.files])
            except (TallyFileError, OSError) as exc:
                print(f"import refused, nothing changed: {exc}", file=sys.stderr)
                raise SystemExit(1) from None
            await uow.commit()
    finally:
        await engine.dispose()
    print(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ledgerpost", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)

    migrate = commands.add_parser("migrate", help="create the database if needed and migrate it")
    migrate.add_argument("--revision", default="head")
    migrate.set_defaults(run=_migrate)

    downgrade = commands.add_parser("downgrade", help="revert migrations")
    downgrade.add_argument("--revision", default="base")
    downgrade.set_defaults(run=_downgrade)

    demo = commands.add_parser("demo-data", help="load deterministic demo books")
    demo.add_argument("--tenant", default="demo")
    demo.add_argument("--rows", type=int, default=20_000, help="ledger entries to generate")
    demo.add_argument("--seed", type=int, default=42)
    demo.add_argument("--if-empty", action="store_true", help="skip when the tenant has books")
    demo.set_defaults(run=_demo_data)

    token = commands.add_parser("token", help="mint a development JWT")
    token.add_argument("--tenant", default="demo")
    token.add_argument("--role", choices=["admin", "user"], default="admin")
    token.add_argument("--sub", default="admin@demo")
    token.add_argument("--email", default="admin@demo-traders.example")
    token.add_argument("--ttl-hours", type=float, default=12.0)
    token.set_defaults(run=_token)

    rotate = commands.add_parser(
        "rotate-keys", help="re-encrypt stored secrets with the newest key"
    )
    rotate.add_argument("--tenant", help="only this tenant's secrets (default: every tenant)")
    rotate.set_defaults(run=_rotate_keys)

    tally = commands.add_parser("import-tally", help="import Tally XML exports into a tenant")
    tally.add_argument("--tenant", required=True)
    tally.add_argument("files", nargs="+", metavar="FILE", help="masters and Day Book XML files")
    tally.set_defaults(run=_import_tally)
    return parser


def main(argv: list[str] | None = None) -> None:
    args: Any = build_parser().parse_args(argv)
    asyncio.run(args.run(args))


if __name__ == "__main__":
    main()
