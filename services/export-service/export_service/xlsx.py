"""The tabular document as an .xlsx workbook, written in constant memory.

Engine: xlsxwriter in `constant_memory` mode (each row goes to a temporary file as soon as the
next one starts). `bench/bench_xlsx_engines.py` wrote the same 8-column ledger rows with it and
with openpyxl's `write_only` mode, one fresh process per run (2 CPUs, Python 3.11.7, xlsxwriter
3.3.1, openpyxl 3.1.5 without lxml):

    rows        engine        seconds   peak RSS (interpreter included)
    200,000     xlsxwriter      12.6      22.8 MiB
    200,000     openpyxl        32.3      28.3 MiB
    1,000,000   xlsxwriter      63.8      22.7 MiB
    1,000,000   openpyxl       175.0      28.4 MiB
    1,000,000   this writer     68.3      26.2 MiB

Both stay flat in memory; xlsxwriter is 2.7 times faster, so it is the engine. Almost all of the
time is xlsxwriter's own per-cell work; this module adds about 7% (value-dependent formats and
`Row` objects), which is why cells are written by a per-kind branch with pre-created formats
instead of xlsxwriter's type-sniffing `write`/`write_row`.

Amounts are numeric cells whose number formats never meet a negative in a conditional section:
LibreOffice 7.4 drops the minus sign of a negative that falls through `[>=100000]...;...` to the
last section (seen in a conversion to CSV), while plain `positive;negative` sections render the
same in every spreadsheet. Checked in LibreOffice, not in Excel.

- money >= 0 (and below 100 crore) uses the well-known Indian format
  `[>=10000000]##\\,##\\,##\\,##0.00;[>=100000]##\\,##\\,##0.00;##,##0.00`, which keeps working
  if the user edits the cell. Negative money and amounts of 100 crore or more get a plain
  single-section format with exactly as many lakh/crore groups as the value needs: the minus
  sign is then placed by the application itself.
- balance: Excel allows two conditions per format, too few for both Indian grouping (two
  magnitude conditions) and a sign-dependent Dr/Cr suffix. Instead of giving up Indian grouping
  (`#,##0.00 "Dr";#,##0.00 "Cr"`) or adding a text Dr/Cr column, each balance cell gets the
  unconditional format of its magnitude, e.g. `##\\,##\\,##0.00 "Dr";##\\,##\\,##0.00 "Cr"` for
  1e5 <= |x| < 1e7: the cell keeps the signed value (formulas and sums work), the second section
  shows the absolute value with "Cr", and the text matches `document.dr_cr` exactly. Dr and Cr
  are the document's words (`labels.Labels.debit`, `.credit`: "नावे", "जमा" in Marathi). Trade-off:
  the grouping is chosen when written, so a balance the user retypes with a different magnitude
  shows stray commas until it is re-formatted.

Printing: A4 landscape, one page wide, the column header row on every page (print titles), a
page header (company, title, first title line) and a "Page N of M" footer: set once per sheet.
Each sheet opens with the letterhead (`xlsx_letterhead`): the company block, and the party's.
"""

from __future__ import annotations

from datetime import UTC, date
from pathlib import Path
from typing import Any

import xlsxwriter

from shared.domain.local_time import stamp
from shared.domain.reports.labels import Labels

from .document import DocumentHeader, Row, rows_for_print
from .xlsx_letterhead import letterhead_cells, letterhead_formats

EXCEL_MAX_ROWS = 1_048_576

# Serial day numbers count from 1899-12-30 (Excel's 1900 leap-year bug included), so a date is
# one subtraction away from its cell value: cheaper than xlsxwriter's datetime conversion.
_EXCEL_EPOCH = date(1899, 12, 30).toordinal()

_TEXT, _DATE, _MONEY, _BALANCE, _INTEGER = range(5)
_KIND_CODES = {
    "text": _TEXT,
    "date": _DATE,
    "money": _MONEY,
    "balance": _BALANCE,
    "integer": _INTEGER,
}

# Style classes: everything but a data row is bold; totals are also ruled off above.
_PLAIN, _BOLD, _RULED = range(3)
_STYLE_CLASS = {
    "normal": _PLAIN,
    "opening": _BOLD,
    "group": _BOLD,
    "closing": _BOLD,
    "subtotal": _RULED,
    "total": _RULED,
}

INDIAN_MONEY_FORMAT = r"[>=10000000]##\,##\,##\,##0.00;[>=100000]##\,##\,##0.00;##,##0.00"
DATE_FORMAT = "dd-mm-yyyy"
# Groups of two digits ahead of the thousands; numeric(18,2) needs at most seven.
_MAX_GROUPS = 7
_LAKH = 99_999.995  # rounds to 1,00,000.00
_CRORE = 9_999_999.995
_HUNDRED_CRORE = 999_999_999.995
# Excel refuses (and xlsxwriter drops, with a warning) a page header or footer longer than this.
_HEADER_FOOTER_MAX = 255


def page_footer(labels: Labels) -> str:
    """The printed footer, centred: "Page N of M" in the document's language (Excel's
    `&P` and `&N` count the pages when printed)."""
    return "&C" + labels.page_of.format(page="&P", pages="&N")


def indian_number_format(groups: int) -> str:
    """The unconditional Indian format for amounts with `groups` lakh/crore groups (0: < 1e5)."""
    if groups == 0:
        return "#,##0.00"
    return "##" + r"\,##" * groups + r"\,##0.00"


def balance_number_format(groups: int, debit: str = "Dr", credit: str = "Cr") -> str:
    """The format of a balance with `groups` lakh/crore groups and Dr/Cr in the document's
    words (`labels.Labels.debit`, `.credit`: "नावे", "जमा" in Marathi)."""
    body = indian_number_format(groups)
    return f'{body} "{debit}";{body} "{credit}"'


def page_header(header: DocumentHeader) -> str:
    """The printed page header: company (bold) at the left, the title in the middle and the
    first title line at the right; long names are clipped so that Excel's limit holds."""
    parts = [header.company, header.title, header.lines[0] if header.lines else ""]
    limit = max(len(part) for part in parts)
    while True:
        # "&" starts a control code in a header (&P, &B...); "&&" prints one ampersand.
        left, centre, right = (
            (p if len(p) <= limit else p[: limit - 1].rstrip() + "…").replace("&", "&&")
            for p in parts
        )
        text = f'&L&"-,Bold"{left}&C{centre}&R{right}'
        if len(text.encode("utf-16-le")) // 2 <= _HEADER_FOOTER_MAX:
            return text
        limit -= 5


def _groups(magnitude: float) -> int:
    groups, limit = 0, _LAKH
    while magnitude >= limit and groups < _MAX_GROUPS:
        groups += 1
        limit *= 100
    return groups


class XlsxReportWriter:
    """A `TabularWriter` for .xlsx; starts "Sheet 2", "Sheet 3"... when a sheet is full.

    `max_rows_per_sheet` counts every row of a sheet, title rows included.
    `tmpdir` holds xlsxwriter's per-sheet temporary files (default: the system's).
    """

    def __init__(
        self, *, max_rows_per_sheet: int = EXCEL_MAX_ROWS, tmpdir: Path | None = None
    ) -> None:
        if not 0 < max_rows_per_sheet <= EXCEL_MAX_ROWS:
            raise ValueError(f"max_rows_per_sheet must be in 1..{EXCEL_MAX_ROWS}")
        self._max_rows = max_rows_per_sheet
        self._tmpdir = tmpdir
        self._book: Any = None
        self._sheet: Any = None
        self._sheet_count = 0
        self._next_row = 0

    def begin(self, path: Path, header: DocumentHeader) -> None:
        self._header = header
        self._kinds = [_KIND_CODES[column.kind] for column in header.columns]
        self._page_header = page_header(header)
        self._letterhead = letterhead_cells(header)
        # letterhead, title, lines, one blank row
        self._header_row = self._letterhead.rows + 2 + len(header.lines)
        if self._header_row + 1 >= self._max_rows:
            raise ValueError(f"max_rows_per_sheet {self._max_rows} leaves no room for data")
        options: dict[str, Any] = {"constant_memory": True}
        if self._tmpdir is not None:
            options["tmpdir"] = str(self._tmpdir)
        book = self._book = xlsxwriter.Workbook(str(path), options)
        created = header.generated_at
        if created.tzinfo is not None:  # xlsxwriter writes the time as UTC without converting
            created = created.astimezone(UTC).replace(tzinfo=None)
        book.set_properties({"title": header.title, "company": header.company, "created": created})
        self._make_formats(book)
        self._sheet_count = 0
        self._add_sheet()

    def _make_formats(self, book: Any) -> None:
        self._letterhead_fmts = letterhead_formats(book)
        self._title_fmt = book.add_format({"bold": True, "font_size": 12})
        numeric = (_DATE, _MONEY, _BALANCE, _INTEGER)
        self._head_fmts = [
            book.add_format(
                {"bold": True, "bottom": 1, "align": "right" if k in numeric else "left"}
            )
            for k in self._kinds
        ]
        base_num_formats = {_DATE: DATE_FORMAT, _MONEY: INDIAN_MONEY_FORMAT, _INTEGER: "0"}
        # [style class][column] for the kinds whose format does not depend on the value;
        # [style class][groups] for money beyond the conditional format and for balances.
        self._cell_fmts: list[list[Any]] = []
        self._money_fmts: list[list[Any]] = []
        self._balance_fmts: list[list[Any]] = []
        for style_class in (_PLAIN, _BOLD, _RULED):
            props: dict[str, Any] = {}
            if style_class != _PLAIN:
                props["bold"] = True
            if style_class == _RULED:
                props["top"] = 1

            def fmt(num_format: str | None, props: dict[str, Any] = props) -> Any:
                if num_format is None and not props:
                    return None
                return book.add_format({**props, "num_format": num_format} if num_format else props)

            self._cell_fmts.append([fmt(base_num_formats.get(k)) for k in self._kinds])
            groups = range(_MAX_GROUPS + 1)
            self._money_fmts.append([fmt(indian_number_format(g)) for g in groups])
            words = self._header.labels
            self._balance_fmts.append(
                [fmt(balance_number_format(g, words.debit, words.credit)) for g in groups]
            )

    def _add_sheet(self) -> None:
        header = self._header
        self._sheet_count += 1
        ws = self._sheet = self._book.add_worksheet(f"Sheet {self._sheet_count}")
        for c, column in enumerate(header.columns):
            ws.set_column(c, c, _column_width(column.kind, column.width, column.heading))
        ws.set_row(0, 20)
        for r, c, text, style in self._letterhead.cells:  # in row order: constant_memory
            self._write_text(r, c, text, self._letterhead_fmts[style])
        title_row = self._letterhead.rows
        self._write_text(title_row, 0, header.title, self._title_fmt)
        for r, line in enumerate(header.lines, start=title_row + 1):
            self._write_text(r, 0, line, None)
        # In the row left blank above the table, as the PDF prints it (the tenant's time).
        head = self._header_row
        generated = header.labels.generated.format(when=stamp(header.generated_at))
        self._write_text(head - 1, 0, generated, None)
        for c, column in enumerate(header.columns):
            self._write_text(head, c, column.heading, self._head_fmts[c])
        ws.freeze_panes(head + 1, 0)
        ws.repeat_rows(head)  # print titles: the column header row on every printed page
        ws.set_paper(9)  # A4
        ws.set_landscape()
        ws.fit_to_pages(1, 0)  # one page wide, as many pages down as the rows need
        ws.set_header(self._page_header)
        ws.set_footer(page_footer(self._header.labels))
        self._next_row = head + 1

    def write_rows(self, rows: list[Row]) -> None:
        if self._book is None:
            raise RuntimeError("begin() first")
        shown = rows_for_print(rows, self._header)
        kinds = self._kinds
        width = len(kinds)
        number, string = self._sheet.write_number, self._sheet.write_string
        r = self._next_row
        for i, row in enumerate(shown):
            values: tuple[Any, ...] = row.values
            if len(values) != width:
                raise ValueError(f"a row has {len(values)} values for {width} columns")
            if r >= self._max_rows:
                self._next_row = r
                self._add_sheet()
                number, string = self._sheet.write_number, self._sheet.write_string
                r = self._next_row
                values = rows[i].values  # a new sheet names the party its first bill is of
            style_class = _STYLE_CLASS[row.style]
            fmts = self._cell_fmts[style_class]
            c = 0
            try:
                for c, value in enumerate(values):
                    if value is None:
                        if style_class == _RULED:  # keep the rule unbroken across the row
                            self._sheet.write_blank(r, c, None, fmts[c])
                        continue
                    kind = kinds[c]
                    if kind == _TEXT:
                        if value[:3] == "<r>" and value[-4:] == "</r>":
                            self._write_text(r, c, value, fmts[c])
                        else:
                            string(r, c, value, fmts[c])
                    elif kind == _DATE:
                        number(r, c, value.toordinal() - _EXCEL_EPOCH, fmts[c])
                    elif kind == _MONEY:
                        f = float(value)
                        if 0.0 <= f < _HUNDRED_CRORE:
                            number(r, c, f, fmts[c])
                        else:
                            number(r, c, f, self._money_fmts[style_class][_groups(abs(f))])
                    elif kind == _BALANCE:
                        f = float(value)
                        a = -f if f < 0.0 else f
                        groups = 0 if a < _LAKH else 1 if a < _CRORE else _groups(a)
                        number(r, c, f, self._balance_fmts[style_class][groups])
                    else:
                        number(r, c, value, fmts[c])
            except (TypeError, ValueError, AttributeError) as exc:
                column = self._header.columns[c]
                raise TypeError(
                    f"column {column.title!r} ({column.kind}) cannot hold {values[c]!r}"
                ) from exc
            r += 1
        self._next_row = r

    def _write_text(self, r: int, c: int, text: str, fmt: Any) -> None:
        if not (text.startswith("<r>") and text.endswith("</r>")):
            self._sheet.write_string(r, c, text, fmt)
            return
        # In constant_memory mode xlsxwriter copies a string that looks like "<r>...</r>" into
        # the XML unescaped (it takes it for rich-text markup): split it into escaped runs.
        parts = (text[:1], text[1:-1], text[-1:])
        if fmt is None:
            self._sheet.write_rich_string(r, c, *parts)
        else:
            self._sheet.write_rich_string(r, c, fmt, parts[0], fmt, parts[1], fmt, parts[2], fmt)

    def finish(self) -> None:
        if self._book is None:
            raise RuntimeError("begin() first")
        book, self._book, self._sheet = self._book, None, None
        book.close()


def _column_width(kind: str, width: int, title: str) -> int:
    # Room for the widest value of each kind: "31-12-2025", "99,99,99,999.99", "... Dr".
    floor = {"date": 11, "money": 16, "balance": 19, "integer": 6}.get(kind, 8)
    return min(max(width, len(title), floor) + 2, 80)
