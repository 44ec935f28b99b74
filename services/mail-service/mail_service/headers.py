"""Message headers built from stored text, written out by us so nothing in them can break a line.

Python's email package parses every header value it is given and decodes RFC 2047 encoded
words on the way: a subject typed as `=?utf-8?q?hi=0D=0ABcc:_x@evil.com?=` passes every check
on the raw text, becomes "hi\\r\\nBcc: x@evil.com" inside the header object, and Pythons before
3.11.10 / 3.12.5 write that line break raw (CVE-2024-6923). Encoded words hide in addresses
too (`=?...?=` is a valid local part) and in quoted file names.

So the headers made of a user's or a tenant's text never go through that parser. The text is
taken literally (it is never decoded), control characters and line separators become spaces,
and we fold it ourselves: plain printable ASCII as it is, anything else (non-ASCII, or text that
merely looks like an encoded word) as encoded words of our own, which a reader decodes back to
exactly the text that was typed. Whatever the Python, no decoded character reaches the wire.
"""

from __future__ import annotations

from email.header import Header
from email.headerregistry import Address
from email.policy import Policy
from typing import Any

from shared.domain.addresses import contains_header_unsafe
from shared.domain.file_names import ext_value, safe_file_name

_FOLD_AT = 78  # RFC 5322's recommended line length, when the policy sets none
# What a reader could take for the start or end of an encoded word.
_ENCODED_WORD_MARKS = ("=?", "?=")


class WrittenHeader(str):
    """A header whose wire form we wrote: the generator calls `fold` and gets it unchanged.

    It reads like the standard header objects (a `str` of the plain value with a `name`), so
    `message["Subject"]` still answers the text; it is never re-parsed.
    """

    max_count: int | None = 1
    defects: tuple[Any, ...] = ()

    name: str
    _lines: tuple[str, ...]

    def __new__(cls, name: str, value: str, lines: tuple[str, ...]) -> WrittenHeader:
        header = super().__new__(cls, value)
        header.name = name
        header._lines = lines
        return header

    def fold(self, *, policy: Policy) -> str:
        # Continuation lines start with a space (folding whitespace): never a new header.
        return policy.linesep.join(self._lines) + policy.linesep


def plain_text(text: str) -> str:
    """The text with every control character and line separator turned into a space."""
    if not contains_header_unsafe(text):
        return text.strip()
    return "".join(" " if contains_header_unsafe(ch) else ch for ch in text).strip()


def _is_plain(text: str) -> bool:
    """Printable ASCII that no reader would decode: safe to write as it is."""
    return (
        text.isascii()
        and text.isprintable()
        and not any(mark in text for mark in _ENCODED_WORD_MARKS)
    )


def _folded(name: str, text: str) -> tuple[str, ...]:
    """`Name: text` as lines; encoded words (UTF-8) unless the text is plain."""
    charset = "us-ascii" if _is_plain(text) else "utf-8"
    encoded = Header(text, charset, maxlinelen=_FOLD_AT, header_name=name).encode(linesep="\n")
    return tuple(f"{name}: {encoded}".split("\n"))


def text_header(name: str, text: str) -> WrittenHeader:
    """An unstructured header (Subject) holding `text` literally."""
    value = plain_text(text)
    return WrittenHeader(name, value, _folded(name, value))


def _addr_spec(address: str) -> str:
    if contains_header_unsafe(address):
        raise ValueError(f"{address!r} cannot go in a header (control characters)")
    local, _, domain = address.rpartition("@")
    # Address quotes a local part that needs it (and refuses CR/LF).
    return Address(username=local, domain=domain).addr_spec


def mailbox_header(name: str, address: str, display_name: str | None = None) -> WrittenHeader:
    """`Name: "Display name" <address>` (From, Reply-To), the display name taken literally."""
    spec = _addr_spec(address)
    display = plain_text(display_name or "")
    if not display:
        return WrittenHeader(name, spec, (f"{name}: {spec}",))
    if _is_plain(display):
        quoted = display.replace("\\", "\\\\").replace('"', '\\"')
        return WrittenHeader(name, f'"{display}" <{spec}>', (f'{name}: "{quoted}" <{spec}>',))
    lines = _folded(name, display)
    # The address on a line of its own: an encoded display name may already fill its lines.
    return WrittenHeader(name, f'"{display}" <{spec}>', (*lines, f" <{spec}>"))


def address_list_header(name: str, addresses: list[str]) -> WrittenHeader:
    """`Name: a@x, b@y` (To, Cc), one address per line after the first: always short lines."""
    if not addresses:
        raise ValueError(f"{name} needs at least one address")
    specs = [_addr_spec(address) for address in addresses]
    lines = f"{name}: " + ",\n ".join(specs)
    return WrittenHeader(name, ", ".join(specs), tuple(lines.split("\n")))


def attachment_disposition(file_name: str) -> WrittenHeader:
    """`Content-Disposition: attachment` naming the file in its own script (RFC 2231).

    The stored name is made safe again first (letters, marks, digits, `._-~`), so neither form
    can hold a quote, an encoded word or a line break. An ASCII name is quoted as it is; any
    other is percent-encoded UTF-8 in `filename*`, continued over lines of at most 78
    characters (`filename*0*`, `filename*1*`, ...) without splitting an escape."""
    name = safe_file_name(file_name)
    if name.isascii():
        value = f'attachment; filename="{name}"'
        return WrittenHeader("Content-Disposition", value, (f"Content-Disposition: {value}",))
    encoded = ext_value(name)
    room = _FOLD_AT - len(" filename*00*=;")
    pieces: list[str] = []
    while encoded:
        cut = min(room, len(encoded))
        percent = encoded.rfind("%", max(cut - 2, 0), cut)
        if percent != -1 and cut < len(encoded):
            cut = percent
        pieces.append(encoded[:cut])
        encoded = encoded[cut:]
    params = [f"filename*{index}*={piece}" for index, piece in enumerate(pieces)]
    lines = ("Content-Disposition: attachment;", *(f" {p};" for p in params[:-1]), f" {params[-1]}")
    return WrittenHeader("Content-Disposition", "attachment; " + "; ".join(params), lines)
