"""Tally masters: groups (a tree under the primary groups) and ledgers.

A ledger anywhere under Sundry Debtors or Sundry Creditors (directly or through sub-groups)
is a party ledger; it is stored under that primary group's name, which is what makes its
bills receivable or payable. Other ledgers keep their own parent group's name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from xml.etree.ElementTree import Element

from shared.domain.addresses import InvalidAddressError, normalize_address
from shared.domain.books.tally.values import tally_amount, tally_date, text, yes
from shared.domain.party_directory import name_key

PARTY_GROUPS = {"sundry debtors": "Sundry Debtors", "sundry creditors": "Sundry Creditors"}
_ADDRESS_SEPARATORS = re.compile(r"[,;\s]+")


@dataclass(frozen=True)
class OpeningBill:
    name: str
    bill_date: date | None
    credit_period: str
    amount: Decimal  # Tally's sign: negative is debit
    advance: bool


@dataclass
class TallyLedger:
    id: str
    name: str
    parent: str
    party_name: str | None
    opening: Decimal  # Tally's sign: negative is debit
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    gstin: str | None = None
    address: list[str] = field(default_factory=list)
    opening_bills: list[OpeningBill] = field(default_factory=list)


def object_name(element: Element) -> str:
    """An object's name: its NAME attribute, else the first of its names (LANGUAGENAME.LIST)."""
    return (
        element.get("NAME") or text(element, ".//NAME.LIST/NAME") or text(element, "NAME")
    ).strip()


def read_group(element: Element) -> tuple[str, str]:
    return object_name(element), text(element, "PARENT")


def read_ledger(element: Element) -> TallyLedger | None:
    name = object_name(element)
    if not name:
        return None
    return TallyLedger(
        id=text(element, "GUID") or text(element, "MASTERID") or name,
        name=name,
        parent=text(element, "PARENT"),
        party_name=text(element, "MAILINGNAME") or text(element, ".//MAILINGNAME") or None,
        opening=tally_amount(text(element, "OPENINGBALANCE")) or Decimal(0),
        to=_addresses(text(element, "EMAIL")),
        cc=_addresses(text(element, "EMAILCC")),
        gstin=(
            text(element, "PARTYGSTIN") or text(element, "GSTIN") or text(element, ".//GSTIN")
        ).upper()
        or None,
        address=[
            line for line in (t.strip() for t in _all(element, ".//ADDRESS.LIST/ADDRESS")) if line
        ],
        opening_bills=[_opening_bill(bill) for bill in element.iterfind("BILLALLOCATIONS.LIST")],
    )


def primary_group(parent: str, groups: dict[str, str]) -> str:
    """Sundry Debtors / Sundry Creditors when `parent` lies under one, else `parent` itself."""
    seen: set[str] = set()
    current = parent
    while current and name_key(current) not in seen:
        key = name_key(current)
        if key in PARTY_GROUPS:
            return PARTY_GROUPS[key]
        seen.add(key)
        current = groups.get(key, "")
    return parent or "Primary"


def _opening_bill(element: Element) -> OpeningBill:
    return OpeningBill(
        name=text(element, "NAME"),
        bill_date=tally_date(text(element, "BILLDATE")),
        credit_period=text(element, "BILLCREDITPERIOD"),
        amount=tally_amount(text(element, "OPENINGBALANCE")) or Decimal(0),
        advance=yes(element, "ISADVANCE"),
    )


def _all(element: Element, path: str) -> list[str]:
    return [found.text or "" for found in element.iterfind(path)]


def _addresses(raw: str) -> list[str]:
    """The valid addresses of a Tally email field (several may be separated by , or ;)."""
    kept: list[str] = []
    for candidate in _ADDRESS_SEPARATORS.split(raw):
        try:
            kept.append(normalize_address(candidate))
        except InvalidAddressError:
            continue
    return list(dict.fromkeys(kept))
