"""Tally exports imported into a tenant's books, and read back by the reports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from shared.domain.books.tally.importer import import_tally
from shared.domain.books.tally.stream import TallyFileError
from shared.infra.db.models import Bill, Ledger, PartyEmail
from shared.infra.runtime import Infrastructure
from tests import tally_exports as tally

from .books_helpers import statement_figures


def _files(tmp_path: Path) -> list[Path]:
    return [
        tally.write_export(tmp_path / "Master.xml", "All Masters", tally.MASTERS, "utf-16"),
        tally.write_export(tmp_path / "DayBook.xml", "Day Book", tally.DAY_BOOK, "utf-8"),
    ]


async def _import(infra: Infrastructure, tenant_id: str, files: list[Path]) -> dict[str, Any]:
    async with infra.uow() as uow:
        report = await import_tally(uow.session, tenant_id, files)
        await uow.commit()
    return report.as_dict()


async def test_masters_and_day_book_become_books(
    infra: Infrastructure, tenant_id: str, tmp_path: Path
) -> None:
    report = await _import(infra, tenant_id, _files(tmp_path))
    assert (report["ledgers"]["applied"], report["ledgers"]["errors"]) == (7, [])
    assert (report["vouchers"]["applied"], report["vouchers"]["skipped"]) == (5, 2)
    assert report["vouchers"]["errors"] == []
    assert report["bills"]["applied"] == 4
    figures = await statement_figures(
        infra, tenant_id, tally.GANESH, date(2024, 4, 1), date(2024, 4, 30)
    )
    assert (figures.opening, figures.debit, figures.credit) == (
        Decimal(tally.GANESH_OPENING),
        Decimal(tally.GANESH_DEBIT),
        Decimal(tally.GANESH_CREDIT),
    )
    async with infra.uow() as uow:
        bills = (await uow.session.scalars(select(Bill).where(Bill.tenant_id == tenant_id))).all()
        ganesh = await uow.session.scalar(
            select(Ledger).where(Ledger.tenant_id == tenant_id, Ledger.external_id == "g-1")
        )
        entry = await uow.session.scalar(
            select(PartyEmail).where(PartyEmail.tenant_id == tenant_id)
        )
    pending = {(b.kind, b.bill_ref): str(b.pending_amount) for b in bills}
    assert pending == {
        **{("receivable", ref): amount for ref, amount in tally.RECEIVABLE_PENDING.items()},
        **{("payable", ref): amount for ref, amount in tally.PAYABLE_PENDING.items()},
    }
    due = {b.bill_ref: b.due_date for b in bills}
    assert due == {
        "OB/1": date(2024, 4, 15),
        "S/1": date(2024, 5, 1),
        "S/2": date(2024, 5, 10),
        "P/77": date(2024, 5, 5),
    }
    # A ledger under a sub-group of Sundry Debtors is a party ledger.
    assert ganesh is not None and ganesh.group_name == "Sundry Debtors"
    assert (ganesh.gstin, ganesh.address) == ("27AAPFU0939F1ZV", ["12, Laxmi Road", "Pune 411030"])
    assert entry is not None and (entry.to_addresses, entry.cc_addresses) == (
        ["accounts@ganesh.example"],
        ["ca@ganesh.example"],
    )


async def test_importing_the_same_export_again_changes_nothing(
    infra: Infrastructure, tenant_id: str, tmp_path: Path
) -> None:
    files = _files(tmp_path)
    await _import(infra, tenant_id, files)
    again = await _import(infra, tenant_id, files)
    for kind in ("ledgers", "vouchers", "bills"):
        assert again[kind]["applied"] == 0, kind
        assert again[kind]["unchanged"] == again[kind]["received"] > 0, kind


async def test_a_day_book_naming_an_unknown_ledger_is_reported(
    infra: Infrastructure, tenant_id: str, tmp_path: Path
) -> None:
    day_book = tally.write_export(tmp_path / "DayBook.xml", "Day Book", tally.DAY_BOOK, "utf-16")
    report = await _import(infra, tenant_id, [day_book])
    errors = report["vouchers"]["errors"]
    assert len(errors) == 5 and report["vouchers"]["applied"] == 0
    assert errors[0]["field"] == "lines.0.ledger"
    assert "in the masters" in errors[0]["message"]


async def test_entity_declarations_are_refused(
    infra: Infrastructure, tenant_id: str, tmp_path: Path
) -> None:
    bomb = tmp_path / "bomb.xml"
    bomb.write_text(
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><ENVELOPE>&b;</ENVELOPE>'
    )
    with pytest.raises(TallyFileError):
        await _import(infra, tenant_id, [bomb])


def test_the_command_imports_and_prints_its_report(
    infra: Infrastructure, tenant_id: str, tmp_path: Path
) -> None:
    env = {**os.environ, "DATABASE_URL": infra.settings.database_url, "APP_ENV": "development"}
    done = subprocess.run(
        [sys.executable, "-m", "shared.tools.cli", "import-tally", "--tenant", tenant_id]
        + [str(f) for f in _files(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["vouchers"]["applied"] == 5
