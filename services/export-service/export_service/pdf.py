"""The tabular document as a PDF report: A4 landscape, drawn on reportlab's low-level canvas.

Every row is exactly one line (text is clipped with an ellipsis), so the page count is known
before drawing and each footer can say "Page N of M".

Speed: a page's cells all go into one text object (`setTextOrigin` + `textLine`) rather than a
`drawString` per cell, which builds a text object per call; that pays for the formatting.
`bench/bench_pdf_engine.py`, 100,000 8-column ledger rows, 2,084 pages (2 CPUs, Python 3.11.7,
reportlab 5.1 without its optional rl_accel C extension; a process starts at 25 MiB):

    run                                          seconds   peak RSS   file (MiB, MB)
    this writer (formatting included)              11.6        59       8.2
    bare drawString loop, pageCompression=1        13.3        95       9.6   ratio 0.87
    bare drawString loop, pageCompression=0        11.6       159      43.1
    this writer, deflate_early=False               13.8        93      10.1

Memory: reportlab keeps every finished page until `save()` (there is no flush) with its content
as one uncompressed `str`; `pageCompression=1` compresses (zlib, then ASCII85 in pure Python)
only inside `save()`, so it shrinks the file and the save-time peak, not the pages held
meanwhile (about 22 KB a page here). We deflate each page's stream the moment the page is done
(a page callback swaps in a pre-filtered stream): about 8 KB a page stays held (compressed
content and reportlab's page objects), and `save()` then builds the whole file in memory
(pieces plus the joined bytes, about twice the file size): that much reportlab forces. Peak RSS
grows about 35 MiB per 100,000 rows instead of 68 (300,000 rows: 126 MiB against 226).
Deflating as we go takes 0.8 s per 100,000 rows (zlib level 6); `save()` drops from 3.1 s to 0.2.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from shared.domain.local_time import stamp

from .document import Column, DocumentHeader, Row, dr_cr, indian_grouping, rows_for_print
from .pdf_letterhead import draw_letterhead, letterhead_block

PAGE_WIDTH: float = landscape(A4)[0]
PAGE_HEIGHT: float = landscape(A4)[1]
MARGIN = 28.0
FONT, BOLD = "Helvetica", "Helvetica-Bold"
PAD = 3.0  # inside each cell, both sides
ELLIPSIS = "\u2026"  # in WinAnsi, so the standard fonts have it
RUPEE = "\u20b9"  # not in WinAnsi: reportlab would draw a box; narrations may carry it
_RIGHT_ALIGNED = frozenset({"money", "balance", "integer"})
_RULED_ABOVE = frozenset({"total", "closing"})


def _ddmmyyyy(value: Any) -> str:
    return f"{value.day:02d}-{value.month:02d}-{value.year}"


_FORMATTERS: dict[str, Callable[[Any], str]] = {
    "text": str,
    "date": _ddmmyyyy,
    "money": indian_grouping,
    "balance": dr_cr,
    "integer": str,
}


def _max_char_width(font_name: str) -> float:
    """Widest glyph, per point, of a font and the fonts reportlab substitutes for it."""
    font = pdfmetrics.getFont(font_name)
    fonts = [font, *font.substitutionFonts]
    return float(max(max(f.widths) for f in fonts)) / 1000.0


def clip(text: str, avail: float, font_name: str, size: float) -> str:
    """`text` cut with an ellipsis so that it is at most `avail` points wide."""
    width = pdfmetrics.stringWidth(text, font_name, size)
    if width <= avail:
        return text
    limit = avail - pdfmetrics.stringWidth(ELLIPSIS, font_name, size)
    # Proportional guess first: usually within a character or two, so few measurements follow.
    n = min(len(text), max(0, int(len(text) * limit / width)))
    while n > 0 and pdfmetrics.stringWidth(text[:n], font_name, size) > limit:
        n -= 1
    while n < len(text) and pdfmetrics.stringWidth(text[: n + 1], font_name, size) <= limit:
        n += 1
    return text[:n].rstrip() + ELLIPSIS


class _Layout:
    """Where things go on the page; shared by the writer and by `page_count`."""

    def __init__(self, header: DocumentHeader, size: float) -> None:
        self.size = size
        self.leading = round(size * 1.375, 2)
        top = PAGE_HEIGHT - MARGIN
        self.letterhead = letterhead_block(header, MARGIN, PAGE_WIDTH - 2 * MARGIN)
        # letterhead, title, each line, "Generated ...", then a gap before the table
        title_height = self.letterhead.height + 16 + 12 * len(header.lines) + 12 + 14
        self.header_y = top - size  # baseline of the column header row
        self.first_header_y = self.header_y - title_height
        self.per_page = self._rows_below(self.header_y)
        self.first_page = max(0, self._rows_below(self.first_header_y))
        if self.per_page < 1:
            raise ValueError(f"font size {size} leaves no room for rows")
        rest = max(0, header.total_rows - self.first_page)
        self.pages = 1 + math.ceil(rest / self.per_page)
        scale = (PAGE_WIDTH - 2 * MARGIN) / max(1, sum(c.width for c in header.columns))
        self.columns: list[tuple[Column, float, float]] = []  # column, left x, width
        x = MARGIN
        for column in header.columns:
            self.columns.append((column, x, column.width * scale))
            x += column.width * scale

    def _rows_below(self, header_y: float) -> int:
        return math.floor((header_y - 3 - MARGIN) / self.leading)


def page_count(header: DocumentHeader, font_size: float = 8.0) -> int:
    """How many pages `PdfReportWriter(font_size=...)` draws for `header`."""
    return _Layout(header, font_size).pages


# One cell's drawing recipe: x (left edge, or right edge when right-aligned), right-aligned?,
# formatter, available width, and the length below which text surely fits (no measuring).
_Cell = tuple[float, bool, Callable[[Any], str], float, int]


class PdfReportWriter:
    """A `TabularWriter` for PDF.

    `font_size` is the table's (the title block scales from fixed sizes). `deflate_early=False`
    leaves the pages to reportlab's own `pageCompression` at save: same file, more memory.
    """

    def __init__(self, *, font_size: float = 8.0, deflate_early: bool = True) -> None:
        self._size = font_size
        self._deflate_early = deflate_early
        self._canvas: Any = None

    @property
    def page_count(self) -> int:
        return self._layout.pages

    def begin(self, path: Path, header: DocumentHeader) -> None:
        self._header = header
        self._layout = layout = _Layout(header, self._size)
        self._cells: dict[str, list[_Cell]] = {}
        for font_name in (FONT, BOLD):
            sure = _max_char_width(font_name) * self._size
            cells = self._cells[font_name] = []
            for column, x, width in layout.columns:
                right = column.kind in _RIGHT_ALIGNED
                avail = width - 2 * PAD
                edge = x + width - PAD if right else x + PAD
                cells.append((edge, right, _FORMATTERS[column.kind], avail, int(avail / sure)))
        canvas = Canvas(str(path), pagesize=(PAGE_WIDTH, PAGE_HEIGHT), pageCompression=0)
        if self._deflate_early:
            canvas.setPageCallBack(self._deflate_last_page)
        else:
            canvas.setPageCompression(1)
        canvas.setTitle(f"{header.title} - {header.company}")
        canvas.setAuthor(header.company)
        canvas.setCreator("ledgerpost")
        self._canvas = canvas
        self._page = 1
        self._written = 0
        self._draw_title_block()
        self._start_table(layout.first_header_y, layout.first_page)

    def write_rows(self, rows: list[Row]) -> None:
        if self._canvas is None:
            raise RuntimeError("begin() first")
        if self._written + len(rows) > self._header.total_rows:
            raise ValueError(
                f"more rows than header.total_rows={self._header.total_rows}: "
                "the page count printed on every page would be wrong"
            )
        self._written += len(rows)
        start = 0
        while start < len(rows):
            if not self._left:
                self._end_page()
                self._page += 1
                self._start_table(self._layout.header_y, self._layout.per_page)
            chunk = rows[start : start + self._left]
            # a page that opens inside a party's bills names the party on its first bill
            top = self._left == (
                self._layout.first_page if self._page == 1 else self._layout.per_page
            )
            self._draw_rows(rows_for_print(chunk, self._header, name_first=top))
            self._left -= len(chunk)
            start += len(chunk)

    def finish(self) -> None:
        if self._written != self._header.total_rows:
            raise ValueError(
                f"{self._written} rows written, header.total_rows={self._header.total_rows}"
            )
        self._end_page()
        self._canvas.save()
        self._canvas = None

    def _draw_title_block(self) -> None:
        c, h = self._canvas, self._header
        top = PAGE_HEIGHT - MARGIN
        draw_letterhead(c, self._layout.letterhead, top)
        y = top - self._layout.letterhead.height - 16
        c.setFont(FONT, 11)
        c.drawString(MARGIN, y, h.title)
        c.setFont(FONT, 9)
        for line in h.lines:
            y -= 12
            c.drawString(MARGIN, y, line)
        y -= 12
        c.setFont(FONT, 8)
        c.drawString(MARGIN, y, h.labels.generated.format(when=stamp(h.generated_at)))

    def _start_table(self, header_y: float, capacity: int) -> None:
        c, size = self._canvas, self._size
        c.setFont(BOLD, size)
        for (column, _, _), (edge, right, _, avail, _) in zip(
            self._layout.columns, self._cells[BOLD], strict=True
        ):
            title = clip(column.title, avail, BOLD, size)
            if right:
                c.drawRightString(edge, header_y, title)
            else:
                c.drawString(edge, header_y, title)
        c.setLineWidth(0.6)
        c.line(MARGIN, header_y - 3, PAGE_WIDTH - MARGIN, header_y - 3)
        c.setLineWidth(0.4)
        self._y = header_y - 3
        self._left = capacity
        self._text = c.beginText()
        self._font = FONT
        self._text.setFont(FONT, size, self._layout.leading)

    def _draw_rows(self, rows: list[Row]) -> None:
        # The hot path: locals only, no measuring unless a text cell might overflow.
        text, size, leading = self._text, self._size, self._layout.leading
        font = self._font
        cells = self._cells[font]
        string_width = pdfmetrics.stringWidth
        y = self._y
        for row in rows:
            y -= leading
            if row.style == "normal":
                if font is not FONT:
                    font, cells = FONT, self._cells[FONT]
                    text.setFont(font, size, leading)
            else:
                if font is not BOLD:
                    font, cells = BOLD, self._cells[BOLD]
                    text.setFont(font, size, leading)
                if row.style in _RULED_ABOVE:
                    rule_y = y + leading - 3
                    self._canvas.line(MARGIN, rule_y, PAGE_WIDTH - MARGIN, rule_y)
            for (edge, right, fmt, avail, sure), value in zip(cells, row.values, strict=False):
                if value is None:
                    continue
                s = value if value.__class__ is str else fmt(value)
                if not s:
                    continue
                if right:
                    text.setTextOrigin(edge - string_width(s, font, size), y)
                else:
                    if not s.isascii():
                        s = s.replace(RUPEE, "Rs.")
                    if len(s) > sure:
                        if "\n" in s or "\r" in s:
                            s = " ".join(s.split())
                        s = clip(s, avail, font, size)
                    text.setTextOrigin(edge, y)
                text.textLine(s)
        self._y = y
        self._font = font

    def _end_page(self) -> None:
        c, h = self._canvas, self._header
        c.drawText(self._text)
        c.setFont(FONT, 7)
        c.setFillGray(0.35)
        c.drawString(MARGIN, MARGIN - 14, f"{h.company} \u2014 {h.title}")
        page = h.labels.page_of.format(page=self._page, pages=self._layout.pages)
        c.drawRightString(PAGE_WIDTH - MARGIN, MARGIN - 14, page)
        c.showPage()

    def _deflate_last_page(self, _page_number: int) -> None:
        # reportlab would hold this page's stream uncompressed until save(); a stream whose
        # dictionary already names its filter is written as is (see pdfdoc.PDFStream.format).
        pages: Any = getattr(getattr(self._canvas._doc, "Pages", None), "pages", None)
        page: Any = pages[-1] if pages else None
        if not isinstance(getattr(page, "stream", None), str):
            return  # reportlab's internals changed: leave the page to save() as before
        data = zlib.compress(page.stream.encode("utf-8"))  # as reportlab's own Flate filter
        filters = pdfdoc.PDFDictionary({"Filter": pdfdoc.PDFArray([pdfdoc.PDFName("FlateDecode")])})
        page.Contents = pdfdoc.PDFStream(filters, data)
        page.stream = None
