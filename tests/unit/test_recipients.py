"""Recipient rules shared by the gateway, the mail-service and the scheduler (no I/O)."""

from __future__ import annotations

import pytest

from shared.domain.recipients import (
    RecipientError,
    Recipients,
    external_addresses,
    normalize_recipients,
)

INTERNAL = ["example.in", "company.com"]
CYRILLIC_O = "\u043e"


def test_normalizes_each_address_and_keeps_the_lists_apart() -> None:
    result = normalize_recipients(
        ["A@Example.IN"], ["b@B\u00fccher.DE"], ["c@example.in"], max_total=10
    )
    assert result == Recipients(["A@example.in"], ["b@xn--bcher-kva.de"], ["c@example.in"])
    assert result.all == ["A@example.in", "b@xn--bcher-kva.de", "c@example.in"]
    assert result.count == 3


def test_duplicates_are_dropped_case_insensitively_keeping_the_first() -> None:
    result = normalize_recipients(
        ["a@example.in", "A@EXAMPLE.IN", "b@example.in"],
        ["B@example.in", "c@example.in", "C@Example.in"],
        ["a@example.in", "c@EXAMPLE.in", "d@example.in"],
        max_total=10,
    )
    # To wins over CC and BCC, CC over BCC; the spelling of the first occurrence is kept.
    assert result.to == ["a@example.in", "b@example.in"]
    assert result.cc == ["c@example.in"]
    assert result.bcc == ["d@example.in"]
    assert result.count == 4


def test_every_invalid_entry_is_named_by_its_position_as_given() -> None:
    with pytest.raises(RecipientError) as caught:
        normalize_recipients(
            ["ok@example.in", "ok@example.in", "nope"],
            ["ok2@example.in", '"Boss" <boss@example.in>'],
            ["x@example.in\r\nBcc: victim@evil.com"],
            max_total=10,
        )
    errors = caught.value.errors
    assert [field for field, _ in errors] == ["to.2", "cc.1", "bcc.0"]
    assert all(message.startswith("not a valid email address: ") for _, message in errors)
    assert isinstance(caught.value, ValueError)
    assert "\r" not in str(caught.value) and "\n" not in str(caught.value)


def test_more_than_max_total_is_refused_counting_duplicates_once() -> None:
    to = [f"u{n}@example.in" for n in range(3)]
    assert normalize_recipients(to, to, ["U0@example.in"], max_total=3).count == 3
    with pytest.raises(RecipientError) as caught:
        normalize_recipients(to, ["x@example.in"], ["y@example.in"], max_total=4)
    [(field, message)] = caught.value.errors
    assert field == "bcc"  # the list in which the total passes the limit
    assert "at most 4 recipients" in message and "got 5" in message


def test_empty_lists_are_allowed_here() -> None:
    # Whether nothing at all is acceptable is the caller's rule (a list needs one address).
    assert normalize_recipients([], [], [], max_total=5) == Recipients([], [], [])


@pytest.mark.parametrize(
    "address",
    [
        "x@evil.com",
        "x@example.in.evil.com",  # the internal domain as a subdomain of another
        "x@mail.example.in",  # subdomains are not internal unless listed
        "x@example.in.",  # trailing dot: unparseable, hence external
        f"x@c{CYRILLIC_O}mpany.com",  # IDNA look-alike of company.com
        "x@ex\u0430mple.in",  # Cyrillic a in example.in
        '"boss@example.in" <x@evil.com>',  # a display name is not the address
        '"a@example.in"@evil.com',  # a quoted local part is not the domain
        "a@example.in\r\nBcc: x@evil.com",
        "",
    ],
)
def test_tricky_external_addresses_are_never_internal(address: str) -> None:
    given = Recipients([address], [], [])
    assert external_addresses(given, INTERNAL) == [("to.0", address)]


@pytest.mark.parametrize(
    "address", ["x@example.in", "X@Example.IN", "x@EXAMPLE.IN", "x@company.com"]
)
def test_internal_addresses_in_any_case(address: str) -> None:
    assert external_addresses(Recipients([], [address], []), INTERNAL) == []


@pytest.mark.parametrize(
    "address", ['"boss@example.in" <x@evil.com>', '"a@example.in"@evil.com', "x@example.in."]
)
def test_disguised_addresses_are_refused_as_invalid(address: str) -> None:
    with pytest.raises(RecipientError) as caught:
        normalize_recipients([address], [], [], max_total=5)
    assert [field for field, _ in caught.value.errors] == ["to.0"]


def test_external_addresses_names_each_position() -> None:
    recipients = normalize_recipients(
        ["a@example.in", "b@evil.com"],
        ["c@company.com"],
        ["d@example.in", "e@example.in", "f@Other.ORG"],
        max_total=10,
    )
    assert external_addresses(recipients, INTERNAL) == [
        ("to.1", "b@evil.com"),
        ("bcc.2", "f@other.org"),
    ]


def test_no_internal_domains_makes_everything_external() -> None:
    recipients = Recipients(["a@example.in"], [], ["b@example.in"])
    assert external_addresses(recipients, []) == [
        ("to.0", "a@example.in"),
        ("bcc.0", "b@example.in"),
    ]


def test_configured_domains_are_normalized_before_comparing() -> None:
    recipients = Recipients(["a@example.in", "b@xn--bcher-kva.de"], [], [])
    assert external_addresses(recipients, ["Example.IN.", "B\u00fccher.de"]) == []


def test_recipients_is_immutable() -> None:
    recipients = Recipients(["a@example.in"], [], [])
    with pytest.raises(AttributeError):
        recipients.to = []  # type: ignore[misc]
