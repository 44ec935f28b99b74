"""How much scheduling one user and one tenant may ask for: caps on how many schedules exist,
the shortest interval between a schedule's runs, and "run now" against the send rate.

Every run is an export and an email through the tenant's SMTP server, so these bound the work
(and the mail) a single account can cause; each limit is a setting.
"""

from __future__ import annotations

from datetime import timedelta

from redis.asyncio import Redis
from sqlalchemy import func, select

from api_gateway.http.problems import ProblemError, field_error
from api_gateway.http.rate_limit import enforce_send_rate
from shared.domain import recurrence
from shared.infra.db import UnitOfWork
from shared.infra.db.models import ReportSchedule, Tenant
from shared.infra.settings import Settings
from shared.infra.tokens import Principal


def check_interval(cron: str, settings: Settings, field: str = "cron") -> None:
    """422 naming the recurrence field when two runs could come closer than the minimum."""
    least = settings.schedule_min_interval_minutes
    gap = recurrence.shortest_gap(cron)
    if gap < timedelta(minutes=least):
        minutes = int(gap.total_seconds() // 60)
        raise field_error(
            field,
            f"runs {minutes} minute(s) apart at the closest; schedules may run at most once "
            f"every {least} minutes",
            code="schedule_too_frequent",
        )


async def check_room_for_one_more(
    uow: UnitOfWork, settings: Settings, principal: Principal
) -> None:
    """409 when the caller or the tenant already has as many schedules as allowed.

    The tenant's row is locked until the caller commits, so two creations at once cannot both
    take the last place.
    """
    await uow.session.execute(
        select(Tenant.id).where(Tenant.id == principal.tenant_id).with_for_update()
    )
    counts = (
        await uow.session.execute(
            select(
                func.count(),
                func.count().filter(ReportSchedule.owner == principal.user_id),
            ).where(ReportSchedule.tenant_id == principal.tenant_id)
        )
    ).one()
    tenant_count, user_count = int(counts[0]), int(counts[1])
    if user_count >= settings.schedules_max_per_user:
        raise ProblemError(
            409,
            f"you have {user_count} schedules, the most allowed per user "
            f"({settings.schedules_max_per_user}); delete one first",
            code="schedules_per_user_limit",
        )
    if tenant_count >= settings.schedules_max_per_tenant:
        raise ProblemError(
            409,
            f"the tenant has {tenant_count} schedules, the most allowed "
            f"({settings.schedules_max_per_tenant}); delete one first",
            code="schedules_per_tenant_limit",
        )


async def count_run_now(redis: Redis, settings: Settings, principal: Principal) -> None:
    """A run now sends a report email: it counts against the user's manual send rate."""
    await enforce_send_rate(redis, settings, principal)
