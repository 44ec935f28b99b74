"""Compare xlsxwriter (constant_memory) and openpyxl (write_only) on ledger-shaped rows.

Each measurement runs in a fresh interpreter so that its peak RSS (`ru_maxrss`) is its own.
Both engines write the same synthetic 8-column ledger (date, voucher type, voucher number,
narration, debit, credit, balance, days) with the same number formats; the "ledgerpost" row
is `export_service.xlsx.XlsxReportWriter` itself (xlsxwriter underneath), and "rows only" is the
cost of generating the rows without writing anything. Results replace the "## XLSX engines"
section of RESULTS.md.

    .venv/bin/python bench/bench_xlsx_engines.py --rows 200000,1000000
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from results_file import record_section

SECTION = "## XLSX engines"
ENGINES = ("rows only", "xlsxwriter", "openpyxl", "ledgerpost")
INDIAN = r"[>=10000000]##\,##\,##\,##0.00;[>=100000]##\,##\,##0.00;##,##0.00"
BALANCE = '#,##0.00 "Dr";#,##0.00 "Cr"'
DATE = "dd-mm-yyyy"
VOUCHER_TYPES = ("Sales", "Purchase", "Receipt", "Payment", "Journal", "Contra")
NARRATIONS = (
    "Being goods sold on credit vide invoice",
    "Cash received against bill",
    "Being goods purchased from supplier",
    "Bank charges for the quarter",
    "Being freight paid on inward goods",
)


def ledger_rows(count: int) -> Iterator[tuple[Any, ...]]:
    """Deterministic rows, generated lazily so that memory reflects the engine only."""
    start = date(2020, 4, 1)
    balance = Decimal("250000.00")
    for i in range(count):
        amount = Decimal((i * 7919) % 2_500_000) / 100
        debit, credit = (amount, None) if i % 3 else (None, amount)
        balance += amount if debit is not None else -amount
        yield (
            start + timedelta(days=i // 500),
            VOUCHER_TYPES[i % 6],
            f"V{i:08d}",
            f"{NARRATIONS[i % 5]} {i}",
            debit,
            credit,
            balance,
            i % 120,
        )


def _run_xlsxwriter(path: Path, count: int) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = book.add_worksheet()
    date_fmt = book.add_format({"num_format": DATE})
    money = book.add_format({"num_format": INDIAN})
    balance_fmt = book.add_format({"num_format": BALANCE})
    for r, (d, vt, vn, nar, dr, cr, bal, days) in enumerate(ledger_rows(count)):
        ws.write_datetime(r, 0, d, date_fmt)
        ws.write_string(r, 1, vt)
        ws.write_string(r, 2, vn)
        ws.write_string(r, 3, nar)
        if dr is not None:
            ws.write_number(r, 4, float(dr), money)
        if cr is not None:
            ws.write_number(r, 5, float(cr), money)
        ws.write_number(r, 6, float(bal), balance_fmt)
        ws.write_number(r, 7, days)
    book.close()


def _run_openpyxl(path: Path, count: int) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    ws = book.create_sheet()

    def cell(value: Any, number_format: str) -> Any:
        c = WriteOnlyCell(ws, value=value)
        c.number_format = number_format
        return c

    for d, vt, vn, nar, dr, cr, bal, days in ledger_rows(count):
        ws.append(
            [
                cell(d, DATE),
                vt,
                vn,
                nar,
                None if dr is None else cell(float(dr), INDIAN),
                None if cr is None else cell(float(cr), INDIAN),
                cell(float(bal), BALANCE),
                days,
            ]
        )
    book.save(str(path))


def _run_ledgerpost(path: Path, count: int) -> None:
    from export_service.document import Column, DocumentHeader, Row
    from export_service.xlsx import XlsxReportWriter

    columns = (
        Column("Date", "date", 10),
        Column("Voucher type", "text", 12),
        Column("Voucher no", "text", 10),
        Column("Narration", "text", 40),
        Column("Debit", "money", 14),
        Column("Credit", "money", 14),
        Column("Balance", "balance", 17),
        Column("Days", "integer", 5),
    )
    header = DocumentHeader(
        title="Ledger statement",
        company="Bench Traders",
        lines=("Ledger: Bench", "Period: 01-04-2020 to 31-03-2026"),
        columns=columns,
        total_rows=count,
        generated_at=datetime.now(UTC),
    )
    writer = XlsxReportWriter()
    writer.begin(path, header)
    batch: list[Row] = []
    for values in ledger_rows(count):
        batch.append(Row(values))
        if len(batch) == 5000:  # the render loop's batch size
            writer.write_rows(batch)
            batch = []
    writer.write_rows(batch)
    writer.finish()


def _run_rows_only(path: Path, count: int) -> None:
    for _ in ledger_rows(count):
        pass


def child(engine: str, count: int) -> None:
    runner = {
        "rows only": _run_rows_only,
        "xlsxwriter": _run_xlsxwriter,
        "openpyxl": _run_openpyxl,
        "ledgerpost": _run_ledgerpost,
    }[engine]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.xlsx"
        started = time.perf_counter()
        runner(path, count)
        seconds = time.perf_counter() - started
        size = path.stat().st_size if path.exists() else 0
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(json.dumps({"seconds": seconds, "peak_mib": peak_kib / 1024, "bytes": size}))


def measure(engine: str, count: int) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", engine, "--rows", str(count)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _versions() -> str:
    from importlib.metadata import version

    return f"xlsxwriter {version('xlsxwriter')}, openpyxl {version('openpyxl')}"


def _section(results: list[tuple[int, str, dict[str, Any]]]) -> str:
    try:
        import lxml  # noqa: F401

        lxml_note = "with lxml"
    except ImportError:
        lxml_note = "without lxml, so its pure-Python XML writer"
    lines = [
        SECTION,
        "",
        f"`bench/bench_xlsx_engines.py` on {date.today().isoformat()}: {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, {_versions()} ({lxml_note}). One fresh process "
        "per measurement; peak RSS is its `ru_maxrss`, interpreter included. Rows: 8 ledger "
        "columns (date, 3 texts, 2 money, balance, integer), same number formats in both.",
        "",
        "| rows | engine | seconds | rows/s | peak RSS MiB | file MiB |",
        "| ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    for count, engine, r in results:
        rate = count / r["seconds"] if r["seconds"] else 0
        lines.append(
            f"| {count:,} | {engine} | {r['seconds']:.2f} | {rate:,.0f} "
            f"| {r['peak_mib']:.1f} | {r['bytes'] / 2**20:.1f} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", default="200000,1000000", help="comma-separated row counts")
    parser.add_argument("--engines", default=",".join(ENGINES), help="comma-separated")
    parser.add_argument("--no-record", action="store_true", help="print only")
    parser.add_argument("--child", choices=ENGINES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    counts = [int(n) for n in args.rows.split(",")]
    if args.child:
        child(args.child, counts[0])
        return
    engines = [e.strip() for e in args.engines.split(",")]
    print(f"{'rows':>10}  {'engine':<12} {'seconds':>8} {'peak MiB':>9} {'file MiB':>9}")
    results = []
    for count in counts:
        for engine in engines:
            r = measure(engine, count)
            results.append((count, engine, r))
            print(
                f"{count:>10,}  {engine:<12} {r['seconds']:>8.2f} {r['peak_mib']:>9.1f} "
                f"{r['bytes'] / 2**20:>9.1f}",
                flush=True,
            )
    if not args.no_record:
        record_section(SECTION, _section(results))


if __name__ == "__main__":
    main()
