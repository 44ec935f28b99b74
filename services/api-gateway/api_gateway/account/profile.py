"""The company profile an admin keeps for the letterhead: each field's checks, and the rules
across fields and settings (the address's line limits, a GSTIN that agrees with the PAN).

In an update, a field left out (None) keeps its saved value and "" (or [] for the address)
clears it. Refusals are 422s naming the field with a stable code: `pan_invalid`,
`gstin_invalid`, `gstin_checksum`, `gstin_pan_mismatch` (from `shared.domain.tax_ids`),
`phone_invalid`, `email_invalid`, `text_invalid`, `address_too_many_lines`,
`address_line_too_long`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Protocol

from pydantic_core import PydanticCustomError

from api_gateway.http.problems import field_error
from shared.domain.addresses import InvalidAddressError, normalize_address
from shared.domain.tax_ids import (
    TaxIdError,
    check_gstin_matches_pan,
    normalize_gstin,
    normalize_pan,
)
from shared.infra.db.models import Tenant
from shared.infra.settings import Settings

# Digits with the separators people write between them: "+91 20 2712 3456", "(020) 2712-3456".
_PHONE = re.compile(r"\+?[0-9()][0-9 ()./-]*[0-9]")
_PHONE_MIN_DIGITS = 6


class ProfileChange(Protocol):
    """The profile fields of `TenantUpdate`, each already checked on its own."""

    legal_name: str | None
    address: list[str] | None
    gstin: str | None
    pan: str | None
    phone: str | None
    email: str | None


def _has_control_characters(text: str) -> bool:
    return any(unicodedata.category(ch) in ("Cc", "Zl", "Zp") for ch in text)


def check_plain_text(value: str | None) -> str | None:
    """One printed line: trimmed, without control characters or line breaks."""
    if value is None:
        return None
    if _has_control_characters(value):
        raise PydanticCustomError("text_invalid", "must be one line without control characters")
    return value.strip()


def check_gstin(value: str | None) -> str | None:
    return _tax_id(value, normalize_gstin)


def check_pan(value: str | None) -> str | None:
    return _tax_id(value, normalize_pan)


def _tax_id(value: str | None, normalize: Callable[[str], str]) -> str | None:
    if value is None or not value.strip():
        return None if value is None else ""
    try:
        return normalize(value)
    except TaxIdError as exc:
        raise PydanticCustomError(exc.code, exc.message) from None


def check_phone(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None if value is None else ""
    phone = " ".join(value.split())
    digits = sum(ch.isdigit() for ch in phone)
    if not phone.isascii() or not _PHONE.fullmatch(phone) or digits < _PHONE_MIN_DIGITS:
        raise PydanticCustomError(
            "phone_invalid",
            "a phone number is digits with optional +, spaces, brackets, dots or dashes, "
            "like +91 20 2712 3456",
        )
    return phone


def check_email(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None if value is None else ""
    try:
        return normalize_address(value.strip())
    except InvalidAddressError as exc:
        raise PydanticCustomError("email_invalid", str(exc)) from None


def apply_profile(tenant: Tenant, change: ProfileChange, settings: Settings) -> None:
    """Write the fields `change` carries onto `tenant`, after the rules that span fields."""
    if change.address is not None:
        tenant.address = _address_lines(change.address, settings)
    for field in ("legal_name", "gstin", "pan", "phone", "email"):
        value = getattr(change, field)
        if value is not None:
            setattr(tenant, field, value or None)  # "" clears
    if tenant.gstin and tenant.pan:
        try:
            check_gstin_matches_pan(tenant.gstin, tenant.pan)
        except TaxIdError as exc:
            # Name what the admin just typed: the GSTIN when it came in the body, else the PAN.
            field = "gstin" if change.gstin is not None or change.pan is None else "pan"
            raise field_error(field, exc.message, code=exc.code) from None


def _address_lines(lines: list[str], settings: Settings) -> list[str]:
    kept: list[tuple[int, str]] = [(i, line.strip()) for i, line in enumerate(lines)]
    kept = [(i, line) for i, line in kept if line]
    most, widest = settings.letterhead_address_max_lines, settings.letterhead_address_line_max_chars
    if len(kept) > most:
        raise field_error(
            "address",
            f"give at most {most} address lines, not {len(kept)}",
            code="address_too_many_lines",
        )
    for i, line in kept:
        if _has_control_characters(line):
            raise field_error(
                f"address.{i}", "must be one line without control characters", code="text_invalid"
            )
        if len(line) > widest:
            raise field_error(
                f"address.{i}",
                f"an address line holds at most {widest} characters, not {len(line)}",
                code="address_line_too_long",
            )
    return [line for _, line in kept]
