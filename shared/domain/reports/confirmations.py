"""Balance confirmations as a report, for the auditor: every confirmation of a date (or a
statement run), its balance, the party's answer, the difference and the note, with the counts
per answer at the end. A ledger renamed since it was asked shows its name now, and the name
the statement carried in the last column.

A report like the others, so the export-service renders it in every format (CSV through the
project's cell neutralising: party notes are user text; PDF with the shipped Indian-script
fonts, party names in any script), downloads and schedules come for free, and it is internal
only, as an audit working paper is.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Mapping
from datetime import UTC, date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.domain.local_time import local_stamp
from shared.domain.periods import IsoDate, PeriodError, resolve_period
from shared.domain.reports.definitions import (
    ParamsContext,
    RecipientPolicy,
    ReportDefinition,
    ReportParamError,
)
from shared.domain.reports.document import Column, DocumentHeader, ReportSource, Row
from shared.domain.reports.labels import Labels
from shared.domain.reports.ledger_source import BATCH_ROWS, dmy
from shared.states import ConfirmationStatus

CONFIRMATION_COLUMNS = (
    Column("Party", "text", 26),
    Column("Ledger", "text", 22),
    Column("As of", "date", 11),
    Column("Balance", "balance", 16),
    Column("Answer", "text", 10),
    Column("Party Balance", "balance", 16),
    Column("Difference", "money", 14),
    Column("Answered", "text", 17),
    Column("Note", "text", 32),
    Column("Reminders", "integer", 13),
    # Filled only where the ledger was renamed since: the name its statement carried.
    Column("Ledger as Sent", "text", 22),
)
ANSWER_WORDS = {
    ConfirmationStatus.CONFIRMED: "Confirmed",
    ConfirmationStatus.DISPUTED: "Disputed",
    ConfirmationStatus.NO_REPLY: "No reply",
}

# $2, $3, $4: as_of, run id, status, each NULL for "any".
_WHERE = """
WHERE c.tenant_id = $1 AND ($2::date IS NULL OR c.as_of = $2)
  AND ($3::uuid IS NULL OR c.statement_run_id = $3) AND ($4::text IS NULL OR c.status = $4)
"""
_COUNTS = "SELECT status, count(*) FROM balance_confirmations c" + _WHERE + " GROUP BY status"
# The ledger and its party as the books name them now (found by id: a rename since hides
# nothing), and the ledger's name on the statement when that differs; a deleted ledger keeps
# the names it was sent with.
_ROWS = (
    "SELECT CASE WHEN l.id IS NULL THEN c.party_name ELSE COALESCE(l.party_name, l.name) END,"
    " COALESCE(l.name, c.ledger_name), c.as_of, c.balance, c.status,"
    " c.party_balance, c.replied_at, c.note, c.reminders_sent,"
    " NULLIF(c.ledger_name, COALESCE(l.name, c.ledger_name))"
    " FROM balance_confirmations c LEFT JOIN ledgers l ON l.id = c.ledger_id"
    + _WHERE
    + " ORDER BY c.as_of, 1, 2, c.id"
)
_TIMEZONE = "SELECT timezone FROM tenants WHERE id = $1"

StatusWord = Literal["no_reply", "confirmed", "disputed"]


class ConfirmationsParams(BaseModel):
    """Which confirmations: of one date, one statement run and/or one answer; all by default."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    as_of: IsoDate | None = None
    statement_run_id: uuid.UUID | None = None
    status: StatusWord | None = None


class ConfirmationsScheduleParams(BaseModel):
    """A relative period: each run lists the confirmations as of the period's last day."""

    model_config = ConfigDict(extra="forbid")

    period: str = Field(max_length=32)
    n: int | None = Field(default=None, strict=True)
    status: StatusWord | None = None


class BalanceConfirmationsReport(
    ReportDefinition[ConfirmationsParams, ConfirmationsScheduleParams, BaseModel]
):
    name = "confirmations"
    title = "Balance confirmations"
    params_model = ConfirmationsParams
    schedule_params_model = ConfirmationsScheduleParams
    columns = CONFIRMATION_COLUMNS
    recipients = RecipientPolicy(internal_only=True)

    async def open_source(
        self, conn: Any, tenant_id: str, company: str, params: ConfirmationsParams, labels: Labels
    ) -> ReportSource:
        # An auditor's working paper: in English, names and notes as the parties wrote them.
        args = (tenant_id, params.as_of, params.statement_run_id, params.status)
        # The counts at the end cover every answer, whatever the list shows (as the API's).
        everyone = await conn.fetch(_COUNTS, *args[:3], None)
        counts = {str(status): int(n) for status, n in everyone}
        zone = await conn.fetchval(_TIMEZONE, tenant_id)
        lines = [f"As of {dmy(params.as_of)}" if params.as_of else "Every date"]
        if params.statement_run_id:
            lines.append(f"Statement run {params.statement_run_id}")
        if params.status:
            lines.append(f"Answer: {ANSWER_WORDS[ConfirmationStatus(params.status)]}")
        data_rows = counts.get(params.status, 0) if params.status else sum(counts.values())
        header = DocumentHeader(
            title="Balance Confirmations",
            company=company,
            lines=tuple(lines),
            columns=CONFIRMATION_COLUMNS,
            total_rows=data_rows + len(ANSWER_WORDS),
            generated_at=datetime.now(UTC),
        )
        rows = _rows(conn, args, zone, counts)
        return ReportSource(header, data_rows, rows, params.model_dump(mode="json"))

    async def schedule_params(
        self, saved: ConfirmationsScheduleParams, ctx: ParamsContext
    ) -> dict[str, Any]:
        try:
            resolve_period(saved.period, await ctx.today(), saved.n)
        except PeriodError as exc:
            raise ReportParamError(exc.field, exc.message) from None
        return saved.model_dump(exclude_none=True)

    def run_params(self, saved: Mapping[str, Any], local_day: date) -> dict[str, Any]:
        _, end = resolve_period(saved["period"], local_day, saved.get("n"))
        return {"as_of": end.isoformat(), "status": saved.get("status")}

    def file_name_parts(self, params: Mapping[str, Any]) -> tuple[object, ...]:
        return ("Balance-Confirmations", params.get("as_of") or "all", params.get("status") or "")


async def _rows(
    conn: Any, args: tuple[Any, ...], zone: str | None, counts: dict[str, int]
) -> AsyncIterator[list[Row]]:
    batch: list[Row] = []
    async with conn.transaction():
        cursor = conn.cursor(_ROWS, *args, prefetch=BATCH_ROWS)
        async for (
            party,
            ledger,
            as_of,
            balance,
            status,
            theirs,
            replied,
            note,
            reminders,
            sent_as,
        ) in cursor:
            answer = ConfirmationStatus(status)
            disputed = answer == ConfirmationStatus.DISPUTED and theirs is not None
            batch.append(
                Row(
                    (
                        party,
                        ledger,
                        as_of,
                        balance,
                        ANSWER_WORDS[answer],
                        theirs if disputed else None,
                        balance - theirs if disputed else None,
                        local_stamp(replied, zone) if replied else None,
                        note,
                        int(reminders),
                        sent_as,
                    )
                )
            )
            if len(batch) >= BATCH_ROWS:
                yield batch
                batch = []
    batch += [
        Row((f"{word}: {counts.get(status.value, 0)}",) + (None,) * 10, "total")
        for status, word in ANSWER_WORDS.items()
    ]
    yield batch
