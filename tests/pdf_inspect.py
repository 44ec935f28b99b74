"""Reading a PDF back as a person's tools would: poppler's `pdftotext` and `pdffonts`, and a
scan of the content streams for glyphs drawn with the font's .notdef (a missing glyph).

poppler-utils is required, not optional: `.ci/run` installs it; a machine without it fails
these tests with the command to run rather than skipping them.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream


def _poppler(tool: str, *args: str) -> str:
    if shutil.which(tool) is None:
        pytest.fail(f"{tool} is missing: apt-get install -y poppler-utils (.ci/run does)")
    done = subprocess.run([tool, *args], check=True, capture_output=True, text=True)
    return done.stdout


def pdftotext(path: Path, *, layout: bool = False) -> str:
    return _poppler("pdftotext", *(["-layout"] if layout else []), str(path), "-")


def pdffonts(path: Path) -> dict[str, bool]:
    """Font name (without the subset prefix) -> embedded?"""
    fonts = {}
    for line in _poppler("pdffonts", str(path)).splitlines()[2:]:
        name, *_, emb, _sub, _uni, _obj, _gen = line.split()
        fonts[name.split("+", 1)[-1]] = emb == "yes"
    return fonts


def _strings(operands: list[Any], operator: bytes) -> list[bytes]:
    if operator == b"TJ":
        return [bytes(o.original_bytes) for o in operands[0] if hasattr(o, "original_bytes")]
    return [bytes(operands[0].original_bytes)] if operator in (b"Tj", b"'", b'"') else []


def notdef_uses(path: Path) -> list[str]:
    """Where a TrueType font is asked for code 0: reportlab gives every character a font
    lacks code 0, which is that font's .notdef glyph (a box, or nothing)."""
    found = []
    reader = PdfReader(path)
    for number, page in enumerate(reader.pages, start=1):
        fonts = page["/Resources"].get("/Font", {})
        forms = page["/Resources"].get("/XObject", {})
        streams = [(page.get_contents(), fonts)]
        for name in forms:
            form = forms[name].get_object()
            streams.append((form, form.get("/Resources", {}).get("/Font", fonts)))
        for content, page_fonts in streams:
            if content is None:
                continue
            font = None
            for operands, operator in ContentStream(content, reader).operations:
                if operator == b"Tf":
                    font = page_fonts[operands[0]].get_object()
                elif (
                    font is not None
                    and font["/Subtype"] == "/TrueType"
                    and any(b"\x00" in s for s in _strings(operands, operator))
                ):
                    found.append(f"page {number}: {font['/BaseFont']}")
    return found
