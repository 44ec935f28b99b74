"""The statement preview (`GET /reports/{ledger,outstanding}/preview`) against the PDF the
export-service renders for the same parameters: the same header block, the same words and
numbers (read back with poppler), totals equal to SQL sums, and a cursor that walks every body
row exactly once. Then the refusals: the export's validation, limits, and a stale cursor."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from api_gateway.app import create_app
from sqlalchemy import text

from shared.domain.reports.amounts import dr_cr, indian_grouping
from shared.domain.reports.labels import HINDI, MARATHI
from shared.infra.db.models import Bill
from shared.infra.runtime import Infrastructure
from tests.conftest import Pump
from tests.factories import auth_header, create_ledger, create_tenant, ledger_ids, token_for
from tests.pdf_inspect import pdftotext

from .exporting import download, export_and_wait
from .gateway import gateway_client

LEDGER = "श्री गणेश ट्रेडर्स, पुणे"
NARRATION = "रोख रक्कम प्राप्त, पावती क्र. {n}: HDFC बँक खात्यात जमा"
PARTIES = ("महालक्ष्मी कापड भांडार", "Arora Stores Pvt Ltd", "श्री साई किराणा स्टोअर्स")
PROFILE = {"legal_name": "Ganesh Traders Pvt Ltd", "gstin": "27AAPFU0939F1ZV"}
PERIOD = {"from_date": "2025-04-01", "to_date": "2026-03-31"}
LEDGER_PREVIEW = "/api/v1/reports/ledger/preview"
OUTSTANDING_PREVIEW = "/api/v1/reports/outstanding/preview"


async def _ledger_with_entries(infra: Infrastructure, tenant_id: str, count: int) -> None:
    entries = [
        (
            date(2025, 4, 1) + timedelta(days=n % 365),
            Decimal(1000 + 7 * n) if n % 3 else Decimal(0),
            Decimal(0) if n % 3 else Decimal(2500 + n),
        )
        for n in range(count)
    ]
    await create_ledger(
        infra.uow(),
        tenant_id,
        LEDGER,
        opening=Decimal("-12345.50"),
        entries=entries,
        gstin="27AAGCB7383J1Z4",
        address=["12, मार्केट यार्ड", "नाशिक 422001"],
    )
    async with infra.engine.begin() as conn:
        await conn.execute(
            text(
                "UPDATE ledger_entries SET narration = replace(:n, '{n}', voucher_no) "
                "WHERE tenant_id = :t"
            ),
            {"n": NARRATION, "t": tenant_id},
        )


async def _walk(
    client: httpx.AsyncClient, path: str, params: dict[str, str], headers: dict[str, str]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Every page by its cursor: the first page and all body rows in order."""
    first: dict[str, Any] | None = None
    rows: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        response = await client.get(path, params=query, headers=headers)
        assert response.status_code == 200, response.text
        page = response.json()
        assert page["start"] == len(rows)
        first = first or page
        rows += page["rows"]
        cursor = page["next_cursor"]
        if cursor is None:
            return first, rows


def _pdf_words(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    return " ".join(pdftotext(path).split())


async def test_ledger_preview_is_the_pdf_page_by_page(
    infra: Infrastructure, tenant_id: str, pump: Pump, tmp_path: Path
) -> None:
    await _ledger_with_entries(infra, tenant_id, 230)  # three pages of 100
    headers = auth_header(token_for(infra.settings, tenant_id, "admin"))
    params = {"ledger": LEDGER.upper(), **PERIOD, "language": "en"}  # any case, as an export
    async with gateway_client(infra) as client:
        assert (await client.put("/api/v1/admin/tenant", json=PROFILE, headers=headers)).is_success
        first, rows = await _walk(client, LEDGER_PREVIEW, params, headers)
        export = {"ledger": LEDGER, **PERIOD}
        job = await export_and_wait(client, infra, pump, headers, "ledger", "pdf", export)
        words = _pdf_words(await download(client, job, headers), tmp_path)

    # Every body row exactly once, in the statement's order (voucher numbers are unique).
    assert first["body_rows"] == len(rows) == 230
    vouchers = [row["cells"][2] for row in rows]
    assert sorted(vouchers) == sorted(set(vouchers)) and len(set(vouchers)) == 230
    # The header block: letterhead, party, title and lines, the tenant's time, as the PDF's.
    assert first["company"]["name"] == "Ganesh Traders Pvt Ltd"
    assert first["party"] == {
        "name": LEDGER,
        "lines": ["12, मार्केट यार्ड", "नाशिक 422001", "GSTIN: 27AAGCB7383J1Z4"],
    }
    assert first["title"] == "Ledger Statement"
    assert first["lines"] == [f"Ledger: {LEDGER}", "Period: 01-04-2025 to 31-03-2026"]
    assert first["generated"].endswith(" IST") and first["generated_at"].endswith("+05:30")
    assert [c["heading"] for c in first["columns"]][4:] == [
        "Debit (₹)",
        "Credit (₹)",
        "Balance (₹)",
    ]
    for part in (first["company"]["name"], *first["party"]["lines"], *first["lines"]):
        assert part in words, part
    # Every printed cell of every row is in the PDF, in the PDF's own spelling.
    for row in [*first["opening"], *rows, *first["closing"]]:
        for cell in row["cells"]:
            assert cell is None or cell in words, cell
    # Totals and the closing balance are the books' sums.
    async with infra.engine.connect() as conn:
        debit, credit = (
            await conn.execute(
                text("SELECT sum(debit), sum(credit) FROM ledger_entries WHERE tenant_id = :t"),
                {"t": tenant_id},
            )
        ).one()
    opening = Decimal("-12345.50")
    total, closing = first["closing"]
    assert first["opening"][0]["cells"][1::5] == ["Opening Balance", dr_cr(opening)]
    assert total["cells"][4:6] == [indian_grouping(debit), indian_grouping(credit)]
    assert closing["cells"][-1] == dr_cr(opening + debit - credit)
    assert rows[-1]["cells"][-1] == closing["cells"][-1]  # the running balance ends there
    assert f"{first['footer']}" in words


async def test_ledger_preview_in_the_partys_language_keeps_devanagari_whole(
    infra: Infrastructure, tenant_id: str
) -> None:
    await _ledger_with_entries(infra, tenant_id, 12)
    headers = auth_header(token_for(infra.settings, tenant_id, "admin"))
    entry = {"ledger_name": LEDGER, "party_name": LEDGER, "to": ["a@example.in"], "language": "mr"}
    async with gateway_client(infra) as client:
        assert (await client.post("/api/v1/party-emails", json=entry, headers=headers)).is_success
        page = (
            await client.get(LEDGER_PREVIEW, params={"ledger": LEDGER, **PERIOD}, headers=headers)
        ).json()
    assert page["language"] == "mr"
    assert page["title"] == MARATHI.ledger_title
    assert page["lines"][0] == MARATHI.ledger_line.format(ledger=LEDGER)
    assert page["columns"][3]["heading"] == "तपशील"
    assert page["opening"][0]["cells"][1] == MARATHI.opening_balance
    # balances say नावे/जमा, as the Marathi PDF prints them
    balances = [row["cells"][-1] for row in page["rows"]]
    assert all(b.endswith((f" {MARATHI.debit}", f" {MARATHI.credit}")) for b in balances)
    assert page["page_of"] == MARATHI.page_of
    narrations = {row["cells"][3] for row in page["rows"]}
    assert narrations == {NARRATION.format(n=f"V/{n:05d}") for n in range(12)}


async def test_outstanding_preview_is_the_pdf_with_its_totals(
    infra: Infrastructure, tenant_id: str, pump: Pump, tmp_path: Path
) -> None:
    as_of = date(2026, 3, 31)
    async with infra.uow() as uow:
        ids = await ledger_ids(uow.session, tenant_id, PARTIES)
        for n in range(150):
            uow.session.add(
                Bill(
                    tenant_id=tenant_id,
                    ledger_id=ids[PARTIES[n % 3]],
                    kind="receivable",
                    bill_ref=f"बिल-{n:04d}",
                    bill_date=as_of - timedelta(days=n + 10),
                    due_date=as_of - timedelta(days=n - 20),
                    amount=Decimal("1180.00") + n,
                    pending_amount=Decimal("590.00") + n,
                )
            )
        await uow.commit()
    headers = auth_header(token_for(infra.settings, tenant_id))
    params = {"kind": "receivable", "as_of": as_of.isoformat()}
    async with gateway_client(infra) as client:
        first, rows = await _walk(client, OUTSTANDING_PREVIEW, params, headers)
        job = await export_and_wait(client, infra, pump, headers, "outstanding", "pdf", params)
        words = _pdf_words(await download(client, job, headers), tmp_path)

    bills = [row for row in rows if row["style"] == "normal"]
    assert len({row["cells"][1] for row in bills}) == len(bills) == 150
    assert first["body_rows"] == len(rows) == 150 + 2 * len(PARTIES)  # heading, subtotal each
    assert [row["cells"][0] for row in rows if row["style"] == "group"] == sorted(PARTIES)
    assert first["title"] == "Outstanding Receivables" and first["language"] == "en"
    for row in [*rows, *first["closing"]]:
        for cell in row["cells"]:
            assert cell is None or cell in words, cell
    grand = first["closing"][0]
    assert grand["cells"][0] == "Grand Total"
    assert grand["cells"][5] == indian_grouping(sum(Decimal("590.00") + n for n in range(150)))
    buckets = [Decimal(row["cells"][5].replace(",", "")) for row in first["closing"][1:]]
    assert sum(buckets) == Decimal(grand["cells"][5].replace(",", ""))

    # The same report in Hindi: its own words, the same numbers.
    async with gateway_client(infra) as client:
        hindi = await client.get(
            OUTSTANDING_PREVIEW, params={**params, "language": "hi"}, headers=headers
        )
    assert hindi.status_code == 200, hindi.text
    hindi_words = HINDI.outstanding
    assert hindi.json()["title"] == hindi_words.receivables_title
    assert hindi.json()["closing"][0]["cells"][0] == hindi_words.grand_total
    assert hindi.json()["closing"][0]["cells"][4:6] == grand["cells"][4:6]


async def test_preview_refuses_what_an_export_refuses(
    infra: Infrastructure, tenant_id: str
) -> None:
    await _ledger_with_entries(infra, tenant_id, 3)
    headers = auth_header(token_for(infra.settings, tenant_id))
    other = auth_header(token_for(infra.settings, await create_tenant(infra.uow())))
    ledger = {"ledger": LEDGER, **PERIOD}

    async with gateway_client(infra) as client:

        async def problem(params: dict[str, str], auth: dict[str, str] = headers) -> Any:
            response = await client.get(LEDGER_PREVIEW, params=params, headers=auth)
            assert response.headers["content-type"] == "application/problem+json"
            return response.status_code, response.json()

        status, body = await problem({**ledger, "from_date": "2026-04-01"})
        assert status == 422 and body["errors"][0]["field"] == "from_date"
        status, body = await problem({**ledger, "from_date": "2019-04-01"})
        assert status == 422 and "day limit" in body["errors"][0]["message"]
        status, body = await problem({**ledger, "from_date": "01-04-2025"})
        assert status == 422 and body["errors"][0]["field"] == "from_date"
        status, body = await problem({**ledger, "language": "fr"})
        assert status == 422 and body["errors"][0]["field"] == "language"
        status, body = await problem({**ledger, "ledger": "No Such Party"})
        assert (status, body["code"]) == (404, "ledger_not_found")
        status, body = await problem(ledger, other)  # another tenant's books
        assert (status, body["code"]) == (404, "ledger_not_found")
        status, body = await problem({**ledger, "cursor": "bm90LWEtY3Vyc29y"})
        assert (status, body["code"]) == (422, "invalid_cursor")
        assert (await client.get(LEDGER_PREVIEW, params=ledger)).status_code == 401
        response = await client.get(OUTSTANDING_PREVIEW, params={"kind": "both"}, headers=headers)
        assert response.status_code == 422

    small = infra.settings.model_copy(
        update={"export_pdf_max_rows": 2, "report_preview_page_rows": 10}
    )
    app = create_app(small, infra=infra)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://gateway"
    ) as client:
        response = await client.get(LEDGER_PREVIEW, params=ledger, headers=headers)
        assert (response.status_code, response.json()["code"]) == (409, "too_many_rows")
        assert "CSV or XLSX" in response.json()["detail"]


async def test_a_cursor_from_before_the_books_changed_is_refused(
    infra: Infrastructure, tenant_id: str
) -> None:
    await _ledger_with_entries(infra, tenant_id, 120)
    headers = auth_header(token_for(infra.settings, tenant_id))
    params = {"ledger": LEDGER, **PERIOD}
    async with gateway_client(infra) as client:
        first = (await client.get(LEDGER_PREVIEW, params=params, headers=headers)).json()
        assert len(first["rows"]) == 100 and first["next_cursor"]
        async with infra.engine.begin() as conn:
            await conn.execute(
                text("DELETE FROM ledger_entries WHERE tenant_id = :t AND voucher_no = 'V/00007'"),
                {"t": tenant_id},
            )
        response = await client.get(
            LEDGER_PREVIEW, params={**params, "cursor": first["next_cursor"]}, headers=headers
        )
    assert (response.status_code, response.json()["code"]) == (409, "report_changed")
