"""A report on screen before any export: the document's header, its opening rows, one page of
its body, and its closing rows (totals, closing balance), exactly as the PDF draws them.

The preview walks the very rows the export-service's writers draw (`ReportSource.rows`): the
opening and closing balances, period totals, party subtotals and ageing totals are the ones
the report's source computed for the PDF, never summed again here. The walk reads the report
to its end on every page (the closing rows come last), streaming in batches, so memory holds
one page whatever the report's length; a page is addressed by the position of its first body
row (`start`), which the gateway wraps in an opaque cursor.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.domain.reports.document import DocumentHeader, ReportSource, Row, rows_for_print

# Rows that open the document before its body (the ledger's opening balance), and rows that
# close it after the body (period total, closing balance, grand and ageing totals).
OPENING_STYLES = frozenset({"opening"})
CLOSING_STYLES = frozenset({"total", "closing"})


@dataclass(frozen=True)
class PreviewPage:
    header: DocumentHeader
    opening: tuple[Row, ...]
    rows: tuple[Row, ...]  # the page's body rows, as the PDF prints them
    closing: tuple[Row, ...]
    body_rows: int  # body rows in the whole report
    start: int  # the position of the page's first body row
    next_start: int | None  # the next page's `start`; None on the last page


async def preview_page(source: ReportSource, start: int, size: int) -> PreviewPage:
    """The page of `size` body rows from position `start` (0 is the first body row)."""
    opening: list[Row] = []
    page: list[Row] = []
    held: list[Row] = []  # closing-style rows, until a body row shows they were not the end
    body = 0
    async for batch in source.rows:
        for row in batch:
            if row.style in OPENING_STYLES and body == 0 and not held:
                opening.append(row)
            elif row.style in CLOSING_STYLES:
                held.append(row)
            else:
                for kept in (*held, row):
                    if start <= body < start + size:
                        page.append(kept)
                    body += 1
                held.clear()
    end = start + len(page)
    header = source.header
    # A page that opens inside a party's bills names the party on its first bill, as a PDF
    # page does; the rest leave the party column to the heading above.
    printed = rows_for_print(page, header, name_first=True)
    return PreviewPage(
        header=header,
        opening=tuple(opening),
        rows=tuple(printed),
        closing=tuple(held),
        body_rows=body,
        start=start,
        next_start=end if page and end < body else None,
    )
