"""The outstanding report's rows: pending bills by party, with ageing, streamed out of PostgreSQL.

Bills are read through a server-side cursor in batches; party subtotals, the grand total and
the ageing buckets (the tenant's own, "Not due" first) are summed on the way (exact
`Decimal`s), so memory stays flat.

A bill not yet due has a blank Days Overdue, not a negative one: in a column headed "Days
Overdue" a minus sign reads as a typing error or a credit, its Ageing cell already says
"Not due", and its due date sits two columns to the left.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from shared.domain.reports.ageing import AgeingBuckets, AgeingEdgesError, days_overdue
from shared.domain.reports.definitions import ReportParamError
from shared.domain.reports.document import Column, DocumentHeader, ReportSource, Row
from shared.domain.reports.labels import ENGLISH, Labels
from shared.domain.reports.ledger_source import BATCH_ROWS, dmy

ZERO = Decimal("0.00")

OUTSTANDING_COLUMNS = (
    Column("Party", "text", 28, once_per_group=True),
    Column("Bill Ref", "text", 18),
    Column("Bill Date", "date", 11),
    Column("Due Date", "date", 11),
    Column("Bill Amount", "money", 15),
    Column("Pending", "money", 15),
    Column("Days Overdue", "integer", 12),
    Column("Ageing", "text", 9),
)

_OUTSTANDING_COUNTS = """
SELECT count(*), count(DISTINCT ledger_id) FROM bills
WHERE tenant_id = $1 AND kind = $2 AND bill_date <= $3 AND pending_amount > 0
"""

_TENANT_EDGES = "SELECT ageing_buckets FROM tenants WHERE id = $1"

# A party is its ledger, named as the ledger is named now.
_OUTSTANDING_BILLS = """
SELECT l.name, b.bill_ref, b.bill_date, b.due_date, b.amount, b.pending_amount
FROM bills b JOIN ledgers l ON l.id = b.ledger_id
WHERE b.tenant_id = $1 AND b.kind = $2 AND b.bill_date <= $3 AND b.pending_amount > 0
ORDER BY l.name, l.id, b.bill_date, b.bill_ref, b.id
"""


async def outstanding_source(
    conn: Any, tenant_id: str, company: str, kind: str, as_of: date, labels: Labels = ENGLISH
) -> ReportSource:
    """The report, its fixed words (title, lines, column titles, totals, bucket names) in
    `labels`' language; party names and bill references as the books have them."""
    buckets = await tenant_buckets(conn, tenant_id)
    bills, parties = await conn.fetchrow(_OUTSTANDING_COUNTS, tenant_id, kind, as_of)
    words = labels.outstanding
    header = DocumentHeader(
        title=words.title(kind),
        company=company,
        lines=(
            words.as_of.format(as_of=dmy(as_of)),
            words.ageing_line.format(buckets=", ".join(map(words.bucket, buckets.labels))),
        ),
        columns=tuple(replace(c, title=labels.column(c.title)) for c in OUTSTANDING_COLUMNS),
        # per party: a heading and a subtotal; then the grand total and one row per bucket
        total_rows=bills + 2 * parties + 1 + len(buckets.labels),
        generated_at=datetime.now(UTC),
        labels=labels,
    )
    rows = _outstanding_rows(conn, tenant_id, kind, as_of, buckets, labels)
    file_params = {"as_of": as_of.isoformat(), "kind": kind}
    return ReportSource(header, int(bills), rows, file_params)


async def tenant_buckets(conn: Any, tenant_id: str) -> AgeingBuckets:
    """The tenant's ageing buckets; edges the gateway would refuse fail the export plainly."""
    edges = await conn.fetchval(_TENANT_EDGES, tenant_id)
    try:
        return AgeingBuckets.from_edges(list(edges or ()))
    except AgeingEdgesError as exc:
        raise ReportParamError("ageing_buckets", f"the tenant's {exc.message}") from exc


async def _outstanding_rows(
    conn: Any, tenant_id: str, kind: str, as_of: date, ageing: AgeingBuckets, labels: Labels
) -> AsyncIterator[list[Row]]:
    words = labels.outstanding
    buckets = dict.fromkeys(ageing.labels, ZERO)
    grand_amount = grand_pending = ZERO
    party: str | None = None
    party_amount = party_pending = ZERO
    batch: list[Row] = []

    def close_party() -> None:
        if party is not None:
            batch.append(
                Row(
                    (
                        words.party_total.format(party=party),
                        *(None, None, None, party_amount, party_pending, None, None),
                    ),
                    "subtotal",
                )
            )

    async with conn.transaction():
        cursor = conn.cursor(_OUTSTANDING_BILLS, tenant_id, kind, as_of, prefetch=BATCH_ROWS)
        async for ledger, ref, bill_date, due, amount, pending in cursor:
            if ledger != party:
                close_party()
                party, party_amount, party_pending = ledger, ZERO, ZERO
                batch.append(Row((ledger, None, None, None, None, None, None, None), "group"))
            days = days_overdue(due, as_of)
            bucket = ageing.label_for(days)
            printed = words.bucket(bucket)
            batch.append(Row((ledger, ref, bill_date, due, amount, pending, days, printed)))
            party_amount += amount
            party_pending += pending
            grand_amount += amount
            grand_pending += pending
            buckets[bucket] += pending
            if len(batch) >= BATCH_ROWS:
                yield batch
                batch = []
    close_party()
    batch.append(
        Row(
            (words.grand_total, None, None, None, grand_amount, grand_pending, None, None),
            "total",
        )
    )
    batch += [
        Row(
            (words.total_title(label), None, None, None, None, total, None, words.bucket(label)),
            "total",
        )
        for label, total in buckets.items()
    ]
    yield batch
