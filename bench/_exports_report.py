"""Figures of bench_exports.py: the printed table and the "## Exports" section of RESULTS.md."""

from __future__ import annotations

import os
import platform
import statistics
from dataclasses import dataclass
from datetime import date
from importlib.metadata import version
from pathlib import Path
from typing import Any

from results_file import record_section

RESULTS = Path(__file__).with_name("RESULTS.md")
SECTION = "## Exports"
ALL_PARTS = ("csv", "xlsx", "pdf", "e2e")


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


def section_heading(parts: list[str]) -> str:
    """The full run's section, or one of its own for a run of some parts (`--only csv`), so
    a partial run never replaces the other parts' figures."""
    if sorted(parts) == sorted(ALL_PARTS):
        return SECTION
    return f"{SECTION}: {', '.join(parts)} only"


Runs = dict[str, list[dict[str, Any]]]  # side's name -> its runs' results, round by round


def cpu_figures(label: str, sides: Runs, baseline: str) -> list[Figure]:
    """Each side's least CPU and the render's over the baseline's, when every run has it."""
    if not all(r.get("cpu") for results in sides.values() for r in results):
        return []
    least = {name: min(r["cpu"] for r in results) for name, results in sides.items()}
    figures = [Figure(f"{label}: {name} (least CPU)", cpu, "s") for name, cpu in least.items()]
    ratio = least["render_job"] / least[baseline]
    return [*figures, Figure(f"{label}: render / baseline, CPU", ratio, "x")]


def run_lines(label: str, sides: Runs, baseline: str) -> list[str]:
    """Every run of every side, and each side's runs over the baseline's, round by round."""
    lines = []
    for name, results in sides.items():
        times = ", ".join(f"{r['seconds']:.2f}" for r in results)
        peaks = ", ".join(f"{r['peak_mb']:.0f}" for r in results)
        cpus = ", ".join(f"{r['cpu']:.2f}" for r in results if r.get("cpu"))
        lines.append(
            f"- {label} {name}: {times} s{f' (CPU {cpus} s)' if cpus else ''}; peak RSS "
            f"{peaks} MB (process at start {results[0]['start_mb']:.0f} MB); file "
            f"{results[0]['bytes'] / 1e6:.1f} MB"
        )
        for key in ("seconds", "cpu") if name != baseline else ():
            if all(r.get(key) for r in results + sides[baseline]):
                lines.append(f"  - {pair_ratios(results, sides[baseline], baseline, key)}")
    return lines


def pair_ratios(
    side: list[dict[str, Any]], baseline: list[dict[str, Any]], name: str, key: str = "seconds"
) -> str:
    """Each run over the baseline's run of the same round: the spread the best-of hides."""
    ratios = sorted(a[key] / b[key] for a, b in zip(side, baseline, strict=True))
    shown = ", ".join(f"{r:.2f}" for r in ratios)
    median = statistics.median(ratios)
    return f"{key} over {name}, round by round: {shown} x (median {median:.2f})"


def section(
    heading: str, figures: list[Figure], setup: list[str], runs: list[str], notes: list[str]
) -> str:
    lines = [heading, "", *setup, "", "| figure | measured | target | result |"]
    lines.append("| --- | ---: | ---: | --- |")
    for f in figures:
        target = f.target.replace("<=", "≤").replace(">=", "≥")
        lines.append(f"| {f.name} | {f.shown()} | {target or '—'} | {f.verdict or '—'} |")
    lines += ["", "Every run (seconds; peak RSS of its process):", "", *runs]
    if notes:
        lines += ["", *notes]
    return "\n".join(lines) + "\n"


def record(text_of_section: str) -> None:
    record_section(text_of_section.split("\n", 1)[0], text_of_section)


def today() -> str:
    return date.today().isoformat()
