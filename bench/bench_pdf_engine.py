"""Time `PdfReportWriter`: Devanagari against Latin, and Latin against a bare canvas loop.

Two comparisons, each measured in the same run, in rounds (every variant once per round, so a
burst of load on the shared machine hits them alike), each run a fresh process so that its
peak RSS is its own:

1. a 10,000-row ledger whose narrations, voucher types and parties are Marathi (Devanagari,
   shaped), against the same ledger in English (target: at most 1.5x);
2. a 100,000-row Latin ledger, the writer against a bare reportlab loop drawing the writer's
   own lines (formatted, wrapped and placed beforehand, untimed) in the same fonts (target: at
   most 1.2x); the bare loop in base-14 Helvetica, what the writer used before the shipped
   fonts, is shown beside it.

Rows are generated in batches of 1,000 (as the renderer streams them), outside the timed part.

    .venv/bin/python bench/bench_pdf_engine.py [--rows 100000 --small 10000 --repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import _pdf_bare
import reportlab
import uharfbuzz
from export_service.document import Column, DocumentHeader, Row
from export_service.pdf import PdfReportWriter
from export_service.pdf_layout import TableLayout
from reportlab.lib import rl_accel
from results_file import record_section

SECTION = "## PDF writer"
BATCH = 1_000
VARIANTS = {
    "writer-latin": "PdfReportWriter, English ledger",
    "writer-deva": "PdfReportWriter, Marathi ledger (Devanagari, shaped)",
    "bare": "bare loop, same lines and fonts (Noto Sans), pageCompression=1",
    "bare-helvetica": "bare loop in base-14 Helvetica (the fonts before), pageCompression=1",
}
WORDS = {
    "latin": (
        *("being", "goods", "sold", "to", "as", "per", "bill", "dated", "against", "order"),
        *("received", "cash", "cheque", "transfer", "freight", "charges", "discount"),
        *("allowed", "interest", "on", "delayed", "payment", "for", "the", "month", "of"),
    ),
    "deva": (
        *("माल", "विक्री", "बिल", "क्रमांक", "दिनांक", "विरुद्ध", "ऑर्डर", "प्रमाणे", "रोख"),
        *("रक्कम", "प्राप्त", "धनादेश", "हस्तांतरण", "भाडे", "हमाली", "सूट", "दिली", "व्याज"),
        *("उशिरा", "भरणा", "महिन्याचे", "खात्यात", "जमा", "उर्वरित", "श्री", "यांच्याकडून"),
    ),
}
VOUCHER_TYPES = {
    "latin": ("Sales", "Purchase", "Receipt", "Payment", "Journal"),
    "deva": ("विक्री", "खरेदी", "जमा", "नावे", "जर्नल"),
}
PARTIES = {
    "latin": ("Sharma Traders", "Gupta & Sons", "HDFC Bank A/c", "Cash"),
    "deva": ("श्री गणेश ट्रेडर्स", "गुप्ता आणि मुलगे", "एचडीएफसी बँक खाते", "रोख"),
}


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


def _rows(count: int, script: str) -> Iterator[list[Row]]:
    """Ledger-like rows in batches; the same numbers and shapes for both scripts (seeded)."""
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
            words.append(rng.choice(WORDS[script]))
        narration = f"{' '.join(words)} {i}"
        vtype = rng.choice(VOUCHER_TYPES[script])
        party = rng.choice(PARTIES[script])
        day += timedelta(days=1 if i % 40 == 0 else 0)
        values = (day, vtype, f"V/{i:07d}", party, narration)
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


def _run_writer(path: Path, rows: int, script: str, clock: _Clock) -> int:
    writer = PdfReportWriter()
    with clock:
        writer.begin(path, _header(rows))
    for batch in _rows(rows, script):
        with clock:
            writer.write_rows(batch)
    with clock:
        writer.finish()
    return writer.page_count


def _run_bare(path: Path, rows: int, helvetica: bool, clock: _Clock) -> int:
    layout = TableLayout(_header(rows), 8.0)
    prepared = [_pdf_bare.prepare(layout, batch) for batch in _rows(rows, "latin")]
    if helvetica:
        font = {"NotoSans": "Helvetica", "NotoSans-Bold": "Helvetica-Bold"}
        prepared = [[(font[f], lines) for f, lines in batch] for batch in prepared]
    with clock:
        return _pdf_bare.draw(path, layout, prepared)


def _child(variant: str, rows: int) -> None:
    clock = _Clock()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.pdf"
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        if variant.startswith("bare"):
            pages = _run_bare(path, rows, variant == "bare-helvetica", clock)
        else:
            pages = _run_writer(path, rows, variant.split("-")[1], clock)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        size = path.stat().st_size
    result = {"seconds": clock.wall, "cpu": clock.cpu, "base_kb": base, "peak_kb": peak}
    print(json.dumps({**result, "bytes": size, "pages": pages}))


def _measure(rows: int, variants: list[str], repeat: int) -> dict[str, list[dict[str, Any]]]:
    runs: dict[str, list[dict[str, Any]]] = {variant: [] for variant in variants}
    for _ in range(repeat):
        for variant in variants:
            out = subprocess.run(
                [sys.executable, __file__, "--child", variant, "--rows", str(rows)],
                check=True,
                capture_output=True,
                text=True,
            )
            runs[variant].append(json.loads(out.stdout))
    return runs


def _ratio(runs: dict[str, list[dict[str, Any]]], top: str, bottom: str, key: str) -> str:
    """Best against best, then the lowest and highest of the rounds' own ratios."""
    best = min(r[key] for r in runs[top]) / min(r[key] for r in runs[bottom])
    rounds = [a[key] / b[key] for a, b in zip(runs[top], runs[bottom], strict=True)]
    return f"{best:.2f} (rounds {min(rounds):.2f}-{max(rounds):.2f})"


def _table_lines(rows: int, runs: dict[str, list[dict[str, Any]]]) -> list[str]:
    lines = []
    for variant, results in runs.items():
        wall = sorted(r["seconds"] for r in results)
        cpu = sorted(r["cpu"] for r in results)
        best = min(results, key=lambda r: r["seconds"])
        lines.append(
            f"| {rows:,} | {VARIANTS[variant]} | {wall[0]:.2f} / {statistics.median(wall):.2f} / "
            f"{wall[-1]:.2f} | {cpu[0]:.2f} / {cpu[-1]:.2f} "
            f"| {max(r['peak_kb'] for r in results) / 1024:.0f} | {best['bytes'] / 1e6:.1f} "
            f"| {best['pages']:,} |"
        )
        print(lines[-1])
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=100_000, help="the Latin vs bare run")
    parser.add_argument("--small", type=int, default=10_000, help="the Devanagari vs Latin run")
    parser.add_argument("--child", choices=VARIANTS, help=argparse.SUPPRESS)
    parser.add_argument("--repeat", type=int, default=3, help="rounds per comparison")
    parser.add_argument("--no-record", action="store_true", help="print only")
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.rows)
        return
    load = os.getloadavg()[0]
    scripts = _measure(args.small, ["writer-latin", "writer-deva"], args.repeat)
    table = _table_lines(args.small, scripts)
    deva = [_ratio(scripts, "writer-deva", "writer-latin", k) for k in ("seconds", "cpu")]
    print(f"Devanagari / Latin at {args.small:,} rows: {deva[0]}, CPU {deva[1]}")
    bare = _measure(args.rows, ["writer-latin", "bare", "bare-helvetica"], args.repeat)
    table += _table_lines(args.rows, bare)
    canvas = [_ratio(bare, "writer-latin", "bare", k) for k in ("seconds", "cpu")]
    before = [_ratio(bare, "writer-latin", "bare-helvetica", k) for k in ("seconds", "cpu")]
    print(f"writer / bare loop at {args.rows:,} rows: {canvas[0]}, CPU {canvas[1]}")
    accel = "with" if rl_accel._c_funcs else "without"
    base_mb = min(r["base_kb"] for r in scripts["writer-latin"]) / 1024
    section = [
        SECTION,
        "",
        f"`bench/bench_pdf_engine.py` on {date.today().isoformat()}: {os.cpu_count()} CPUs "
        f"(nproc), Python {platform.python_version()}, reportlab {reportlab.Version} {accel} "
        f"its optional rl_accel C extension, uharfbuzz {uharfbuzz.__version__}, load average "
        f"{load:.1f} at the start (the machine is shared: wall time waits for the CPU, so CPU "
        "time is given too). Synthetic 8-column ledger rows (narrations of 40-80 characters: "
        "they wrap onto a second line of the row about half the time), A4 landscape. "
        f"{args.repeat} rounds, each running every variant once in a fresh process; seconds "
        "are the timed part (the writer's includes formatting, wrapping and shaping; the bare "
        "loop's only drawing and saving), peak RSS is `ru_maxrss` (a process starts at about "
        f"{base_mb:.0f} MiB).",
        "",
        "| rows | run | seconds: best / median / worst | CPU s: best / worst "
        "| peak RSS MiB | file MB | pages |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: |",
        *table,
        "",
        f"Devanagari / Latin at {args.small:,} rows: **{deva[0]}**, CPU time {deva[1]} "
        "(target: at most 1.5).",
        f"Writer / bare loop at {args.rows:,} rows: **{canvas[0]}**, CPU time {canvas[1]} "
        f"(target: at most 1.2); against the bare loop in Helvetica: {before[0]}, CPU time "
        f"{before[1]}.",
    ]
    if not args.no_record:
        record_section(SECTION, "\n".join(section) + "\n")


if __name__ == "__main__":
    main()
