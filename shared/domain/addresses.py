"""Email address, domain and host name validation shared by the gateway and the mail-service.

One normal form everywhere: domains are lower-case ASCII (IDNA A-labels, "xn--..."), so a
configured internal domain and a recipient's domain compare as plain strings. Nothing here
touches DNS.

Decisions (the mail-service relies on them):
- `is_internal_address` matches the address's domain EXACTLY against the internal domains:
  `mail.company.com` is not internal because `company.com` is; list it explicitly.
- An internal address has no `%` or `!` in its local part: `x%evil.com@company.com` (the
  "percent hack") and `x!evil.com@company.com` (a UUCP bang path) are relayed onward by mail
  servers that honour them, so the mail would leave the company.
- A trailing dot is stripped from a configured domain (`company.com.` is the same DNS name),
  but an address ending in a dot is refused by `normalize_address` (email_validator refuses
  it, and we would not send to it), so `x@company.com.` is external: unparseable means external.
- Unicode domains are compared by their IDNA form: `company.com` spelled with a Cyrillic
  "o" (U+043E) is `xn--cmpany-wqf.com`, another domain, hence external.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from typing import Annotated

import idna
from email_validator import EmailNotValidError, validate_email
from pydantic import Field, WithJsonSchema

MAX_DOMAIN_LENGTH = 253
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
# Python's str.splitlines() (used by some header code) also breaks on these, so they could
# smuggle a new header line just like CR/LF.
# Unicode's "Cc" characters (C0, DEL and C1 controls: CR, LF, NUL, TAB...) and the line and
# paragraph separators, as one character class: searched in C, not character by character.
_HEADER_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


# Route mail onward from the receiving server: never in an internal address.
_RELAY_CHARACTERS = frozenset("%!")
MAX_ADDRESS_LENGTH = 320
# An address in an API body. The document says `format: email`; `normalize_address` checks it
# where the error can name the entry (`to.3`), so pydantic only bounds the length here.
AddressField = Annotated[
    str, Field(max_length=MAX_ADDRESS_LENGTH, json_schema_extra={"format": "email"})
]
_ADDRESS_SCHEMA = {"type": "string", "format": "email", "maxLength": MAX_ADDRESS_LENGTH}
_BLANK_SCHEMA = {"type": "string", "pattern": r"^\s*$", "maxLength": MAX_ADDRESS_LENGTH}
# An optional address of a form, where a blank field means "none".
BlankOrAddressField = Annotated[
    str,
    Field(max_length=MAX_ADDRESS_LENGTH),
    WithJsonSchema({"anyOf": [_ADDRESS_SCHEMA, _BLANK_SCHEMA]}),
]


class InvalidAddressError(ValueError):
    """Not an email address we accept; the message is safe to show to the user."""


class InvalidDomainError(ValueError):
    """Not a domain (or host) name we accept; the message is safe to show to the user."""


def contains_header_unsafe(text: str) -> bool:
    """True when `text` holds a character that could break or inject a mail header line:
    any control character (CR, LF, NUL, TAB and the rest of Unicode "Cc") or a line separator.
    """
    return _HEADER_UNSAFE.search(text) is not None


def normalize_address(raw: str) -> str:
    """`local@domain` with the local part as given and the domain in lower-case ASCII (IDNA).

    Refuses display names, quoted local parts, domain literals, header-unsafe characters and
    anything else email_validator refuses (no DNS lookups).
    """
    if contains_header_unsafe(raw):
        raise InvalidAddressError(f"not a valid email address: {_shown(raw)} (control characters)")
    try:
        # The defaults already refuse display names, quoted local parts and [IP] domains.
        valid = validate_email(raw, check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidAddressError(f"not a valid email address: {_shown(raw)} ({exc})") from None
    return f"{valid.local_part}@{valid.ascii_domain}"


def normalize_domain(raw: str) -> str:
    """A domain of two labels or more in lower-case ASCII, surrounding spaces and one trailing
    dot stripped; unicode is IDNA-encoded (`Bücher.DE` -> `xn--bcher-kva.de`)."""
    return _dns_name(raw, min_labels=2, kind="domain name")


def normalize_hostname(raw: str) -> str:
    """An SMTP server: an IP literal (IPv6 may be bracketed) or a DNS name, single labels such
    as `localhost` or a compose service name included. No scheme, port, path or spaces."""
    text = raw.strip(" ")
    if not text or contains_header_unsafe(text) or any(c.isspace() for c in text):
        raise InvalidDomainError(f"not a valid host name: {_shown(raw)}")
    if "/" in text or (":" in text and not _is_ip(text.strip("[]"))):
        raise InvalidDomainError(
            f"not a valid host name: {_shown(raw)} (give the name only: no scheme, port or path)"
        )
    if text.startswith("[") and text.endswith("]"):
        try:
            return str(ipaddress.IPv6Address(text[1:-1]))
        except ValueError:
            raise InvalidDomainError(f"not a valid IPv6 address: {_shown(raw)}") from None
    if _is_ip(text):
        return str(ipaddress.ip_address(text))
    return _dns_name(text, min_labels=1, kind="host name")


def is_internal_address(address: str, internal_domains: Iterable[str]) -> bool:
    """True only when `address` parses, its domain equals one of `internal_domains` (after
    normalizing both) and its local part cannot relay onward (`%`, `!`). Never raises:
    anything unparseable is external."""
    try:
        local, _, domain = normalize_address(address).rpartition("@")
    except (InvalidAddressError, TypeError):
        return False
    if relays_onward(local):
        return False
    return domain in _normalized_domains(internal_domains)


def relays_onward(local_part: str) -> bool:
    """True when a server may route the mail on from the local part (`%` or `!`)."""
    return any(ch in _RELAY_CHARACTERS for ch in local_part)


def not_internal_hint(address: str) -> str:
    """Why an address in an internal domain is still refused, or "" (for messages)."""
    if isinstance(address, str) and relays_onward(address.rpartition("@")[0]):
        return " (a % or ! in the local part would relay it to another server)"
    return ""


def _normalized_domains(domains: Iterable[str]) -> set[str]:
    # A bad configured entry must not hide the good ones; it simply matches nothing.
    normalized: set[str] = set()
    for domain in domains:
        try:
            normalized.add(normalize_domain(domain))
        except (InvalidDomainError, TypeError):
            continue
    return normalized


def _dns_name(raw: str, *, min_labels: int, kind: str) -> str:
    text = raw.strip(" ")
    if text.endswith("."):
        text = text[:-1]
    if not text or contains_header_unsafe(text) or any(c.isspace() for c in text):
        raise InvalidDomainError(f"not a valid {kind}: {_shown(raw)}")
    try:
        # UTS 46 mapping lower-cases and folds compatibility forms (full-width letters) the
        # way resolvers do, so the result is the name mail would really be delivered to.
        ascii_name = idna.encode(text, uts46=True).decode("ascii").lower()
    except (idna.IDNAError, UnicodeError) as exc:
        raise InvalidDomainError(f"not a valid {kind}: {_shown(raw)} ({exc})") from None
    labels = ascii_name.split(".")
    if len(ascii_name) > MAX_DOMAIN_LENGTH:
        raise InvalidDomainError(f"not a valid {kind}: {_shown(raw)} (longer than 253)")
    if len(labels) < min_labels:
        raise InvalidDomainError(
            f"not a valid {kind}: {_shown(raw)} (needs a dot, like company.com)"
        )
    if not all(_LABEL.fullmatch(label) for label in labels):
        raise InvalidDomainError(
            f"not a valid {kind}: {_shown(raw)} (letters, digits and inner hyphens only)"
        )
    # An all-numeric last label is an IP address (or a typo of one), never a real TLD.
    if labels[-1].isdigit():
        raise InvalidDomainError(f"not a valid {kind}: {_shown(raw)} (looks like an IP)")
    return ascii_name


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _shown(raw: str) -> str:
    """The input as it may appear in a message: repr() escapes CR/LF, long input is cut."""
    return repr(raw if len(raw) <= 80 else raw[:77] + "...")
