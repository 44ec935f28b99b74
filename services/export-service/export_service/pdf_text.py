"""Text on a reportlab canvas in the scripts of India: shipped fonts, shaped, extractable.

Every string is split into runs of characters, each drawn in the font that has them: Noto Sans
for Latin, digits, punctuation and `₹`; Noto Sans Devanagari, Bengali, Gurmukhi, Gujarati,
Oriya, Tamil, Telugu, Kannada or Malayalam for the letters of that script (the fonts are in
`fonts/`, with their licence; nothing depends on the machine's fonts). Inside a word, digits,
punctuation and marks stay in the run they are in when its font has them ("क्र.2" is one run);
a word of its own ("123", "(Pune)") is Latin.

Only Indic runs are shaped (reportlab's harfbuzz shaping: conjuncts, vowel signs placed and
reordered), word by word: Indic shaping never acts across a space. A shaped word's glyphs no
longer spell its characters (a conjunct is one glyph, the vowel sign ि is drawn before its
consonant), so it is wrapped in a `/Span /ActualText` marked content with the original
characters: `pdftotext` and copy-paste give back the words. A character that no shipped font
has is drawn as U+FFFD (�), never as a missing glyph.

Cost: a printable ASCII string is one unshaped Noto Sans run, as cheap as a base-14 font. Other
strings are laid out word by word with each word's runs cached (`layout`), and each run's PDF
operators are cached per document (`add_text`): a ledger's words are shaped and formatted once.
The letterhead and the table writer draw through `draw_text` / `add_text`, measure through
`text_width`, and break cells into lines through `wrap` (in `pdf_wrap`).
"""

from __future__ import annotations

import functools
import re
import unicodedata
import weakref
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
def _registered(family: str, bold: bool) -> dict[int, int]:
    """Registers one shipped font with reportlab (once per process); returns its character map
    (code point -> glyph id). A font is read only when a string needs it: 4-8 MB and 20-40 ms
    less per script a process never draws."""
    name = font_name(family, bold)
    path = FONT_DIR / f"{family}-{'Bold' if bold else 'Regular'}.ttf"
    font = TTFont(name, str(path))
    pdfmetrics.registerFont(font)
    return font.face.charToGlyph  # type: ignore[no-any-return]


def register_fonts() -> None:
    """Registers Noto Sans, regular and bold, with reportlab: what a caller needs before
    drawing with `LATIN` itself. Fonts for the Indic scripts follow when a string needs them."""
    _registered(LATIN, False)
    _registered(LATIN, True)


def _cmap(name: str) -> dict[int, int]:
    font: Any = pdfmetrics.getFont(name)
    return font.face.charToGlyph  # type: ignore[no-any-return]


def _indic_family(code: int) -> str | None:
    block = (code >> 7) - _FIRST_BLOCK
    if 0 <= block < len(_INDIC_FAMILIES) and code not in _SHARED_MARKS:
        return _INDIC_FAMILIES[block]
    if any(code in r for r in _MORE_DEVANAGARI):
        return _INDIC_FAMILIES[0]
    return None


def _runs_of_families(text: str, bold: bool) -> list[tuple[str, str]]:
    """(family, characters) pairs covering `text`, every character in its family's font.
    Spaces, digits, punctuation, symbols and marks stay with the font that is drawing."""
    pieces: list[tuple[str, list[str]]] = []
    current: str | None = None
    for ch in text:
        code = ord(ch)
        if code < 0x20 or 0x7F <= code < 0xA0:
            ch, code = " ", 0x20  # control characters: a tab or a stray CR prints as a space
        family = _indic_family(code)
        if family is None or code not in _registered(family, bold):
            if (
                current
                and code in _registered(current, bold)
                and unicodedata.category(ch)[0] != "L"
            ):
                family = current
            else:
                family = next((f for f in FAMILIES if code in _registered(f, bold)), None)
                if family is None:
                    family, ch = LATIN, REPLACEMENT
        if family != current:
            pieces.append((family, []))
            current = family
        pieces[-1][1].append(ch)
    return [(family, "".join(chars)) for family, chars in pieces]


def _actual_text(text: str) -> str:
    return f"/Span <</ActualText <FEFF{text.encode('utf-16-be').hex().upper()}>>> BDC"


@functools.lru_cache(maxsize=_LAYOUT_CACHE_SIZE)
def _shaped(word: str, name: str) -> Run:
    """One word (and the spaces after it) of an Indic run, shaped: Indic shaping never acts
    across a space, so a word shaped once serves every line it appears in."""
    shaped = shapeStr(word, name, 1000)
    data = getattr(shaped, "__shapeData__", None)
    if data is not None and all(_cmap(name).get(ord(ch), 0) for ch in shaped):
        return Run(name, shaped, sum(sd.x_advance for sd in data) / 1000.0, word)
    # harfbuzz changed nothing (the characters are the glyphs), or it reached for a glyph the
    # font lacks: then the characters themselves, each in the font, look worse but are there
    return Run(name, word, pdfmetrics.stringWidth(word, name, 1.0))


_WORDS = re.compile(r"\s*\S+\s*|\s+")


@functools.lru_cache(maxsize=_LAYOUT_CACHE_SIZE)
def _word_runs(word: str, bold: bool) -> tuple[Run, ...]:
    runs = []
    for family, chars in _runs_of_families(word, bold):
        name = font_name(family, bold)
        if family == LATIN:
            runs.append(Run(name, chars, pdfmetrics.stringWidth(chars, name, 1.0)))
        else:
            runs.append(_shaped(chars, name))
    return tuple(runs)


@functools.lru_cache(maxsize=_LAYOUT_CACHE_SIZE)
def layout(text: str, bold: bool = False) -> tuple[Run, ...]:
    """`text` as runs of one font each, shaped where the script needs it. Built word by word
    (each word's runs cached: a ledger's narrations repeat their words); neighbouring unshaped
    runs in one font are joined."""
    register_fonts()
    if text.isascii() and text.isprintable():
        name = font_name(LATIN, bold)
        return (Run(name, text, pdfmetrics.stringWidth(text, name, 1.0)),)
    runs: list[Run] = []
    for word in _WORDS.findall(text):
        for run in _word_runs(word, bold):
            last = runs[-1] if runs else None
            if last and last.font == run.font and last.actual is None and run.actual is None:
                runs[-1] = Run(run.font, last.text + run.text, last.width + run.width)
            else:
                runs.append(run)
    return tuple(runs)


def text_width(text: str, size: float, bold: bool = False) -> float:
    """How wide `text` is drawn at `size` points."""
    if text.isascii() and text.isprintable():  # measured, not cached: lines being wrapped
        register_fonts()
        return float(pdfmetrics.stringWidth(text, font_name(LATIN, bold), size))
    return sum(run.width for run in layout(text, bold)) * size


# Per document: a run's text operators, as reportlab formats them (glyph codes are fixed within
# a document once assigned), a shaped run's in its /ActualText span. Formatting TrueType text,
# shaped text above all, is reportlab's slowest step; a ledger's narrations repeat their words.
_OPERATORS: weakref.WeakKeyDictionary[Any, dict[tuple[str, float, str], str]] = (
    weakref.WeakKeyDictionary()
)
_OPERATORS_PER_DOCUMENT = 50_000  # then that document's cache starts over: memory stays bounded


def add_text(textobject: Any, x: float, y: float, text: str, size: float, bold: bool) -> None:
    """Adds `text` to a reportlab text object with its left edge at x, baseline at y.

    The text object's font is left undefined: a caller that goes on with plain `textLine`s
    sets its font again."""
    code: list[str] = textobject._code  # reportlab has no public way to add marked content
    textobject.setTextOrigin(x, y)  # then each run moves the pen on by its own advance
    operators = _OPERATORS.setdefault(textobject._canvas._doc, {})
    for run in layout(text, bold):
        key = (run.font, size, run.text)
        ops = operators.get(key)
        if ops is None:
            if len(operators) >= _OPERATORS_PER_DOCUMENT:
                operators.clear()
            textobject.setFont(run.font, size)  # and so a font operator opens `ops`
            ops = textobject._formatText(run.text)
            if run.actual is not None:
                ops = f"{_actual_text(run.actual)} {ops} EMC"
            operators[key] = ops
        code.append(ops)
    textobject._curSubset = -1  # the next text selects its font again


Align = Literal["left", "right", "centre"]


def draw_text(
    canvas: Any,
    x: float,
    y: float,
    text: str,
    size: float,
    bold: bool = False,
    *,
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
