"""The outstanding report: pending receivables (or payables) as of a date, bill by bill, aged.

Internal-only: every To/CC/BCC address must be in one of the tenant's internal domains (typed or
from a saved distribution list), checked when a send or a schedule is saved, at every run and
again at send time.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.domain.periods import IsoDate
from shared.domain.reports.definitions import (
    EmailRequest,
    ParamsContext,
    RecipientPolicy,
    ReportDefinition,
)
from shared.domain.reports.document import ReportSource
from shared.domain.reports.email_bodies import MAX_LIST, Address, EmailFormat
from shared.domain.reports.labels import Labels
from shared.domain.reports.ledger_source import dmy
from shared.domain.reports.outstanding_source import OUTSTANDING_COLUMNS, outstanding_source
from shared.languages import Language


class OutstandingParams(BaseModel):
    """`as_of` defaults to today in the tenant's timezone; the gateway fills it in."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    as_of: IsoDate
    kind: Literal["receivable", "payable"]


class OutstandingScheduleParams(BaseModel):
    # No `as_of`: each run reports as of its own local date.
    model_config = ConfigDict(extra="forbid")

    kind: Literal["receivable", "payable"]


class OutstandingEmailCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    as_of: IsoDate | None = None
    kind: Literal["receivable", "payable"]
    format: EmailFormat = "pdf"
    to: list[Address] = Field(default_factory=list, max_length=MAX_LIST)
    cc: list[Address] = Field(default_factory=list, max_length=MAX_LIST)
    bcc: list[Address] = Field(default_factory=list, max_length=MAX_LIST)
    distribution_list_id: uuid.UUID | None = None
    subject: str | None = Field(default=None, max_length=300)
    message: str | None = Field(default=None, max_length=10_000)
    language: Language | None = Field(
        default=None,
        description="The language of the email and the document; omit for the tenant's default.",
    )


class OutstandingReport(
    ReportDefinition[OutstandingParams, OutstandingScheduleParams, OutstandingEmailCreate]
):
    name = "outstanding"
    title = "Outstanding (ageing)"
    params_model = OutstandingParams
    schedule_params_model = OutstandingScheduleParams
    columns = OUTSTANDING_COLUMNS
    recipients = RecipientPolicy(internal_only=True)
    email_placeholders = ("company", "kind", "as_of", "link_expiry")
    email_body = OutstandingEmailCreate
    defaulted_params = ("as_of",)
    email_description = (
        "Email the outstanding report to internal addresses only (typed or a distribution list)."
    )

    async def with_defaults(self, raw: Mapping[str, Any], ctx: ParamsContext) -> dict[str, Any]:
        if raw.get("as_of") is None:
            return {**raw, "as_of": (await ctx.today()).isoformat()}
        return dict(raw)

    async def open_source(
        self, conn: Any, tenant_id: str, company: str, params: OutstandingParams, labels: Labels
    ) -> ReportSource:
        return await outstanding_source(conn, tenant_id, company, params.kind, params.as_of, labels)

    async def schedule_params(
        self, saved: OutstandingScheduleParams, ctx: ParamsContext
    ) -> dict[str, Any]:
        return {"kind": saved.kind}

    def run_params(self, saved: Mapping[str, Any], local_day: date) -> dict[str, Any]:
        return {"as_of": local_day.isoformat(), "kind": saved["kind"]}

    async def email_values(
        self, conn: Any, tenant_id: str, company: str, params: OutstandingParams, labels: Labels
    ) -> dict[str, str]:
        return self._values(company, params, labels)

    def sample_email_values(self, company: str, labels: Labels) -> dict[str, str]:
        return self._values(
            company, OutstandingParams(as_of=date(2026, 12, 1), kind="receivable"), labels
        )

    def _values(self, company: str, params: OutstandingParams, labels: Labels) -> dict[str, str]:
        return {"company": company, "kind": labels.kind(params.kind), "as_of": dmy(params.as_of)}

    def email_request(self, body: OutstandingEmailCreate) -> EmailRequest:
        return EmailRequest(
            params={"as_of": body.as_of, "kind": body.kind},
            format=body.format,
            to=list(body.to),
            cc=list(body.cc),
            bcc=list(body.bcc),
            distribution_list_id=body.distribution_list_id,
            subject=body.subject,
            message=body.message,
            language=body.language,
        )

    def file_name_parts(self, params: Mapping[str, Any]) -> tuple[object, ...]:
        return ("Outstanding", params.get("kind", ""), params.get("as_of", ""))
