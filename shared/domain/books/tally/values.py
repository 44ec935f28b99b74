"""Tally's way of writing values: signed amounts (negative is debit), YYYYMMDD dates, Yes/No,
credit periods as a day count or a date."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import Element

_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")


def text(element: Element, path: str) -> str:
    found = element.findtext(path)
    return found.strip() if found else ""


def yes(element: Element, path: str) -> bool:
    return text(element, path).lower() == "yes"


def tally_amount(raw: str) -> Decimal | None:
    """A signed amount; a foreign-currency one ("-$100.00 @ ₹ 83.00/$ = -₹ 8300.00") by its
    value in the books' currency, after the '='. None when there is no number."""
    value = raw.rsplit("=", 1)[-1]
    match = _NUMBER.search(value)
    if match is None:
        return None
    try:
        amount = Decimal(match.group().replace(",", ""))
    except InvalidOperation:
        return None
    if amount > 0 and "-" in value[: match.start()]:  # "-₹ 8300.00": the sign before the symbol
        amount = -amount
    return amount.quantize(Decimal("0.01"))


def tally_date(raw: str) -> date | None:
    text = raw.strip()
    if len(text) != 8 or not text.isdigit():
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


def due_date(bill_date: date, credit_period: str) -> date:
    """The due date from BILLCREDITPERIOD: "30 Days", "30", or a date ("31-Mar-24",
    "31-Mar-2024", "20240331"); anything else means due on the bill's date."""
    period = credit_period.strip()
    days = re.fullmatch(r"(\d+)\s*(days?)?", period, re.IGNORECASE)
    if days:
        return bill_date + timedelta(days=int(days.group(1)))
    for pattern in ("%d-%b-%y", "%d-%b-%Y", "%Y%m%d", "%d-%m-%Y"):
        try:
            return max(bill_date, datetime.strptime(period, pattern).date())
        except ValueError:
            continue
    return bill_date
