"""Every format read back (openpyxl, pypdf) agrees with SQL sums over the source rows."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import openpyxl
import pytest
from export_service.document import dr_cr, indian_grouping
from pypdf import PdfReader
from sqlalchemy import text

from shared.infra.db.models import Bill
from shared.infra.runtime import Infrastructure
from tests.conftest import Pump
from tests.factories import auth_header, create_ledger, ledger_ids, token_for

from .exporting import download, export_and_wait
from .gateway import gateway_client

PERIOD = {"from_date": "2025-04-01", "to_date": "2025-09-30"}
CENT = Decimal("0.01")


def _entries(count: int) -> list[tuple[date, Decimal, Decimal]]:
    """Before, inside and after the period; lakh and crore sized amounts among them."""
    start = date(2025, 3, 1)
    out = []
    for n in range(count):
        amount = Decimal(n * 7919 % 25_000_000) / 100 + Decimal("0.05")
        out.append(
            (
                start + timedelta(days=n % 240),
                amount if n % 3 else Decimal("0"),
                Decimal("0") if n % 3 else amount,
            )
        )
    return out


async def _ledger_sums(infra: Infrastructure, tenant_id: str) -> tuple[Decimal, Decimal, Decimal]:
    async with infra.engine.connect() as conn:
        opening = (
            await conn.execute(
                text(
                    "SELECT l.opening_balance + coalesce((SELECT sum(debit - credit) "
                    "FROM ledger_entries WHERE tenant_id = :t AND entry_date < :f), 0) "
                    "FROM ledgers l WHERE l.tenant_id = :t"
                ),
                {"t": tenant_id, "f": date(2025, 4, 1)},
            )
        ).scalar_one()
        debit, credit = (
            await conn.execute(
                text(
                    "SELECT sum(debit), sum(credit) FROM ledger_entries WHERE tenant_id = :t "
                    "AND entry_date BETWEEN :f AND :e"
                ),
                {"t": tenant_id, "f": date(2025, 4, 1), "e": date(2025, 9, 30)},
            )
        ).one()
    return opening, debit, credit


async def _export(
    infra: Infrastructure, pump: Pump, tenant_id: str, report: str, fmt: str, params: dict[str, str]
) -> tuple[dict[str, object], bytes]:
    headers = auth_header(token_for(infra.settings, tenant_id))
    async with gateway_client(infra) as client:
        job = await export_and_wait(client, infra, pump, headers, report, fmt, params)
        return job, await download(client, job, headers)


async def test_ledger_xlsx_cells_are_numbers_and_totals_match_sql(
    infra: Infrastructure, tenant_id: str, pump: Pump
) -> None:
    ledger = await create_ledger(
        infra.uow(), tenant_id, opening=Decimal("-2500.00"), entries=_entries(400)
    )
    job, content = await _export(
        infra, pump, tenant_id, "ledger", "xlsx", {"ledger": ledger, **PERIOD}
    )
    opening, debit, credit = await _ledger_sums(infra, tenant_id)

    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    labelled = {r[1]: r for r in rows if isinstance(r[1], str)}
    assert Decimal(str(labelled["Opening Balance"][6])).quantize(CENT) == opening
    assert Decimal(str(labelled["Period Total"][4])).quantize(CENT) == debit
    assert Decimal(str(labelled["Period Total"][5])).quantize(CENT) == credit
    closing = Decimal(str(labelled["Closing Balance"][6])).quantize(CENT)
    assert closing == opening + debit - credit
    header_at = next(i for i, r in enumerate(rows) if r[0] == "Date")
    entries = rows[header_at + 2 : -2]
    assert len(entries) == job["row_count"]
    assert all(isinstance(r[4], float | int) and isinstance(r[6], float | int) for r in entries)
    assert sum(Decimal(str(r[4])) for r in entries).quantize(CENT) == debit
    assert Decimal(str(entries[-1][6])).quantize(CENT) == closing  # the running balance agrees
    assert sheet.freeze_panes is not None


async def test_ledger_pdf_pages_and_totals_match_sql(
    infra: Infrastructure, tenant_id: str, pump: Pump
) -> None:
    ledger = await create_ledger(
        infra.uow(), tenant_id, opening=Decimal("125000.00"), entries=_entries(400)
    )
    job, content = await _export(
        infra, pump, tenant_id, "ledger", "pdf", {"ledger": ledger, **PERIOD}
    )
    opening, debit, credit = await _ledger_sums(infra, tenant_id)

    reader = PdfReader(io.BytesIO(content))
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) > 2
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
        assert "Voucher No" in page  # the header repeats on every page
    everything = "\n".join(pages)
    assert dr_cr(opening) in everything
    assert indian_grouping(debit) in everything and indian_grouping(credit) in everything
    assert dr_cr(opening + debit - credit) in everything
    async with infra.engine.connect() as conn:
        in_period = await conn.scalar(
            text(
                "SELECT count(*) FROM ledger_entries WHERE tenant_id = :t "
                "AND entry_date BETWEEN '2025-04-01' AND '2025-09-30'"
            ),
            {"t": tenant_id},
        )
    assert job["row_count"] == in_period


@pytest.mark.parametrize("fmt", ["xlsx", "pdf"])
async def test_outstanding_totals_match_sql(
    infra: Infrastructure, tenant_id: str, pump: Pump, fmt: str
) -> None:
    as_of = date(2026, 3, 31)
    async with infra.uow() as uow:
        parties = [f"Party {n}" for n in range(7)]
        ids = await ledger_ids(uow.session, tenant_id, parties, group="Sundry Creditors")
        for n in range(60):
            uow.session.add(
                Bill(
                    tenant_id=tenant_id,
                    ledger_id=ids[parties[n % 7]],
                    kind="payable",
                    bill_ref=f"PB-{n:04d}",
                    bill_date=as_of - timedelta(days=n * 3 + 10),
                    due_date=as_of - timedelta(days=n * 3),
                    amount=Decimal(123457 * (n + 1)) / 100,
                    pending_amount=Decimal(61729 * (n + 1)) / 100,
                )
            )
        await uow.commit()
    job, content = await _export(
        infra, pump, tenant_id, "outstanding", fmt, {"as_of": as_of.isoformat(), "kind": "payable"}
    )
    async with infra.engine.connect() as conn:
        amount, pending = (
            await conn.execute(
                text(
                    "SELECT sum(amount), sum(pending_amount) FROM bills "
                    "WHERE tenant_id = :t AND pending_amount > 0"
                ),
                {"t": tenant_id},
            )
        ).one()
    assert job["row_count"] == 60
    if fmt == "xlsx":
        rows = [
            list(r)
            for ws in openpyxl.load_workbook(io.BytesIO(content)).worksheets
            for r in ws.iter_rows(values_only=True)
        ]
        grand = next(r for r in rows if r[0] == "Grand Total")
        assert Decimal(str(grand[4])).quantize(CENT) == amount
        assert Decimal(str(grand[5])).quantize(CENT) == pending
        buckets = [
            Decimal(str(r[5]))
            for r in rows
            if r[7] in ("Not due", "0-30", "31-60", "61-90", "90+") and r[1] is None
        ]
        assert sum(buckets).quantize(CENT) == pending
        # the party heads its group; its bill rows leave the Party cell blank
        bills = [r for r in rows if str(r[1]).startswith("PB-")]
        assert len(bills) == 60 and all(r[0] is None for r in bills)
        headings = [r[0] for r in rows if str(r[0]).startswith("Party ")]
        assert headings == [f"Party {n}" for n in range(7)]
        sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
        assert sheet.oddHeader.center.text == "Outstanding Payables"
        assert sheet.oddFooter.center.text == "Page &P of &N"
        assert sheet.print_title_rows == "$6:$6"  # the column header row
    else:
        pages = PdfReader(io.BytesIO(content)).pages
        everything = "\n".join(p.extract_text() for p in pages)
        assert "Grand Total" in everything
        # once per group: the heading and the subtotal name the party, its bills do not (but
        # a page that opens inside a party's bills names it on its first bill)
        mentions = [everything.count(f"Party {n}") for n in range(7)]
        assert min(mentions) >= 2 and sum(mentions) <= 2 * 7 + len(pages) - 1
        assert indian_grouping(amount) in everything and indian_grouping(pending) in everything
