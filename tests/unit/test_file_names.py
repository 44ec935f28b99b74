"""File names in the names' own scripts, their transliterated ASCII fallback, and the
`Content-Disposition` that carries both (read back with the email package)."""

from __future__ import annotations

import unicodedata
from email.message import Message
from email.utils import collapse_rfc2231_value

import pytest

from shared.domain.file_names import (
    ascii_file_name,
    content_disposition,
    report_file_name,
    safe_file_name,
    safe_part,
)
from shared.domain.reports import download_name
from shared.domain.transliteration import transliterate

PERIOD = {"from_date": "2026-04-01", "to_date": "2026-12-04"}
MAX_BYTES = 180


def _ledger_file(ledger: str, extension: str = "pdf", max_bytes: int = MAX_BYTES) -> str:
    return download_name("ledger", {"ledger": ledger, **PERIOD}, extension, max_bytes)


def disposition_names(value: str) -> tuple[str, str]:
    """`(filename, filename*)` of a Content-Disposition, as the email package decodes them."""
    header = Message()
    header["Content-Disposition"] = value
    params = header.get_params(header="content-disposition") or []
    plain = [v for k, v in params if k == "filename" and isinstance(v, str)]
    extended = [collapse_rfc2231_value(v) for k, v in params if isinstance(v, tuple)]
    assert len(plain) == len(extended) == 1, params
    return plain[0], str(extended[0])


@pytest.mark.parametrize(
    ("text", "ascii"),
    [
        ("श्री गणेश ट्रेडर्स", "Shri Ganesh Tredars"),  # Devanagari, final schwa silent
        ("कृष्णा क़लम", "Krishna Qalam"),  # vocalic r, nukta
        ("हिंदी सम्बन्ध", "Hindi Sambandh"),  # anusvara before d, before b
        ("முருகன் ஸ்டோர்ஸ்", "Murukan Stors"),  # Tamil
        ("தமிழ்", "Tamizh"),
        ("ਪੱਕਾ ਪੰਜਾਬੀ", "Pakka Panjabi"),  # Gurmukhi addak, tippi
        ("ગુજરાતી", "Gujarati"),
        ("ଓଡ଼ିଆ", "Oria"),
        ("తెలుగు", "Telugu"),
        ("ಕನ್ನಡ", "Kannada"),
        ("മലയാളം അവൻ", "Malayalam Avan"),  # chillu n
        ("বাংলা", "Banla"),
        ("Acme श्री 12 ४५", "Acme Shri 12 45"),  # Latin and digits untouched, Indic digits
        ("आर\u094d\u200dया", "Arya"),  # a joiner (eyelash ra) is silent
    ],
)
def test_indian_scripts_are_spelt_in_ascii(text: str, ascii: str) -> None:
    assert transliterate(text) == ascii


def test_parts_keep_their_script_and_lose_separators_and_controls() -> None:
    assert safe_part('श्री गणेश/ट्रेडर्स\\..\x00\r\n:*?"<>|') == "श्री-गणेश-ट्रेडर्स"
    assert safe_part("../../etc/passwd") == "etc-passwd"
    decomposed = unicodedata.normalize("NFD", "Café ক্ষ")
    assert safe_part(decomposed) == unicodedata.normalize("NFC", "Café-ক্ষ")


def test_a_devanagari_ledger_keeps_its_name_with_a_transliterated_fallback() -> None:
    name = _ledger_file("श्री गणेश ट्रेडर्स")
    assert name.startswith("Ledger_श्री-गणेश-ट्रेडर्स~")
    assert name.endswith("_2026-04-01_2026-12-04.pdf")
    fallback = ascii_file_name(name)
    assert fallback.startswith("Ledger_Shri-Ganesh-Tredars~") and fallback.isascii()
    assert fallback.removeprefix("Ledger_Shri-Ganesh-Tredars") == name.removeprefix(
        "Ledger_श्री-गणेश-ट्रेडर्स"
    )


def test_tamil_and_mixed_names() -> None:
    tamil = _ledger_file("முருகன் ஸ்டோர்ஸ்", "xlsx")
    assert tamil.startswith("Ledger_முருகன்-ஸ்டோர்ஸ்~")
    assert ascii_file_name(tamil).startswith("Ledger_Murukan-Stors~")
    mixed = _ledger_file("Acme श्री Traders")
    assert mixed.startswith("Ledger_Acme-श्री-Traders~")
    assert ascii_file_name(mixed).startswith("Ledger_Acme-Shri-Traders~")


def test_plain_ascii_names_are_as_before() -> None:
    assert (
        _ledger_file("Sharma Traders", "csv") == "Ledger_Sharma-Traders_2026-04-01_2026-12-04.csv"
    )
    name = download_name("outstanding", {"kind": "receivable", "as_of": "2026-12-04"}, "pdf", 180)
    assert name == "Outstanding_receivable_2026-12-04.pdf"


def test_different_parties_never_share_a_name_or_a_fallback() -> None:
    # Each pair is alike once diacritics, punctuation or scripts are set aside.
    pairs = [
        ("टाटा ट्रेडर्स", "ताता ट्रेडर्स"),  # ṭ and t are both `t` in ASCII
        ("Gupta & Sons", "Gupta Sons"),
        ("Gupta-Sons", "Gupta Sons"),
        ("श्री गणेश", "Shri Ganesh"),
        ("Café", "Cafe"),
    ]
    for first, second in pairs:
        a, b = _ledger_file(first), _ledger_file(second)
        assert a != b, (first, second)
        assert ascii_file_name(a) != ascii_file_name(b), (a, b)


def test_long_names_are_cut_between_letters_within_the_byte_cap() -> None:
    long_name = "श्री गणेश ट्रेडर्स " * 12
    name = _ledger_file(long_name, max_bytes=120)
    assert len(name.encode()) <= 120
    stem = name.split("~")[0]
    assert stem[-1] != "\u094d"
    assert "\u094d~" not in name  # never ends on a virama
    # Two names that differ only past the cut still differ.
    assert _ledger_file(long_name + "क", max_bytes=120) != name
    assert len(_ledger_file("A" * 300, max_bytes=64).encode()) <= 64


def test_content_disposition_names_both_forms_and_parses_back() -> None:
    name = _ledger_file("श्री गणेश ट्रेडर्स")
    header = content_disposition(name)
    assert header.isascii() and "\r" not in header and "\n" not in header
    plain, extended = disposition_names(header)
    assert extended == name
    assert plain == ascii_file_name(name)


def test_a_hostile_stored_name_cannot_break_the_header() -> None:
    hostile = "x\"; filename*=UTF-8''evil.exe\r\nSet-Cookie: a=b/../\u202e.pdf"
    header = content_disposition(hostile)
    assert "\r" not in header and "\n" not in header and header.count('"') == 2
    plain, extended = disposition_names(header)
    assert "/" not in extended and '"' not in plain
    assert extended.endswith(".pdf") and "\u202e" not in extended
    assert safe_file_name(extended) == extended  # stored names are already safe


def test_an_empty_name_still_names_a_file() -> None:
    assert report_file_name(["", None], "csv", None, 100) == "report.csv"
    assert ascii_file_name("ॐ") == "om"
