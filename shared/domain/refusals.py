"""`FieldRefusal`: a request refused because of one of its fields, whichever rule refused it.

Report parameters, statement runs, periods and recurrences each raise their own subclass (so a
caller catches just the rule it asked), but they carry the same things: the field to name, a
message for people, and how an API answers (status, a stable `code`, and for a quota how long
to wait). The gateway turns any of them into one RFC 9457 problem (`refusal_problem`); the
scheduler records the message as a run's failure.
"""

from __future__ import annotations


class FieldRefusal(ValueError):
    """`field` names what to fix (a path relative to the request the rule checked)."""

    def __init__(
        self,
        field: str,
        message: str,
        *,
        status: int = 422,
        code: str | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.status = status
        self.code = code
        self.retry_after = retry_after
