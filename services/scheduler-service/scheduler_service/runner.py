"""The runner: drive each run through its export, then its email.

`pending` → `exporting` → `sending` → `succeeded` | `skipped` | `failed`, with `retrying`
between attempts of a failed export. Every step is a conditional state change, so a duplicate
event finds nothing to do. The email's own transient failures are retried by the mail-service.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from shared.domain import emails, exports, report_emails, schedules, tenants
from shared.domain.periods import PeriodError
from shared.domain.reports import ReportParamError, report_named
from shared.domain.statement_runs.options import STATEMENT_RUN_KIND
from shared.events import EmailFinished, ExportFinished, ScheduleRunDue
from shared.infra.db import UnitOfWork
from shared.infra.db.models import ExportJob, ReportSchedule, ScheduleRun
from shared.infra.runtime import Infrastructure
from shared.states import (
    FINAL_RUN_STATES,
    SCHEDULE_RUN,
    EmailStatus,
    ExportStatus,
    RunStatus,
    allowed_sources,
)

from .recipients import RunRecipientsError, run_recipients
from .statement_runs import start_scheduled_statement_run

log = logging.getLogger(__name__)

# A run starts its export from these: the first time (pending), or again after a failed one.
STARTABLE = allowed_sources(SCHEDULE_RUN, RunStatus.EXPORTING)


@dataclass(frozen=True)
class SchedulerDeps:
    infra: Infrastructure

    def uow(self) -> UnitOfWork:
        return self.infra.uow()


def export_params(schedule: ReportSchedule, scheduled_for: datetime) -> dict[str, Any]:
    """The report's parameters for this run, resolved in the schedule's timezone."""
    local_day: date = scheduled_for.astimezone(ZoneInfo(schedule.timezone)).date()
    return report_named(schedule.report).run_params(schedule.params, local_day)


async def _load(uow: UnitOfWork, **where: Any) -> tuple[ScheduleRun, ReportSchedule] | None:
    row = (
        await uow.session.execute(
            select(ScheduleRun, ReportSchedule)
            .join(ReportSchedule, ReportSchedule.id == ScheduleRun.schedule_id)
            .where(*(getattr(ScheduleRun, k) == v for k, v in where.items()))
            .with_for_update(of=ScheduleRun)
        )
    ).first()
    return (row[0], row[1]) if row else None


async def start_run(event: ScheduleRunDue, deps: SchedulerDeps) -> None:
    """A run is due: create its export job (and nothing, if the run has moved on)."""
    async with deps.uow() as uow:
        loaded = await _load(uow, id=event.run_id)
        if loaded is None or loaded[0].status not in STARTABLE:
            return
        run, schedule = loaded
        if schedule.kind == STATEMENT_RUN_KIND:
            failure = await start_scheduled_statement_run(uow, deps.infra.settings, run, schedule)
            status = RunStatus.FAILED if failure else RunStatus.SUCCEEDED
            await _finish(uow, deps, run, schedule, status, failure)
            await uow.commit()
            return
        try:
            params = export_params(schedule, run.scheduled_for)
        except (PeriodError, ReportParamError, KeyError) as exc:
            await _finish(
                uow,
                deps,
                run,
                schedule,
                RunStatus.FAILED,
                f"the schedule's period is invalid: {exc}",
            )
            await uow.commit()
            return
        # A statement goes out in its party's language, the document's labels included.
        language = await report_emails.recipient_language(
            uow.session, schedule.tenant_id, report_named(schedule.report), params
        )
        job, _ = await exports.create_export_job(
            uow,
            exports.NewExport(
                tenant_id=schedule.tenant_id,
                requested_by=schedule.owner,
                report=schedule.report,
                format=schedule.format,
                params=params,
                schedule_run_id=run.id,
                language=language,
            ),
        )
        await schedules.transition_run(
            uow,
            run.id,
            RunStatus.EXPORTING,
            export_job_id=job.id,
            attempts=run.attempts + 1,
            started_at=run.started_at or datetime.now(UTC),
            next_attempt_at=None,
        )
        await uow.commit()


async def export_done(event: ExportFinished, deps: SchedulerDeps) -> None:
    """The run's export finished: retry it, skip an empty report, or queue the email."""
    if event.schedule_run_id is None:
        return  # not a schedule's export (a statement run's, a user's): no run waits for it
    settings = deps.infra.settings
    async with deps.uow() as uow:
        loaded = await _load(uow, export_job_id=event.job_id)
        if loaded is None or loaded[0].status != RunStatus.EXPORTING:
            return  # not a scheduled export, or already handled
        run, schedule = loaded
        job = await uow.session.scalar(select(ExportJob).where(ExportJob.id == event.job_id))
        assert job is not None
        if job.status != ExportStatus.SUCCEEDED:
            reason = f"the export failed: {job.error or 'unknown reason'}"
            if run.attempts < settings.scheduler_run_max_attempts:
                cap = settings.scheduler_retry_base_seconds * 2 ** (run.attempts - 1)
                delay = timedelta(seconds=random.uniform(cap / 2, cap))
                await schedules.transition_run(
                    uow,
                    run.id,
                    RunStatus.RETRYING,
                    error=reason,
                    next_attempt_at=datetime.now(UTC) + delay,
                )
            else:
                await _finish(uow, deps, run, schedule, RunStatus.FAILED, reason)
        elif schedule.skip_if_empty and not job.row_count:
            await _finish(uow, deps, run, schedule, RunStatus.SKIPPED, "the report had no rows")
        else:
            await _queue_email(uow, deps, run, schedule, job)
        await uow.commit()


async def _queue_email(
    uow: UnitOfWork, deps: SchedulerDeps, run: ScheduleRun, schedule: ReportSchedule, job: ExportJob
) -> None:
    settings = deps.infra.settings
    try:
        recipients, source = await run_recipients(uow, schedule, settings.send_max_recipients)
    except RunRecipientsError as exc:
        await _finish(uow, deps, run, schedule, RunStatus.FAILED, str(exc))
        return
    # The schedule's own subject and message where it has them, else the tenant's template.
    definition = report_named(schedule.report)
    texts = await report_emails.report_email_texts(
        uow.session,
        schedule.tenant_id,
        definition,
        definition.params_model.model_validate(job.params),
        job.language,
        subject=schedule.subject,
        message=schedule.message,
    )
    email = emails.create_email(
        uow,
        emails.NewEmail(
            tenant_id=schedule.tenant_id,
            requested_by=schedule.owner,
            trigger="scheduled",
            subject=texts.subject,
            body=texts.body,
            to=recipients.to,
            cc=recipients.cc,
            bcc=recipients.bcc,
            report=schedule.report,
            export_job_id=job.id,
            max_attempts=settings.mail_max_attempts,
            schedule_run_id=run.id,
            recipient_source=source,
            language=texts.language,
        ),
        message_domain=await tenants.message_domain(uow.session, schedule.tenant_id),
    )
    await schedules.transition_run(uow, run.id, RunStatus.SENDING, email_id=email.id)


async def email_done(event: EmailFinished, deps: SchedulerDeps) -> None:
    """The run's email is sent (or finally failed): the run is over."""
    if event.schedule_run_id is None:
        return  # not a schedule's email: no run waits for it
    async with deps.uow() as uow:
        loaded = await _load(uow, email_id=event.email_id)
        if loaded is None or loaded[0].status != RunStatus.SENDING:
            return
        run, schedule = loaded
        if event.status == EmailStatus.SENT:
            await _finish(uow, deps, run, schedule, RunStatus.SUCCEEDED, None)
        else:
            email = await emails.find_email(uow, event.tenant_id, event.email_id)
            reason = email.error if email is not None and email.error else event.status
            await _finish(
                uow, deps, run, schedule, RunStatus.FAILED, f"the email was not sent: {reason}"
            )
        await uow.commit()


async def _finish(
    uow: UnitOfWork,
    deps: SchedulerDeps,
    run: ScheduleRun,
    schedule: ReportSchedule,
    status: RunStatus,
    error: str | None,
) -> None:
    if await schedules.transition_run(uow, run.id, status, error=error) is None:
        return
    paused = await schedules.record_outcome(
        uow, schedule.id, status, deps.infra.settings.scheduler_pause_after_failures
    )
    if status == RunStatus.FAILED:
        await _notify_owner(uow, schedule, error or "unknown reason", paused is not None)
    log.info("schedule run finished", extra={"run_id": str(run.id), "status": status})


async def _notify_owner(
    uow: UnitOfWork, schedule: ReportSchedule, reason: str, paused: bool
) -> None:
    """A short failure notice to the schedule's owner (it goes out only if SMTP works)."""
    if not schedule.owner_email:
        return
    body = f"The scheduled report {schedule.name!r} failed: {reason}."
    if paused:
        body += f"\n\nThe schedule is now paused: {schedule.paused_reason}"
    emails.create_email(
        uow,
        emails.NewEmail(
            tenant_id=schedule.tenant_id,
            requested_by=schedule.owner,
            trigger="scheduled",
            subject=f"Scheduled report failed: {schedule.name}",
            body=body,
            to=[schedule.owner_email],
        ),
        message_domain=await tenants.message_domain(uow.session, schedule.tenant_id),
    )


async def give_up_run(deps: SchedulerDeps, reason: str, **where: Any) -> None:
    """An event about a run exhausted its deliveries: the run fails with the reason rather
    than waiting forever in `pending`, `exporting` or `sending`."""
    async with deps.uow() as uow:
        loaded = await _load(uow, **where)
        if loaded is not None and loaded[0].status not in FINAL_RUN_STATES:
            run, schedule = loaded
            await _finish(
                uow,
                deps,
                run,
                schedule,
                RunStatus.FAILED,
                f"the run could not be processed ({reason})",
            )
        await uow.commit()
