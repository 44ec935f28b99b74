"""Deterministic demo books of an Indian SME trader, loaded into one tenant with PostgreSQL COPY.

The books run from the previous financial year's 1 April to `as_of` (a full year plus the current
one to date). Sundry Debtors/Creditors are named like Indian firms ("Gupta & Sons", "Sri Lakshmi
Textiles - Pune"); rate-wise Sales/Purchase ledgers, three banks, Cash, GST ledgers under Duties &
Taxes, expenses, fixed assets and a Share Capital ledger that makes the openings sum to zero.
Every voucher balances (its debits equal its credits; a row is a debit or a credit): credit Sales
and Purchases with CGST+SGST or IGST, Receipts/Payments that settle them later (partly, fully or
never), expenses, Contra cash movements, month-end Journals (depreciation, salary provision, OD
interest), and monthly rent, salary and GST payments. Each Sales/Purchase voucher is also a bill
whose pending amount is what its settlements have not paid by `as_of`, so outstanding reports fill
every ageing bucket (0-30, 31-60, 61-90, 90+ days).

The output depends only on (rows, seed, as_of); the tenant id only fills the tenant column, and
`as_of` defaults to today in the tenant's timezone, so pass it to compare runs. A missing tenant
row is created with one internal domain made up from the company name ("Demo Traders Pvt Ltd" ->
"demo-traders.example"): `.example` is reserved (RFC 2606), so no demo mail reaches a real inbox.

Modules: `names` (the vocabulary), `chart` (ledgers and openings), `registrations` (the
company's letterhead profile, parties' GSTINs and addresses), `vouchers` (the day-by-day
generator), `load` (the COPY into a tenant), `ledger` (one big party ledger for benchmarks).
`python -m shared.tools.demo --help` loads from the command line.
"""

from shared.tools.demo.chart import (
    Chart,
    books_start,
    fy_label,
    generate_chart,
    money,
    tenant_profile,
)
from shared.tools.demo.ledger import generate_ledger_entries, load_single_ledger
from shared.tools.demo.load import DemoSummary, load_demo_data
from shared.tools.demo.vouchers import generate_vouchers

__all__ = [
    "Chart",
    "DemoSummary",
    "books_start",
    "fy_label",
    "generate_chart",
    "generate_ledger_entries",
    "generate_vouchers",
    "load_demo_data",
    "load_single_ledger",
    "money",
    "tenant_profile",
]
