"""The ledger statement: one ledger (usually a party's) over a period, with a running balance.

Anyone may receive it; when To is left empty, the party directory's entry for the ledger fills it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.domain.confirmations.words import sample_confirmation_request
from shared.domain.periods import IsoDate, PeriodError, resolve_period
from shared.domain.reports.amounts import dr_cr
from shared.domain.reports.definitions import (
    EmailRequest,
    ParamsContext,
    RecipientPolicy,
    ReportDefinition,
    ReportParamError,
    ledger_not_found,
)
from shared.domain.reports.document import ReportSource
from shared.domain.reports.email_bodies import MAX_LIST, Address, EmailFormat
from shared.domain.reports.labels import Labels
from shared.domain.reports.ledger_source import (
    LEDGER_COLUMNS,
    canonical_ledger,
    dmy,
    ledger_figures,
    ledger_party,
    ledger_source,
)
from shared.infra.db.models import Ledger
from shared.languages import Language

# The ledger's party as the books name it (the email's `{party}`; the ledger's name without one).
_PARTY_NAME = "SELECT party_name FROM ledgers WHERE id = $1"

# Names are stripped before they are checked: one that is only spaces is empty.
NOT_BLANK = r"\S"


class LedgerParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    ledger: str = Field(min_length=1, max_length=200, pattern=NOT_BLANK)
    from_date: IsoDate
    to_date: IsoDate


class LedgerScheduleParams(BaseModel):
    """A relative period (`shared.periods`), resolved again at every run."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    ledger: str = Field(min_length=1, max_length=200, pattern=NOT_BLANK)
    period: str = Field(max_length=32)
    n: int | None = Field(default=None, strict=True)


class LedgerEmailCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    ledger: str = Field(min_length=1, max_length=200, pattern=NOT_BLANK)
    from_date: IsoDate
    to_date: IsoDate
    format: EmailFormat = "pdf"
    to: list[Address] | None = Field(
        default=None,
        max_length=MAX_LIST,
        description="Omit to use the party email directory's entry for the ledger.",
    )
    cc: list[Address] = Field(default_factory=list, max_length=MAX_LIST)
    bcc: list[Address] = Field(default_factory=list, max_length=MAX_LIST)
    subject: str | None = Field(default=None, max_length=300)
    message: str | None = Field(default=None, max_length=10_000)
    language: Language | None = Field(
        default=None,
        description=(
            "The language of the email and the statement; omit for the party's (its directory"
            " entry's), else the tenant's default."
        ),
    )
    confirm_balance: bool = Field(
        default=False,
        description=(
            "Ask the party to confirm its closing balance as of to_date: the email carries a "
            "signed link to a public page where it confirms or gives its own balance."
        ),
    )


async def resolve_ledger_name(session: AsyncSession, tenant_id: str, name: str) -> str | None:
    """The ledger's canonical name, matched case-insensitively; None when it does not exist."""
    result = await session.scalar(
        select(Ledger.name).where(
            Ledger.tenant_id == tenant_id, func.lower(Ledger.name) == name.strip().lower()
        )
    )
    return result


class LedgerStatement(ReportDefinition[LedgerParams, LedgerScheduleParams, LedgerEmailCreate]):
    name = "ledger"
    title = "Ledger statement"
    params_model = LedgerParams
    schedule_params_model = LedgerScheduleParams
    columns = LEDGER_COLUMNS
    recipients = RecipientPolicy(internal_only=False, directory_param="ledger")
    email_placeholders = (
        "company",
        "party",
        "ledger",
        "period",
        "closing_balance",
        "confirmation_request",
        "link_expiry",
    )
    email_body = LedgerEmailCreate
    email_description = (
        "Email a ledger statement; To is auto-filled from the party directory when omitted."
    )

    def check_params(self, params: LedgerParams, max_period_days: int) -> None:
        if params.from_date > params.to_date:
            raise ReportParamError("from_date", "from_date is after to_date")
        if (params.to_date - params.from_date).days > max_period_days:
            raise ReportParamError(
                "to_date", f"the period is longer than the {max_period_days}-day limit"
            )

    async def resolved(self, params: LedgerParams, ctx: ParamsContext) -> LedgerParams:
        canonical = await resolve_ledger_name(ctx.session, ctx.tenant_id, params.ledger)
        if canonical is None:
            raise ledger_not_found("ledger", params.ledger)
        return params.model_copy(update={"ledger": canonical})

    async def open_source(
        self, conn: Any, tenant_id: str, company: str, params: LedgerParams, labels: Labels
    ) -> ReportSource:
        ledger = await canonical_ledger(conn, tenant_id, params.ledger)
        if ledger is None:
            raise ledger_not_found("ledger", params.ledger)
        figures = await ledger_figures(conn, ledger, params.from_date, params.to_date)
        file_params = {**params.model_dump(mode="json"), "ledger": ledger.name}
        party = await ledger_party(conn, ledger)
        return ledger_source(conn, company, figures, file_params, party=party, labels=labels)

    async def schedule_params(
        self, saved: LedgerScheduleParams, ctx: ParamsContext
    ) -> dict[str, Any]:
        try:
            start, end = resolve_period(saved.period, await ctx.today(), saved.n)
        except PeriodError as exc:
            raise ReportParamError(exc.field, exc.message) from None
        if (end - start).days > ctx.max_period_days:
            # Refused now rather than failing at every run.
            raise ReportParamError(
                "n" if saved.n is not None else "period",
                f"the period is longer than the {ctx.max_period_days}-day export limit",
            )
        canonical = await resolve_ledger_name(ctx.session, ctx.tenant_id, saved.ledger)
        if canonical is None:
            raise ledger_not_found("ledger", saved.ledger)
        params: dict[str, Any] = {"ledger": canonical, "period": saved.period}
        if saved.n is not None:
            params["n"] = saved.n
        return params

    def run_params(self, saved: Mapping[str, Any], local_day: date) -> dict[str, Any]:
        start, end = resolve_period(saved["period"], local_day, saved.get("n"))
        return {
            "ledger": saved["ledger"],
            "from_date": start.isoformat(),
            "to_date": end.isoformat(),
        }

    async def email_values(
        self, conn: Any, tenant_id: str, company: str, params: LedgerParams, labels: Labels
    ) -> dict[str, str]:
        ledger = await canonical_ledger(conn, tenant_id, params.ledger)
        if ledger is None:
            raise ledger_not_found("ledger", params.ledger)
        figures = await ledger_figures(conn, ledger, params.from_date, params.to_date)
        party = await conn.fetchval(_PARTY_NAME, ledger.id)
        return self.statement_values(company, ledger.name, party, figures.closing, params, labels)

    def sample_email_values(self, company: str, labels: Labels) -> dict[str, str]:
        sample = LedgerParams(
            ledger="Arora Stores Pvt Ltd", from_date=date(2026, 4, 1), to_date=date(2026, 6, 30)
        )
        values = self.statement_values(
            company, sample.ledger, "Arora Stores", Decimal("1234567.00"), sample, labels
        )
        return {**values, "confirmation_request": sample_confirmation_request(labels.language)}

    def confirmation_subject(self, params: LedgerParams) -> tuple[str, date] | None:
        return params.ledger, params.to_date

    def statement_values(
        self,
        company: str,
        ledger: str,
        party: str | None,
        closing: Decimal,
        params: LedgerParams,
        labels: Labels,
    ) -> dict[str, str]:
        """The email's values from figures already read (a statement run reads them once)."""
        period = labels.period.format(start=dmy(params.from_date), end=dmy(params.to_date))
        return {
            "company": company,
            "party": party or ledger,
            "ledger": ledger,
            "period": period,
            "closing_balance": "\u20b9" + dr_cr(closing, labels.debit, labels.credit),
            # Filled only when the send asks for a confirmation (`confirm_balance`).
            "confirmation_request": "",
        }

    def email_request(self, body: LedgerEmailCreate) -> EmailRequest:
        return EmailRequest(
            params={"ledger": body.ledger, "from_date": body.from_date, "to_date": body.to_date},
            format=body.format,
            to=list(body.to or []),
            cc=body.cc,
            bcc=body.bcc,
            distribution_list_id=None,
            subject=body.subject,
            message=body.message,
            language=body.language,
            confirm_balance=body.confirm_balance,
        )

    def file_name_parts(self, params: Mapping[str, Any]) -> tuple[object, ...]:
        return ("Ledger", params.get("ledger", ""), params.get("from_date"), params.get("to_date"))

    def file_name_identity(self, params: Mapping[str, Any]) -> str | None:
        return str(params.get("ledger") or "") or None
