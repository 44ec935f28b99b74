"""Ageing buckets: "Not due" first, the tenant's edges after it, and the edges refused."""

from __future__ import annotations

from datetime import date

import pytest

from shared.domain.reports import DEFAULT_BUCKETS, AgeingBuckets, AgeingEdgesError, days_overdue
from shared.domain.reports.labels import ENGLISH, HINDI, MARATHI


def test_a_bill_is_overdue_from_the_day_after_its_due_date() -> None:
    as_of = date(2026, 3, 31)
    assert days_overdue(date(2026, 4, 1), as_of) is None  # due tomorrow: not due
    assert days_overdue(as_of, as_of) == 0  # due today: payable, not late
    assert days_overdue(date(2026, 3, 1), as_of) == 30


def test_default_buckets_at_their_edges() -> None:
    assert DEFAULT_BUCKETS.labels == ("Not due", "0-30", "31-60", "61-90", "90+")
    expected = {
        None: "Not due",
        0: "0-30",
        30: "0-30",
        31: "31-60",
        60: "31-60",
        61: "61-90",
        90: "61-90",
        91: "90+",
        4000: "90+",
    }
    assert {days: DEFAULT_BUCKETS.label_for(days) for days in expected} == expected


def test_a_tenants_own_edges_make_its_buckets() -> None:
    buckets = AgeingBuckets.from_edges([15, 45, 120, 180])
    assert buckets.labels == ("Not due", "0-15", "16-45", "46-120", "121-180", "180+")
    assert [buckets.label_for(d) for d in (15, 16, 180, 181)] == [
        "0-15",
        "16-45",
        "121-180",
        "180+",
    ]
    one = AgeingBuckets.from_edges([1])
    assert one.labels == ("Not due", "0-1", "1+")
    assert (one.label_for(1), one.label_for(2)) == ("0-1", "1+")


def test_bucket_total_titles() -> None:
    assert ENGLISH.outstanding.total_title("Not due") == "Ageing not yet due"
    assert ENGLISH.outstanding.total_title("31-60") == "Ageing 31-60 days"


def test_buckets_in_marathi_and_hindi_keep_their_latin_ranges() -> None:
    assert [MARATHI.outstanding.bucket(b) for b in DEFAULT_BUCKETS.labels] == [
        "अजून देय नाही",
        "0-30",
        "31-60",
        "61-90",
        "90+",
    ]
    assert MARATHI.outstanding.total_title("90+") == "थकीत 90+ दिवस"
    assert HINDI.outstanding.total_title("31-60") == "अतिदेय 31-60 दिन"
    assert HINDI.outstanding.total_title("Not due") == "देय तिथि अभी नहीं आई"
    assert MARATHI.outstanding.total_title("Not due") == "देय दिनांक अजून आलेला नाही"


@pytest.mark.parametrize(
    ("edges", "code"),
    [
        ([], "ageing_buckets_empty"),
        ([10, 20, 30, 40, 50, 60, 70], "ageing_buckets_too_many"),
        ([0, 30], "ageing_buckets_out_of_range"),
        ([-30], "ageing_buckets_out_of_range"),
        ([30, 3651], "ageing_buckets_out_of_range"),
        ([30, 30, 60], "ageing_buckets_not_increasing"),
        ([60, 30], "ageing_buckets_not_increasing"),
    ],
)
def test_unusable_edges_are_refused_with_a_stable_code(edges: list[int], code: str) -> None:
    with pytest.raises(AgeingEdgesError) as refused:
        AgeingBuckets.from_edges(edges)
    assert refused.value.code == code
    assert refused.value.message


def test_six_edges_up_to_ten_years_are_accepted() -> None:
    buckets = AgeingBuckets.from_edges([30, 60, 90, 180, 365, 3650])
    assert len(buckets.labels) == 8
