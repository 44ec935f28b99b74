"""Bills from Tally's bill-wise details: `New Ref` opens a bill, `Agst Ref` settles it.

Allocations are summed per (ledger, bill name) across the whole import: the bill's amount is
what its New Ref allocations (and a ledger's opening bills) raised, its pending amount what
is left after every allocation against it, seen from the party's side (a debtor's bill is
raised by a debit, a creditor's by a credit), never below zero nor above the amount. The due
date follows BILLCREDITPERIOD. `Advance` and `On Account` allocations are not bills: the
statement shows them as the payments they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from shared.domain.books.tally.values import due_date

OPENS = "new ref"
SETTLES = "agst ref"


@dataclass
class _Bill:
    ledger_id: str
    name: str
    raised: Decimal = Decimal(0)  # Tally's sign
    balance: Decimal = Decimal(0)  # Tally's sign
    bill_date: date | None = None
    due: date | None = None


class BillBook:
    def __init__(self) -> None:
        self._bills: dict[tuple[str, str], _Bill] = {}

    def add(
        self,
        ledger_id: str,
        name: str,
        kind: str,
        amount: Decimal,
        on: date | None,
        credit_period: str,
    ) -> None:
        kind = kind.strip().lower()
        if kind not in (OPENS, SETTLES):
            return
        bill = self._bills.setdefault((ledger_id, name), _Bill(ledger_id, name))
        bill.balance += amount
        if kind == OPENS:
            bill.raised += amount
            if on is not None and (bill.bill_date is None or on < bill.bill_date):
                bill.bill_date = on
                bill.due = due_date(on, credit_period)

    def rows(self, receivable: dict[str, bool]) -> list[dict[str, Any]]:
        """Bill rows for the books sync; `receivable` tells each party ledger's side."""
        rows: list[dict[str, Any]] = []
        for bill in self._bills.values():
            if bill.ledger_id not in receivable or bill.bill_date is None:
                continue
            side = -1 if receivable[bill.ledger_id] else 1
            amount = side * bill.raised
            if amount <= 0:
                continue
            pending = min(max(side * bill.balance, Decimal(0)), amount)
            rows.append(
                {
                    "id": f"{bill.ledger_id}/{bill.name}"[:100],
                    "ledger": bill.ledger_id,
                    "ref": bill.name[:60],
                    "date": bill.bill_date.isoformat(),
                    "due_date": (bill.due or bill.bill_date).isoformat(),
                    "amount": str(amount),
                    "pending": str(pending),
                }
            )
        return rows
