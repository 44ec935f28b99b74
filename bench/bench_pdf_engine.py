"""Time `PdfReportWriter` against a bare reportlab canvas loop; record it in RESULTS.md.

The bare loop draws the writer's own strings (formatted and clipped beforehand, untimed) at the
writer's positions with one drawString/drawRightString per cell and showPage every K rows: the
least any canvas-based writer must pay. The writer is timed on `Row`s, formatting included.
Rows are generated in batches of 1,000 (as the renderer streams them), outside the timed part,
and every run is a fresh process so that its peak RSS is its own.

    .venv/bin/python bench/bench_pdf_engine.py --rows 100000
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import reportlab
from export_service.document import Column, DocumentHeader, Row
from export_service.pdf import (
    _FORMATTERS,
    FONT,
    PAD,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    PdfReportWriter,
    _Layout,
    clip,
)
from reportlab.lib import rl_accel
from reportlab.pdfgen.canvas import Canvas
from results_file import record_section

SECTION = "## PDF writer"
BATCH = 1_000
VARIANTS = {
    "bare-plain": "bare loop, pageCompression=0",
    "bare-deflate": "bare loop, pageCompression=1",
    "writer": "PdfReportWriter (pages deflated as finished)",
    "writer-late": "PdfReportWriter(deflate_early=False)",
}
WORDS = (
    *("being", "goods", "sold", "to", "as", "per", "bill", "dated", "against", "order"),
    *("received", "cash", "cheque", "transfer", "freight", "charges", "discount"),
    *("allowed", "interest", "on", "delayed", "payment", "for", "the", "month", "of"),
)


def _header(rows: int) -> DocumentHeader:
    columns = (
        Column("Date", "date", 10),
        Column("Voucher type", "text", 11),
        Column("Voucher no", "text", 10),
        Column("Particulars", "text", 20),
        Column("Narration", "text", 36),
        Column("Debit", "money", 14),
        Column("Credit", "money", 14),
        Column("Balance", "balance", 17),
    )
    return DocumentHeader(
        title="Ledger statement",
        company="Benchmark Traders Pvt Ltd",
        lines=("Ledger: Sharma Traders", "Period: 01-04-2020 to 31-03-2025"),
        columns=columns,
        total_rows=rows,
        generated_at=datetime(2025, 11, 15, 10, 30, tzinfo=UTC),
    )


def _rows(count: int) -> Iterator[list[Row]]:
    """Ledger-like rows in batches; the same for every run (seeded)."""
    rng = random.Random(20251115)
    balance = Decimal("125000.00")
    day = date(2020, 4, 1)
    batch: list[Row] = []
    for i in range(count):
        amount = Decimal(rng.randrange(100, 50_000_000)) / 100
        debit = amount if rng.random() < 0.55 else None
        credit = None if debit is not None else amount
        balance += amount if debit is not None else -amount
        words: list[str] = []
        target = rng.randrange(40, 81)
        while len(" ".join(words)) < target:
            words.append(rng.choice(WORDS))
        narration = " ".join(words)[:target].capitalize()
        vtype = rng.choice(("Sales", "Purchase", "Receipt", "Payment", "Journal"))
        party = rng.choice(("Sharma Traders", "Gupta & Sons", "HDFC Bank A/c", "Cash"))
        day += timedelta(days=1 if i % 40 == 0 else 0)
        values = (day, vtype, f"{vtype[:3].upper()}/{i:07d}", party, narration)
        batch.append(Row((*values, debit, credit, balance)))
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


class _Clock:
    """Wall and CPU seconds spent inside `with clock:` blocks, added up."""

    def __init__(self) -> None:
        self.wall = self.cpu = 0.0

    def __enter__(self) -> None:
        self._wall, self._cpu = time.perf_counter(), time.process_time()

    def __exit__(self, *_: object) -> None:
        self.wall += time.perf_counter() - self._wall
        self.cpu += time.process_time() - self._cpu


def _run_writer(path: Path, rows: int, deflate_early: bool, clock: _Clock, save: _Clock) -> None:
    writer = PdfReportWriter(deflate_early=deflate_early)
    with clock:
        writer.begin(path, _header(rows))
    for batch in _rows(rows):
        with clock:
            writer.write_rows(batch)
    with clock, save:
        writer.finish()


def _run_bare(path: Path, rows: int, compression: int, clock: _Clock, save: _Clock) -> None:
    header = _header(rows)
    layout = _Layout(header, 8.0)
    cells: list[tuple[float, bool, Callable[[Any], str], float]] = []
    for column, x, width in layout.columns:
        right = column.kind in ("money", "balance", "integer")
        edge = x + width - PAD if right else x + PAD
        cells.append((edge, right, _FORMATTERS[column.kind], width - 2 * PAD))
    per_page, top = layout.per_page, layout.header_y - 3
    with clock:
        canvas = Canvas(str(path), pagesize=(PAGE_WIDTH, PAGE_HEIGHT), pageCompression=compression)
        canvas.setFont(FONT, 8)
    n = 0
    for batch in _rows(rows):
        strings = [
            [
                "" if v is None else (clip(fmt(v), avail, FONT, 8) if not right else fmt(v))
                for (_, right, fmt, avail), v in zip(cells, row.values, strict=True)
            ]
            for row in batch
        ]
        with clock:
            for row_strings in strings:
                if n and n % per_page == 0:
                    canvas.showPage()
                    canvas.setFont(FONT, 8)
                y = top - (n % per_page + 1) * layout.leading
                for (edge, right, _, _), s in zip(cells, row_strings, strict=True):
                    if not s:
                        continue  # as the writer does: no empty text objects
                    if right:
                        canvas.drawRightString(edge, y, s)
                    else:
                        canvas.drawString(edge, y, s)
                n += 1
    with clock, save:
        canvas.showPage()
        canvas.save()


def _child(variant: str, rows: int) -> None:
    clock, save = _Clock(), _Clock()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.pdf"
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        if variant.startswith("bare"):
            _run_bare(path, rows, 1 if variant == "bare-deflate" else 0, clock, save)
        else:
            _run_writer(path, rows, variant == "writer", clock, save)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        size = path.stat().st_size
    result = {
        "seconds": clock.wall,
        "cpu": clock.cpu,
        "save": save.wall,
        "base_kb": base,
        "peak_kb": peak,
        "bytes": size,
    }
    print(json.dumps(result))


def _measure(rows: int, repeat: int) -> dict[str, dict[str, Any]]:
    """Per variant, the fastest of `repeat` fresh processes. Rounds run every variant in turn,
    so a burst of other load on the machine hits them alike; it only ever adds time."""
    runs: dict[str, list[dict[str, Any]]] = {variant: [] for variant in VARIANTS}
    for _ in range(repeat):
        for variant in VARIANTS:
            out = subprocess.run(
                [sys.executable, __file__, "--child", variant, "--rows", str(rows)],
                check=True,
                capture_output=True,
                text=True,
            )
            runs[variant].append(json.loads(out.stdout))
    best = {}
    for variant, results in runs.items():
        best[variant] = min(results, key=lambda r: r["seconds"])
        best[variant]["cpu"] = min(r["cpu"] for r in results)
    return best


def _section(
    table: list[tuple[int, str, dict[str, Any]]],
    ratios: dict[int, tuple[float, float]],
    repeat: int,
    load: float,
) -> str:
    layout = _Layout(_header(1), 8.0)
    accel = "with" if rl_accel._c_funcs else "without"
    lines = [
        SECTION,
        "",
        f"`bench/bench_pdf_engine.py` on {date.today().isoformat()}: {os.cpu_count()} CPUs "
        f"(nproc), Python {platform.python_version()}, reportlab {reportlab.Version} {accel} "
        "its optional rl_accel C extension. Synthetic 8-column ledger rows (narrations 40-80 "
        f"characters), {layout.per_page} rows a page ({layout.first_page} on page 1), A4 "
        f"landscape. Each figure is the fastest of {repeat} fresh processes, run in rounds of "
        f"every variant (load average "
        f"{load:.1f} at the start: the machine is shared). The bare loop draws preformatted "
        "strings (formatting untimed) with drawString/drawRightString per cell; the writer's "
        "time includes formatting. Peak RSS is `ru_maxrss`; a process starts at about "
        f"{table[0][2]['base_kb'] / 1024:.0f} MiB.",
        "",
        "| rows | run | seconds | CPU seconds | of which save() | peak RSS MiB | file MB |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for rows, variant, r in table:
        lines.append(
            f"| {rows:,} | {VARIANTS[variant]} | {r['seconds']:.2f} | {r['cpu']:.2f} "
            f"| {r['save']:.2f} | {r['peak_kb'] / 1024:.0f} | {r['bytes'] / 1e6:.1f} |"
        )
    lines.append("")
    for rows, (wall, cpu) in ratios.items():
        lines.append(
            f"Writer / bare loop (pageCompression=1) at {rows:,} rows: **{wall:.2f}** "
            f"(CPU time: {cpu:.2f}; target: at most 1.3)."
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=10_000, help="a second, smaller run")
    parser.add_argument("--child", choices=VARIANTS, help=argparse.SUPPRESS)
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure; the best counts")
    parser.add_argument("--no-record", action="store_true", help="print only")
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.rows)
        return
    load = os.getloadavg()[0]
    table: list[tuple[int, str, dict[str, Any]]] = []
    ratios: dict[int, tuple[float, float]] = {}
    for rows in sorted({args.small, args.rows}):
        results = _measure(rows, args.repeat)
        for variant, r in results.items():
            table.append((rows, variant, r))
            print(
                f"{rows:>9,} {VARIANTS[variant]:<46} {r['seconds']:6.2f} s, CPU {r['cpu']:6.2f} s "
                f"(save {r['save']:.2f}) peak {r['peak_kb'] / 1024:4.0f} MiB "
                f"file {r['bytes'] / 1e6:4.1f} MB"
            )
        writer, bare = results["writer"], results["bare-deflate"]
        ratios[rows] = (writer["seconds"] / bare["seconds"], writer["cpu"] / bare["cpu"])
        print(f"{rows:>9,} writer / bare loop (pageCompression=1): {ratios[rows][0]:.2f}")
    if not args.no_record:
        record_section(SECTION, _section(table, ratios, args.repeat, load))


if __name__ == "__main__":
    main()
