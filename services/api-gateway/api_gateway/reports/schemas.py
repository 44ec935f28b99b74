"""Responses of the send-report-by-email endpoints.

Each report's request body is its definition's `email_body` (`shared.reports`)."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel

from api_gateway.exports.schemas import EmailStatusField


class RecipientsPublic(BaseModel):
    to: list[str]
    cc: list[str]
    bcc: list[str]


class ReportEmailAccepted(BaseModel):
    email_id: uuid.UUID
    export_job_id: uuid.UUID
    status: EmailStatusField
    recipients: RecipientsPublic
    # Where To came from: "directory" (auto-filled), "typed" or "distribution_list".
    to_source: Literal["directory", "typed", "distribution_list"]
    subject: str
