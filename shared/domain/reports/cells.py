"""A cell as the documents people read print it (PDF, and the on-screen preview): dates
dd-mm-yyyy, amounts in Indian grouping, balances with Dr/Cr, a zero amount left blank.

The PDF writer's table and the gateway's preview both format through here, so the screen
shows the very words and numbers the PDF prints.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from shared.domain.reports.amounts import dr_cr, indian_grouping
from shared.domain.reports.document import CellValue, ColumnKind, Row


def ddmmyyyy(value: Any) -> str:
    return f"{value.day:02d}-{value.month:02d}-{value.year}"


FORMATTERS: dict[ColumnKind, Callable[[Any], str]] = {
    "text": str,
    "date": ddmmyyyy,
    "money": indian_grouping,
    "balance": dr_cr,
    "integer": str,
}
# A zero debit or credit is left blank, as in a handwritten ledger; a zero balance is not.
BLANK_WHEN_ZERO: frozenset[ColumnKind] = frozenset({"money"})


def cell_text(kind: ColumnKind, value: CellValue) -> str | None:
    """The cell as printed, or None when the document leaves it blank."""
    if value is None or (kind in BLANK_WHEN_ZERO and isinstance(value, Decimal) and not value):
        return None
    text = value if isinstance(value, str) else FORMATTERS[kind](value)
    return text or None


def row_texts(kinds: tuple[ColumnKind, ...], row: Row) -> list[str | None]:
    """Every cell of `row` as printed, in column order."""
    return [cell_text(kind, value) for kind, value in zip(kinds, row.values, strict=False)]
