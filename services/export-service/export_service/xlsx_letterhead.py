"""The letterhead in the title rows of every sheet: the company block in the first column, the
party's block (for a party's statement) in a column about half-way across, on the same rows.

One cell per line, so a spreadsheet user can copy the GSTIN or the address from its own cell.
A tenant without a profile gets what sheets always had: its name alone in A1, which keeps the
title rows where they were.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import accumulate
from typing import Any, Literal

from .document import Column, DocumentHeader, Letterhead

Style = Literal["company", "party", "detail"]


@dataclass(frozen=True)
class LetterheadCells:
    # row, column, text, style; in row order, as xlsxwriter's constant_memory mode needs them
    cells: tuple[tuple[int, int, str, Style], ...]
    rows: int  # rows the letterhead takes: the report's title goes on the next one


def letterhead_formats(book: Any) -> dict[Style, Any]:
    return {
        "company": book.add_format({"bold": True, "font_size": 14}),
        "party": book.add_format({"bold": True, "font_size": 11}),
        "detail": book.add_format({"font_size": 9, "font_color": "#404040"}),
    }


def party_column(columns: tuple[Column, ...]) -> int:
    """The first column that starts at least half-way across the sheet (0: none does)."""
    total = sum(column.width for column in columns)
    starts = accumulate((column.width for column in columns), initial=0)
    return next(
        (i for i, start in enumerate(starts) if 0 < i < len(columns) and start * 2 >= total), 0
    )


def letterhead_cells(header: DocumentHeader) -> LetterheadCells:
    company = header.letterhead or Letterhead(header.company)
    details = company.detail_lines(header.labels)
    cells: list[tuple[int, int, str, Style]] = [(0, 0, company.name, "company")]
    cells += [(r, 0, line, "detail") for r, line in enumerate(details, start=1)]
    rows = 1 + len(details)
    party = header.party
    if party is not None:
        column = party_column(header.columns)
        top = 0 if column else rows  # a sheet too narrow for two blocks stacks them
        cells.append((top, column, party.name, "party"))
        party_details = party.detail_lines(header.labels)
        cells += [(r, column, line, "detail") for r, line in enumerate(party_details, top + 1)]
        rows = max(rows, top + 1 + len(party_details))
    return LetterheadCells(tuple(sorted(cells)), rows)
