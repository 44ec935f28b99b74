"""Text on a reportlab canvas in the scripts of India: shipped fonts, shaped, extractable.

Every string is split into runs of characters, each drawn in the font that has them: Noto Sans
for Latin, digits, punctuation and `₹`; Noto Sans Devanagari, Bengali, Gurmukhi, Gujarati,
Oriya, Tamil, Telugu, Kannada or Malayalam for the letters of that script (the fonts are in
`fonts/`, with their licence; nothing depends on the machine's fonts). Spaces, digits and
punctuation stay in the run they are in when its font has them, so "श्री गणेश (2)" is one run.

Only Indic runs are shaped (reportlab's harfbuzz shaping: conjuncts, vowel signs placed and
reordered). A shaped run's glyphs no longer spell its characters (a conjunct is one glyph, the
vowel sign ि is drawn before its consonant), so it is wrapped in a `/Span /ActualText` marked
content with the original characters: `pdftotext` and copy-paste give back the words.
A character that no shipped font has is drawn as U+FFFD (�), never as a missing glyph.

Cost: a printable ASCII string is one unshaped Noto Sans run, as cheap as a base-14 font; runs
of any string are cached (`layout`), so a repeated party name is split and shaped once.
The letterhead and the table writer draw through `draw_text` / `add_text`, measure through
`text_width`, and break cells into lines through `wrap` (in `pdf_wrap`).
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont, shapeStr

FONT_DIR = Path(__file__).parent / "fonts"
LATIN = "NotoSans"  # a reportlab font name, as registered by `register_fonts`
# The Unicode blocks of the Indic scripts, 0x0900-0x0D7F, are 128 code points each and aligned,
# so a character's block is `code >> 7`; this tuple is indexed by `(code >> 7) - _FIRST_BLOCK`.
_FIRST_BLOCK = 0x0900 >> 7
_INDIC_FAMILIES = (
    "NotoSansDevanagari",
    "NotoSansBengali",
    "NotoSansGurmukhi",
    "NotoSansGujarati",
    "NotoSansOriya",
    "NotoSansTamil",
    "NotoSansTelugu",
    "NotoSansKannada",
    "NotoSansMalayalam",
)
FAMILIES = (LATIN, *_INDIC_FAMILIES)
# Devanagari Extended and Vedic Extensions: Devanagari marks outside its main block.
_MORE_DEVANAGARI = (range(0xA8E0, 0xA900), range(0x1CD0, 0x1D00))
# Used by several Indic scripts (danda, double danda, ZWNJ, ZWJ): they stay in the current run.
_SHARED_MARKS = frozenset({0x0964, 0x0965, 0x200C, 0x200D})
REPLACEMENT = "\ufffd"
# Distinct strings whose runs are kept: a ledger's party names, voucher types, labels.
_LAYOUT_CACHE_SIZE = 8192


@dataclass(frozen=True, slots=True)
class Run:
    """Characters drawn in one font: `text` as the font draws it (a reportlab `ShapedStr` when
    shaped), `width` its advance at 1 pt, `actual` the original characters of a shaped run."""

    font: str
    text: str
    width: float
    actual: str | None = None


def font_name(family: str, bold: bool) -> str:
    return f"{family}-Bold" if bold else family


@functools.cache
def register_fonts() -> None:
    """Registers the shipped fonts with reportlab, once per process (about 40 ms)."""
    for family in FAMILIES:
        for bold in (False, True):
            name = font_name(family, bold)
            path = FONT_DIR / f"{family}-{'Bold' if bold else 'Regular'}.ttf"
            pdfmetrics.registerFont(TTFont(name, str(path)))


@functools.cache
def _cmap(name: str) -> dict[int, int]:
    register_fonts()
    font: Any = pdfmetrics.getFont(name)
    return font.face.charToGlyph  # type: ignore[no-any-return]


def _indic_family(code: int) -> str | None:
    block = (code >> 7) - _FIRST_BLOCK
    if 0 <= block < len(_INDIC_FAMILIES) and code not in _SHARED_MARKS:
        return _INDIC_FAMILIES[block]
    if any(code in r for r in _MORE_DEVANAGARI):
        return _INDIC_FAMILIES[0]
    return None


def _joins_current_run(ch: str) -> bool:
    """Spaces, digits, punctuation, symbols and marks: drawn by whichever font is drawing."""
    return not unicodedata.category(ch).startswith("L")


def _runs_of_families(text: str, bold: bool) -> list[tuple[str, str]]:
    """(family, characters) pairs covering `text`, every character in its family's font."""
    pieces: list[tuple[str, list[str]]] = []
    current: str | None = None
    for ch in text:
        code = ord(ch)
        if code < 0x20 or 0x7F <= code < 0xA0:
            ch, code = " ", 0x20  # control characters: a tab or a stray CR prints as a space
        family = _indic_family(code)
        if family is None or code not in _cmap(font_name(family, bold)):
            if current and _joins_current_run(ch) and code in _cmap(font_name(current, bold)):
                family = current
            else:
                family = next((f for f in FAMILIES if code in _cmap(font_name(f, bold))), None)
                if family is None:
                    family, ch = LATIN, REPLACEMENT
        if family != current:
            pieces.append((family, []))
            current = family
        pieces[-1][1].append(ch)
    return [(family, "".join(chars)) for family, chars in pieces]


def _shaped(text: str, name: str) -> Run:
    shaped = shapeStr(text, name, 1000)
    data = getattr(shaped, "__shapeData__", None)
    if data is None:  # harfbuzz changed nothing: the characters are the glyphs
        return Run(name, text, pdfmetrics.stringWidth(text, name, 1.0))
    charmap = _cmap(name)
    if any(charmap.get(ord(ch), 0) == 0 for ch in shaped):
        # harfbuzz reached for a glyph the font lacks: the characters themselves (each in the
        # font, `_runs_of_families` made sure) look worse but are all there
        return Run(name, text, pdfmetrics.stringWidth(text, name, 1.0))
    width = sum(sd.x_advance for sd in data) / 1000.0
    return Run(name, shaped, width, actual=text)


@functools.lru_cache(maxsize=_LAYOUT_CACHE_SIZE)
def layout(text: str, bold: bool = False) -> tuple[Run, ...]:
    """`text` as runs of one font each, shaped where the script needs it."""
    if text.isascii() and text.isprintable():
        name = font_name(LATIN, bold)
        register_fonts()
        return (Run(name, text, pdfmetrics.stringWidth(text, name, 1.0)),)
    runs = []
    for family, chars in _runs_of_families(text, bold):
        name = font_name(family, bold)
        if family == LATIN:
            runs.append(Run(name, chars, pdfmetrics.stringWidth(chars, name, 1.0)))
        else:
            runs.append(_shaped(chars, name))
    return tuple(runs)


def text_width(text: str, size: float, bold: bool = False) -> float:
    """How wide `text` is drawn at `size` points."""
    if text.isascii() and text.isprintable():  # measured, not cached: lines being wrapped
        register_fonts()
        return float(pdfmetrics.stringWidth(text, font_name(LATIN, bold), size))
    return sum(run.width for run in layout(text, bold)) * size


def _actual_text(text: str) -> str:
    return f"/Span <</ActualText <FEFF{text.encode('utf-16-be').hex().upper()}>>> BDC"


def add_text(textobject: Any, x: float, y: float, text: str, size: float, bold: bool) -> None:
    """Adds `text` to a reportlab text object with its left edge at x, baseline at y.

    The text object's font is left as the last run's: a caller that goes on with plain
    `textLine`s sets its font again."""
    code: list[str] = textobject._code  # reportlab has no public way to add marked content
    for run in layout(text, bold):
        textobject.setFont(run.font, size)
        textobject.setTextOrigin(x, y)
        if run.actual is not None:
            code.append(_actual_text(run.actual))
            textobject.textOut(run.text)
            code.append("EMC")
        else:
            textobject.textOut(run.text)
        x += run.width * size


Align = Literal["left", "right", "centre"]


def draw_text(
    canvas: Any,
    x: float,
    y: float,
    text: str,
    size: float,
    bold: bool = False,
    align: Align = "left",
) -> float:
    """Draws `text` on `canvas` at baseline y: from x (left), ending at x (right) or centred
    on x; returns its width. The canvas's fill colour applies."""
    width = text_width(text, size, bold)
    left = x - width if align == "right" else x - width / 2 if align == "centre" else x
    textobject = canvas.beginText()
    add_text(textobject, left, y, text, size, bold)
    canvas.drawText(textobject)
    return width
