"""PAN and GSTIN checks: shapes, state codes, GSTN's mod-36 check character, PAN agreement."""

from __future__ import annotations

import pytest

from shared.domain.tax_ids import (
    TaxIdError,
    check_gstin_matches_pan,
    gstin_check_character,
    gstin_pan,
    normalize_gstin,
    normalize_pan,
)

# Published GSTINs (on invoices and GST portal examples) whose check characters are known.
KNOWN_GSTINS = ("27AAPFU0939F1ZV", "29AAGCB7383J1Z4", "07AAACR5055K1Z9", "24AAACC1206D1ZM")


@pytest.mark.parametrize("gstin", KNOWN_GSTINS)
def test_the_check_character_of_known_gstins(gstin: str) -> None:
    assert gstin_check_character(gstin[:14]) == gstin[14]
    assert normalize_gstin(gstin) == gstin


def test_a_gstin_is_accepted_as_people_type_it() -> None:
    assert normalize_gstin(" 27 aapfu0939f1zv ") == "27AAPFU0939F1ZV"


@pytest.mark.parametrize(
    ("state", "pan", "entity"),
    [("27", "ABCPK1234L", "1"), ("33", "AADCS9876Q", "2"), ("09", "BXKHG0001A", "A")],
)
def test_a_gstin_built_from_a_pan_with_its_computed_check_character(
    state: str, pan: str, entity: str
) -> None:
    head = f"{state}{pan}{entity}Z"
    gstin = head + gstin_check_character(head)
    assert normalize_gstin(gstin) == gstin
    assert gstin_pan(gstin) == pan
    check_gstin_matches_pan(gstin, normalize_pan(pan))


def test_every_wrong_last_character_is_a_checksum_error() -> None:
    good = KNOWN_GSTINS[0]
    for char in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ".replace(good[14], ""):
        with pytest.raises(TaxIdError) as caught:
            normalize_gstin(good[:14] + char)
        assert caught.value.code == "gstin_checksum"


def test_swapped_neighbours_are_caught_by_the_check_character() -> None:
    # The alternating weights exist for this: a transposition changes the sum.
    good = KNOWN_GSTINS[0]
    swapped = good[:7] + good[8] + good[7] + good[9:]  # "0939" typed as "9039"
    with pytest.raises(TaxIdError) as caught:
        normalize_gstin(swapped)
    assert caught.value.code == "gstin_checksum"


@pytest.mark.parametrize(
    "gstin",
    [
        "27AAPFU0939F1Z",  # 14 characters
        "27AAPFU0939F1ZVX",  # 16
        "2AAAPFU0939F1ZV",  # state code not two digits
        "27AAPF00939F1ZV",  # PAN part with a digit among its letters
        "27AAPFU0939F0ZV",  # registration number 0
        "27AAPFU0939F1YV",  # 14th character not Z
        "27AAPFU0939F1Z-",
        "",
    ],
)
def test_malformed_gstins(gstin: str) -> None:
    with pytest.raises(TaxIdError) as caught:
        normalize_gstin(gstin)
    assert caught.value.code == "gstin_invalid"


@pytest.mark.parametrize("state", ["00", "28", "39", "98"])
def test_a_gstin_from_no_state_is_invalid_even_with_a_right_check_character(state: str) -> None:
    head = f"{state}AAPFU0939F1Z"
    with pytest.raises(TaxIdError) as caught:
        normalize_gstin(head + gstin_check_character(head))
    assert caught.value.code == "gstin_invalid"


@pytest.mark.parametrize("pan", ["AAPFU0939F", "abcpk1234l", " AADCS 9876Q"])
def test_valid_pans(pan: str) -> None:
    assert normalize_pan(pan) == "".join(pan.split()).upper()


@pytest.mark.parametrize(
    "pan",
    ["AAPFU0939", "AAPFU0939FF", "AAPXU0939F", "AAPF10939F", "AAPFU093AF", "1APFU0939F", ""],
)
def test_malformed_pans(pan: str) -> None:
    with pytest.raises(TaxIdError) as caught:
        normalize_pan(pan)
    assert caught.value.code == "pan_invalid"


def test_a_gstin_of_another_pan_is_a_mismatch() -> None:
    with pytest.raises(TaxIdError) as caught:
        check_gstin_matches_pan(KNOWN_GSTINS[0], "AAGCB7383J")
    assert caught.value.code == "gstin_pan_mismatch"
    assert "AAPFU0939F" in caught.value.message
