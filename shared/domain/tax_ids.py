"""Indian tax identifiers on a letterhead: the PAN and the GSTIN, checked before they are saved.

- **PAN** (Permanent Account Number, income tax): ten characters, `AAAPA9999A`: three letters,
  the holder's kind (P person, C company, H HUF, F firm, A association of persons, T trust,
  B body of individuals, L local authority, J artificial juridical person, G government), the
  initial of the surname or name, four digits and a check letter. The check letter's algorithm
  is not published, so only the shape is checked.
- **GSTIN** (GST registration): fifteen characters: the two-digit state code, the holder's PAN,
  the registration's number within that state and PAN (1-9, then A-Z), `Z` (every registration
  of a taxpayer has it today; others are not letterhead material), and a check character
  computed by GSTN's published mod-36 scheme (`gstin_check_character`).

Both are upper-cased and stripped of spaces before checking (people type "27 aapfu0939f1zv").
Errors carry a stable `code` (`pan_invalid`, `gstin_invalid`, `gstin_checksum`,
`gstin_pan_mismatch`) for API clients and a message for people.
"""

from __future__ import annotations

import re

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_PAN = re.compile(r"[A-Z]{3}[ABCFGHJLPT][A-Z][0-9]{4}[A-Z]")
_GSTIN = re.compile(r"([0-9]{2})([A-Z]{5}[0-9]{4}[A-Z])([1-9A-Z])Z([0-9A-Z])")
# States and union territories by GST code (01 Jammu and Kashmir ... 38 Ladakh), 97 "other
# territory" and 99 the Centre's own jurisdiction. 28 (undivided Andhra Pradesh) is retired.
_STATE_CODES = frozenset(f"{n:02d}" for n in (*range(1, 28), *range(29, 39), 97, 99))


class TaxIdError(ValueError):
    """A PAN or GSTIN that cannot be saved; `code` is stable, `message` is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _compact(raw: str) -> str:
    return "".join(raw.split()).upper()


def normalize_pan(raw: str) -> str:
    """The PAN upper-cased without spaces; `TaxIdError("pan_invalid")` when malformed."""
    pan = _compact(raw)
    if not _PAN.fullmatch(pan):
        raise TaxIdError(
            "pan_invalid",
            "a PAN is 5 letters (the 4th one of P, C, H, F, A, T, B, L, J, G), 4 digits and a "
            "letter, like AAPFU0939F",
        )
    return pan


def gstin_check_character(first_14: str) -> str:
    """GSTN's check character for the first 14 characters of a GSTIN.

    Each character's value in 0-9A-Z is multiplied by 1 and 2 alternately (1 for the first);
    each product adds its quotient and remainder by 36; the check value is what brings the sum
    to a multiple of 36."""
    total = 0
    for position, char in enumerate(first_14):
        product = _ALPHABET.index(char) * (1 if position % 2 == 0 else 2)
        total += product // 36 + product % 36
    return _ALPHABET[(36 - total % 36) % 36]


def normalize_gstin(raw: str) -> str:
    """The GSTIN upper-cased without spaces, its shape, state code and check character
    verified; `TaxIdError` (`gstin_invalid` or `gstin_checksum`) otherwise."""
    gstin = _compact(raw)
    match = _GSTIN.fullmatch(gstin)
    if match is None:
        raise TaxIdError(
            "gstin_invalid",
            "a GSTIN is 15 characters: a 2-digit state code, the 10-character PAN, the "
            "registration number (1-9 or A-Z), Z and a check character, like 27AAPFU0939F1ZV",
        )
    if match.group(1) not in _STATE_CODES:
        raise TaxIdError("gstin_invalid", f"{match.group(1)} is not a GST state code")
    if gstin_check_character(gstin[:14]) != gstin[14]:
        raise TaxIdError(
            "gstin_checksum",
            "the GSTIN's last character does not match the others: check it for a typing slip",
        )
    return gstin


def gstin_pan(gstin: str) -> str:
    """The PAN inside a (normalised) GSTIN: its characters 3 to 12."""
    return gstin[2:12]


def check_gstin_matches_pan(gstin: str, pan: str) -> None:
    """Refuse a GSTIN that belongs to another PAN (`gstin_pan_mismatch`): a GST registration is
    issued against its holder's PAN, so a letterhead carrying both must agree."""
    if gstin_pan(gstin) != pan:
        raise TaxIdError(
            "gstin_pan_mismatch",
            f"the GSTIN is registered to PAN {gstin_pan(gstin)}, not {pan}",
        )
