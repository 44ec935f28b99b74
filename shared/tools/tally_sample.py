"""Tally XML exports of generated books, shaped as TallyPrime writes them (envelope,
TALLYMESSAGE, GUIDs, signed amounts with debits negative, bill allocations): for the tests'
fixtures and the books benchmark, so neither needs a Tally installation or a customer's file.

`generated_books` makes deterministic books (ledgers, and vouchers of 2-4 balanced lines) as
the host API's rows; `tally_masters` / `tally_day_book` write the same books as Tally would.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

ENVELOPE = """<?xml version="1.0" encoding="{encoding}"?>
<ENVELOPE>
 <HEADER><TALLYREQUEST>Import Data</TALLYREQUEST></HEADER>
 <BODY><IMPORTDATA>
  <REQUESTDESC><REPORTNAME>{report}</REPORTNAME>
   <STATICVARIABLES><SVCURRENTCOMPANY>Demo Company</SVCURRENTCOMPANY></STATICVARIABLES>
  </REQUESTDESC>
  <REQUESTDATA>
{messages}
  </REQUESTDATA>
 </IMPORTDATA></BODY>
</ENVELOPE>
"""


def message(body: str) -> str:
    return f'   <TALLYMESSAGE xmlns:UDF="TallyUDF">\n{body}\n   </TALLYMESSAGE>'


def group(name: str, parent: str) -> str:
    return message(
        f'<GROUP NAME={quoteattr(name)} ACTION="Create"><PARENT>{escape(parent)}</PARENT>'
        f"<ISSUBLEDGER>No</ISSUBLEDGER></GROUP>"
    )


def ledger(guid: str, name: str, parent: str, opening: str = "0", extra: str = "") -> str:
    return message(
        f'<LEDGER NAME={quoteattr(name)} RESERVEDNAME="">'
        f"<GUID>{guid}</GUID><PARENT>{escape(parent)}</PARENT>"
        f"<OPENINGBALANCE>{opening}</OPENINGBALANCE>{extra}"
        f'<LANGUAGENAME.LIST><NAME.LIST TYPE="String"><NAME>{escape(name)}</NAME></NAME.LIST>'
        f"</LANGUAGENAME.LIST></LEDGER>"
    )


def line(
    ledger_name: str,
    amount: str,
    deemed_positive: bool,
    bills: str = "",
    tag: str = "ALLLEDGERENTRIES.LIST",
) -> str:
    return (
        f"<{tag}><LEDGERNAME>{escape(ledger_name)}</LEDGERNAME>"
        f"<ISDEEMEDPOSITIVE>{'Yes' if deemed_positive else 'No'}</ISDEEMEDPOSITIVE>"
        f"<AMOUNT>{amount}</AMOUNT>{bills}</{tag}>"
    )


def bill(name: str, kind: str, amount: str, credit_period: str = "") -> str:
    period = f"<BILLCREDITPERIOD>{credit_period}</BILLCREDITPERIOD>" if credit_period else ""
    return (
        f"<BILLALLOCATIONS.LIST><NAME>{escape(name)}</NAME><BILLTYPE>{kind}</BILLTYPE>"
        f"{period}<AMOUNT>{amount}</AMOUNT></BILLALLOCATIONS.LIST>"
    )


def voucher(
    guid: str, day: str, kind: str, number: str, lines: str, narration: str = "", flags: str = ""
) -> str:
    return message(
        f'<VOUCHER REMOTEID="{guid}" VCHTYPE="{kind}" ACTION="Create">'
        f"<DATE>{day}</DATE><GUID>{guid}</GUID><NARRATION>{narration}</NARRATION>"
        f"<VOUCHERTYPENAME>{kind}</VOUCHERTYPENAME><VOUCHERNUMBER>{number}</VOUCHERNUMBER>"
        f"{flags}{lines}</VOUCHER>"
    )


def write_export(path: Path, report: str, messages: list[str], encoding: str) -> Path:
    """`encoding` "utf-16" writes Tally's default (UTF-16 little-endian with a BOM)."""
    text = ENVELOPE.format(encoding=encoding.upper(), report=report, messages="\n".join(messages))
    path.write_bytes(text.encode(encoding))
    return path


def generated_books(
    vouchers: int, ledgers: int = 500, seed: int = 7, start: date = date(2024, 4, 1)
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(ledger rows, voucher rows) for the books sync: a fifth of the ledgers are debtors,
    every voucher balances, dates spread over a year."""
    rng = random.Random(seed)
    ledger_rows = [
        {
            "id": f"L{n}",
            "name": f"Ledger {n:05d}",
            "group": "Sundry Debtors" if n % 5 == 0 else "Indirect Expenses",
            "opening_balance": "0",
        }
        for n in range(ledgers)
    ]
    voucher_rows: list[dict[str, Any]] = []
    for n in range(vouchers):
        width = rng.randint(2, 4)
        accounts = rng.sample(range(ledgers), width)
        amounts = [Decimal(rng.randint(100, 5_000_000)) / 100 for _ in range(width - 1)]
        lines = [
            {"ledger": f"L{a}", "debit": str(x)} for a, x in zip(accounts, amounts, strict=False)
        ]
        lines.append({"ledger": f"L{accounts[-1]}", "credit": str(sum(amounts))})
        voucher_rows.append(
            {
                "id": f"V{n}",
                "date": (start + timedelta(days=n % 365)).isoformat(),
                "type": "Journal",
                "number": f"J/{n}",
                "narration": f"Voucher {n} for bill {rng.randint(1, 99999)}",
                "lines": lines,
            }
        )
    return ledger_rows, voucher_rows


def tally_masters(ledger_rows: list[dict[str, Any]]) -> list[str]:
    return [ledger(row["id"], row["name"], row["group"]) for row in ledger_rows]


def tally_day_book(voucher_rows: list[dict[str, Any]], names: dict[str, str]) -> list[str]:
    """The vouchers as Tally writes them: ledgers by name, debits negative."""
    messages = []
    for row in voucher_rows:
        lines = "".join(
            line(names[item["ledger"]], f"-{item['debit']}", True)
            if "debit" in item
            else line(names[item["ledger"]], item["credit"], False)
            for item in row["lines"]
        )
        day = row["date"].replace("-", "")
        messages.append(
            voucher(row["id"], day, row["type"], row["number"], lines, escape(row["narration"]))
        )
    return messages
