"""The least a canvas-based PDF writer must pay: a bare reportlab loop over prepared lines.

`prepare` turns rows into the writer's own lines (formatted, wrapped and positioned by
`TableLayout.row_lines`, untimed); `draw` is the timed part: one drawString per cell line, a
setFont when the row style changes and showPage when a page is full, pageCompression=1,
in the fonts the writer uses. No title block, headers or footers: those are the writer's extra.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from export_service.pdf_layout import BOLD, FONT, PAGE_HEIGHT, PAGE_WIDTH, Line, TableLayout
from reportlab.pdfgen.canvas import Canvas

from shared.domain.reports.document import Row


def prepare(layout: TableLayout, rows: list[Row]) -> list[tuple[str, list[Line]]]:
    return [(BOLD if row.style != "normal" else FONT, layout.row_lines(row)) for row in rows]


def draw(path: Path, layout: TableLayout, rows: Any) -> int:
    """Draws the prepared `rows` (an iterable of `prepare` results); returns the page count."""
    canvas = Canvas(
        str(path), pagesize=(PAGE_WIDTH, PAGE_HEIGHT), pageCompression=1, initialFontName=FONT
    )
    size, leading = layout.size, layout.leading
    top = PAGE_HEIGHT - 150.0  # below page 1's title block, roughly as the writer's
    y, left, font, pages = top, layout.lines_below(top), "", 1
    for batch in rows:
        for row_font, lines in batch:
            if len(lines) > left:
                canvas.showPage()
                top = layout.table_top - 2 * leading
                y, left, font, pages = top, layout.lines_below(top), "", pages + 1
            if row_font != font:
                font = row_font
                canvas.setFont(font, size)
            for line in lines:
                y -= leading
                left -= 1
                for x, s, _ in line:
                    canvas.drawString(x, y, s)
    canvas.showPage()
    canvas.save()
    return pages
