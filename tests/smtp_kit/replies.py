"""Scripted SMTP replies: the `Reply` type, its standard texts, and `smtp_reply` checking one."""

from __future__ import annotations

import collections
import re
from dataclasses import dataclass, field

Reply = int | str
"""A scripted answer: a bare code (`451`, standard text added) or a line (`"451 4.7.1 Later"`)."""

_REPLY_TEXT = {
    421: "4.3.2 Service not available, closing transmission channel",
    450: "4.2.1 Mailbox unavailable, try again later",
    451: "4.3.0 Local error in processing, try again later",
    452: "4.3.1 Insufficient system storage",
    550: "5.7.1 Message rejected",
    552: "5.3.4 Message size exceeds fixed limit",
    553: "5.1.3 Mailbox name not allowed",
    554: "5.7.1 Transaction failed",
}
_REPLY_LINE = re.compile(r"[45][0-9][0-9]( [^\r\n]*)?")


def smtp_reply(value: Reply) -> str:
    """Normalise a scripted reply to one SMTP response line; only 4xx/5xx are allowed."""
    line = (
        f"{value} {_REPLY_TEXT.get(value, 'Scripted failure')}" if isinstance(value, int) else value
    )
    if not _REPLY_LINE.fullmatch(line):
        raise ValueError(f"scripted SMTP reply must be a 4xx/5xx line, got {value!r}")
    return line


@dataclass
class _Script:
    mail: collections.deque[str] = field(default_factory=collections.deque)
    rcpt: collections.deque[str] = field(default_factory=collections.deque)
    data: collections.deque[str] = field(default_factory=collections.deque)
