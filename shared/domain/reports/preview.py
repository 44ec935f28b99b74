"""A report on screen before any export: the document's header, its opening rows, one page of
its body, and its closing rows (totals, closing balance), exactly as the PDF draws them.

The preview walks the very rows the export-service's writers draw (`ReportSource.rows`): the
opening and closing balances, period totals, party subtotals and ageing totals are the ones
the report's source computed for the PDF, never summed again here. Streaming in batches, memory
holds one page whatever the report's length. A source that knows the rows around its data
before reading it (the ledger's `csv_copy.before` and `.after`: opening balance, period total,
closing balance) is read only up to the page's end; any other (the outstanding report, whose
totals are summed on the way) is read to its end on every page. A page is addressed by the
position of its first body row (`start`), which the gateway wraps in an opaque cursor.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass

from shared.domain.reports.document import (
    CsvCopy,
    DocumentHeader,
    ReportSource,
    Row,
    rows_for_print,
)

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
    if source.csv_copy is not None:
        return await _page_between(source, source.csv_copy, start, size)
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
    return _page(source.header, opening, page, held, body, start)


async def _page_between(
    source: ReportSource, around: CsvCopy, start: int, size: int
) -> PreviewPage:
    """The page of a source whose rows are `around.before`, its data rows, `around.after`:
    the rows are read up to the page's end, and the cursor closed there."""
    page: list[Row] = []
    seen = 0  # rows read, the `before` ones included
    first, last = len(around.before) + start, len(around.before) + start + size
    rows = source.rows
    try:
        async for batch in rows:
            page += batch[max(0, first - seen) : max(0, last - seen)]
            seen += len(batch)
            if seen >= last:
                break
    finally:
        if isinstance(rows, AsyncGenerator):  # ends the server-side cursor's transaction
            await rows.aclose()
    body = page[: max(0, source.data_rows - start)]  # never the `after` rows
    return _page(source.header, around.before, body, around.after, source.data_rows, start)


def _page(
    header: DocumentHeader,
    opening: Sequence[Row],
    page: list[Row],
    closing: Sequence[Row],
    body_rows: int,
    start: int,
) -> PreviewPage:
    end = start + len(page)
    # A page that opens inside a party's bills names the party on its first bill, as a PDF
    # page does; the rest leave the party column to the heading above.
    printed = rows_for_print(page, header, name_first=True)
    return PreviewPage(
        header=header,
        opening=tuple(opening),
        rows=tuple(printed),
        closing=tuple(closing),
        body_rows=body_rows,
        start=start,
        next_start=end if page and end < body_rows else None,
    )
