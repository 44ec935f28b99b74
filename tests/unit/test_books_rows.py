"""What a synced row may hold: exact amounts, balanced vouchers, complete bills."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from shared.domain.books.rows import BillRow, LedgerRow, VoucherRow


def _refusal(model: Any, row: dict[str, Any]) -> tuple[str, str]:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(row)
    error = caught.value.errors()[0]
    return ".".join(str(p) for p in error["loc"]), str(error["msg"])


def test_amounts_are_exact_decimal_strings_with_two_places_at_most() -> None:
    row = LedgerRow.model_validate(
        {"id": "L", "name": "A", "group": "G", "opening_balance": "-0.5"}
    )
    assert row.opening_balance == Decimal("-0.50")
    assert _refusal(LedgerRow, {"id": "L", "name": "A", "group": "G", "opening_balance": 0.1})[
        1
    ].endswith('send amounts as decimal strings, e.g. "1234.50"')
    for bad in ("1.005", "NaN", "1e400", "abc"):
        field, _ = _refusal(
            LedgerRow, {"id": "L", "name": "A", "group": "G", "opening_balance": bad}
        )
        assert field == "opening_balance"


def test_a_voucher_balances_and_each_line_has_one_side() -> None:
    lines = [{"ledger": "a", "debit": "10"}, {"ledger": "b", "credit": "10"}]
    assert (
        len(
            VoucherRow.model_validate(
                {"id": "v", "date": "2026-04-01", "type": "J", "lines": lines}
            ).lines
        )
        == 2
    )
    _, message = _refusal(
        VoucherRow,
        {
            "id": "v",
            "date": "2026-04-01",
            "type": "J",
            "lines": [lines[0], {"ledger": "b", "credit": "9"}],
        },
    )
    assert "do not balance" in message
    field, _ = _refusal(
        VoucherRow,
        {
            "id": "v",
            "date": "2026-04-01",
            "type": "J",
            "lines": [{"ledger": "a", "debit": "1", "credit": "1"}, lines[1]],
        },
    )
    assert field == "lines.0"


def test_a_deletion_needs_only_the_id() -> None:
    assert VoucherRow.model_validate({"id": "v", "deleted": True}).deleted
    assert BillRow.model_validate({"id": "b", "deleted": True}).deleted
    assert LedgerRow.model_validate({"id": "l", "deleted": True}).deleted


def test_a_bill_pends_no_more_than_its_amount_and_is_due_after_its_date() -> None:
    base = {"id": "b", "ledger": "L", "ref": "1", "date": "2026-04-01", "amount": "100"}
    assert BillRow.model_validate({**base, "pending": "100"}).pending == Decimal(100)
    assert "exceed" in _refusal(BillRow, {**base, "pending": "100.01"})[1]
    assert "before" in _refusal(BillRow, {**base, "due_date": "2026-03-01"})[1]
