"""The month-end bench's baseline: one of two processes rendering statements with the project's
PDF writer and sending them with aiosmtplib, nothing else.

`python bench/_month_end_bare.py DSN TENANT PORT FROM TO PART PARTS`: connects to PostgreSQL
and the sink, prints "ready", waits for a line on stdin, then, for every PARTS-th ledger of the
tenant's Sundry Debtors from PART on (by name), opens the statement's source (the same SQL the
export-service reads), draws it with `PdfReportWriter` (synchronously, no thread hand-off),
builds a plain text + PDF message and sends it on one SMTP connection; prints the count and
its CPU seconds.
No job rows, no leases, no outbox, no audit: the least the work itself costs.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from datetime import date
from email.message import EmailMessage
from pathlib import Path

import aiosmtplib
import asyncpg
from export_service.pdf import PdfReportWriter

from shared.domain.reports import report_named
from shared.domain.reports.labels import labels_for
from shared.domain.reports.opening import open_document
from shared.languages import Language

_LEDGERS = """
SELECT l.name, p.to_addresses[1] FROM ledgers l
JOIN party_email_directory p ON p.tenant_id = l.tenant_id AND p.ledger_key = lower(l.name)
WHERE l.tenant_id = $1 AND l.group_name = 'Sundry Debtors' ORDER BY l.name
"""


async def render(conn: asyncpg.Connection, tenant: str, params: object, path: Path) -> bytes:
    report = report_named("ledger")
    source = await open_document(conn, report, tenant, params, labels_for(Language.EN))
    writer = PdfReportWriter()
    writer.begin(path, source.header)
    async for batch in source.rows:
        writer.write_rows(batch)
    writer.finish()
    return await asyncio.to_thread(path.read_bytes)


def message(ledger: str, to: str, pdf: bytes, start: date, end: date) -> EmailMessage:
    email = EmailMessage()
    email["From"] = "Bench Traders <reports@bench.example>"
    email["To"] = to
    email["Subject"] = f"Statement of account: {ledger}, {start} to {end}"
    email.set_content(f"Dear Sir/Madam,\n\nPlease find the statement of {ledger} attached.\n")
    email.add_attachment(pdf, maintype="application", subtype="pdf", filename=f"{ledger}.pdf")
    return email


async def main(argv: list[str]) -> None:
    dsn, tenant, port, start, end, part, parts = argv
    first, last = date.fromisoformat(start), date.fromisoformat(end)
    conn = await asyncpg.connect(dsn)
    client = aiosmtplib.SMTP(hostname="127.0.0.1", port=int(port), start_tls=False, timeout=60)
    await client.connect()
    ledgers = (await conn.fetch(_LEDGERS, tenant))[int(part) :: int(parts)]
    print("ready", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    cpu = time.process_time()
    params_model = report_named("ledger").params_model
    with tempfile.TemporaryDirectory(prefix="bench-month-end-") as tmp:
        for n, (ledger, to) in enumerate(ledgers):
            params = params_model.model_validate(
                {"ledger": ledger, "from_date": first, "to_date": last}
            )
            pdf = await render(conn, tenant, params, Path(tmp) / f"{n}.pdf")
            await client.send_message(message(ledger, to, pdf, first, last))
    await client.quit()
    await conn.close()
    print(len(ledgers), time.process_time() - cpu, flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
