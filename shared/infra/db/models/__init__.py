"""Every table of the design, importable from one place (Alembic reads `Base.metadata`)."""

from shared.infra.db.models.accounting import (
    Bill,
    BooksChange,
    Ledger,
    LedgerDayTotal,
    LedgerEntry,
)
from shared.infra.db.models.base import Base
from shared.infra.db.models.confirmations import BalanceConfirmation, ConfirmationReply
from shared.infra.db.models.exports import ExportJob
from shared.infra.db.models.imports import BookImport
from shared.infra.db.models.mail import Email, EmailAudit, EmailTemplate
from shared.infra.db.models.mailbox import EmailBounce, MailboxSettings
from shared.infra.db.models.outbox import OutboxMessage
from shared.infra.db.models.schedules import ReportSchedule, ScheduleRun
from shared.infra.db.models.statement_runs import StatementRun, StatementRunItem
from shared.infra.db.models.tenancy import (
    DistributionList,
    EmailSettings,
    PartyEmail,
    Tenant,
    UserPreference,
)

__all__ = [
    "BalanceConfirmation",
    "Base",
    "Bill",
    "BookImport",
    "BooksChange",
    "ConfirmationReply",
    "DistributionList",
    "Email",
    "EmailAudit",
    "EmailBounce",
    "EmailSettings",
    "EmailTemplate",
    "ExportJob",
    "Ledger",
    "LedgerDayTotal",
    "LedgerEntry",
    "MailboxSettings",
    "OutboxMessage",
    "PartyEmail",
    "ReportSchedule",
    "ScheduleRun",
    "StatementRun",
    "StatementRunItem",
    "Tenant",
    "UserPreference",
]
