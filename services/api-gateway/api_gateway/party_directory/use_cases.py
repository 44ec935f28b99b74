"""Party email directory use cases for the gateway: CRUD, lookup, CSV import/export, ledger picker.

Decisions:
- The list is ordered by ledger key (alphabetical, ignoring case and repeated spaces) with a
  keyset cursor on that key: ledger keys are unique per tenant, so pages never overlap.
- Import: every row is checked exactly like a JSON body (`PartyEmailWrite`) before anything is
  written; good rows are upserted together in one transaction, bad rows are reported and
  skipped whole. A row naming a ledger that an earlier row of the file already named is
  rejected as a duplicate (even when the earlier row was itself rejected): each ledger once
  per file. A file-level problem (size, header, broken CSV) refuses the whole file.
- All five columns are required, so an imported row replaces the entry completely and a file
  without `cc` can never silently wipe stored copies.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from sqlalchemy import Boolean, delete, func, literal_column, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import IntegrityError

from api_gateway.http.problems import ProblemError, field_error
from api_gateway.party_directory.schemas import (
    CSV_COLUMNS,
    MAX_IMPORT_BYTES,
    ImportRejection,
    ImportReportPublic,
    LedgerOptionPublic,
    LedgerOptionsPublic,
    PartyEmailWrite,
    csv_record,
    read_csv_rows,
)
from shared.domain.csv_cells import UTF8_BYTE_ORDER_MARK, csv_line
from shared.domain.party_directory import lookup_party_emails, name_key
from shared.infra.db import UnitOfWork
from shared.infra.db.models import Ledger, PartyEmail, Tenant

_UNIQUE_LEDGER = "uq_party_email_directory_ledger"
_WRITTEN_COLUMNS = (
    "ledger_name",
    "ledger_key",
    "party_name",
    "party_key",
    "to_addresses",
    "cc_addresses",
    "bcc_addresses",
)


async def list_entries(
    uow: UnitOfWork, tenant_id: str, *, q: str | None, limit: int, cursor: str | None
) -> tuple[list[PartyEmail], str | None]:
    """One page by ledger name; `q` matches ledger or party names (any case, any spacing)."""
    query = select(PartyEmail).where(PartyEmail.tenant_id == tenant_id)
    key = name_key(q or "")
    if key:
        pattern = f"%{_escape_like(key)}%"
        query = query.where(
            or_(
                PartyEmail.ledger_key.like(pattern, escape="\\"),
                PartyEmail.party_key.like(pattern, escape="\\"),
            )
        )
    if cursor:
        query = query.where(PartyEmail.ledger_key > _decode_cursor(cursor))
    query = query.order_by(PartyEmail.ledger_key).limit(limit + 1)
    rows = list(await uow.session.scalars(query))
    if len(rows) <= limit:
        return rows, None
    return rows[:limit], _encode_cursor(rows[limit - 1].ledger_key)


async def find_entry(uow: UnitOfWork, tenant_id: str, entry_id: uuid.UUID) -> PartyEmail:
    """The tenant's entry; 404 for an unknown id or another tenant's entry."""
    row = await uow.session.scalar(
        select(PartyEmail).where(PartyEmail.id == entry_id, PartyEmail.tenant_id == tenant_id)
    )
    if row is None:
        raise ProblemError(404, "no such directory entry")
    return row


async def create_entry(uow: UnitOfWork, tenant_id: str, body: PartyEmailWrite) -> PartyEmail:
    """Add an entry (committed); 409 when the ledger already has one."""
    insert = pg_insert(PartyEmail).values(tenant_id=tenant_id, **_columns(body))
    # One statement: two admins adding the same ledger at once get one entry and one 409.
    insert = insert.on_conflict_do_nothing(
        index_elements=[PartyEmail.tenant_id, PartyEmail.ledger_key]
    )
    row: PartyEmail | None = await uow.session.scalar(insert.returning(PartyEmail))
    if row is None:
        raise _duplicate(body.ledger_name)
    await uow.commit()
    return row


async def replace_entry(
    uow: UnitOfWork, tenant_id: str, entry_id: uuid.UUID, body: PartyEmailWrite
) -> PartyEmail:
    """Replace every field of an entry (committed); 404 unknown, 409 ledger taken."""
    statement = (
        update(PartyEmail)
        .where(PartyEmail.id == entry_id, PartyEmail.tenant_id == tenant_id)
        .values(updated_at=func.now(), **_columns(body))
        .returning(PartyEmail)
    )
    try:
        row = await uow.session.scalar(statement, execution_options={"populate_existing": True})
    except IntegrityError as exc:
        if _UNIQUE_LEDGER in str(exc.orig):
            raise _duplicate(body.ledger_name) from None
        raise
    if row is None:
        raise ProblemError(404, "no such directory entry")
    await uow.commit()
    return row


async def delete_entry(uow: UnitOfWork, tenant_id: str, entry_id: uuid.UUID) -> None:
    """Remove an entry (committed); 404 when there is none to remove."""
    deleted = await uow.session.scalar(
        delete(PartyEmail)
        .where(PartyEmail.id == entry_id, PartyEmail.tenant_id == tenant_id)
        .returning(PartyEmail.id)
    )
    if deleted is None:
        raise ProblemError(404, "no such directory entry")
    await uow.commit()


async def lookup_entry(
    uow: UnitOfWork, tenant_id: str, *, ledger: str | None, party: str | None
) -> PartyEmail:
    """The entry that fills the email dialog; 404 when none, so the user types the addresses."""
    if (ledger is None) == (party is None):
        raise ProblemError(
            422,
            "give exactly one of ledger or party",
            errors=[{"field": name, "message": "give exactly one"} for name in ("ledger", "party")],
        )
    kind, value = ("ledger", ledger) if ledger is not None else ("party", party or "")
    if not name_key(value):
        raise field_error(kind, "must not be blank")
    row = await lookup_party_emails(uow.session, tenant_id, ledger=ledger, party=party)
    if row is None:
        raise ProblemError(404, f"no directory entry for {kind} {value.strip()!r}")
    return row


async def import_csv(uow: UnitOfWork, tenant_id: str, data: bytes) -> ImportReportPublic:
    """Upsert the file's good rows in one transaction (committed); report every bad row."""
    if len(data) > MAX_IMPORT_BYTES:
        raise ProblemError(413, f"the file is larger than {MAX_IMPORT_BYTES} bytes")
    try:
        text = data.decode("utf-8-sig")  # spreadsheets often start UTF-8 files with a BOM
    except UnicodeDecodeError:
        raise field_error("file", "the file is not UTF-8 text") from None
    # A full file takes seconds of CPU (address validation): check it off the event loop.
    checked, rejected = await asyncio.to_thread(_check_file, text)
    good = [{"id": uuid.uuid4(), "tenant_id": tenant_id, **_columns(body)} for body in checked]
    insert = pg_insert(PartyEmail)
    upsert = insert.on_conflict_do_update(
        index_elements=[PartyEmail.tenant_id, PartyEmail.ledger_key],
        set_={
            **{name: insert.excluded[name] for name in _WRITTEN_COLUMNS},
            "updated_at": func.now(),
        },
    )
    # xmax is 0 only in a row version this statement inserted: exact counts, no extra query.
    inserted: list[bool] = []
    if good:
        # Parameter sets, not one big VALUES: SQLAlchemy batches them into multi-row statements
        # itself, several times faster (and within PostgreSQL's bind-parameter limit).
        result = await uow.session.execute(
            upsert.returning(literal_column("xmax = 0", Boolean)), good
        )
        inserted = list(result.scalars())
    created = sum(1 for flag in inserted if flag)
    await uow.commit()
    return ImportReportPublic(created=created, updated=len(inserted) - created, rejected=rejected)


async def export_csv(uow: UnitOfWork, tenant_id: str) -> str:
    """The tenant's directory as the CSV `import_csv` reads back unchanged, with a byte-order
    mark first unless the tenant turned it off (the import reads either)."""
    tenant = await uow.session.get(Tenant, tenant_id)
    mark = UTF8_BYTE_ORDER_MARK.decode() if tenant is None or tenant.csv_byte_order_mark else ""
    rows = await uow.session.scalars(
        select(PartyEmail).where(PartyEmail.tenant_id == tenant_id).order_by(PartyEmail.ledger_key)
    )
    lines = [mark, csv_line(CSV_COLUMNS), *(csv_line(csv_record(row)) for row in rows)]
    return "".join(lines)


async def search_ledgers(
    uow: UnitOfWork, tenant_id: str, *, search: str | None, limit: int
) -> LedgerOptionsPublic:
    """Ledgers whose name contains `search` (any case), by name, marked when in the directory."""
    query = select(
        Ledger.name, Ledger.group_name, Ledger.party_name, Ledger.gstin, Ledger.address
    ).where(Ledger.tenant_id == tenant_id)
    text = (search or "").strip()
    if text:
        query = query.where(Ledger.name.ilike(f"%{_escape_like(text)}%", escape="\\"))
    query = query.order_by(func.lower(Ledger.name), Ledger.name).limit(limit)
    ledgers = (await uow.session.execute(query)).all()
    # Keys are computed here, by the same function the directory uses, not re-implemented in SQL.
    keys = {name_key(ledger.name) for ledger in ledgers}
    listed = set(
        await uow.session.scalars(
            select(PartyEmail.ledger_key).where(
                PartyEmail.tenant_id == tenant_id, PartyEmail.ledger_key.in_(keys)
            )
        )
        if keys
        else ()
    )
    return LedgerOptionsPublic(
        items=[
            LedgerOptionPublic(
                name=ledger.name,
                group_name=ledger.group_name,
                party_name=ledger.party_name,
                gstin=ledger.gstin,
                address=list(ledger.address),
                has_directory_entry=name_key(ledger.name) in listed,
            )
            for ledger in ledgers
        ]
    )


def _check_file(text: str) -> tuple[list[PartyEmailWrite], list[ImportRejection]]:
    good: list[PartyEmailWrite] = []
    rejected: list[ImportRejection] = []
    for row_number, outcome in read_csv_rows(text):
        if isinstance(outcome, str):
            rejected.append(ImportRejection(row=row_number, reason=outcome))
        else:
            good.append(outcome)
    return good, rejected


def _columns(body: PartyEmailWrite) -> dict[str, Any]:
    return {
        "ledger_name": body.ledger_name,
        "ledger_key": name_key(body.ledger_name),
        "party_name": body.party_name,
        "party_key": name_key(body.party_name) if body.party_name else None,
        "to_addresses": body.to,
        "cc_addresses": body.cc,
        "bcc_addresses": body.bcc,
        "language": body.language,
    }


def _duplicate(ledger_name: str) -> ProblemError:
    return ProblemError(
        409,
        f"the directory already has an entry for ledger {ledger_name!r}",
        errors=[{"field": "ledger_name", "message": "already in the directory"}],
        code="already_exists",
    )


def _escape_like(text: str) -> str:
    """LIKE wildcards typed by the user match literally."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _encode_cursor(ledger_key: str) -> str:
    return ledger_key.encode().hex()


def _decode_cursor(cursor: str) -> str:
    """The last ledger key of the previous page. The route's pattern holds the cursor to hex;
    any text it decodes to is a position in the order (NUL, which PostgreSQL text cannot
    hold, is dropped), so no cursor of that form is refused."""
    return bytes.fromhex(cursor).decode(errors="replace").replace("\x00", "")
