"""The one refusal a statement run can meet, whoever starts it (the API or a schedule)."""

from __future__ import annotations

from shared.domain.refusals import FieldRefusal


class StatementRunError(FieldRefusal):
    """A run that cannot start; `field` names the request's field, `status`, `code` and
    `retry_after` say how the API answers (the scheduler records the message as the run's
    failure)."""
