"""Statement runs: month-end in one action, every party of a group its own statement.

`planning` starts a run (items, export jobs and emails, in one transaction), `progress` reads
what became of it, `resend` queues its failed statements again, `quota` is the tenant's
hourly allowance, `confirmation` is where balance confirmations join the emails.
"""

from shared.domain.statement_runs.errors import StatementRunError
from shared.domain.statement_runs.planning import NewStatementRun, start_statement_run
from shared.domain.statement_runs.progress import (
    ItemOutcome,
    RunCounts,
    find_run,
    item_status,
    run_counts,
    run_items,
)
from shared.domain.statement_runs.resend import resend_failed

__all__ = [
    "ItemOutcome",
    "NewStatementRun",
    "RunCounts",
    "StatementRunError",
    "find_run",
    "item_status",
    "resend_failed",
    "run_counts",
    "run_items",
    "start_statement_run",
]
