"""Indian scripts to plain ASCII letters, for the ASCII fallback of a file name.

The nine Unicode blocks of the Brahmi-derived scripts of India (Devanagari, Bengali, Gurmukhi,
Gujarati, Oriya, Tamil, Telugu, Kannada, Malayalam) share one layout inherited from ISCII: a
letter sits at the same offset in every block (क U+0915, ক U+0995, க U+0B95 are all `ka` at
0x15). So one table of offsets serves all nine, plus the few letters only one script has.

Spellings follow ISO 15919 with its diacritics dropped and the usual Indian ASCII habits
(`ś`, `ṣ` as `sh`, `c` as `ch`), so "श्री गणेश ट्रेडर्स" reads "Shri Ganesh Tredars". Dropping
diacritics merges letters (ट and त are both `t`): the fallback is for reading, not for telling
names apart; `file_names` adds a tag where that matters. The inherent vowel of a word's last
consonant is silent in Hindi, Marathi, Bengali, Punjabi and Gujarati, and is dropped there.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

# First code point of each block, and whether a word's final inherent `a` is silent in it.
_BLOCKS: dict[int, tuple[str, bool]] = {
    0x0900: ("Devanagari", True),
    0x0980: ("Bengali", True),
    0x0A00: ("Gurmukhi", True),
    0x0A80: ("Gujarati", True),
    0x0B00: ("Oriya", False),
    0x0B80: ("Tamil", False),
    0x0C00: ("Telugu", False),
    0x0C80: ("Kannada", False),
    0x0D00: ("Malayalam", False),
}
_FIRST, _LAST = 0x0900, 0x0D7F

# Offsets within a block.
_VOWELS = {
    0x04: "a", 0x05: "a", 0x06: "a", 0x07: "i", 0x08: "i", 0x09: "u", 0x0A: "u",
    0x0B: "ri", 0x0C: "li", 0x0D: "e", 0x0E: "e", 0x0F: "e", 0x10: "ai",
    0x11: "o", 0x12: "o", 0x13: "o", 0x14: "au", 0x60: "ri", 0x61: "li",
}  # fmt: skip
_CONSONANTS = {
    0x15: "k", 0x16: "kh", 0x17: "g", 0x18: "gh", 0x19: "n",
    0x1A: "ch", 0x1B: "chh", 0x1C: "j", 0x1D: "jh", 0x1E: "n",
    0x1F: "t", 0x20: "th", 0x21: "d", 0x22: "dh", 0x23: "n",
    0x24: "t", 0x25: "th", 0x26: "d", 0x27: "dh", 0x28: "n", 0x29: "n",
    0x2A: "p", 0x2B: "ph", 0x2C: "b", 0x2D: "bh", 0x2E: "m",
    0x2F: "y", 0x30: "r", 0x31: "r", 0x32: "l", 0x33: "l", 0x34: "zh", 0x35: "v",
    0x36: "sh", 0x37: "sh", 0x38: "s", 0x39: "h",
    # Letters with a nukta, precomposed (Devanagari qa..yya and their Bengali, Gurmukhi
    # and Oriya counterparts at the same offsets).
    0x58: "q", 0x59: "kh", 0x5A: "g", 0x5B: "z", 0x5C: "r", 0x5D: "rh", 0x5E: "f", 0x5F: "y",
}  # fmt: skip
_VOWEL_SIGNS = {
    0x3E: "a", 0x3F: "i", 0x40: "i", 0x41: "u", 0x42: "u", 0x43: "ri", 0x44: "ri",
    0x45: "e", 0x46: "e", 0x47: "e", 0x48: "ai", 0x49: "o", 0x4A: "o", 0x4B: "o",
    0x4C: "au", 0x62: "li", 0x63: "li", 0x57: "",
}  # fmt: skip
_NASALS = frozenset({0x01, 0x02})  # candrabindu, anusvara: `n`, or `m` before p, b, m
_LABIALS = frozenset(range(0x2A, 0x2F))
_VISARGA = 0x03
_NUKTA = 0x3C
_VIRAMA = 0x4D
_DIGITS = range(0x66, 0x70)
# A consonant followed by a nukta; NFC keeps most of these as two code points.
_WITH_NUKTA = {"k": "q", "g": "g", "j": "z", "d": "r", "dh": "rh", "ph": "f", "s": "sh"}

# Letters one script has (full code points): consonants without a vowel of their own
# (Malayalam chillus, Bengali khanda ta), and a few others.
_PURE_CONSONANTS = {
    0x09CE: "t", 0x0D7A: "n", 0x0D7B: "n", 0x0D7C: "r", 0x0D7D: "l", 0x0D7E: "l", 0x0D7F: "k",
}  # fmt: skip
_EXTRA_CONSONANTS = {0x09F0: "r", 0x09F1: "w", 0x0B71: "w", 0x0C58: "t", 0x0C59: "dz"}
_EXTRA_TEXT = {0x0950: "om", 0x0964: ".", 0x0965: ".", 0x0970: "."}
_JOINERS = frozenset("\u200c\u200d")
_GURMUKHI_TIPPI = 0x0A70  # a nasal, like the anusvara
_GURMUKHI_ADDAK = 0x0A71  # doubles the next consonant


def is_indic(ch: str) -> bool:
    """True for a character of one of the nine blocks."""
    return len(ch) == 1 and _FIRST <= ord(ch) <= _LAST


@dataclass
class _Word:
    """The Latin letters of the word being read, and what is still open."""

    text: str = ""
    pending_a: bool = False  # the last consonant's inherent vowel, not yet written
    syllables: int = 0
    final_a_silent: bool = False
    double_next: bool = False

    def flush_a(self) -> None:
        if self.pending_a:
            self.text += "a"
            self.pending_a = False

    def consonant(self, latin: str, final_a_silent: bool) -> None:
        self.flush_a()
        if self.double_next:
            self.text += latin[0]
            self.double_next = False
        self.text += latin
        self.pending_a = True
        self.syllables += 1
        self.final_a_silent = final_a_silent

    def vowel(self, latin: str) -> None:
        self.flush_a()
        self.text += latin
        self.syllables += 1

    def end(self) -> str:
        """The word, its final inherent vowel dropped where the language drops it."""
        if self.pending_a and not (self.final_a_silent and self.syllables > 1):
            self.text += "a"
        word = self.text
        self.text, self.pending_a, self.syllables, self.double_next = "", False, 0, False
        return word[:1].upper() + word[1:]


def transliterate(text: str) -> str:
    """`text` with every letter of the nine Indian scripts spelt in ASCII; anything else
    (Latin, digits, punctuation, other scripts) is left as it is."""
    text = unicodedata.normalize("NFC", text)
    out: list[str] = []
    word = _Word()
    for index, ch in enumerate(text):
        code = ord(ch)
        if ch in _JOINERS:
            continue  # they choose a glyph's shape (eyelash ra, half forms), not a sound
        if not is_indic(ch):
            out.append(word.end())
            out.append(ch)
            continue
        base = code & ~0x7F
        offset = code - base
        final_a_silent = _BLOCKS[base][1]
        following = text[index + 1] if index + 1 < len(text) else ""
        if code in _EXTRA_TEXT:
            out.append(word.end())
            out.append(_EXTRA_TEXT[code])
        elif code in _PURE_CONSONANTS:
            word.consonant(_PURE_CONSONANTS[code], final_a_silent)
            word.pending_a = False
        elif code in _EXTRA_CONSONANTS:
            word.consonant(_EXTRA_CONSONANTS[code], final_a_silent)
        elif code == _GURMUKHI_ADDAK:
            word.flush_a()
            word.double_next = True
        elif offset in _NASALS or code == _GURMUKHI_TIPPI:
            word.flush_a()
            labial = is_indic(following) and (ord(following) & 0x7F) in _LABIALS
            word.text += "m" if labial or not following or not is_indic(following) else "n"
        elif offset == _VISARGA:
            word.flush_a()
            word.text += "h"
        elif offset in _CONSONANTS:
            word.consonant(_CONSONANTS[offset], final_a_silent)
        elif offset in _VOWELS:
            word.vowel(_VOWELS[offset])
        elif offset in _VOWEL_SIGNS:
            word.pending_a = False
            word.text += _VOWEL_SIGNS[offset]
        elif offset == _VIRAMA:
            word.pending_a = False
        elif offset == _NUKTA:
            _apply_nukta(word)
        elif offset in _DIGITS:
            out.append(word.end())
            out.append(str(offset - _DIGITS.start))
        # Anything else (avagraha, length marks, signs without a sound) is silent.
    out.append(word.end())
    return "".join(out)


def _apply_nukta(word: _Word) -> None:
    """The consonant just written, changed by the nukta after it (क़ `q`, ज़ `z`, ड़ `r`)."""
    if not word.pending_a:
        return
    for plain, changed in sorted(_WITH_NUKTA.items(), key=lambda item: -len(item[0])):
        if word.text.endswith(plain):
            word.text = word.text[: -len(plain)] + changed
            return
