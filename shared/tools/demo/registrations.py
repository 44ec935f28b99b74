"""Letterhead material for the demo books: the company's profile, and each party's GSTIN and
postal address, all with valid GSTIN check characters (`shared.domain.tax_ids`).

The demo company trades from Pune, Maharashtra (GST state 27). A party that buys or sells
within the state (CGST+SGST) is in a Maharashtra city, an inter-state one (IGST) elsewhere; a
ledger named "<firm> - <city>" is in that city. About one small party in eight is not
registered for GST (a proprietor below the turnover threshold): no GSTIN, an address all the
same. PANs follow the holder's kind: C for a company, F for a firm or LLP, P for a proprietor.

Everything is drawn from its own seeded PRNG, so the books' other figures do not move.
"""

from __future__ import annotations

import random
import string

from shared.domain.tax_ids import gstin_check_character

# city -> (GST state code, state, first three digits of its PIN codes)
CITY_STATES = {
    "Pune": ("27", "Maharashtra", "411"), "Mumbai": ("27", "Maharashtra", "400"),
    "Nagpur": ("27", "Maharashtra", "440"), "Nashik": ("27", "Maharashtra", "422"),
    "Aurangabad": ("27", "Maharashtra", "431"), "Chennai": ("33", "Tamil Nadu", "600"),
    "Coimbatore": ("33", "Tamil Nadu", "641"), "Madurai": ("33", "Tamil Nadu", "625"),
    "Tiruppur": ("33", "Tamil Nadu", "641"), "Erode": ("33", "Tamil Nadu", "638"),
    "Salem": ("33", "Tamil Nadu", "636"), "Kolkata": ("19", "West Bengal", "700"),
    "Delhi": ("07", "Delhi", "110"), "Bengaluru": ("29", "Karnataka", "560"),
    "Hyderabad": ("36", "Telangana", "500"), "Ahmedabad": ("24", "Gujarat", "380"),
    "Surat": ("24", "Gujarat", "395"), "Rajkot": ("24", "Gujarat", "360"),
    "Vadodara": ("24", "Gujarat", "390"), "Jaipur": ("08", "Rajasthan", "302"),
    "Jodhpur": ("08", "Rajasthan", "342"), "Lucknow": ("09", "Uttar Pradesh", "226"),
    "Kanpur": ("09", "Uttar Pradesh", "208"), "Indore": ("23", "Madhya Pradesh", "452"),
    "Bhopal": ("23", "Madhya Pradesh", "462"), "Ludhiana": ("03", "Punjab", "141"),
    "Kochi": ("32", "Kerala", "682"), "Visakhapatnam": ("37", "Andhra Pradesh", "530"),
    "Patna": ("10", "Bihar", "800"), "Guwahati": ("18", "Assam", "781"),
}  # fmt: skip
HOME_STATE = "27"
_LOCAL = tuple(city for city, (code, _, _) in CITY_STATES.items() if code == HOME_STATE)
_ELSEWHERE = tuple(city for city, (code, _, _) in CITY_STATES.items() if code != HOME_STATE)
STREETS = (
    "MG Road", "Station Road", "Market Yard", "Industrial Estate, Phase II", "Gandhi Nagar",
    "Nehru Chowk", "Sadar Bazar", "Ring Road", "Transport Nagar", "Old Cotton Market",
    "GIDC Estate", "Anna Salai", "Main Bazaar", "Shivaji Nagar", "Civil Lines",
)  # fmt: skip
UNREGISTERED_SHARE = 0.125

Registration = tuple[str | None, list[str]]  # GSTIN (None: unregistered), address lines


def make_pan(rng: random.Random, kind: str, name: str) -> str:
    """A PAN-shaped number: 3 letters, the holder's kind, the name's initial, 4 digits, a letter."""
    letters = string.ascii_uppercase
    head = "".join(rng.choice(letters) for _ in range(3))
    initial = next((ch for ch in name.upper() if ch in letters), "X")
    return f"{head}{kind}{initial}{rng.randrange(10_000):04d}{rng.choice(letters)}"


def make_gstin(state_code: str, pan: str, registration: int = 1) -> str:
    head = f"{state_code}{pan}{registration}Z"
    return head + gstin_check_character(head)


def _holder_kind(party: str) -> str:
    if party.endswith(" Pvt Ltd"):
        return "C"
    if party.endswith((" LLP", " & Sons", " & Co", " Bros")):
        return "F"
    return "P"


def party_registration(seed: int, ledger: str, party: str, interstate: bool) -> Registration:
    """The GSTIN (or None) and address lines of one party, a function of its names alone."""
    rng = random.Random(f"{seed}:registration:{ledger}")
    _, dash, suffix = ledger.rpartition(" - ")
    city = suffix if dash and suffix in CITY_STATES else None
    city = city or rng.choice(_ELSEWHERE if interstate else _LOCAL)
    code, state, pin = CITY_STATES[city]
    address = [
        f"{rng.randint(1, 250)}, {rng.choice(STREETS)}",
        f"{city} {pin}{rng.randrange(1, 100):03d}",
        state,
    ]
    kind = _holder_kind(party)
    if kind == "P" and rng.random() < UNREGISTERED_SHARE * 2:  # proprietors are half the parties
        return None, address
    pan = make_pan(rng, kind, party if kind != "P" else party.split()[0])
    return make_gstin(code, pan), address


def company_profile(tenant_id: str, name: str, domain: str) -> dict[str, object]:
    """The letterhead of a tenant the loader creates: a Pune office, a company's PAN and GSTIN."""
    rng = random.Random(f"company:{tenant_id}")
    pan = make_pan(rng, "C", name)
    return {
        "legal_name": name,
        "address": [
            "Office 402, Shreenath Plaza",
            "Dnyaneshwar Paduka Chowk, FC Road",
            "Shivajinagar, Pune 411005",
            "Maharashtra",
        ],
        "gstin": make_gstin(HOME_STATE, pan),
        "pan": pan,
        "phone": "+91 20 2553 4100",
        "email": f"accounts@{domain}",
    }
