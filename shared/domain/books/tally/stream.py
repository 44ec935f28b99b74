"""A Tally export as a stream of finished elements, in bounded memory.

Tally writes UTF-16 with a byte-order mark by default (UTF-8 when asked), and writes control
characters as references such as `&#4;`, which XML 1.0 forbids and a strict parser rejects.
The file is decoded incrementally, those references (and raw control characters) dropped,
the XML declaration removed (the text is re-encoded as UTF-8) and the result parsed by the
standard library's C parser. A document type declaration is refused as the text streams past
(what defusedxml's `forbid_dtd` does, without its pure-Python parser, which is ten times
slower): with no DTD there can be no entity declarations, so neither an entity-expansion bomb
nor an external reference (a file fetch) can come in with an upload. Each object we read
(GROUP, LEDGER, VOUCHER) is handed out when its end tag arrives and then detached from the
tree, so a 100 MB export never sits whole in memory.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from typing import BinaryIO, cast
from xml.etree.ElementTree import Element, ParseError, XMLPullParser

CHUNK_BYTES = 64 * 1024
OBJECTS = frozenset(("GROUP", "LEDGER", "VOUCHER"))
# A character reference, or a raw character, that XML 1.0 does not allow in a document.
_REFERENCE = re.compile(r"&#(x[0-9a-fA-F]+|[0-9]+);")
_RAW_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_LONGEST_REFERENCE = 12  # "&#x10FFFF;" and a little
_DOCTYPE = "<!DOCTYPE"


class TallyFileError(ValueError):
    """The file is not a Tally XML export we can read."""


def _allowed(code: int) -> bool:
    return (
        code in (0x9, 0xA, 0xD)
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or (0x10000 <= code <= 0x10FFFF)
    )


def _clean(text: str) -> str:
    def keep(match: re.Match[str]) -> str:
        digits = match.group(1)
        code = int(digits[1:], 16) if digits.startswith("x") else int(digits)
        return match.group(0) if _allowed(code) else ""

    return _RAW_FORBIDDEN.sub("", _REFERENCE.sub(keep, text))


def _encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF16_LE) or head[:2] == b"<\x00":
        return "utf-16-le" if not head.startswith(codecs.BOM_UTF16_LE) else "utf-16"
    if head.startswith(codecs.BOM_UTF16_BE) or head[:2] == b"\x00<":
        return "utf-16-be" if not head.startswith(codecs.BOM_UTF16_BE) else "utf-16"
    return "utf-8-sig"


class CleanXml:
    """A binary file-like view of `raw` as clean UTF-8 XML (what `iterparse` reads)."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self._decoder: codecs.IncrementalDecoder | None = None
        self._carry = ""
        self._started = False
        self._done = False
        self._tail = ""  # the end of the text before, to find a declaration cut in two

    def read(self, size: int = -1) -> bytes:
        while not self._done:
            chunk = self._raw.read(CHUNK_BYTES)
            if self._decoder is None:
                self._decoder = codecs.getincrementaldecoder(_encoding(chunk[:4]))("strict")
            try:
                text = self._carry + self._decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                raise TallyFileError(f"the file is neither UTF-16 nor UTF-8: {exc}") from None
            self._done = not chunk
            # A reference cut in two by the chunk boundary waits for its other half.
            cut = text.rfind("&", max(0, len(text) - _LONGEST_REFERENCE))
            if not self._done and cut >= 0 and ";" not in text[cut:]:
                text, self._carry = text[:cut], text[cut:]
            else:
                self._carry = ""
            if not self._started:
                # The declaration names the file's encoding; the parser reads UTF-8, so it goes
                # (whole: wait until its end has arrived).
                if ">" not in text and not self._done:
                    self._carry = text + self._carry
                    continue
                text = _DECLARATION.sub("", text, count=1)
                self._started = True
            if _DOCTYPE in self._tail + text:
                raise TallyFileError(
                    "the file declares a document type (DTD); Tally exports have none, and "
                    "entity declarations are refused"
                )
            self._tail = text[-len(_DOCTYPE) :]
            if text:
                return _clean(text).encode("utf-8")
        return b""


def tally_objects(raw: BinaryIO) -> Iterator[Element]:
    """GROUP, LEDGER and VOUCHER elements of a Tally export, each complete, in file order."""
    source = CleanXml(raw)
    parser: XMLPullParser[Element] = XMLPullParser(events=("start", "end"))
    parents: list[Element] = []
    try:
        while chunk := source.read():
            parser.feed(chunk)
            # Only "start" and "end" were asked for: each comes with an element.
            for event, element in cast(Iterator[tuple[str, Element]], parser.read_events()):
                if event == "start":
                    parents.append(element)
                    continue
                parents.pop()
                if element.tag in OBJECTS:
                    yield element
                    if parents:
                        parents[-1].remove(element)
        parser.close()
    except ParseError as exc:
        raise TallyFileError(f"not a readable Tally XML export: {exc}") from None
