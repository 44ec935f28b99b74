"""File names that keep a party's name in its own script, and their ASCII fallback.

A report's file name is made of parts (`Ledger`, the ledger, the dates). Each part keeps its
letters, combining marks and digits in any script (normalised to NFC) and `.`/`-`; everything
else, path separators, control and reserved characters, spaces, becomes `-`. The whole name is
capped in UTF-8 bytes (file systems count bytes: a Devanagari letter takes three), cutting the
party's part between letters, never inside one.

Two parties must never share a file name for one period. A part that cannot be read back as
the name it came from (any letter outside ASCII, whose fallback is transliterated and loses
marks; punctuation turned into `-`; a cut) therefore carries `~` and six hex digits of a hash
of the full name: `Ledger_श्री-गणेश-ट्रेडर्स~4c1d0e_2026-04-01_2026-12-04.pdf`. Ledger names
are unique per tenant, so the tag tells them apart wherever the text cannot.

The ASCII fallback (`ascii_file_name`) spells Indian scripts in Latin letters
(`shared.domain.transliteration`), drops the accents of Latin letters and turns anything else
into `-`; `content_disposition` writes both for HTTP (RFC 6266 with RFC 8187's `filename*`).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import quote

from shared.domain.transliteration import transliterate

DISAMBIGUATION_MARK = "~"
_KEPT_PUNCTUATION = frozenset("._-")
_ASCII_UNSAFE = re.compile(r"[^A-Za-z0-9._~-]+")
_DASHES = re.compile(r"-{2,}")
# Joiners and viramas bind a letter to the next one: a cut never falls right after them.
_BINDING = frozenset({"\u200c", "\u200d"})


def _kept(ch: str) -> bool:
    return ch in _KEPT_PUNCTUATION or unicodedata.category(ch)[0] in "LMN" or ch in _BINDING


def safe_part(text: str) -> str:
    """One part of a file name: letters, marks and digits of any script with `.` and `-`,
    runs of anything else as one `-`, no `-` or `.` at either end."""
    text = unicodedata.normalize("NFC", str(text))
    out: list[str] = []
    for ch in text:
        if _kept(ch):
            out.append(ch)
        elif not out or out[-1] != "-":
            out.append("-")
    return "".join(out).strip("-.")


def is_faithful(text: str) -> bool:
    """Whether `safe_part(text)` is `text` with its single spaces as `-`, in ASCII: then the
    file name and its fallback say exactly which party it is, and need no tag."""
    part = safe_part(text)
    return part.isascii() and "-" not in text and part.replace("-", " ") == text


def disambiguation_tag(identity: str) -> str:
    """`~` and six hex digits of a hash of `identity` (the ledger's full name)."""
    digest = hashlib.sha256(unicodedata.normalize("NFC", identity).encode()).hexdigest()
    return DISAMBIGUATION_MARK + digest[:6]


def _cut_to_bytes(text: str, limit: int) -> str:
    """The longest prefix of `text` within `limit` UTF-8 bytes that ends after a whole letter
    (not before one of its marks, not after a virama or joiner)."""
    if len(text.encode()) <= limit:
        return text
    end = 0
    size = 0
    for index, ch in enumerate(text):
        size += len(ch.encode())
        if size > limit:
            break
        end = index + 1
    while end > 0 and (
        (end < len(text) and unicodedata.category(text[end]).startswith("M"))
        or _binds_forward(text[end - 1])
    ):
        end -= 1
    return text[:end].rstrip("-.")


def _binds_forward(ch: str) -> bool:
    return ch in _BINDING or "VIRAMA" in unicodedata.name(ch, "")


def report_file_name(
    parts: Iterable[object], extension: str, identity: str | None, max_bytes: int
) -> str:
    """`Part_Part_..._Part.ext` from `parts` (empty ones skipped). `identity` is the part
    naming the party (the ledger), tagged when it is not faithful or had to be cut to keep
    the name within `max_bytes`."""
    safe = [safe_part(str(part)) for part in parts if part]
    safe = [part for part in safe if part]
    suffix = f".{extension}"
    identity_at = None
    if identity is not None and safe_part(identity) in safe:
        identity_at = safe.index(safe_part(identity))
    if identity_at is None:
        name = "_".join(safe) or "report"
        return _cut_to_bytes(name, max_bytes - len(suffix.encode())) + suffix
    tag = "" if is_faithful(str(identity)) else disambiguation_tag(str(identity))
    others = "_".join(safe[:identity_at] + safe[identity_at + 1 :])
    room = max_bytes - len(f"{others}__{suffix}".encode())
    whole = safe[identity_at]
    if len((whole + tag).encode()) > room:
        tag = disambiguation_tag(str(identity))
        whole = _cut_to_bytes(whole, room - len(tag.encode()))
    safe[identity_at] = whole + tag
    return "_".join(safe) + suffix


def ascii_file_name(name: str) -> str:
    """The ASCII fallback of a file name: Indian scripts transliterated, accents dropped,
    anything else `-` (the same name when it is ASCII already)."""
    if name.isascii() and not _ASCII_UNSAFE.search(name):
        return name
    spelt = unicodedata.normalize("NFKD", transliterate(name))
    spelt = "".join(ch for ch in spelt if not unicodedata.combining(ch))
    return _DASHES.sub("-", _ASCII_UNSAFE.sub("-", spelt)).strip("-.") or "report"


def ext_value(name: str) -> str:
    """`UTF-8''` and the name percent-encoded: RFC 8187's (and RFC 2231's) extended value."""
    return "UTF-8''" + quote(name, safe="")


def content_disposition(name: str) -> str:
    """An HTTP `Content-Disposition` for downloading `name` (RFC 6266): the ASCII fallback
    quoted for old clients, `filename*` for the rest. Either form holds no quote, backslash
    or line break, whatever `name` holds."""
    fallback = ascii_file_name(safe_file_name(name))
    return f'attachment; filename="{fallback}"; filename*={ext_value(safe_file_name(name))}'


def safe_file_name(name: str) -> str:
    """A stored file name made safe again (it is stored text): `stem.ext` with the stem's
    `_`-separated parts each through `safe_part`; the tag's `~` kept."""
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    parts = [
        DISAMBIGUATION_MARK.join(safe_part(piece) for piece in part.split(DISAMBIGUATION_MARK))
        for part in stem.split("_")
    ]
    safe_stem = "_".join(part for part in parts if part.strip(DISAMBIGUATION_MARK)) or "report"
    safe_extension = _ASCII_UNSAFE.sub("", extension.replace(DISAMBIGUATION_MARK, ""))
    return f"{safe_stem}.{safe_extension}" if safe_extension else safe_stem
