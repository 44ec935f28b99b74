"""The scheduler's runner passes over finished exports and emails that no schedule made
(a statement run's, a user's) without a database read: at month-end they are nearly all."""

from __future__ import annotations

import uuid
from typing import cast

from scheduler_service.runner import SchedulerDeps, email_done, export_done

from shared.events import EmailFinished, ExportFinished
from shared.infra.db import UnitOfWork
from shared.infra.runtime import Infrastructure


class _NoDatabase(SchedulerDeps):
    def uow(self) -> UnitOfWork:
        raise AssertionError("the runner read the database for an event that is not its own")


def _deps() -> SchedulerDeps:
    return _NoDatabase(infra=cast("Infrastructure", None))


async def test_a_finished_export_without_a_schedule_run_is_passed_over() -> None:
    event = ExportFinished(tenant_id="t1", job_id=uuid.uuid4(), status="succeeded")
    assert event.schedule_run_id is None
    await export_done(event, _deps())


async def test_a_finished_email_without_a_schedule_run_is_passed_over() -> None:
    await email_done(EmailFinished(tenant_id="t1", email_id=uuid.uuid4(), status="sent"), _deps())
