"""Tally vouchers (the Day Book): their ledger lines and bill allocations.

The amount's sign decides debit or credit (negative is debit), not ISDEEMEDPOSITIVE, which
disagrees with it on some lines (discounts, round-offs, TDS). Lines come from
ALLLEDGERENTRIES.LIST and LEDGERENTRIES.LIST and, in invoice views, from the accounting
allocations of inventory entries. Cancelled and optional vouchers are not books.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from xml.etree.ElementTree import Element

from shared.domain.books.tally.values import tally_amount, tally_date, text, yes

LINE_PATHS = (
    "ALLLEDGERENTRIES.LIST",
    "LEDGERENTRIES.LIST",
    "ALLINVENTORYENTRIES.LIST/ACCOUNTINGALLOCATIONS.LIST",
    "INVENTORYENTRIES.LIST/ACCOUNTINGALLOCATIONS.LIST",
)


@dataclass(frozen=True)
class Allocation:
    ledger: str
    bill: str
    kind: str  # New Ref | Agst Ref | Advance | On Account
    credit_period: str
    amount: Decimal  # Tally's sign


@dataclass(frozen=True)
class TallyVoucher:
    id: str
    date: date
    type: str
    number: str
    narration: str | None
    lines: list[tuple[str, Decimal]]  # (ledger name, Tally-signed amount)
    allocations: list[Allocation]


def read_voucher(element: Element) -> TallyVoucher | str:
    """The voucher, or why it is not one to import."""
    if yes(element, "ISCANCELLED") or yes(element, "ISOPTIONAL") or yes(element, "ISDELETED"):
        return "skipped"
    day = tally_date(text(element, "DATE"))
    if day is None:
        return f"DATE {text(element, 'DATE')!r} is not YYYYMMDD"
    lines: list[tuple[str, Decimal]] = []
    allocations: list[Allocation] = []
    for path in LINE_PATHS:
        for line in element.iterfind(path):
            ledger = text(line, "LEDGERNAME")
            amount = tally_amount(text(line, "AMOUNT"))
            if not ledger or not amount:
                continue
            lines.append((ledger, amount))
            allocations.extend(_allocations(ledger, line))
    return TallyVoucher(
        id=text(element, "GUID") or element.get("REMOTEID") or text(element, "MASTERID"),
        date=day,
        type=text(element, "VOUCHERTYPENAME") or element.get("VCHTYPE", "") or "Voucher",
        number=text(element, "VOUCHERNUMBER")[:60],
        narration=text(element, "NARRATION") or None,
        lines=lines,
        allocations=allocations,
    )


def _allocations(ledger: str, line: Element) -> list[Allocation]:
    found: list[Allocation] = []
    for bill in line.iterfind("BILLALLOCATIONS.LIST"):
        amount = tally_amount(text(bill, "AMOUNT"))
        name = text(bill, "NAME")
        if amount and name:
            found.append(
                Allocation(
                    ledger=ledger,
                    bill=name,
                    kind=text(bill, "BILLTYPE") or "New Ref",
                    credit_period=text(bill, "BILLCREDITPERIOD"),
                    amount=amount,
                )
            )
    return found
