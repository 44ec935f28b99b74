"""Moments printed in the tenant's timezone with its abbreviation, never UTC."""

from __future__ import annotations

from datetime import UTC, datetime

from shared.domain.local_time import local_moment, local_stamp, stamp, tenant_zone

MOMENT = datetime(2026, 12, 4, 16, 53, tzinfo=UTC)


def test_an_indian_tenant_reads_ist() -> None:
    assert local_stamp(MOMENT, "Asia/Kolkata") == "04-12-2026 22:23 IST"


def test_other_zones_keep_their_abbreviation_or_offset() -> None:
    assert local_stamp(datetime(2026, 7, 1, 12, tzinfo=UTC), "Europe/London").endswith("13:00 BST")
    assert local_stamp(MOMENT, "Asia/Dubai") == "04-12-2026 20:53 UTC+04"


def test_a_missing_or_unknown_zone_is_the_default_and_naive_moments_are_utc() -> None:
    assert tenant_zone(None) == tenant_zone("Nowhere/Atlantis") == tenant_zone("Asia/Kolkata")
    assert local_moment(MOMENT.replace(tzinfo=None), "") == local_moment(MOMENT, "Asia/Kolkata")


def test_a_local_moment_is_printed_as_it_is() -> None:
    local = local_moment(MOMENT, "Asia/Kolkata")
    assert stamp(local) == "04-12-2026 22:23 IST"
