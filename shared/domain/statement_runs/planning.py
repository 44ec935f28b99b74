"""Starting a statement run: every ledger of the selection becomes an item, and each item
that is not skipped becomes what a manual ledger email is: an export job and the email that
waits for it, in the party's language and template, to the party directory's To, CC and BCC
for that ledger (never another party's).

All of it is one transaction with the outbox events, like every send: the export-service and
the mail-service take over from the rows, with their leases, retries and reconciliation, so a
crash or a restart anywhere delays a run and loses nothing. The same function starts a run
from the API and from a schedule.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select

from shared.domain import emails, exports, report_emails, tenants
from shared.domain.confirmations import record_email
from shared.domain.idempotency import request_fingerprint
from shared.domain.party_directory import entries_for_ledgers
from shared.domain.recipients import RecipientError, Recipients, normalize_recipients
from shared.domain.report_emails import StoredTemplate
from shared.domain.reports import ReportParamError, report_named
from shared.domain.reports.labels import labels_for
from shared.domain.reports.ledger import LedgerParams, LedgerStatement
from shared.domain.statement_runs import quota
from shared.domain.statement_runs.confirmation import item_confirmation
from shared.domain.statement_runs.errors import StatementRunError
from shared.domain.statement_runs.selection import (
    SelectedLedger,
    selected_ledgers,
    with_figures,
)
from shared.infra.db import UnitOfWork
from shared.infra.db.models import PartyEmail, StatementRun, StatementRunItem
from shared.infra.settings import Settings
from shared.languages import DEFAULT_LANGUAGE, Language
from shared.states import SkipReason


@dataclass(frozen=True)
class NewStatementRun:
    tenant_id: str
    requested_by: str
    trigger: str  # manual | scheduled
    from_date: date
    to_date: date
    format: str
    group: str | None = None
    ledgers: list[str] | None = None
    period: str | None = None
    confirm_balance: bool = False
    skip_zero_balance: bool = False
    skip_without_email: bool = False
    skip_without_activity: bool = False
    idempotency_key: str | None = None
    # The request as the client sent it, for the Idempotency-Key's comparison.
    body: dict[str, Any] = field(default_factory=dict)
    schedule_run_id: uuid.UUID | None = None


@dataclass(frozen=True)
class _Planned:
    ledger: SelectedLedger
    skip: SkipReason | None
    recipients: Recipients | None  # the entry's, checked; None when skipped
    language: Language


def statement_recipients(ledger: str, entry: PartyEmail, max_total: int) -> Recipients:
    """The party directory entry's To, CC and BCC, checked as a send's are."""
    try:
        return normalize_recipients(
            entry.to_addresses, entry.cc_addresses, entry.bcc_addresses, max_total=max_total
        )
    except RecipientError as exc:
        raise StatementRunError(
            "ledgers", f"{ledger!r}: the party directory's addresses: {exc}", status=409
        ) from None


def _planned(
    new: NewStatementRun, ledger: SelectedLedger, entry: PartyEmail | None, max_recipients: int
) -> _Planned:
    skip = skip_reason(new, ledger, entry)
    if skip is not None or entry is None:
        return _Planned(ledger, skip, None, DEFAULT_LANGUAGE)
    recipients = statement_recipients(ledger.name, entry, max_recipients)
    return _Planned(ledger, None, recipients, Language(entry.language))


def skip_reason(
    new: NewStatementRun, ledger: SelectedLedger, entry: PartyEmail | None
) -> SkipReason | None:
    """Why this ledger gets no statement, if it gets none (the first reason that applies)."""
    if new.skip_without_activity and ledger.figures.entries == 0:
        return SkipReason.NO_ACTIVITY
    if new.skip_zero_balance and ledger.closing == 0:
        return SkipReason.ZERO_BALANCE
    if entry is None or not entry.to_addresses:
        return SkipReason.NO_EMAIL
    return None


async def replayed_run(uow: UnitOfWork, new: NewStatementRun) -> StatementRun | None:
    """The run an earlier request with this Idempotency-Key started (same body), if any."""
    if not new.idempotency_key:
        return None
    run = await uow.session.scalar(
        select(StatementRun).where(
            StatementRun.tenant_id == new.tenant_id,
            StatementRun.requested_by == new.requested_by,
            StatementRun.idempotency_key == new.idempotency_key,
        )
    )
    if run is not None and run.request_hash != request_fingerprint(new.body):
        raise StatementRunError(
            "Idempotency-Key",
            "this Idempotency-Key was already used with a different request",
            status=409,
            code="idempotency_key_reused",
        )
    return run


async def start_statement_run(
    uow: UnitOfWork, settings: Settings, new: NewStatementRun
) -> tuple[StatementRun, bool]:
    """Create the run, its items, and the export job and email of every statement to send,
    in the caller's transaction (the caller commits); returns (run, created). The same
    Idempotency-Key and body give the first run."""
    await quota.lock(uow, new.tenant_id)  # a second request with the key waits, then replays
    if (earlier := await replayed_run(uow, new)) is not None:
        return earlier, False
    definition = report_named("ledger")
    assert isinstance(definition, LedgerStatement)
    try:
        definition.check_params(
            LedgerParams(ledger="-", from_date=new.from_date, to_date=new.to_date),
            settings.export_max_period_days,
        )
    except ReportParamError as exc:
        raise StatementRunError(exc.field, exc.message) from None
    books = await selected_ledgers(
        uow.session,
        new.tenant_id,
        group=new.group,
        ledgers=new.ledgers,
        max_ledgers=settings.statement_run_max_ledgers,
    )
    directory = await entries_for_ledgers(
        uow.session, new.tenant_id, [ledger.names for ledger in books]
    )
    # Everything that may refuse the run is decided before the first row is added, so a
    # refusal leaves the caller's transaction as it was (the scheduler records it and goes on).
    planned = [
        _planned(new, ledger, directory[ledger.name], settings.send_max_recipients)
        for ledger in await with_figures(uow.session, books, new.from_date, new.to_date)
    ]
    without_email = [p.ledger.name for p in planned if p.skip == SkipReason.NO_EMAIL]
    if without_email and not new.skip_without_email:
        # As a manual send: no statement goes to nobody. Naming them lets the user fix the
        # directory, or ask to skip them.
        shown = ", ".join(repr(name) for name in without_email[:10])
        more = f" and {len(without_email) - 10} more" if len(without_email) > 10 else ""
        raise StatementRunError(
            "skip_without_email",
            f"the party directory has no email for {shown}{more}: add them, or set "
            "skip_without_email",
            status=409,
            code="no_directory_entry",
        )
    to_send = [p for p in planned if p.skip is None]
    await quota.reserve(
        uow,
        new.tenant_id,
        len(to_send),
        settings.statement_runs_hourly_quota,
        "group" if new.group is not None else "ledgers",
    )
    run = StatementRun(
        id=uuid.uuid4(),
        tenant_id=new.tenant_id,
        requested_by=new.requested_by,
        trigger=new.trigger,
        schedule_run_id=new.schedule_run_id,
        ledger_group=new.group,
        ledgers=new.ledgers,
        from_date=new.from_date,
        to_date=new.to_date,
        period=new.period,
        format=new.format,
        confirm_balance=new.confirm_balance,
        skip_zero_balance=new.skip_zero_balance,
        skip_without_email=new.skip_without_email,
        skip_without_activity=new.skip_without_activity,
        idempotency_key=new.idempotency_key,
        request_hash=request_fingerprint(new.body) if new.idempotency_key else None,
    )
    uow.session.add(run)
    await uow.session.flush()
    sender = StatementSender(
        run,
        company=await tenants.company_name(uow.session, new.tenant_id),
        message_domain=await tenants.message_domain(uow.session, new.tenant_id),
        max_attempts=1 if new.trigger == "manual" else settings.mail_max_attempts,
        settings=settings,
    )
    for position, plan in enumerate(planned):
        item = StatementRunItem(
            id=uuid.uuid4(),
            tenant_id=run.tenant_id,
            run_id=run.id,
            position=position,
            ledger_id=plan.ledger.id,
            ledger_name=plan.ledger.name,
            party_name=plan.ledger.party_name,
            closing_balance=plan.ledger.closing,
            entries=plan.ledger.figures.entries,
            skip_reason=plan.skip,
        )
        uow.session.add(item)
        if plan.recipients is not None:
            await sender.queue(uow, item, plan.ledger, plan.recipients, plan.language)
    await uow.session.flush()
    return run, True


@dataclass(frozen=True)
class StatementSender:
    """Queues one item's statement exactly as a manual ledger email is queued."""

    run: StatementRun
    company: str
    message_domain: str
    max_attempts: int
    settings: Settings
    # The tenant's template per language, read once for the run.
    templates: dict[Language, StoredTemplate] = field(default_factory=dict)

    async def template(self, uow: UnitOfWork, language: Language) -> StoredTemplate:
        if language not in self.templates:
            self.templates[language] = await report_emails.tenant_template(
                uow.session, self.run.tenant_id, "ledger", language
            )
        return self.templates[language]

    async def queue(
        self,
        uow: UnitOfWork,
        item: StatementRunItem,
        ledger: SelectedLedger,
        recipients: Recipients,
        language: Language,
    ) -> uuid.UUID:
        """The export job and email of `item`'s statement (caller commits); the email's id,
        also set as the item's."""
        run = self.run
        definition = report_named("ledger")
        assert isinstance(definition, LedgerStatement)
        params = LedgerParams(ledger=ledger.name, from_date=run.from_date, to_date=run.to_date)
        values = definition.statement_values(
            self.company,
            ledger.name,
            ledger.party_name,
            ledger.closing,
            params,
            labels_for(language),
        )
        confirmation = None
        if run.confirm_balance:
            confirmation = await item_confirmation(
                uow, self.settings, run, item, language, recipients
            )
        texts = await report_emails.report_email_texts(
            uow.session,
            run.tenant_id,
            definition,
            params,
            language,
            values=values,
            confirmation_request=confirmation.paragraph if confirmation else None,
            template=await self.template(uow, language),
        )
        job, _ = await exports.create_export_job(
            uow,
            exports.NewExport(
                tenant_id=run.tenant_id,
                requested_by=run.requested_by,
                report=definition.name,
                format=run.format,
                params=params.model_dump(mode="json"),
                language=language,
            ),
        )
        email = emails.create_email(
            uow,
            emails.NewEmail(
                tenant_id=run.tenant_id,
                requested_by=run.requested_by,
                trigger=run.trigger,
                subject=texts.subject,
                body=texts.body,
                to=recipients.to,
                cc=recipients.cc,
                bcc=recipients.bcc,
                report=definition.name,
                export_job_id=job.id,
                max_attempts=self.max_attempts,
                recipient_source="directory",
                language=language,
                statement_run_id=run.id,
            ),
            message_domain=self.message_domain,
            announce=False,  # its export's `export.finished` sends it
        )
        item.email_id = email.id
        if confirmation is not None:
            await uow.session.flush()  # the email row first: the confirmation refers to it
            record_email(confirmation.confirmation, email.id)
        return email.id
