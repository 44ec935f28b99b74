"""What one synced row may hold, checked before anything touches the database.

Amounts are exact decimals with at most two places, sent as strings ("1234.50", "-10"); a
JSON number is refused, because a float has already lost the exact value. Dates are ISO.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    WithJsonSchema,
    model_validator,
)

from shared.domain.addresses import contains_header_unsafe, normalize_address
from shared.domain.tax_ids import normalize_gstin

# Up to 16 digits before the point and 2 after: what numeric(18, 2) holds, written plainly
# (no exponent, no NaN or infinity, no thousands separators).
AMOUNT_PATTERN = r"^-?[0-9]{1,16}(\.[0-9]{1,2})?$"
_AMOUNT = re.compile(AMOUNT_PATTERN)


def _exact_amount(value: Any) -> Decimal:
    # One regular expression and one Decimal: this runs for every line of every voucher.
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError('send amounts as decimal strings, e.g. "1234.50"')
    text = str(value).strip()
    if not _AMOUNT.match(text):
        raise ValueError(f"{text[:40]!r} is not an amount with at most two decimal places")
    return Decimal(text)


Amount = Annotated[
    Decimal,
    PlainValidator(_exact_amount),
    WithJsonSchema({"type": "string", "pattern": AMOUNT_PATTERN, "examples": ["1234.50"]}),
]


def _one_line(text: str) -> str:
    if contains_header_unsafe(text):
        # Names end up in email subjects and file names: one line only.
        raise ValueError("must not contain line breaks or other control characters")
    return text


HostId = Annotated[str, Field(min_length=1, max_length=100), AfterValidator(_one_line)]
Name = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_one_line)]
EmailAddress = Annotated[str, Field(max_length=320), AfterValidator(normalize_address)]
# The party's GST registration: shape and check character (`shared.domain.tax_ids`).
Gstin = Annotated[str, Field(max_length=20), AfterValidator(normalize_gstin)]
AddressLine = Annotated[str, Field(max_length=200), AfterValidator(_one_line)]


def _non_negative(amount: Decimal, field: str) -> Decimal:
    if amount < 0:
        raise ValueError(f"{field} cannot be negative")
    return amount


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: HostId
    deleted: bool = False


class PartyEmails(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to: list[EmailAddress] = Field(default_factory=list, max_length=20)
    cc: list[EmailAddress] = Field(default_factory=list, max_length=20)
    bcc: list[EmailAddress] = Field(default_factory=list, max_length=20)


class LedgerRow(_Row):
    name: Name | None = None
    group: Name | None = None
    party_name: Name | None = None
    gstin: Gstin | None = None
    address: list[AddressLine] = Field(default_factory=list, max_length=10)
    emails: PartyEmails | None = None
    # Positive is Dr, negative Cr.
    opening_balance: Amount = Decimal(0)
    opening_date: dt.date | None = None

    @model_validator(mode="after")
    def _named_unless_deleted(self) -> LedgerRow:
        if not self.deleted:
            for field in ("name", "group"):
                if getattr(self, field) is None:
                    raise ValueError(f"{field} is required")
        return self


class VoucherLine(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ledger: HostId
    debit: Amount = Decimal(0)
    credit: Amount = Decimal(0)

    @model_validator(mode="after")
    def _one_side(self) -> VoucherLine:
        _non_negative(self.debit, "debit")
        _non_negative(self.credit, "credit")
        if (self.debit == 0) == (self.credit == 0):
            raise ValueError("a line has either a debit or a credit")
        return self


class VoucherRow(_Row):
    date: dt.date | None = None
    type: Annotated[str, Field(min_length=1, max_length=40)] | None = None
    number: Annotated[str, Field(max_length=60)] = ""
    narration: Annotated[str, Field(max_length=2000)] | None = None
    lines: list[VoucherLine] = Field(default_factory=list, max_length=500)

    @model_validator(mode="after")
    def _balanced_unless_deleted(self) -> VoucherRow:
        if self.deleted:
            return self
        if self.date is None or self.type is None:
            raise ValueError("date and type are required")
        if len(self.lines) < 2:
            raise ValueError("a voucher has at least two lines")
        debit = sum((line.debit for line in self.lines), Decimal(0))
        credit = sum((line.credit for line in self.lines), Decimal(0))
        if debit != credit:
            raise ValueError(f"the lines do not balance: debit {debit}, credit {credit}")
        return self


class BillRow(_Row):
    ledger: HostId | None = None
    ref: Annotated[str, Field(min_length=1, max_length=60)] | None = None
    date: dt.date | None = None
    due_date: dt.date | None = None
    amount: Amount = Decimal(0)
    pending: Amount = Decimal(0)

    @model_validator(mode="after")
    def _complete_unless_deleted(self) -> BillRow:
        if self.deleted:
            return self
        for field in ("ledger", "ref", "date"):
            if getattr(self, field) is None:
                raise ValueError(f"{field} is required")
        _non_negative(self.amount, "amount")
        _non_negative(self.pending, "pending")
        if self.pending > self.amount:
            raise ValueError("pending cannot exceed amount")
        if self.due_date is not None and self.date is not None and self.due_date < self.date:
            raise ValueError("due_date is before date")
        return self
