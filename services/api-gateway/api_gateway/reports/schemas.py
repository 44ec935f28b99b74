"""Responses of the send-report-by-email endpoints.

Each report's request body is its definition's `email_body` (`shared.reports`)."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel

from api_gateway.exports.schemas import EmailStatusField


class EmailRecipientsPublic(BaseModel):
    # Named apart from the schedule's recipients, so the OpenAPI component has a stable name
    # instead of one derived from the module path.

    to: list[str]
    cc: list[str]
    bcc: list[str]


class ReportEmailAccepted(BaseModel):
    email_id: uuid.UUID
    export_job_id: uuid.UUID
    status: EmailStatusField
    recipients: EmailRecipientsPublic
    # Where To came from: "directory" (auto-filled), "typed" or "distribution_list".
    to_source: Literal["directory", "typed", "distribution_list"]
    subject: str
    # The balance confirmation the email asks for (`confirm_balance`), else null.
    confirmation_id: uuid.UUID | None = None
