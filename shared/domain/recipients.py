"""Recipient rules shared by the gateway's email endpoints, the mail-service and the scheduler.

One place decides what a valid set of recipients is, so an address accepted by the gateway is
never refused later (or the reverse):
- every address goes through `shared.domain.addresses.normalize_address` (domain in lower-case IDNA,
  local part as given);
- duplicates are compared case-insensitively across To, CC and BCC and the first occurrence
  wins, in that order: an address in To is dropped from CC and BCC, one in CC from BCC, so
  each recipient gets one copy (and one visible in To is never also a hidden BCC);
- field paths in errors (`to.0`, `cc.1`) are positions in the lists as given, so a client can
  point at the exact entry it sent.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from shared.domain.addresses import is_internal_address, normalize_address

FIELDS = ("to", "cc", "bcc")


class RecipientError(ValueError):
    """Refused recipients; `errors` lists `(field, message)` pairs, messages safe to show."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors))
        self.errors = errors


@dataclass(frozen=True)
class Recipients:
    """Normalized, deduplicated To, CC and BCC addresses."""

    to: list[str]
    cc: list[str]
    bcc: list[str]

    @property
    def all(self) -> list[str]:
        """Every address, To then CC then BCC (the SMTP envelope)."""
        return [*self.to, *self.cc, *self.bcc]

    @property
    def count(self) -> int:
        return len(self.to) + len(self.cc) + len(self.bcc)


def normalize_recipients(
    to: Sequence[str], cc: Sequence[str], bcc: Sequence[str], *, max_total: int
) -> Recipients:
    """Validate and deduplicate the three lists; raises `RecipientError` naming every bad
    entry (`("cc.1", "not a valid email address: ...")`) and a total above `max_total`."""
    errors: list[tuple[str, str]] = []
    normalized: dict[str, list[str]] = {}
    for name, addresses in zip(FIELDS, (to, cc, bcc), strict=True):
        normalized[name] = []
        for index, raw in enumerate(addresses):
            try:
                normalized[name].append(normalize_address(raw))
            except ValueError as exc:
                errors.append((f"{name}.{index}", str(exc)))
    recipients = _dedup(normalized["to"], normalized["cc"], normalized["bcc"])
    if recipients.count > max_total:
        errors.append((_field_over(recipients, max_total), _too_many(recipients, max_total)))
    if errors:
        raise RecipientError(errors)
    return recipients


def external_addresses(
    recipients: Recipients, internal_domains: Iterable[str]
) -> list[tuple[str, str]]:
    """`(field, address)` for every address outside `internal_domains`, in order.

    Each address is checked with `is_internal_address` (exact domain match after
    normalization; anything unparseable is external), so un-normalized lists work too.
    """
    domains = list(internal_domains)
    return [
        (f"{name}.{index}", address)
        for name, addresses in zip(
            FIELDS, (recipients.to, recipients.cc, recipients.bcc), strict=True
        )
        for index, address in enumerate(addresses)
        if not is_internal_address(address, domains)
    ]


def _dedup(to: list[str], cc: list[str], bcc: list[str]) -> Recipients:
    seen: set[str] = set()

    def keep_new(addresses: list[str]) -> list[str]:
        kept: list[str] = []
        for address in addresses:
            # Local parts are case-sensitive in theory, never in practice: one person, one copy.
            key = address.casefold()
            if key not in seen:
                seen.add(key)
                kept.append(address)
        return kept

    return Recipients(keep_new(to), keep_new(cc), keep_new(bcc))


def _field_over(recipients: Recipients, max_total: int) -> str:
    """The list in which the running total passes `max_total`."""
    total = 0
    for name, addresses in zip(FIELDS, (recipients.to, recipients.cc, recipients.bcc), strict=True):
        total += len(addresses)
        if total > max_total:
            return name
    return FIELDS[-1]


def _too_many(recipients: Recipients, max_total: int) -> str:
    return (
        f"at most {max_total} recipients in total (to, cc and bcc together, duplicates "
        f"counted once); got {recipients.count}"
    )
