"""Every table of the design, importable from one place (Alembic reads `Base.metadata`)."""

from .accounting import Bill, Ledger, LedgerEntry
from .base import Base
from .exports import ExportJob
from .mail import Email, EmailAudit
from .outbox import OutboxMessage
from .schedules import ReportSchedule, ScheduleRun
from .tenancy import DistributionList, EmailSettings, PartyEmail, Tenant

__all__ = [
    "Base",
    "Bill",
    "DistributionList",
    "Email",
    "EmailAudit",
    "EmailSettings",
    "ExportJob",
    "Ledger",
    "LedgerEntry",
    "OutboxMessage",
    "PartyEmail",
    "ReportSchedule",
    "ScheduleRun",
    "Tenant",
]
