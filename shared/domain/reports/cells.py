"""A cell as the documents people read print it (PDF, and the on-screen preview): dates
dd-mm-yyyy, amounts in Indian grouping, balances with Dr/Cr in the document's language, a
zero amount left blank.

The PDF writer's table and the gateway's preview both format through here, so the screen
shows the very words and numbers the PDF prints.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from shared.domain.reports.amounts import dr_cr, indian_grouping
from shared.domain.reports.document import CellValue, ColumnKind, Row
from shared.domain.reports.labels import ENGLISH, Labels


def ddmmyyyy(value: Any) -> str:
    return f"{value.day:02d}-{value.month:02d}-{value.year}"


Formatters = dict[ColumnKind, Callable[[Any], str]]


def formatters(labels: Labels = ENGLISH) -> Formatters:
    """How a cell of each kind prints; a balance says Dr/Cr in the document's language
    (नावे/जमा in Marathi, नामे/जमा in Hindi)."""
    debit, credit = labels.debit, labels.credit
    return {
        "text": str,
        "date": ddmmyyyy,
        "money": indian_grouping,
        "balance": lambda balance: dr_cr(balance, debit, credit),
        "integer": str,
    }


# A zero debit or credit is left blank, as in a handwritten ledger; a zero balance is not.
BLANK_WHEN_ZERO: frozenset[ColumnKind] = frozenset({"money"})


def cell_text(kind: ColumnKind, value: CellValue, formats: Formatters) -> str | None:
    """The cell as printed (`formats`: the document's `formatters`), or None when the document
    leaves it blank."""
    if value is None or (kind in BLANK_WHEN_ZERO and isinstance(value, Decimal) and not value):
        return None
    text = value if isinstance(value, str) else formats[kind](value)
    return text or None


def row_texts(
    kinds: tuple[ColumnKind, ...], row: Row, labels: Labels = ENGLISH
) -> list[str | None]:
    """Every cell of `row` as printed in a document in `labels`' language, in column order."""
    formats = formatters(labels)
    return [cell_text(kind, value, formats) for kind, value in zip(kinds, row.values, strict=False)]
