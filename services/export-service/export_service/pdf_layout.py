"""Where the PDF report's table goes on an A4 landscape page, and how a row becomes lines.

Shared by the writer and the benchmark's bare canvas loop, so both draw the same table.
"""

from __future__ import annotations

import math
import string
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics

from shared.domain.reports.cells import BLANK_WHEN_ZERO, formatters

from .document import DocumentHeader, Row
from .pdf_text import LATIN, font_name, register_fonts, text_width
from .pdf_wrap import wrap

PAGE_WIDTH: float = landscape(A4)[0]
PAGE_HEIGHT: float = landscape(A4)[1]
MARGIN = 28.0
PAD = 3.0  # inside each cell, both sides
RIGHT_ALIGNED = frozenset({"money", "balance", "integer"})
FONT, BOLD = font_name(LATIN, False), font_name(LATIN, True)

# One line of a row: (x, text, printable ASCII?) per cell that has text on that line.
Line = list[tuple[float, str, bool]]
# One cell's drawing recipe: left edge, right edge, right-aligned?, formatter, blank when zero?,
# and the length below which printable ASCII surely fits (no measuring).
Cell = tuple[float, float, bool, Callable[[Any], str], bool, int]


class TableLayout:
    """Column positions (scaled to the page), wrapped column titles, line spacing, and each
    row's lines (`row_lines`)."""

    def __init__(self, header: DocumentHeader, size: float) -> None:
        register_fonts()
        self.size = size
        self.leading = round(size * 1.375, 2)
        self.table_top = PAGE_HEIGHT - MARGIN  # the header's top on pages after the first
        scale = (PAGE_WIDTH - 2 * MARGIN) / max(1, sum(c.width for c in header.columns))
        self.columns: list[tuple[Any, float, float]] = []  # column, left x, width
        x = MARGIN
        for column in header.columns:
            self.columns.append((column, x, column.width * scale))
            x += column.width * scale
        self.titles = [
            wrap(column.heading, width - 2 * PAD, size, bold=True)
            for column, _, width in self.columns
        ]
        if self.lines_below(self.table_top - size * len(max(self.titles, key=len))) < 1:
            raise ValueError(f"font size {size} leaves no room for rows")
        # no printable ASCII character is wider: a string shorter than avail / this fits
        widest = max(pdfmetrics.stringWidth(ch, BOLD, size) for ch in string.printable.strip())
        formats = formatters(header.labels)  # a balance's Dr/Cr in the document's language
        self.cells: list[Cell] = [
            (
                x + PAD,
                x + width - PAD,
                column.kind in RIGHT_ALIGNED,
                formats[column.kind],
                column.kind in BLANK_WHEN_ZERO,
                int((width - 2 * PAD) / widest),
            )
            for column, x, width in self.columns
        ]

    def lines_below(self, y: float) -> int:
        """How many table lines fit between y and the bottom margin."""
        return math.floor((y - MARGIN) / self.leading)

    def row_lines(self, row: Row) -> list[Line]:
        """The row as lines of cells; most rows are one line. Amounts right-aligned, zero
        amounts blank, text wrapped in its column (a label on a bold row may run on into the
        empty cells to its right)."""
        size, bold = self.size, row.style != "normal"
        cells, values = self.cells, row.values
        lines: list[Line] = [[]]
        for index, (cell, value) in enumerate(zip(cells, values, strict=False)):
            edge, right_edge, right, fmt, blank_zero, sure = cell
            if value is None or (blank_zero and value.__class__ is Decimal and not value):
                continue
            s = value if value.__class__ is str else fmt(value)
            if not s:
                continue
            plain = s.isascii() and s.isprintable()
            if right:
                width = (
                    pdfmetrics.stringWidth(s, BOLD if bold else FONT, size)
                    if plain
                    else text_width(s, size, bold)
                )
                lines[0].append((right_edge - width, s, plain))
                continue
            if plain and len(s) <= sure:
                lines[0].append((edge, s, True))
                continue
            if bold:
                after = next((j for j in range(index + 1, len(values)) if values[j] is not None), 0)
                right_edge = cells[after - 1][1] if after else cells[-1][1]
            parts = wrap(s, right_edge - edge, size, bold)
            while len(lines) < len(parts):
                lines.append([])
            for k, part in enumerate(parts):
                lines[k].append((edge, part, part.isascii() and part.isprintable()))
        return lines
