"""Every CSV the project writes neutralises cells a spreadsheet would run as formulas (OWASP:
a leading apostrophe), keeps numbers as numbers, and quotes a carriage return: the ledger
(written by PostgreSQL's COPY), the outstanding report and the party directory."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import text

from shared.domain.csv_cells import FORMULA_TRIGGERS, neutralise_cell, neutralised_sql
from shared.infra.db.models import Bill, Ledger, LedgerEntry
from shared.infra.runtime import Infrastructure
from tests.conftest import Pump
from tests.factories import auth_header, ledger_ids, token_for

from .exporting import download, export_and_wait
from .gateway import gateway_client
from .party_directory_helpers import ENTRIES, EXPORT, admin, entry, post_csv, stored

LEDGER = "Trigger Traders"
PAYLOAD = 'HYPERLINK("http://evil.example","x")'


def _rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


async def test_postgresql_applies_the_same_rule_as_python(infra: Infrastructure) -> None:
    samples = [
        *(f"{trigger}x" for trigger in FORMULA_TRIGGERS),
        *("'" + f"{trigger}x" for trigger in FORMULA_TRIGGERS),
        "''=x", "'", "'x", "", "x", "a=b", "-", "श्री गणेश", "\u00a0=x",
    ]  # fmt: skip
    query = text(f"SELECT {neutralised_sql('s')} FROM unnest(CAST(:samples AS text[])) AS s")
    async with infra.engine.connect() as conn:
        written = list((await conn.execute(query, {"samples": samples})).scalars())
        null = (await conn.execute(text(f"SELECT {neutralised_sql('NULL::text')}"))).scalar()
    assert written == [neutralise_cell(sample) for sample in samples]
    assert null is None


async def test_the_ledger_csv_neutralises_text_and_keeps_amounts(
    infra: Infrastructure, tenant_id: str, pump: Pump
) -> None:
    day = date(2025, 7, 1)
    async with infra.uow() as uow:
        ledger = Ledger(
            tenant_id=tenant_id, name=LEDGER, group_name="Sundry Debtors", party_name=LEDGER,
            opening_balance=Decimal("-300.00"), opening_date=date(2025, 4, 1),
        )  # fmt: skip
        uow.session.add(ledger)
        await uow.session.flush()
        for n, trigger in enumerate(FORMULA_TRIGGERS):
            uow.session.add(
                LedgerEntry(
                    tenant_id=tenant_id, ledger_id=ledger.id, entry_date=day + timedelta(days=n),
                    voucher_type=f"{trigger}Sales", voucher_no=f"{trigger}{n}",
                    narration=f"{trigger}{PAYLOAD}", debit=Decimal("10.00"), credit=Decimal("0"),
                )
            )  # fmt: skip
        uow.session.add(
            LedgerEntry(
                tenant_id=tenant_id, ledger_id=ledger.id, entry_date=date(2025, 8, 1),
                voucher_type="Receipt", voucher_no="R/1", narration="cheque\r\nno. 12, cleared",
                debit=Decimal("0"), credit=Decimal("500.00"),
            )
        )  # fmt: skip
        await uow.commit()
    headers = auth_header(token_for(infra.settings, tenant_id))
    params = {"ledger": LEDGER, "from_date": "2025-07-01", "to_date": "2025-09-30"}
    async with gateway_client(infra) as client:
        job = await export_and_wait(client, infra, pump, headers, "ledger", "csv", params)
        rows = _rows(await download(client, job, headers))

    opening, *entries, cheque, total, closing = rows[1:]
    assert opening == ["2025-07-01", "Opening Balance", "", "", "", "", "-300.00"]
    for n, (trigger, row) in enumerate(zip(FORMULA_TRIGGERS, entries, strict=True)):
        balance = Decimal("-300.00") + 10 * (n + 1)
        assert row == [
            (day + timedelta(days=n)).isoformat(),
            f"'{trigger}Sales",
            f"'{trigger}{n}",
            f"'{trigger}{PAYLOAD}",
            "10.00",
            "0.00",
            str(balance),  # numbers stay numbers: -290.00, never '-290.00
        ]
    assert cheque[3] == "cheque\r\nno. 12, cleared"  # quoted, so the row stays one row
    assert cheque[6] == "-740.00"
    assert total[1:3] == ["Period Total", ""] and closing[6] == "-740.00"


async def test_the_outstanding_csv_neutralises_parties_and_bill_refs(
    infra: Infrastructure, tenant_id: str, pump: Pump
) -> None:
    as_of = date(2026, 3, 31)
    parties = [f"{trigger}Party {n}" for n, trigger in enumerate(FORMULA_TRIGGERS)]
    async with infra.uow() as uow:
        ids = await ledger_ids(uow.session, tenant_id, parties)
        for n, trigger in enumerate(FORMULA_TRIGGERS):
            uow.session.add(
                Bill(
                    tenant_id=tenant_id, ledger_id=ids[parties[n]], kind="receivable",
                    bill_ref=f"{trigger}{n}", bill_date=as_of - timedelta(days=40),
                    due_date=as_of - timedelta(days=10), amount=Decimal("500.00"),
                    pending_amount=Decimal("250.50"),
                )
            )  # fmt: skip
        await uow.commit()
    headers = auth_header(token_for(infra.settings, tenant_id))
    params = {"as_of": as_of.isoformat(), "kind": "receivable"}
    async with gateway_client(infra) as client:
        job = await export_and_wait(client, infra, pump, headers, "outstanding", "csv", params)
        rows = _rows(await download(client, job, headers))

    bills = {row[1]: row for row in rows if row[1] and row[4] == "500.00"}
    assert sorted(bills) == sorted(f"'{trigger}{n}" for n, trigger in enumerate(FORMULA_TRIGGERS))
    for n, trigger in enumerate(FORMULA_TRIGGERS):
        party, _, billed, due, amount, pending, days, ageing = bills[f"'{trigger}{n}"]
        assert party == f"'{trigger}Party {n}"
        assert (amount, pending, days, ageing) == ("500.00", "250.50", "10", "0-30")
        assert (billed, due) == ("2026-02-19", "2026-03-21")
    assert all(cell[:1] not in FORMULA_TRIGGERS for row in rows for cell in row if cell[:1] != "")


async def test_the_party_directory_export_neutralises_and_its_import_restores(
    infra: Infrastructure, tenant_id: str
) -> None:
    headers = admin(infra, tenant_id)
    names = {trigger: f"{trigger}Ledger {n}" for n, trigger in enumerate(("=", "+", "-", "@"))}
    bodies = [
        *(entry(name, party_name=f"{trigger}SUM(A1)") for trigger, name in names.items()),
        entry("'=Already quoted", party_name="'plain", to=["-x@example.in"]),
    ]
    async with gateway_client(infra) as client:
        for body in bodies:
            created = await client.post(ENTRIES, json=body, headers=headers)
            assert created.status_code == 201, created.text
        exported = await client.get(EXPORT, headers=headers)
        report = await post_csv(client, headers, exported.content)
        again = await client.get(EXPORT, headers=headers)

    records = {row[0]: row for row in _rows(exported.content)[1:]}
    for trigger, name in names.items():
        assert records[f"'{name}"][1] == f"'{trigger}SUM(A1)"
    assert records["''=Already quoted"][1:3] == ["'plain", "'-x@example.in"]
    # Read back, every cell is what was saved: nothing renamed, nothing gained an apostrophe.
    assert report.json() == {"created": 0, "updated": len(bodies), "rejected": []}
    assert again.content == exported.content
    saved = await stored(infra, tenant_id)
    assert sorted(row.ledger_name for row in saved.values()) == sorted(
        body["ledger_name"] for body in bodies
    )
    assert saved["'=already quoted"].to_addresses == ["-x@example.in"]
