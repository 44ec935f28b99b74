"""Amounts as Indian accountants write them: lakh and crore grouping, Latin digits, Dr/Cr.

Shared by the document writers (PDF cells) and the report emails (`{closing_balance}`), so a
balance reads the same in the letter and in the statement it comes with.
"""

from __future__ import annotations

from decimal import Decimal


def indian_grouping(amount: Decimal) -> str:
    """12,34,567.89: the last three digits, then groups of two (lakh, crore)."""
    sign = "-" if amount < 0 else ""
    whole, _, fraction = f"{abs(amount):.2f}".partition(".")
    if len(whole) > 3:
        head, tail = whole[:-3], whole[-3:]
        groups: list[str] = []
        while len(head) > 2:
            groups.insert(0, head[-2:])
            head = head[:-2]
        if head:
            groups.insert(0, head)
        whole = ",".join([*groups, tail])
    return f"{sign}{whole}.{fraction}"


def dr_cr(balance: Decimal, debit: str = "Dr", credit: str = "Cr") -> str:
    """A balance as accountants write it: the amount in Indian grouping with Dr or Cr (or the
    words of another language: `labels.Labels.debit`, `.credit`)."""
    return f"{indian_grouping(abs(balance))} {debit if balance >= 0 else credit}"


def whole_number(count: int) -> str:
    """A count in Indian grouping, no decimals: 1,00,000 rows."""
    return indian_grouping(Decimal(count)).removesuffix(".00")
