"""The preview's walk over a report's rows (`shared.domain.reports.preview`): opening rows
before the body, closing rows after it, pages of the body in between, on sources made here."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

from shared.domain.reports.document import (
    Column,
    CsvCopy,
    DocumentHeader,
    ReportSource,
    Row,
    RowStyle,
)
from shared.domain.reports.preview import preview_page

COLUMNS = (Column("Party", "text", 20, once_per_group=True), Column("Ref", "text", 10))


def _source(styles: list[RowStyle], batch: int = 3) -> ReportSource:
    rows = [Row(("Party", f"r{n}"), style) for n, style in enumerate(styles)]

    async def batches() -> AsyncIterator[list[Row]]:
        for start in range(0, len(rows), batch):
            yield rows[start : start + batch]

    header = DocumentHeader("T", "Co", (), COLUMNS, len(rows), datetime(2026, 12, 5, tzinfo=UTC))
    return ReportSource(header, len(rows), batches(), {})


def _names(rows: tuple[Row, ...]) -> list[object]:
    return [row.values[1] for row in rows]


LEDGER: list[RowStyle] = ["opening", *["normal"] * 7, "total", "closing"]


async def test_pages_of_the_body_between_the_opening_and_closing_rows() -> None:
    first = await preview_page(_source(LEDGER), 0, 3)
    assert _names(first.opening) == ["r0"]
    assert _names(first.rows) == ["r1", "r2", "r3"]
    assert _names(first.closing) == ["r8", "r9"]
    assert (first.body_rows, first.start, first.next_start) == (7, 0, 3)
    last = await preview_page(_source(LEDGER), 6, 3)
    assert _names(last.rows) == ["r7"] and last.next_start is None


async def test_walking_by_next_start_gives_every_body_row_once() -> None:
    seen: list[object] = []
    start: int | None = 0
    while start is not None:
        page = await preview_page(_source(LEDGER, batch=2), start, 2)
        seen += _names(page.rows)
        start = page.next_start
    assert seen == [f"r{n}" for n in range(1, 8)]


async def test_total_rows_inside_the_body_stay_in_it() -> None:
    # Totals followed by more rows were not the end: they are body rows, in their place.
    styles: list[RowStyle] = ["group", "normal", "total", "normal", "subtotal", "total", "total"]
    page = await preview_page(_source(styles), 0, 10)
    assert _names(page.rows) == ["r0", "r1", "r2", "r3", "r4"]
    assert _names(page.closing) == ["r5", "r6"] and page.opening == ()


async def test_a_page_opening_inside_a_group_names_it_on_its_first_row() -> None:
    styles: list[RowStyle] = ["group", "normal", "normal", "normal", "subtotal", "total"]
    page = await preview_page(_source(styles), 2, 2)
    assert _names(page.rows) == ["r2", "r3"]
    parties = [row.values[0] for row in page.rows]
    assert parties == ["Party", None]  # named on the page's first bill, as a PDF page does


async def test_an_empty_report_and_a_start_past_the_end() -> None:
    empty = await preview_page(_source(["opening", "total", "closing"]), 0, 5)
    assert (empty.rows, empty.body_rows, empty.next_start) == ((), 0, None)
    past = await preview_page(_source(LEDGER), 50, 5)
    assert (past.rows, past.next_start) == ((), None)


def _ledger_like(entries: int, read: list[int]) -> ReportSource:
    """A source with the rows around its data known up front (`csv_copy`), as the ledger's;
    `read` counts the batches it yields."""
    opening, closing = Row(("", "opening"), "opening"), Row(("", "closing"), "closing")
    data = [Row(("Party", f"e{n}")) for n in range(entries)]

    async def batches() -> AsyncIterator[list[Row]]:
        yield [opening]
        for start in range(0, entries, 4):
            read.append(start)
            yield data[start : start + 4]
        yield [closing]

    header = DocumentHeader("T", "Co", (), COLUMNS, entries + 2, datetime(2026, 12, 5, tzinfo=UTC))
    around = CsvCopy(before=(opening,), query="", args=(), after=(closing,))
    return ReportSource(header, entries, batches(), {}, csv_copy=around)


async def test_a_source_that_knows_its_closing_rows_is_read_only_to_the_page() -> None:
    read: list[int] = []
    first = await preview_page(_ledger_like(20, read), 0, 5)
    assert _names(first.rows) == [f"e{n}" for n in range(5)] and read == [0, 4]
    assert _names(first.opening) == ["opening"] and _names(first.closing) == ["closing"]
    assert (first.body_rows, first.next_start) == (20, 5)
    last = await preview_page(_ledger_like(20, []), 15, 10)
    assert _names(last.rows) == [f"e{n}" for n in range(15, 20)] and last.next_start is None
    seen: list[object] = []
    start: int | None = 0
    while start is not None:
        page = await preview_page(_ledger_like(11, []), start, 3)
        seen += _names(page.rows)
        start = page.next_start
    assert seen == [f"e{n}" for n in range(11)]
