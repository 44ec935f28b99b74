"""The demo chart of accounts: ledgers, parties and opening balances, plus the shared helpers.

Record shapes are the column order of the COPYs in `shared.tools.demo.load`; amounts are carried as
integer paise while generating and become exact `Decimal`s (`money`) only in the records.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from shared.tools.demo import names
from shared.tools.demo.registrations import party_registration

EntryRecord = tuple[str, str, date, str, str, str, Decimal, Decimal]
BillRecord = tuple[str, str, str, str, date, date, Decimal, Decimal]
# tenant, name, group, party, opening balance, opening date, GSTIN, address lines
LedgerRecord = tuple[str, str, str, str | None, Decimal, date, str | None, list[str]]
Party = tuple[str, str, bool]  # ledger name, party name, inter-state supply (IGST)

ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class Chart:
    ledgers: list[LedgerRecord]
    customers: list[Party]
    suppliers: list[Party]
    openings: dict[str, int]  # paise, positive = Dr


def money(paise: int) -> Decimal:
    return Decimal(paise).scaleb(-2)


def books_start(as_of: date) -> date:
    return date(as_of.year - (1 if as_of.month >= 4 else 2), 4, 1)


def fy_label(day: date) -> str:
    year = day.year if day.month >= 4 else day.year - 1
    return f"{year}-{(year + 1) % 100:02d}"


def tenant_profile(tenant_id: str, tenant_name: str | None = None) -> tuple[str, list[str]]:
    """The display name and internal domains given to a tenant the loader creates."""
    if tenant_name is None:
        words = [w.capitalize() for w in re.split(r"[^0-9A-Za-z]+", tenant_id) if w]
        base = "Demo Traders" if tenant_id == "demo" or not words else " ".join(words)
        tenant_name = f"{base} Pvt Ltd"
    base = re.sub(r"\s+(pvt\.?\s+ltd\.?|private limited|ltd\.?|llp)$", "", tenant_name.lower())
    slug = re.sub(r"[^a-z0-9]+", "-", base).strip("-")[:63].strip("-") or "demo"
    return tenant_name, [f"{slug}.example"]


def amount(rng: random.Random, median: float, sigma: float, low: float, high: float) -> int:
    """Paise from a log-normal in rupees: most vouchers are small, a few are large."""
    return round(min(high, max(low, median * rng.lognormvariate(0.0, sigma))) * 100)


def _parties(
    rng: random.Random, count: int, trades: tuple[str, ...], taken: set[str]
) -> list[Party]:
    out: list[Party] = []
    while len(out) < count:
        roll = rng.random()
        if roll < 0.12:
            party = rng.choice(names.SURNAMES) + rng.choice(names.FAMILY_FORMS)
        else:
            stem = rng.choice(names.SURNAMES if roll < 0.7 else names.AUSPICIOUS)
            party = f"{stem} {rng.choice(trades)}{rng.choice(names.LEGAL_FORMS)}"
        ledger = party
        if ledger.lower() in taken:  # another firm of that name: books tell them apart by city
            ledger = f"{party} - {rng.choice(names.CITIES)}"
        if ledger.lower() not in taken:
            taken.add(ledger.lower())
            out.append((ledger, party, rng.random() < 0.25))
    return out


def generate_chart(rows: int, seed: int, as_of: date, tenant_id: str = "demo") -> Chart:
    """The ledgers with opening balances; parties grow with `rows` (20 to 5,000)."""
    rng = random.Random(f"{seed}:chart")
    plain = list(names.FIXED_LEDGERS) + [(bank, "Bank Accounts") for bank, _ in names.BANKS]
    plain += [(name, group) for name, group, _, _ in names.EXPENSES]
    for rate in names.GST_RATES:
        for head, group in (("Sales", "Sales Accounts"), ("Purchase", "Purchase Accounts")):
            plain += [(f"{head} GST {rate}%", group), (f"Interstate {head} GST {rate}%", group)]
    taken = {name.lower() for name, _ in plain}
    n = min(5_000, max(20, rows // 2_000))
    customers = _parties(rng, n - n * 2 // 5, names.CUSTOMER_TRADES, taken)
    suppliers = _parties(rng, n * 2 // 5, names.SUPPLIER_TRADES, taken)
    openings = {name: sign * amount(rng, *rest) for name, (sign, *rest) in names.OPENINGS.items()}
    openings["Plant & Machinery"] *= max(1, n // 20)  # a bigger trade needs a bigger plant
    for parties, sign in ((customers, 1), (suppliers, -1)):
        for ledger, _, _ in parties:
            if rng.random() < 0.6:
                openings[ledger] = sign * amount(rng, 40_000, 1.0, 500, 900_000)
    openings["Share Capital"] = -sum(openings.values())
    start = books_start(as_of)
    records: list[LedgerRecord] = [
        (tenant_id, name, group, None, money(openings.get(name, 0)), start, None, [])
        for name, group in plain
    ]
    for parties, group in ((customers, "Sundry Debtors"), (suppliers, "Sundry Creditors")):
        for ledger, party, interstate in parties:
            gstin, address = party_registration(seed, ledger, party, interstate)
            opening = money(openings.get(ledger, 0))
            records.append((tenant_id, ledger, group, party, opening, start, gstin, address))
    return Chart(records, customers, suppliers, openings)
