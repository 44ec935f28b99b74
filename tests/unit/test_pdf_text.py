"""The PDF text machinery: a font per run of characters, shaping, no missing glyph, and text
that `pdftotext` gives back as it was written."""

from __future__ import annotations

from pathlib import Path

import pytest
import uharfbuzz
from export_service.pdf_text import (
    FAMILIES,
    FONT_DIR,
    LATIN,
    REPLACEMENT,
    draw_text,
    font_name,
    layout,
    text_width,
)
from reportlab.pdfgen.canvas import Canvas

from tests.pdf_inspect import notdef_uses, pdffonts, pdftotext

# One sample per script the product ships a font for, mixed with Latin, digits and the rupee.
SAMPLES = {
    "NotoSansDevanagari": "श्री गणेश ट्रेडर्स: बिल क्र. 123, ₹ 5,000 नकद प्राप्त",
    "NotoSansBengali": "বাংলা ব্যবসা ₹ 250",
    "NotoSansGurmukhi": "ਪੰਜਾਬ ਟ੍ਰੇਡਰਜ਼",
    "NotoSansGujarati": "ગુજરાતી વેપારી પેઢી",
    "NotoSansOriya": "ଓଡ଼ିଆ ଦୋକାନ",
    "NotoSansTamil": "தமிழ் கடை ஸ்ரீ",
    "NotoSansTelugu": "తెలుగు వ్యాపారం",
    "NotoSansKannada": "ಕನ್ನಡ ಅಂಗಡಿ",
    "NotoSansMalayalam": "മലയാളം കട",
}


def _glyphs(font: str, text: str) -> list[int]:
    """What harfbuzz draws for `text` in a shipped font: glyph ids, 0 being .notdef."""
    family, _, weight = font.partition("-")
    path = FONT_DIR / f"{family}-{weight or 'Regular'}.ttf"
    hb_font = uharfbuzz.Font(uharfbuzz.Face(uharfbuzz.Blob.from_file_path(str(path))))
    buffer = uharfbuzz.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    uharfbuzz.shape(hb_font, buffer, {})
    return [info.codepoint for info in buffer.glyph_infos]


def test_every_family_ships_regular_and_bold_with_the_licence() -> None:
    for family in FAMILIES:
        for weight in ("Regular", "Bold"):
            assert (FONT_DIR / f"{family}-{weight}.ttf").stat().st_size > 10_000
    assert "SIL OPEN FONT LICENSE Version 1.1" in (FONT_DIR / "OFL.txt").read_text()
    assert "sha256" in (FONT_DIR / "README.md").read_text()


def test_ascii_is_one_unshaped_latin_run() -> None:
    (run,) = layout("Opening Balance 12,34,567.00 Dr")
    assert (run.font, run.actual) == (LATIN, None)
    assert run.text == "Opening Balance 12,34,567.00 Dr"
    assert layout("Total", bold=True)[0].font == font_name(LATIN, True)


@pytest.mark.parametrize(("family", "text"), SAMPLES.items())
@pytest.mark.parametrize("bold", [False, True])
def test_each_script_gets_its_font_and_no_missing_glyph(family: str, text: str, bold: bool) -> None:
    runs = layout(text, bold)
    assert font_name(family, bold) in {run.font for run in runs}
    assert {run.font for run in runs} <= {font_name(family, bold), font_name(LATIN, bold)}
    for run in runs:
        source = run.actual if run.actual is not None else run.text
        assert 0 not in _glyphs(run.font, source), (run.font, source)
    # the runs together are the text, character for character
    assert "".join(run.actual or run.text for run in runs) == text


def test_mixed_text_splits_into_runs_by_script() -> None:
    runs = layout("Paid ₹ 500 to श्री गणेश (Pune)")
    deva = "NotoSansDevanagari"
    assert [r.font for r in runs] == [LATIN, deva, deva, LATIN]
    assert [r.actual or r.text for r in runs] == ["Paid ₹ 500 to ", "श्री ", "गणेश ", "(Pune)"]
    # Devanagari is shaped word by word: श्री is three glyphs for four characters
    assert runs[1].actual == "श्री " and len(runs[1].text) < len(runs[1].actual)


def test_characters_no_font_has_print_as_the_replacement_character() -> None:
    runs = layout("Tea 茶 \U0001f600")
    assert "".join(run.text for run in runs) == f"Tea {REPLACEMENT} {REPLACEMENT}"


def test_control_characters_print_as_spaces() -> None:
    assert "".join(r.text for r in layout("Bill\t12\rपावती")) == "Bill 12 पावती"


def test_layout_of_a_repeated_string_is_computed_once() -> None:
    assert layout("श्री गणेश ट्रेडर्स") is layout("श्री गणेश ट्रेडर्स")


def test_width_scales_with_size_and_shaping_narrows_conjuncts() -> None:
    assert text_width("Ledger", 10) == pytest.approx(2 * text_width("Ledger", 5))
    assert 0 < text_width("क्ष", 10) < text_width("क", 10) + text_width("ष", 10)


def test_drawn_text_is_embedded_complete_and_extractable(tmp_path: Path) -> None:
    path = tmp_path / "scripts.pdf"
    canvas = Canvas(str(path), initialFontName=LATIN)
    y = 800.0
    for text in ["Sharma Traders ₹ 1,00,000.00", *SAMPLES.values()]:
        draw_text(canvas, 40, y, text, 11)
        draw_text(canvas, 550, y, text, 11, bold=True, align="right")
        y -= 20
    canvas.save()
    fonts = pdffonts(path)
    assert set(fonts) == {f"{family}-{w}" for family in FAMILIES for w in ("Regular", "Bold")}
    assert all(fonts.values()), fonts  # every font embedded
    assert notdef_uses(path) == []
    lines = [line.strip() for line in pdftotext(path).splitlines() if line.strip()]
    for text in ["Sharma Traders ₹ 1,00,000.00", *SAMPLES.values()]:
        assert lines.count(text) == 2, (text, lines)


def test_the_notdef_scan_sees_a_missing_glyph(tmp_path: Path) -> None:
    path = tmp_path / "box.pdf"
    canvas = Canvas(str(path), initialFontName=LATIN)
    layout("x")  # registers the fonts
    canvas.setFont(LATIN, 11)
    canvas.drawString(40, 800, "नकद")  # straight to reportlab: Noto Sans has no Devanagari
    canvas.save()
    assert notdef_uses(path) == ["page 1: /AAAAAA+NotoSans-Regular"]
