"""The web app's numbers and dates the Indian way, whatever the browser's locale: web/format.js
run by Node (the module is pure: no DOM). Amounts in Indian grouping, dd-mm-yyyy read as
day-month-year, periods spelled out in English, Marathi and Hindi, instants in the tenant's zone."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

FORMAT_JS = Path(__file__).resolve().parents[2] / "services/api-gateway/api_gateway/web/format.js"
NODE = shutil.which("node")
DASH = "\N{EN DASH}"  # between a period's two dates

pytestmark = pytest.mark.skipif(NODE is None, reason="needs Node.js to run the web app's module")


def _call(function: str, calls: list[list[Any]], *, language: str = "en") -> list[Any]:
    """`function(*args)` of format.js for each args list, in the UI `language`."""
    assert NODE is not None
    script = (
        f"import * as format from {json.dumps(FORMAT_JS.as_uri())};\n"
        f"format.setLanguage({json.dumps(language)});\n"
        f"format.setTimezone('Asia/Kolkata');\n"
        f"const calls = {json.dumps(calls)};\n"
        f"console.log(JSON.stringify(calls.map((args) => format.{function}(...args))));"
    )
    done = subprocess.run(
        [NODE, "--input-type=module", "-e", script],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
        # The browser's locale must not matter: Node runs with an American one.
        env={"LANG": "en_US.UTF-8", "TZ": "America/New_York"},
    )
    results: list[Any] = json.loads(done.stdout)
    return results


def test_amounts_are_grouped_in_lakhs_and_crores() -> None:
    amounts = [
        "1234567.89",
        "123456789012345.67",  # beyond a float's 15 digits: kept exact, paise and all
        "-50000",
        "999.5",
        "0.00",
        "-0.00",
        "100000",
        1234.567,
        -98765432.1,
        "",
        None,
    ]
    assert _call("money", [[a] for a in amounts]) == [
        "12,34,567.89",
        "12,34,56,78,90,12,345.67",
        "-50,000.00",
        "999.50",
        "0.00",
        "0.00",
        "1,00,000.00",
        "1,234.57",
        "-9,87,65,432.10",
        "",
        "",
    ]


def test_counts_are_grouped_in_lakhs() -> None:
    assert _call("count", [[0], [999], [1000], [100000], [12345678], [None]]) == [
        "0",
        "999",
        "1,000",
        "1,00,000",
        "1,23,45,678",
        "0",
    ]


def test_typed_dates_are_read_day_first_whatever_the_separator() -> None:
    typed = [
        "12-04-2026",  # 12 April, never 4 December
        "12/04/2026",
        "12.04.2026",
        " 1-4-2026 ",
        "01042026",
        "31-12-26",
        "29-02-2028",  # a leap day
    ]
    assert _call("parseDay", [[t] for t in typed]) == [
        "2026-04-12",
        "2026-04-12",
        "2026-04-12",
        "2026-04-01",
        "2026-04-01",
        "2026-12-31",
        "2028-02-29",
    ]


def test_text_that_is_not_a_real_date_is_refused() -> None:
    wrong = ["31-02-2026", "29-02-2026", "00-01-2026", "12-13-2026", "2026-04-12", "12 April", ""]
    assert _call("parseDay", [[t] for t in wrong]) == [None] * len(wrong)


def test_dates_are_shown_as_dd_mm_yyyy() -> None:
    assert _call("day", [["2026-04-01"], ["2026-11-30T00:00:00Z"], [""]]) == [
        "01-04-2026",
        "30-11-2026",
        "",
    ]


@pytest.mark.parametrize(
    ("language", "period"),
    [
        ("en", f"1 April 2026 {DASH} 30 November 2026"),
        ("mr", f"1 एप्रिल, 2026 {DASH} 30 नोव्हेंबर, 2026"),
        ("hi", f"1 अप्रैल 2026 {DASH} 30 नवंबर 2026"),
    ],
)
def test_a_period_is_spelled_out_in_the_ui_language(language: str, period: str) -> None:
    assert _call("spelledPeriod", [["2026-04-01", "2026-11-30"]], language=language) == [period]


def test_an_open_period_says_which_end_it_has() -> None:
    assert _call("spelledPeriod", [["2026-04-01", ""], ["", "2026-11-30"], ["", ""]]) == [
        "from 1 April 2026",
        "up to 30 November 2026",
        "",
    ]


def test_calendar_steps_stay_on_real_days() -> None:
    assert _call("addMonths", [["2026-01-31", 1], ["2028-01-31", 1], ["2026-03-15", -12]]) == [
        "2026-02-28",
        "2028-02-29",
        "2025-03-15",
    ]
    assert _call("addDays", [["2026-03-31", 1], ["2026-03-01", -1]]) == [
        "2026-04-01",
        "2026-02-28",
    ]
    assert _call("daysBetween", [["2026-04-01", "2026-11-30"]]) == [243]


def test_instants_are_shown_in_the_tenants_timezone() -> None:
    # 08:35 UTC is 14:05 in Kolkata, whatever zone the browser (here Node: New York) is in.
    assert _call("dateTime", [["2026-12-05T08:35:00Z"]]) == ["05 Dec 2026, 14:05"]
    assert _call("dateTime", [["2026-12-05T08:35:00Z"]], language="mr") == ["05 डिसें, 2026, 14:05"]


def test_a_calendar_month_is_titled_in_the_ui_language() -> None:
    assert _call("monthTitle", [[2026, 4]], language="hi") == ["अप्रैल 2026"]
    assert _call("weekdayNames", [["short"]])[0] == [
        "Sun",
        "Mon",
        "Tue",
        "Wed",
        "Thu",
        "Fri",
        "Sat",
    ]
