"""The letterhead at the top of a PDF report's first page: who sends it and, for a party's
statement, whom it concerns.

The company block (name, address lines, GSTIN and PAN, phone and email) takes the left part of
the page; the party's block (name, address lines, GSTIN) the right. Names and addresses may be
in any script of India, so every line is measured and drawn through `pdf_text` (shipped Noto
fonts, shaped, extractable). A line longer than its column wraps onto the next as a table
cell's does (`pdf_wrap`: nothing an accountant needs is cut), so the block's height is known
before drawing: the writer starts the table below it. The words around the values (phone,
email) are in the document's language (`labels.Labels`). A tenant without a profile gets what
documents always had: its name alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .document import DocumentHeader, Letterhead
from .pdf_text import draw_text
from .pdf_wrap import wrap

NAME_SIZE, NAME_LEADING = 14.0, 16.0  # the company's name, as the title block always had it
PARTY_NAME_SIZE = 11.0
DETAIL_SIZE, DETAIL_LEADING = 8.5, 10.5
GAP_AFTER_NAME = 12.0  # from a name's baseline to its first detail line's
DETAIL_GREY = 0.25
# The company block's share of the printable width, and where the party block starts.
COMPANY_SHARE, PARTY_START = 0.56, 0.6


@dataclass(frozen=True)
class PlacedLine:
    x: float
    depth: float  # the baseline's distance below the top of the block
    text: str
    size: float
    bold: bool


@dataclass(frozen=True)
class LetterheadBlock:
    lines: tuple[PlacedLine, ...]
    # From the top of the block to its lowest baseline: the title block continues below it.
    height: float


def _column(
    x: float, width: float, name: str, name_size: float, details: tuple[str, ...]
) -> list[PlacedLine]:
    placed: list[PlacedLine] = []
    depth = name_size
    for n, line in enumerate(wrap(name, width, name_size, bold=True)):
        depth += NAME_LEADING * (n > 0)
        placed.append(PlacedLine(x, depth, line, name_size, bold=True))
    step = GAP_AFTER_NAME
    for detail in details:
        for line in wrap(detail, width, DETAIL_SIZE):
            depth += step
            step = DETAIL_LEADING
            placed.append(PlacedLine(x, depth, line, DETAIL_SIZE, bold=False))
    return placed


def letterhead_block(header: DocumentHeader, left: float, width: float) -> LetterheadBlock:
    """Where each letterhead line goes, for a block `width` points wide starting at `left`."""
    company = header.letterhead or Letterhead(header.company)
    party = header.party
    company_width = width * COMPANY_SHARE if party else width
    labels = header.labels
    lines = _column(left, company_width, company.name, NAME_SIZE, company.detail_lines(labels))
    if party is not None:
        x = left + width * PARTY_START
        details = party.detail_lines(labels)
        lines += _column(x, width - (x - left), party.name, PARTY_NAME_SIZE, details)
    return LetterheadBlock(tuple(lines), max(line.depth for line in lines))


def draw_letterhead(canvas: Any, block: LetterheadBlock, top: float) -> None:
    """Draw `block` with its top at `top`; the canvas's fill colour is black again afterwards."""
    for line in block.lines:
        canvas.setFillGray(0 if line.bold else DETAIL_GREY)
        draw_text(canvas, line.x, top - line.depth, line.text, line.size, line.bold)
    canvas.setFillGray(0)
