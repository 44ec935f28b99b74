"""The one refusal a statement run can meet, whoever starts it (the API or a schedule)."""

from __future__ import annotations


class StatementRunError(ValueError):
    """A run that cannot start; `field` names the request's field, `status` and `code` say
    how the API answers (the scheduler records the message as the run's failure)."""

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
