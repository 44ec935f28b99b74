"""Figures of bench_exports.py: the printed table and the "## Exports" section of RESULTS.md."""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass
from datetime import date
from importlib.metadata import version
from pathlib import Path

from results_file import record_section

RESULTS = Path(__file__).with_name("RESULTS.md")
SECTION = "## Exports"


@dataclass(frozen=True)
class Figure:
    name: str
    value: float
    unit: str
    target: str = ""  # "<= 1.25", ">= 1.4", or "" (reported only)

    @property
    def verdict(self) -> str:
        if not self.target:
            return ""
        op, limit = self.target.split()
        ok = self.value <= float(limit) if op == "<=" else self.value >= float(limit)
        return "PASS" if ok else "MISS"

    def shown(self) -> str:
        digits = {"MB": 0, "ms": 0, "jobs/s": 1}.get(self.unit, 2)
        return f"{self.value:,.{digits}f} {self.unit}".strip()


def machine(server_version: str) -> str:
    cpus = len(os.sched_getaffinity(0))  # what `nproc` prints
    mem_kb = 0
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    libs = ", ".join(
        f"{name} {version(name)}" for name in ("asyncpg", "xlsxwriter", "openpyxl", "reportlab")
    )
    return (
        f"{cpus} CPUs (nproc), {mem_kb / 2**20:.1f} GiB RAM, Python {platform.python_version()}, "
        f"PostgreSQL {server_version}, {libs}"
    )


def print_table(figures: list[Figure]) -> None:
    width = max(len(f.name) for f in figures)
    print(f"\n{'figure':<{width}}  {'measured':>14}  {'target':>8}  result")
    for f in figures:
        print(f"{f.name:<{width}}  {f.shown():>14}  {f.target:>8}  {f.verdict}")


def section(figures: list[Figure], setup: list[str], runs: list[str], notes: list[str]) -> str:
    lines = [SECTION, "", *setup, "", "| figure | measured | target | result |"]
    lines.append("| --- | ---: | ---: | --- |")
    for f in figures:
        target = f.target.replace("<=", "≤").replace(">=", "≥")
        lines.append(f"| {f.name} | {f.shown()} | {target or '—'} | {f.verdict or '—'} |")
    lines += ["", "Every run (seconds; peak RSS of its process):", "", *runs]
    if notes:
        lines += ["", *notes]
    return "\n".join(lines) + "\n"


def record(text_of_section: str) -> None:
    record_section(SECTION, text_of_section)


def today() -> str:
    return date.today().isoformat()
