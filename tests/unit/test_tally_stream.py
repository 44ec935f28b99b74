"""Reading Tally's XML: encodings, stray control-character references, signs and dates."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest

from shared.domain.books.tally import stream
from shared.domain.books.tally.stream import tally_objects
from shared.domain.books.tally.values import due_date, tally_amount


def _voucher_xml(narration: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-16"?><ENVELOPE><BODY><TALLYMESSAGE>'
        f"<VOUCHER><NARRATION>{narration}</NARRATION></VOUCHER>"
        "</TALLYMESSAGE></BODY></ENVELOPE>"
    )


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-8", "utf-8-sig"])
def test_every_encoding_tally_writes_is_read(encoding: str) -> None:
    raw = io.BytesIO(_voucher_xml("चेक 445566").encode(encoding))
    (voucher,) = list(tally_objects(raw))
    assert voucher.findtext("NARRATION") == "चेक 445566"


def test_forbidden_references_are_dropped_even_across_chunks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = _voucher_xml("A&#4;B&#x1F;C&#65;&amp;" + "x" * 50)
    for size in range(3, 40):
        monkeypatch.setattr(stream, "CHUNK_BYTES", size)
        (voucher,) = list(tally_objects(io.BytesIO(text.encode("utf-8"))))
        assert voucher.findtext("NARRATION") == "ABCA&" + "x" * 50, size


def test_amounts_keep_tallys_sign_and_take_the_home_currency() -> None:
    assert tally_amount("-11800.00") == Decimal("-11800.00")
    assert tally_amount("1,180.5") == Decimal("1180.50")
    assert tally_amount("-$100.00 @ ₹ 83.00/$ = -₹ 8300.00") == Decimal("-8300.00")
    assert tally_amount("") is None


def test_credit_periods_as_days_or_dates() -> None:
    billed = date(2024, 4, 1)
    assert due_date(billed, "30 Days") == date(2024, 5, 1)
    assert due_date(billed, "45") == date(2024, 5, 16)
    assert due_date(billed, "31-May-24") == date(2024, 5, 31)
    assert due_date(billed, "31-May-2024") == date(2024, 5, 31)
    assert due_date(billed, "soon") == billed
