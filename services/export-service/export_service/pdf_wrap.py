"""Breaking a cell's text into lines no wider than the cell, so that nothing is cut.

Lines break at spaces; an explicit line break in the text starts a new line. A word wider than
the whole cell (a long bill reference) is broken where it must, between character clusters
only: never between a consonant and its vowel sign, nor after a virama (that would split a
conjunct), nor around a zero-width joiner.
"""

from __future__ import annotations

import unicodedata

from .pdf_text import text_width

_JOINERS = frozenset("\u200c\u200d")
_VIRAMA = 9  # the canonical combining class of every Indic virama (halant)


def wrap(text: str, avail: float, size: float, bold: bool = False) -> list[str]:
    """`text` as lines at most `avail` points wide at `size` (at least one line)."""
    lines: list[str] = []
    space = text_width(" ", size, bold)
    for paragraph in text.splitlines() or [""]:
        line, width = "", 0.0
        for word in paragraph.split():
            word_width = text_width(word, size, bold)
            if line and width + space + word_width <= avail:
                line, width = f"{line} {word}", width + space + word_width
                continue
            if line:
                lines.append(line)
            if word_width <= avail:
                line, width = word, word_width
            else:
                *whole, line = _break_word(word, avail, size, bold)
                lines.extend(whole)
                width = text_width(line, size, bold)
        lines.append(line)
    return lines


def _break_word(word: str, avail: float, size: float, bold: bool) -> list[str]:
    """`word` cut at cluster boundaries into pieces that fit (a single cluster always goes)."""
    pieces: list[str] = []
    start = 0
    cut = None  # the last boundary after `start` where the piece still fits
    for end in [*_boundaries(word), len(word)]:
        if end <= start:
            continue
        if text_width(word[start:end], size, bold) <= avail or cut is None:
            cut = end
            continue
        pieces.append(word[start:cut])
        start, cut = cut, end
    pieces.append(word[start:])
    return pieces


def _boundaries(word: str) -> list[int]:
    """Offsets inside `word` where a line may break without splitting a character cluster."""
    return [
        i
        for i in range(1, len(word))
        if not unicodedata.category(word[i]).startswith("M")
        and word[i] not in _JOINERS
        and word[i - 1] not in _JOINERS
        and unicodedata.combining(word[i - 1]) != _VIRAMA
    ]
