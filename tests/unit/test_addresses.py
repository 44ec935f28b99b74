"""Address, domain and host name validation shared by the gateway and the mail-service."""

from __future__ import annotations

import pytest

from shared.domain.addresses import (
    InvalidAddressError,
    InvalidDomainError,
    contains_header_unsafe,
    is_internal_address,
    normalize_address,
    normalize_domain,
    normalize_hostname,
)

CYRILLIC_O = "\u043e"
LOOKALIKE = f"c{CYRILLIC_O}mpany.com"  # "company.com" with a Cyrillic o
FULLWIDTH_COMPANY = "\uff43\uff4f\uff4d\uff50\uff41\uff4e\uff59.com"  # full-width letters


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a@example.com", "a@example.com"),
        ("X@Company.COM", "X@company.com"),  # the local part is kept as given
        ("first.last+tag@Mail.Example.IN", "first.last+tag@mail.example.in"),
        ("a@B\u00fccher.DE", "a@xn--bcher-kva.de"),  # unicode domain -> ASCII (IDNA)
        ("a@xn--bcher-kva.de", "a@xn--bcher-kva.de"),
        (f"x@{LOOKALIKE}", "x@xn--cmpany-wqf.com"),
    ],
)
def test_normalize_address_accepts(raw: str, expected: str) -> None:
    assert normalize_address(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "plain",
        "a@b",  # no dot in the domain
        "a@localhost",
        "a@example.test",  # special-use names are refused by email_validator
        '"Name" <a@example.com>',
        "Name <a@example.com>",
        '"a@company.com"@evil.com',
        '"quoted"@example.com',
        "a@[192.0.2.1]",
        "a@example.com\r\nBcc: victim@example.com",
        "a@example.com\n",
        "a\x00@example.com",
        "a\t@example.com",
        " a@example.com",
        "a@example.com.",  # trailing dot: refused, hence external (see the module docstring)
        "a..b@example.com",
        "a@-example.com",
        "a@example..com",
    ],
)
def test_normalize_address_refuses(raw: str) -> None:
    with pytest.raises(InvalidAddressError, match=r"^not a valid email address: "):
        normalize_address(raw)


def test_invalid_address_error_is_a_value_error_with_escaped_input() -> None:
    with pytest.raises(ValueError, match=r"\\r\\n") as caught:
        normalize_address("a@example.com\r\nX: y")
    assert "\r" not in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("company.com", "company.com"),
        ("Company.COM", "company.com"),
        ("company.com.", "company.com"),  # one trailing dot is the same DNS name
        (" company.com ", "company.com"),
        ("B\u00fccher.de", "xn--bcher-kva.de"),
        ("xn--bcher-kva.de", "xn--bcher-kva.de"),
        (LOOKALIKE, "xn--cmpany-wqf.com"),
        (FULLWIDTH_COMPANY, "company.com"),  # UTS 46 folds full-width letters
        ("mail.example.co.in", "mail.example.co.in"),
        ("a-b.example.in", "a-b.example.in"),
        ("x" * 63 + ".com", "x" * 63 + ".com"),
    ],
)
def test_normalize_domain_accepts(raw: str, expected: str) -> None:
    assert normalize_domain(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        ".",
        "localhost",  # one label
        "company.com..",  # only one trailing dot is stripped
        "a..com",
        "-a.com",
        "a-.com",
        "a_b.com",
        "exa mple.com",
        "company.com\r\n",
        "http://company.com",
        "company.com:25",
        "a@company.com",
        "*.company.com",
        "x" * 64 + ".com",  # a label longer than 63
        ".".join(["abcdefghi"] * 26),  # longer than 253
        "1.2.3.4",  # an IP address is not a domain
        "xn--zz.com",  # not valid punycode
    ],
)
def test_normalize_domain_refuses(raw: str) -> None:
    with pytest.raises(InvalidDomainError, match=r"^not a valid domain name: "):
        normalize_domain(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("smtp.gmail.com", "smtp.gmail.com"),
        ("SMTP.Example.COM.", "smtp.example.com"),
        ("mailpit", "mailpit"),  # a compose service name: one label is fine for a host
        ("localhost", "localhost"),
        ("192.0.2.10", "192.0.2.10"),
        ("::1", "::1"),
        ("[2001:DB8::1]", "2001:db8::1"),
        ("m\u00e4il.example.de", "xn--mil-qla.example.de"),
    ],
)
def test_normalize_hostname_accepts(raw: str, expected: str) -> None:
    assert normalize_hostname(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "smtp://smtp.example.com",
        "smtp.example.com:587",
        "[::1]:25",
        "smtp.example.com/path",
        "smtp example.com",
        "smtp.example.com\r\n",
        "[192.0.2.1]",  # brackets are for IPv6 only
        "192.0.2.999",  # neither an IP nor a name
        "under_score.example.com",
    ],
)
def test_normalize_hostname_refuses(raw: str) -> None:
    with pytest.raises(InvalidDomainError):
        normalize_hostname(raw)


INTERNAL = ["company.com", "Example.IN."]


@pytest.mark.parametrize(
    ("address", "internal"),
    [
        ("x@company.com", True),
        ("X@Company.COM", True),  # case does not matter in the domain
        ("x@example.in", True),  # the configured domain is normalized too
        (f"x@{FULLWIDTH_COMPANY}", True),  # the same DNS name once folded
        ("x@other.com", False),
        ("x@mail.company.com", False),  # no subdomain matching
        ("x@company.com.evil.com", False),
        ("x@evilcompany.com", False),
        ("x@company.co", False),
        ('"boss@company.com" <x@evil.com>', False),
        ("boss@company.com <x@evil.com>", False),
        ('"a@company.com"@evil.com', False),
        ("x@company.com.", False),  # refused as an address, so external (fail closed)
        (f"x@{LOOKALIKE}", False),  # IDNA look-alike
        ("x@company.com\r\nBcc: y@evil.com", False),
        ("x%evil.com@company.com", False),  # the percent hack relays onward
        ("x!evil.com@company.com", False),  # so does a UUCP bang path
        ("evil.com!x@company.com", False),
        ("first.last+tag@company.com", True),
        ("company.com", False),
        ("@company.com", False),
        ("", False),
    ],
)
def test_is_internal_address(address: str, internal: bool) -> None:
    assert is_internal_address(address, INTERNAL) is internal


def test_is_internal_address_never_raises() -> None:
    assert is_internal_address(None, INTERNAL) is False  # type: ignore[arg-type]
    assert is_internal_address("x@company.com", []) is False
    # A broken configured entry matches nothing but does not hide the valid ones.
    assert is_internal_address("x@company.com", ["not a domain", "company.com"]) is True
    assert is_internal_address("x@company.com", iter(["company.com"])) is True  # any iterable


def test_a_lookalike_internal_domain_matches_only_itself() -> None:
    assert is_internal_address(f"x@{LOOKALIKE}", [LOOKALIKE]) is True
    assert is_internal_address("x@company.com", [LOOKALIKE]) is False


@pytest.mark.parametrize(
    ("text", "unsafe"),
    [
        ("Monthly statement - April 2025", False),
        ("R\u00e9sum\u00e9 \u20b9 \u0928\u092e\u0938\u094d\u0924\u0947", False),  # unicode is fine
        ("", False),
        ("line\r\nBcc: x@evil.com", True),
        ("cr\ronly", True),
        ("lf\nonly", True),
        ("nul\x00", True),
        ("tab\there", True),
        ("bell\x07", True),
        ("del\x7f", True),
        ("c1\x85next line", True),
        ("sep\u2028arator", True),
        ("para\u2029graph", True),
    ],
)
def test_contains_header_unsafe(text: str, unsafe: bool) -> None:
    assert contains_header_unsafe(text) is unsafe
