"""Tally XML exports made here, shaped as TallyPrime writes them (envelope, TALLYMESSAGE,
GUIDs, signed amounts, bill allocations), with the quirks real exports have: UTF-16 with a
byte-order mark, `&#4;` references, ISDEEMEDPOSITIVE disagreeing with the amount's sign,
credit periods as day counts and as dates, advances, cancelled and optional vouchers."""

from __future__ import annotations

from shared.tools.tally_sample import bill, group, ledger, line, voucher, write_export

__all__ = ["write_export"]

GANESH = "श्री गणेश ट्रेडर्स"
MASTERS = [
    group("Sundry Debtors", "Current Assets"),
    group("Pune Debtors", "Sundry Debtors"),
    ledger(
        "g-1",
        GANESH,
        "Pune Debtors",
        "-5000.00",
        "<EMAIL>accounts@ganesh.example</EMAIL><EMAILCC>ca@ganesh.example</EMAILCC>"
        "<PARTYGSTIN>27AAPFU0939F1ZV</PARTYGSTIN>"
        '<ADDRESS.LIST TYPE="String"><ADDRESS>12, Laxmi Road</ADDRESS>'
        "<ADDRESS>Pune 411030</ADDRESS></ADDRESS.LIST>"
        "<BILLALLOCATIONS.LIST><NAME>OB/1</NAME><BILLDATE>20240315</BILLDATE>"
        "<OPENINGBALANCE>-5000.00</OPENINGBALANCE><BILLCREDITPERIOD>15-Apr-24</BILLCREDITPERIOD>"
        "<ISADVANCE>No</ISADVANCE></BILLALLOCATIONS.LIST>",
    ),
    ledger("g-2", "Patil Suppliers", "Sundry Creditors", "2000.00"),
    ledger("g-3", "Sales", "Sales Accounts"),
    ledger("g-4", "Cash", "Cash-in-Hand"),
    ledger("g-5", "Discount Allowed", "Indirect Expenses"),
    ledger("g-6", "Purchase", "Purchase Accounts"),
    ledger("g-7", "Round Off", "Indirect Expenses"),
]
DAY_BOOK = [
    voucher(
        "v-1",
        "20240401",
        "Sales",
        "S/1",
        line(GANESH, "-11800.00", True, bill("S/1", "New Ref", "-11800.00", "30 Days"))
        + "<ALLINVENTORYENTRIES.LIST><STOCKITEMNAME>Rice</STOCKITEMNAME>"
        + line("Sales", "11800.00", False, tag="ACCOUNTINGALLOCATIONS.LIST")
        + "</ALLINVENTORYENTRIES.LIST>",
        narration="बिल क्र. S/1, चेक 445566&#4;",
    ),
    voucher(
        "v-2",
        "20240420",
        "Receipt",
        "R/1",
        line("Cash", "-6000.00", True)
        # A discount: Tally marks it not deemed positive, yet its amount is a debit.
        + line("Discount Allowed", "-100.00", False)
        + line(GANESH, "6100.00", False, bill("S/1", "Agst Ref", "6100.00")),
    ),
    voucher(
        "v-3",
        "20240405",
        "Purchase",
        "P/77",
        line("Purchase", "-3000.00", True)
        + line(
            "Patil Suppliers", "3000.00", False, bill("P/77", "New Ref", "3000.00", "05-May-24")
        ),
    ),
    voucher(
        "v-4",
        "20240425",
        "Receipt",
        "R/2",
        line("Cash", "-500.00", True)
        + line(GANESH, "500.00", False, bill("ADV/1", "Advance", "500.00")),
    ),
    voucher(
        "v-5",
        "20240426",
        "Sales",
        "S/9",
        line(GANESH, "-999.00", True) + line("Sales", "999.00", False),
        flags="<ISCANCELLED>Yes</ISCANCELLED>",
    ),
    voucher(
        "v-6",
        "20240427",
        "Sales",
        "S/10",
        line(GANESH, "-50.00", True) + line("Sales", "50.00", False),
        flags="<ISOPTIONAL>Yes</ISOPTIONAL>",
    ),
    voucher(
        "v-7",
        "20240410",
        "Sales",
        "S/2",
        line(GANESH, "-1000.00", True, bill("S/2", "New Ref", "-1000.00", "30"))
        + line("Sales", "999.60", False)
        # A round-off credit that Tally flags as deemed positive.
        + line("Round Off", "0.40", True),
    ),
]
# What those books come to, worked out by hand.
GANESH_OPENING, GANESH_DEBIT, GANESH_CREDIT = "5000.00", "12800.00", "6600.00"
RECEIVABLE_PENDING = {"OB/1": "5000.00", "S/1": "5700.00", "S/2": "1000.00"}
PAYABLE_PENDING = {"P/77": "3000.00"}
