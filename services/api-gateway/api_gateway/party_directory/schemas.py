"""The party directory's two wire forms: JSON bodies (`...Write` in, `...Public` out) and CSV.

`PartyEmailWrite` is also the normal form of one imported CSV row, so the JSON API and the
import accept exactly the same entries and name a bad value the same way (`to.1`). It checks
the meaning of the strings too: names are one trimmed line, every address goes through
`shared.domain.addresses.normalize_address` (domain lower-cased), each list is deduplicated
case-insensitively keeping the first occurrence, and an address already in `to` (or `cc`) is
dropped from the lists after it, so nobody is sent the same email twice.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from api_gateway.exports.schemas import RowPublic
from api_gateway.http.problems import ProblemError, field_error
from shared.domain.addresses import (
    AddressField,
    InvalidAddressError,
    contains_header_unsafe,
    normalize_address,
)
from shared.domain.csv_cells import neutralise_cell, restore_cell
from shared.domain.party_directory import name_key
from shared.infra.db.models import EmailBounce, PartyEmail
from shared.languages import Language

# One email's recipients, to, cc and bcc together: more is a mailing list, not a party.
MAX_ADDRESSES_PER_ENTRY = 50
MAX_NAME_LENGTH = 200  # the width of the name columns
_LISTS = ("to", "cc", "bcc")


def _error(message: str) -> PydanticCustomError:
    # The message goes in the context, so braces in user input are never read as a template.
    return PydanticCustomError("value_error", "{reason}", {"reason": message})


def _address(raw: str) -> str:
    try:
        return normalize_address(raw.strip())
    except InvalidAddressError as exc:
        raise _error(str(exc)) from None


def _name(raw: str) -> str:
    name = raw.strip()
    if contains_header_unsafe(name):
        # Names end up in email subjects: one line only.
        raise _error("must not contain line breaks or other control characters")
    return name


Address = Annotated[AddressField, AfterValidator(_address)]
AddressList = Annotated[list[Address], Field(max_length=MAX_ADDRESSES_PER_ENTRY)]
Name = Annotated[str, Field(max_length=MAX_NAME_LENGTH), AfterValidator(_name)]


class PartyEmailWrite(BaseModel):
    """A whole entry: POST creates it, PUT replaces every field."""

    model_config = ConfigDict(extra="forbid")

    # Not blank (the validator below says so in words; the pattern tells the document).
    ledger_name: Name = Field(
        json_schema_extra={"pattern": r"\S"},
        description="Matched ignoring case and repeated spaces.",
    )
    party_name: Name | None = Field(default=None, description="Optional; blank means none.")
    to: AddressList = Field(json_schema_extra={"minItems": 1}, description="At least one address.")
    cc: AddressList = Field(default_factory=list)
    bcc: AddressList = Field(default_factory=list)
    language: Language = Field(
        default=Language.EN,
        description="The party's language (en, mr, hi): its statements' emails and labels.",
    )

    @field_validator("ledger_name")
    @classmethod
    def _ledger_required(cls, value: str) -> str:
        if not value:
            raise _error("a ledger name is required")
        return value

    @field_validator("party_name")
    @classmethod
    def _blank_party_is_none(cls, value: str | None) -> str | None:
        return value or None

    # Fields validate in declaration order, so `info.data` holds the lists before this one.
    @field_validator("to", "cc", "bcc")
    @classmethod
    def _dedupe_and_count(cls, value: list[str], info: ValidationInfo) -> list[str]:
        before = _LISTS[: _LISTS.index(str(info.field_name))]
        earlier = [address for name in before for address in info.data.get(name, [])]
        seen = {address.lower() for address in earlier}
        kept: list[str] = []
        for address in value:
            if address.lower() not in seen:
                seen.add(address.lower())
                kept.append(address)
        if info.field_name == "to" and not kept:
            raise _error("at least one address is required")
        if len(earlier) + len(kept) > MAX_ADDRESSES_PER_ENTRY:
            raise _error(
                f"at most {MAX_ADDRESSES_PER_ENTRY} addresses per entry (to, cc and bcc together)"
            )
        return kept


class BouncedAddressPublic(BaseModel):
    address: str = Field(description="Lower-cased")
    status_code: str | None = Field(description="The bounce's enhanced status code (5.1.1)")
    diagnostic: str | None
    bounced_at: datetime
    email_id: uuid.UUID = Field(description="The email that bounced")


class PartyEmailPublic(RowPublic):
    id: uuid.UUID
    ledger_name: str
    party_name: str | None
    to: list[str] = Field(validation_alias="to_addresses")
    cc: list[str] = Field(validation_alias="cc_addresses")
    bcc: list[str] = Field(validation_alias="bcc_addresses")
    language: str
    created_at: datetime
    updated_at: datetime | None = Field(description="When last replaced; null until then.")
    bounced: list[BouncedAddressPublic] = Field(
        default=[],
        description="The entry's addresses that bounced (an email to them came back "
        "undeliverable), each with its latest bounce",
    )

    @classmethod
    def from_row(
        cls, row: PartyEmail, bounces: dict[str, EmailBounce] | None = None
    ) -> PartyEmailPublic:
        public = cls.model_validate(row)
        found = bounces or {}
        addresses = dict.fromkeys(
            a.lower() for a in (*row.to_addresses, *row.cc_addresses, *row.bcc_addresses)
        )
        public.bounced = [
            BouncedAddressPublic(
                address=address,
                status_code=found[address].status_code,
                diagnostic=found[address].diagnostic,
                bounced_at=found[address].created_at,
                email_id=found[address].email_id,
            )
            for address in addresses
            if address in found
        ]
        return public


class PartyEmailPage(BaseModel):
    items: list[PartyEmailPublic]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null at the end."
    )


class ImportRejection(BaseModel):
    row: int = Field(description="The row as a spreadsheet numbers it: the header is row 1.")
    reason: str


class ImportReportPublic(BaseModel):
    created: int
    updated: int
    rejected: list[ImportRejection]


class LedgerOptionPublic(BaseModel):
    name: str
    group_name: str
    party_name: str | None
    gstin: str | None = Field(description="The party's GSTIN, as the books carry it")
    address: list[str] = Field(description="The party's address, line by line")
    has_directory_entry: bool


class LedgerOptionsPublic(BaseModel):
    items: list[LedgerOptionPublic]


# The CSV form, read by the import and written by the export: one entry per row, addresses
# separated by ";" within a cell, the header naming the columns in any order. `language` came
# later: a file without it (written before) imports with English for every party.
CSV_COLUMNS = ("ledger_name", "party_name", "to", "cc", "bcc", "language")
OPTIONAL_CSV_COLUMNS = frozenset({"language"})
ADDRESS_SEPARATOR = ";"
MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_IMPORT_ROWS = 10_000


def csv_record(row: PartyEmail) -> list[str]:
    """One exported row, in `CSV_COLUMNS` order, neutralised for spreadsheets (the import
    restores each cell: `restore_cell`)."""
    cells = [
        row.ledger_name,
        row.party_name or "",
        *(
            ADDRESS_SEPARATOR.join(addresses)
            for addresses in (row.to_addresses, row.cc_addresses, row.bcc_addresses)
        ),
        row.language,
    ]
    return [neutralise_cell(cell) for cell in cells]


def read_csv_rows(text: str) -> Iterator[tuple[int, PartyEmailWrite | str]]:
    """(row number, checked entry or the reason it is rejected); the header is row 1."""
    records = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip().lower() for name in next(records, [])]
        _check_header(header)
        seen: dict[str, int] = {}
        for row_number, record in enumerate(records, start=2):
            if row_number - 1 > MAX_IMPORT_ROWS:
                raise ProblemError(413, f"the file has more than {MAX_IMPORT_ROWS} rows")
            if not any(value.strip() for value in record):
                continue  # blank lines are layout, not data
            if len(record) > len(header):
                yield row_number, f"{len(record)} values, but the header has {len(header)} columns"
                continue
            cells = [restore_cell(value) for value in record]
            values = dict(zip(header, [*cells, *[""] * (len(header) - len(cells))], strict=True))
            key = name_key(values["ledger_name"])
            if key in seen:
                yield row_number, f"duplicate: row {seen[key]} already names this ledger"
                continue
            if key:
                seen[key] = row_number
            yield row_number, _check_row(values)
    except csv.Error as exc:
        raise field_error(
            "file", f"not a readable CSV file (line {records.line_num}: {exc})"
        ) from None


def _check_header(header: list[str]) -> None:
    required = [name for name in CSV_COLUMNS if name not in OPTIONAL_CSV_COLUMNS]
    expected = [*required, *(name for name in OPTIONAL_CSV_COLUMNS if name in header)]
    if sorted(header) != sorted(expected):
        missing = [name for name in required if name not in header]
        unknown = sorted({name for name in header if name not in CSV_COLUMNS})
        repeated = sorted({name for name in header if header.count(name) > 1})
        problems = [
            f"{label}: {', '.join(names)}"
            for label, names in (("missing", missing), ("unknown", unknown), ("repeated", repeated))
            if names
        ]
        raise field_error(
            "file",
            f"the header must be {','.join(CSV_COLUMNS)}, language optional "
            f"({'; '.join(problems)})",
        )


def _check_row(values: dict[str, str]) -> PartyEmailWrite | str:
    try:
        return PartyEmailWrite.model_validate(
            {
                "ledger_name": values["ledger_name"],
                "party_name": values["party_name"],
                **{name: _split_addresses(values[name]) for name in ("to", "cc", "bcc")},
                "language": values.get("language", "").strip().lower() or Language.EN,
            }
        )
    except ValidationError as exc:
        return "; ".join(
            f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}"
            for error in exc.errors()
        )


def _split_addresses(cell: str) -> list[str]:
    # Commas are accepted too: the addresses we accept can never contain one.
    cell = cell.replace(",", ADDRESS_SEPARATOR)
    return [part.strip() for part in cell.split(ADDRESS_SEPARATOR) if part.strip()]
