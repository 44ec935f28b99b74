"""CSV cells a spreadsheet cannot run: formula neutralising and field quoting for every CSV
the project writes (report exports, PostgreSQL's COPY path, the party directory).

A spreadsheet reads a cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return
as a formula, and our CSVs go to outside parties as attachments. Following OWASP's guidance
("CSV Injection"), such a text cell gets a leading apostrophe, which spreadsheets show as
text. Only text is neutralised: amounts, dates and counts are written by the writers as
numbers (a negative amount stays `-500.00`).

One rule more than OWASP's, so the party directory's import can undo exactly what its export
did: a cell whose apostrophes are followed by a trigger (`'=x`) gets one apostrophe more too,
and `restore_cell` removes one apostrophe from any cell of that shape. Without it a ledger
really named `'=x` would come back from an export and import as `=x`.

`neutralised_sql` is the same rule as a PostgreSQL expression, for the rows PostgreSQL writes
as CSV itself (`COPY ... TO STDOUT`). It tests the first character's code (`ascii()`) and
first against 65 ("A"), above every trigger: most ledger text starts with a letter (Latin or
Devanagari) and costs one comparison. Measured on a 1,000,000-entry ledger, this costs
PostgreSQL about 6% more CPU than the bare COPY, against 11% for the same `IN` list without
the pre-check and 30% for `left(x, 1) IN (...)` or a regular expression (bench/RESULTS.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = [
    "FORMULA_TRIGGERS",
    "UTF8_BYTE_ORDER_MARK",
    "csv_field",
    "csv_line",
    "neutralise_cell",
    "neutralised_sql",
    "restore_cell",
]

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_QUOTE = "'"
_FIRST = frozenset((*FORMULA_TRIGGERS, _QUOTE))
# Every character of _FIRST is below "A" (65): a cell that starts with a letter, Latin or not,
# is passed by one comparison.
_ABOVE_ALL = ord("A")
assert max(map(ord, _FIRST)) < _ABOVE_ALL
# Excel opens a UTF-8 CSV without it as the machine's legacy code page (mojibake).
UTF8_BYTE_ORDER_MARK = b"\xef\xbb\xbf"
# Quoted like PostgreSQL's COPY quotes: Python 3.11's csv module leaves a bare "\r" unquoted
# when the line terminator is "\n", and every CSV reader (Excel too) takes it for a row end.
_NEEDS_QUOTES = re.compile(r'[",\r\n]')


def neutralise_cell(text: str) -> str:
    """`text` as a spreadsheet shows it as text: an apostrophe before a formula trigger."""
    return _QUOTE + text if _starts_like_formula(text) else text


def restore_cell(text: str) -> str:
    """The inverse of `neutralise_cell`, for a CSV read back (the party directory's import)."""
    return text[1:] if text.startswith(_QUOTE) and _starts_like_formula(text) else text


def _starts_like_formula(text: str) -> bool:
    # Most cells start with something else: one set lookup, no copy.
    return bool(text) and text[0] in _FIRST and text.lstrip(_QUOTE)[:1] in FORMULA_TRIGGERS


def neutralised_sql(column: str) -> str:
    """`neutralise_cell` as a PostgreSQL expression over the text column `column` (a trusted
    identifier from the report's own query, never user input). NULL stays NULL."""
    codes = ", ".join(str(ord(c)) for c in FORMULA_TRIGGERS)
    return (
        f"CASE WHEN ascii({column}) < {_ABOVE_ALL} AND ascii({column}) IN ({codes}, {ord(_QUOTE)}) "
        f"AND ascii(ltrim({column}, '{_QUOTE * 2}')) IN ({codes}) "
        f"THEN '{_QUOTE * 2}' || {column} ELSE {column} END"
    )


def csv_field(text: str) -> str:
    """One field, quoted when it holds a quote, a comma or a line break (RFC 4180)."""
    if _NEEDS_QUOTES.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_line(fields: Iterable[str]) -> str:
    """One CSV row ending in "\\n", as PostgreSQL's COPY writes them. Fields are written as
    given: neutralise the text cells first."""
    return ",".join(csv_field(field) for field in fields) + "\n"
