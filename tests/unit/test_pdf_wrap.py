"""Breaking cell text into lines: at spaces, explicit breaks kept, long words cut only between
character clusters."""

from __future__ import annotations

from export_service.pdf_text import text_width
from export_service.pdf_wrap import wrap


def test_short_text_is_one_line_and_empty_text_one_empty_line() -> None:
    assert wrap("Goods sold", 200, 8) == ["Goods sold"]
    assert wrap("", 200, 8) == [""]


def test_lines_break_at_spaces_and_fit() -> None:
    text = "Received against bills INV-00012 and INV-00019 by cheque no. 004512 dated 12-04-2025"
    lines = wrap(text, 120, 8)
    assert len(lines) > 1 and " ".join(lines) == text
    assert all(text_width(line, 8) <= 120 for line in lines)


def test_an_explicit_line_break_starts_a_new_line() -> None:
    assert wrap("Bill 12\nCheque 7", 300, 8) == ["Bill 12", "Cheque 7"]


def test_a_word_wider_than_the_cell_is_cut_to_fit() -> None:
    lines = wrap("INV/" + "0123456789" * 6, 60, 8)
    assert "".join(lines) == "INV/" + "0123456789" * 6
    assert all(text_width(line, 8) <= 60 for line in lines)


def test_devanagari_is_never_cut_inside_a_cluster() -> None:
    word = "प्रतिष्ठानांच्याक्रमांकांमध्ये" * 3  # one long word of conjuncts and vowel signs
    lines = wrap(word, 40, 8)
    assert len(lines) > 2 and "".join(lines) == word
    for line in lines[1:]:
        # a line never opens with a vowel sign, a virama's consonant or a mark
        assert line[0] not in "\u093e\u093f\u0940\u0941\u0947\u094d\u0902"
    for line in lines[:-1]:
        assert line[-1] != "\u094d"  # nor ends on a virama, which would split a conjunct
