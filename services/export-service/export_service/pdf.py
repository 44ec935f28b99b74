"""The tabular document as a PDF report: A4 landscape, drawn on reportlab's low-level canvas.

Nothing is cut: a narration or a party name too long for its column wraps onto further lines of
the same row (`pdf_wrap`), column titles wrap in the header, and a label on a total or balance
row may run on into the empty cells to its right. Rows therefore differ in height and the page
count is only known at the end: each page's footer places a form XObject of its own, and
`finish` draws into each the page's "Page N of M" in the document's language (a form per page
rather than one for M alone, since a language may put M first: "M पैकी पृष्ठ N").

Text goes through `pdf_text`: shipped Noto fonts, a font per run of characters, Indic runs
shaped. Speed: a page's cells all go into one text object (`setTextOrigin` + `textLine`), and a
printable ASCII cell that surely fits is drawn with no measuring, no layout and no shaping, as
before the fonts changed. Figures: `bench/RESULTS.md`, ## PDF writer.

Memory: reportlab keeps every finished page until `save()` (there is no flush) with its content
as one uncompressed `str`; `pageCompression=1` compresses only inside `save()`. We deflate each
page's stream the moment the page is done (a page callback swaps in a pre-filtered stream), so
about 8 KB a page stays held instead of 22; `save()` then builds the whole file in memory.
"""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import Any

from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas

from shared.domain.local_time import stamp

from .document import DocumentHeader, Row, rows_for_print
from .pdf_layout import BOLD, FONT, MARGIN, PAGE_HEIGHT, PAGE_WIDTH, Line, TableLayout
from .pdf_letterhead import draw_letterhead, letterhead_block
from .pdf_text import add_text, draw_text, register_fonts, text_width

_RULED_ABOVE = frozenset({"total", "closing"})
_FOOTER_SIZE = 7.0


def _page_of_form(page: int) -> str:
    return f"pageOf{page}"


class PdfReportWriter:
    """A `TabularWriter` for PDF.

    `font_size` is the table's (the title block scales from fixed sizes). `deflate_early=False`
    leaves the pages to reportlab's own `pageCompression` at save: same file, more memory.
    """

    def __init__(self, *, font_size: float = 8.0, deflate_early: bool = True) -> None:
        self._size = font_size
        self._deflate_early = deflate_early
        self._canvas: Any = None
        self._page = 0

    @property
    def page_count(self) -> int:
        return self._page

    def begin(self, path: Path, header: DocumentHeader) -> None:
        register_fonts()
        self._header = header
        self._layout = TableLayout(header, self._size)
        canvas = Canvas(
            str(path),
            pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
            pageCompression=0,
            initialFontName=FONT,
        )
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
        self._start_table(self._draw_title_block())

    def write_rows(self, rows: list[Row]) -> None:
        if self._canvas is None:
            raise RuntimeError("begin() first")
        if self._written + len(rows) > self._header.total_rows:
            raise ValueError(
                f"more rows than header.total_rows={self._header.total_rows}: "
                "the document would not be the one its header describes"
            )
        self._written += len(rows)
        # a page that opens inside a party's bills names the party on its first bill
        for row, printed in zip(rows, rows_for_print(rows, self._header), strict=True):
            lines = self._layout.row_lines(printed if self._rows_on_page else row)
            if len(lines) > self._left and self._rows_on_page:
                self._next_page()
                lines = self._layout.row_lines(row)
            self._draw_row(row.style, lines)

    def finish(self) -> None:
        if self._written != self._header.total_rows:
            raise ValueError(
                f"{self._written} rows written, header.total_rows={self._header.total_rows}"
            )
        self._end_page()
        c, pages = self._canvas, self._page
        for page in range(1, pages + 1):  # each page's "Page N of M", now that M is known
            c.beginForm(_page_of_form(page))
            c.setFillGray(0.35)
            page_of = self._header.labels.page_of.format(page=page, pages=pages)
            draw_text(c, PAGE_WIDTH - MARGIN, MARGIN - 14, page_of, _FOOTER_SIZE, align="right")
            c.endForm()
        c.save()
        self._canvas = None

    def _draw_title_block(self) -> float:
        """The letterhead, title, the header's lines and the time; returns the y below them."""
        c, h = self._canvas, self._header
        top = PAGE_HEIGHT - MARGIN
        block = letterhead_block(h, MARGIN, PAGE_WIDTH - 2 * MARGIN)
        draw_letterhead(c, block, top)
        y = top - block.height - 16
        draw_text(c, MARGIN, y, h.title, 11)
        for line in h.lines:
            y -= 12
            draw_text(c, MARGIN, y, line, 9)
        y -= 12
        draw_text(c, MARGIN, y, h.labels.generated.format(when=stamp(h.generated_at)), 8)
        return y - 14

    def _start_table(self, top: float) -> None:
        """The column titles below `top` (wrapped, never cut), then an empty body."""
        c, size, leading = self._canvas, self._size, self._layout.leading
        y = top - size
        text = c.beginText()
        for (edge, right_edge, right, _, _, _), lines in zip(
            self._layout.cells, self._layout.titles, strict=True
        ):
            for k, line in enumerate(lines):
                x = right_edge - text_width(line, size, True) if right else edge
                add_text(text, x, y - k * leading, line, size, True)
        c.drawText(text)
        y -= (len(max(self._layout.titles, key=len)) - 1) * leading
        c.setLineWidth(0.6)
        c.line(MARGIN, y - 3, PAGE_WIDTH - MARGIN, y - 3)
        c.setLineWidth(0.4)
        self._y = y - 3
        self._left = self._layout.lines_below(self._y)
        self._rows_on_page = 0
        self._text = c.beginText()
        self._font: str | None = None

    def _draw_row(self, style: str, lines: list[Line]) -> None:
        # The hot path: locals only; the text object's font is set only when it changes.
        text, size, leading = self._text, self._size, self._layout.leading
        bold = style != "normal"
        font = BOLD if bold else FONT
        if style in _RULED_ABOVE:
            rule_y = self._y - 3
            self._canvas.line(MARGIN, rule_y, PAGE_WIDTH - MARGIN, rule_y)
        for line in lines:
            if not self._left:  # a row taller than a whole page goes on over the next
                self._next_page()
                text = self._text
            self._y -= leading
            self._left -= 1
            y = self._y
            for x, s, plain in line:
                if plain:
                    if self._font is not font:
                        text.setFont(font, size, leading)
                        self._font = font
                    text.setTextOrigin(x, y)
                    text.textLine(s)
                else:
                    add_text(text, x, y, s, size, bold)
                    self._font = None
        self._rows_on_page += 1

    def _next_page(self) -> None:
        self._end_page()
        self._page += 1
        self._start_table(self._layout.table_top)

    def _end_page(self) -> None:
        c, h = self._canvas, self._header
        c.drawText(self._text)
        c.setFillGray(0.35)
        draw_text(c, MARGIN, MARGIN - 14, f"{h.company} \u2014 {h.title}", _FOOTER_SIZE)
        c.doForm(_page_of_form(self._page))  # "Page N of M", drawn by `finish`
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
