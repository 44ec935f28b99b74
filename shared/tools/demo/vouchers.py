"""The demo vouchers, day by day: trade, settlements, expenses, contras and month-end entries.

`generate_vouchers` yields every voucher's entry rows (and its bill, for Sales/Purchase) in date
order; see the package docstring for what the books contain. Only `seed`, `rows` and `as_of`
decide the output.
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import Iterator
from datetime import date, timedelta

from shared.tools.demo import names
from shared.tools.demo.chart import (
    ZERO,
    BillRecord,
    Chart,
    EntryRecord,
    Party,
    amount,
    books_start,
    fy_label,
    money,
)

Voucher = tuple[list[EntryRecord], BillRecord | None]
Lines = list[tuple[str, int]]  # ledger name, paise (positive = Dr)

# Month-end journals and monthly payments add about this many rows a day; sizing reserves them
# ahead so the total lands near `rows`. Below MONTHLY_MIN_ROWS they would crowd out the trade.
MONTHLY_ROWS_PER_DAY = 0.6
MONTHLY_MIN_ROWS = 2_000


def payment_mode(
    rng: random.Random, day: date, paise: int, bank: tuple[str, str] | None = None
) -> tuple[str, str]:
    """A bank ledger (`bank`, else one drawn) and how the money moved, as bank narrations read."""
    roll, number = rng.random(), rng.randrange(10**7, 10**8)
    ledger, code = bank or names.BANKS[0 if roll < 0.7 else 1 if roll < 0.9 else 2]
    roll = rng.random()
    if paise >= 20_000_000 and roll < 0.8:  # RTGS is for ₹2 lakh and above
        return ledger, f"via RTGS UTR {code}R5{day:%Y%m%d}{number:08d}"
    if paise < 10_000_000 and roll < 0.25:
        return ledger, f"via UPI ref {day:%y%m}{number}"
    if roll < 0.45:
        return ledger, f"by cheque no. {number // 100}"
    day_of_year = day.timetuple().tm_yday
    return ledger, f"via NEFT UTR {code}N{day.year % 10}{day_of_year:03d}{number % 10**7:07d}"


class _Books:
    """Generation state: voucher counters, settlements already decided, monthly accruals."""

    def __init__(self, chart: Chart, tenant_id: str, rng: random.Random, as_of: date) -> None:
        self.chart, self.tenant_id, self.rng, self.as_of = chart, tenant_id, rng, as_of
        self.counters: dict[str, int] = {}
        self.fy = ""
        # Receipts/Payments are decided when their invoice is raised and emitted on their day:
        # (date ordinal, tie-break, voucher type, party, paise, bill voucher no, their bill no).
        self.due: list[tuple[int, int, str, Party, int, str, str]] = []
        self.tick = itertools.count()
        self.committed = 0  # rows emitted or already scheduled: what the sizing steers by
        self.gst = [0] * 6  # this month's output C/S/I then input C/S/I, paise
        self.gst_due = [0] * 6
        self.staff = max(3, len(chart.customers) // 4)
        self.salary_due = 0
        self.balance = dict(chart.openings)  # paise, positive = Dr: where the money is

    def voucher(self, day: date, kind: str, narration: str, lines: Lines) -> Voucher:
        if fy_label(day) != self.fy:  # voucher numbers restart every financial year
            self.fy, self.counters = fy_label(day), {}
        prefix = names.VOUCHER_PREFIXES[kind]
        self.counters[prefix] = self.counters.get(prefix, 0) + 1
        vno = f"{prefix}/{self.fy}/{self.counters[prefix]:06d}"
        text, t = narration.replace("{vno}", vno), self.tenant_id
        for name, p in lines:
            self.balance[name] = self.balance.get(name, 0) + p
        return [
            (t, name, day, kind, vno, text, money(p), ZERO)
            if p > 0
            else (t, name, day, kind, vno, text, ZERO, money(-p))
            for name, p in lines
            if p
        ], None

    def banks(self) -> list[tuple[str, str]]:
        """Bank ledgers (and codes) from the most money to the least."""
        return sorted(names.BANKS, key=lambda bank: -self.balance.get(bank[0], 0))

    def how(self, day: date, paise: int, paying: bool = False) -> tuple[str, str]:
        """A bank ledger and how the money moved; paying, from whichever account has the money."""
        return payment_mode(self.rng, day, paise, self.banks()[0] if paying else None)

    def trade(self, day: date, selling: bool) -> Voucher:
        rng = self.rng
        parties = self.chart.customers if selling else self.chart.suppliers
        party = parties[int(len(parties) * rng.random() ** 3)]  # a few parties do most trade
        rate = rng.choices(names.GST_RATES, names.GST_RATE_WEIGHTS)[0]
        taxable = amount(rng, 20_000 if selling else 29_000, 1.2, 500, 390_000)
        tax = (taxable * rate + 50) // 100
        sign, first = (1, 0) if selling else (-1, 3)
        split = [(first + 2, tax)] if party[2] else [(first, tax // 2), (first + 1, tax - tax // 2)]
        for slot, paise in split:
            self.gst[slot] += paise
        head = f"{'Interstate ' if party[2] else ''}{'Sales' if selling else 'Purchase'}"
        lines = [(party[0], sign * (taxable + tax)), (f"{head} GST {rate}%", -sign * taxable)]
        lines += [(names.GST_HEADS[slot], -sign * paise) for slot, paise in split]
        ref = f"{rng.choice(('INV', 'TI', 'GST', 'BILL'))}/{rng.randrange(1, 10_000):04d}"
        if selling:
            text = f"Being goods sold to {party[1]} vide invoice {{vno}}"
        else:
            text = f"Being goods purchased from {party[1]} vide their bill no. {ref}"
        rows, _ = self.voucher(day, "Sales" if selling else "Purchase", text, lines)
        terms = rng.choice((15, 30, 30, 45, 45, 60, 90))
        paid = self.schedule(day, terms, party, taxable + tax, rows[0][4], ref, selling)
        kind = "receivable" if selling else "payable"
        bill = (self.tenant_id, party[0], kind, rows[0][4], day, day + timedelta(terms))
        return rows, (*bill, money(taxable + tax), money(taxable + tax - paid))

    def schedule(
        self, day: date, terms: int, party: Party, total: int, vno: str, ref: str, selling: bool
    ) -> int:
        """Decide now when (and whether) a bill gets paid; return what is paid by `as_of`."""
        rng = self.rng
        if rng.random() < 0.04:  # disputed or bad debt: stays open and ages into 90+
            return 0
        delay = max(3, terms + int(rng.gauss(0, 12)))
        if rng.random() < 0.18:  # slow payers keep the 61-90 and 90+ buckets populated
            delay += int(rng.expovariate(1 / 75))
        parts = [(delay, total)]
        if rng.random() < 0.2:
            first = int(total * rng.uniform(0.3, 0.7)) // 100 * 100
            parts = [(max(1, delay // 2), first), (delay, total - first)]
        paid = 0
        for days, paise in parts:
            when = (day + timedelta(days)).toordinal()
            if when <= self.as_of.toordinal():
                kind = "Receipt" if selling else "Payment"
                heapq.heappush(self.due, (when, next(self.tick), kind, party, paise, vno, ref))
                self.committed += 2
                paid += paise
        return paid

    def settle(self, day: date, kind: str, party: Party, paise: int, vno: str, ref: str) -> Voucher:
        bank, how = self.how(day, paise, paying=kind == "Payment")
        if kind == "Payment":
            text = f"Paid {how} against {vno} (their bill {ref})"
            return self.voucher(day, kind, text, [(party[0], paise), (bank, -paise)])
        if paise < 2_000_000 and self.rng.random() < 0.1:  # cash only below the ₹2 lakh limit
            bank, how = "Cash", "in cash"
        text = f"Received {how} against {vno}"
        return self.voucher(day, kind, text, [(bank, paise), (party[0], -paise)])

    def expense(self, day: date) -> Voucher:
        weights = [weight for *_, weight in names.EXPENSES]
        ledger, _, median, _ = self.rng.choices(names.EXPENSES, weights)[0]
        paise = amount(self.rng, median, 0.7, 100, 300_000)
        bank, how = self.how(day, paise, paying=True)
        if paise < 1_000_000 and self.rng.random() < 0.7:
            bank, how = "Cash", "in cash"
        text = f"Being {ledger.lower()} paid {how}"
        return self.voucher(day, "Payment", text, [(ledger, paise), (bank, -paise)])

    def contra(self, day: date) -> Voucher:
        # The till keeps about ₹50,000 and idle money moves to the account that is short, so
        # Cash and bank balances stay believable however many vouchers there are.
        cash, ((rich, _), _, (poor, _)) = self.balance.get("Cash", 0), self.banks()
        if cash > 15_000_000:
            paise = (cash - 5_000_000) // 100_000 * 100_000
            text = f"Cash deposited into {poor}"
            return self.voucher(day, "Contra", text, [(poor, paise), ("Cash", -paise)])
        gap = (self.balance.get(rich, 0) - self.balance.get(poor, 0)) // 200_000 * 100_000
        if cash < 2_500_000 or gap < 5_000_000:
            paise = amount(self.rng, 40_000, 0.6, 5_000, 190_000)
            text = f"Cash withdrawn from {rich} vide self cheque"
            return self.voucher(day, "Contra", text, [("Cash", paise), (rich, -paise)])
        paise = min(gap, 500_000_000)
        text = f"Funds transferred from {rich} to {poor} {self.how(day, paise)[1]}"
        return self.voucher(day, "Contra", text, [(poor, paise), (rich, -paise)])

    def monthly(self, day: date, year_index: int) -> Iterator[Voucher]:
        month, bank = f"{names.MONTHS[day.month - 1]} {day.year}", self.banks()[0][0]
        if day.day == 1:  # GST of a month is paid on the 20th of the next
            self.gst_due = [a + b for a, b in zip(self.gst_due, self.gst, strict=True)]
            self.gst = [0] * 6
        if day.day == 5:
            rent = 3_000_000 + self.staff * 400_000
            lines = [("Rent", rent), (bank, -rent)]
            yield self.voucher(day, "Payment", f"Being rent for {month} paid via NEFT", lines)
        if day.day == 7 and self.salary_due:
            lines = [("Outstanding Expenses", self.salary_due), (bank, -self.salary_due)]
            self.salary_due = 0
            yield self.voucher(day, "Payment", "Being last month's salary paid via NEFT", lines)
        net = sum(self.gst_due[:3]) - sum(self.gst_due[3:])
        if day.day == 20 and net > 0:  # else the input credit is carried forward
            heads = zip(names.GST_HEADS, self.gst_due, strict=True)
            lines = [(head, p if i < 3 else -p) for i, (head, p) in enumerate(heads)]
            self.gst_due = [0] * 6
            text = f"Being GST paid vide challan CPIN {self.rng.randrange(10**13, 10**14)}"
            yield self.voucher(day, "Payment", text, [*lines, (bank, -net)])
        if (day + timedelta(1)).day == 1:
            for asset, percent in (("Furniture & Fixtures", 10), ("Plant & Machinery", 15)):
                paise = self.chart.openings[asset] * percent // 1200
                text = f"Being depreciation on {asset.lower()} for {month}"
                yield self.voucher(day, "Journal", text, [("Depreciation", paise), (asset, -paise)])
            # Salaries rise 8% every April.
            self.salary_due = self.staff * 2_200_000 * 108**year_index // 100**year_index
            lines = [
                ("Salaries & Wages", self.salary_due),
                ("Outstanding Expenses", -self.salary_due),
            ]
            yield self.voucher(day, "Journal", f"Being salary provided for {month}", lines)
            paise, od = amount(self.rng, 9_000, 0.5, 1_000, 60_000), names.BANKS[1][0]
            lines = [("Interest on OD", paise), (od, -paise)]
            yield self.voucher(day, "Journal", f"Being OD interest debited for {month}", lines)


def _day_weight(day: date, progress: float) -> float:
    # Quiet Sundays, a March year-end rush, festive Oct/Nov, and a business that grows.
    week = (1.0, 1.0, 1.0, 1.0, 1.0, 0.6, 0.1)[day.weekday()]
    season = 1.4 if day.month == 3 else 1.2 if day.month in (10, 11) else 1.0
    return week * season * (1.0 + 0.3 * progress)


def generate_vouchers(
    chart: Chart, *, rows: int, seed: int, as_of: date, tenant_id: str = "demo"
) -> Iterator[Voucher]:
    """Every voucher's entry rows (and its bill, for Sales/Purchase), in date order."""
    rng = random.Random(f"{seed}:vouchers")
    books, start = _Books(chart, tenant_id, rng, as_of), books_start(as_of)
    days = [start + timedelta(i) for i in range((as_of - start).days + 1)]
    weights = [_day_weight(day, i / len(days)) for i, day in enumerate(days)]
    weight_left, monthly, primaries, monthly_rows = sum(weights), rows >= MONTHLY_MIN_ROWS, 0, 0
    for i, day in enumerate(days):
        for voucher in books.monthly(day, int(fy_label(day)[:4]) - start.year) if monthly else ():
            monthly_rows += len(voucher[0])
            yield voucher
        while books.due and books.due[0][0] == day.toordinal():
            yield books.settle(day, *heapq.heappop(books.due)[2:])
        # Steer by what is left: the day's share of the remaining rows, in vouchers of the
        # average size seen so far (settlements included, since they are counted when decided).
        left: float = rows - books.committed - monthly_rows
        left -= MONTHLY_ROWS_PER_DAY * (len(days) - i) if monthly else 0
        per_voucher = books.committed / primaries if primaries > 20 else 4.8
        want = max(0.0, left) * weights[i] / weight_left / per_voucher
        weight_left -= weights[i]
        for _ in range(int(want) + (rng.random() < want % 1)):
            roll = rng.random()
            if roll < 0.78:
                voucher = books.trade(day, selling=roll < 0.5)
            else:
                voucher = books.expense(day) if roll < 0.94 else books.contra(day)
            primaries += 1
            books.committed += len(voucher[0])
            yield voucher
