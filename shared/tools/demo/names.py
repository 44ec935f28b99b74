"""Word lists for `shared.demo`: Indian trade names, cities and a small chart of accounts.

Kept apart from the generator so the data set's vocabulary can grow without touching its logic.
Order matters: the generator draws from these lists with a seeded PRNG, so reordering or
editing an entry changes every generated book (which is fine, but not silently).
"""

from __future__ import annotations

SURNAMES = (
    "Sharma", "Gupta", "Patel", "Reddy", "Agarwal", "Jain", "Mehta", "Shah", "Iyer", "Nair",
    "Rao", "Singh", "Verma", "Kapoor", "Malhotra", "Chopra", "Bansal", "Goyal", "Mittal",
    "Khandelwal", "Desai", "Joshi", "Kulkarni", "Deshpande", "Pillai", "Menon", "Naidu",
    "Chatterjee", "Banerjee", "Mukherjee", "Das", "Bose", "Sinha", "Mishra", "Tiwari", "Pandey",
    "Chauhan", "Rathore", "Bhatia", "Arora", "Sethi", "Khanna", "Thakkar", "Parikh", "Modi",
    "Shetty", "Hegde", "Gowda", "Murthy", "Subramanian", "Krishnan", "Chettiar", "Mudaliar",
)  # fmt: skip

# Names shops take from deities and good omens, as common as family names on Indian letterheads.
AUSPICIOUS = (
    "Sri Lakshmi", "Shree Ganesh", "Balaji", "Om Sai", "Jai Bharat", "Maa Durga",
    "Sri Venkateswara", "Shree Krishna", "Jai Ambe", "Sri Sai Ram", "Mahalaxmi", "Shubh Labh",
    "Navrang", "Annapurna",
    "Sri Murugan", "Ganga", "Kaveri", "Himalaya", "Vishwakarma", "Siddhivinayak",
)  # fmt: skip

CUSTOMER_TRADES = (
    "Traders", "Enterprises", "Agencies", "Textiles", "Distributors", "Stores", "Marketing",
    "Electricals", "Hardware", "Pharma Distributors", "Kirana Stores", "Garments", "Auto Parts",
    "Paper Mart", "Sanitaryware", "Trading Co", "Provisions", "Furnishings", "Book Depot",
)  # fmt: skip

SUPPLIER_TRADES = (
    "Industries", "Mills", "Manufacturing Co", "Polymers", "Steel Works", "Chemicals", "Foods",
    "Packaging", "Plastics", "Castings", "Fabrics", "Agro Products", "Engineering Works",
    "Wires & Cables", "Paints", "Spinning Mills", "Extrusions", "Oils", "Rubber Products",
)  # fmt: skip

LEGAL_FORMS = ("", "", "", " Pvt Ltd", " LLP")
FAMILY_FORMS = (" & Sons", " & Co", " Bros")

CITIES = (
    "Pune", "Chennai", "Kolkata", "Mumbai", "Delhi", "Bengaluru", "Hyderabad", "Ahmedabad",
    "Surat", "Jaipur", "Lucknow", "Kanpur", "Nagpur", "Indore", "Coimbatore", "Ludhiana",
    "Rajkot", "Vadodara", "Nashik", "Madurai", "Kochi", "Visakhapatnam", "Bhopal", "Patna",
    "Guwahati", "Tiruppur", "Erode", "Salem", "Aurangabad", "Jodhpur",
)  # fmt: skip

# (ledger name, bank code used in UTR numbers); the first bank carries most of the traffic.
BANKS = (
    ("HDFC Bank A/c", "HDFC"),
    ("ICICI Bank OD A/c", "ICIC"),
    ("State Bank of India A/c", "SBIN"),
)

GST_RATES = (5, 12, 18, 28)
# Indexed by the generator: output heads first, then input heads.
GST_HEADS = ("Output CGST", "Output SGST", "Output IGST", "Input CGST", "Input SGST", "Input IGST")
GST_RATE_WEIGHTS = (15, 20, 55, 10)

# (expense ledger, group, median voucher in rupees, how often it is booked relative to others)
EXPENSES = (
    ("Electricity Charges", "Indirect Expenses", 14_000, 2),
    ("Telephone & Internet", "Indirect Expenses", 2_500, 2),
    ("Printing & Stationery", "Indirect Expenses", 1_800, 5),
    ("Conveyance", "Indirect Expenses", 900, 10),
    ("Repairs & Maintenance", "Indirect Expenses", 6_500, 3),
    ("Office Expenses", "Indirect Expenses", 2_200, 8),
    ("Staff Welfare", "Indirect Expenses", 3_000, 4),
    ("Professional Fees", "Indirect Expenses", 25_000, 1),
    ("Freight Inward", "Direct Expenses", 7_500, 6),
    ("Freight Outward", "Indirect Expenses", 6_000, 6),
    ("Business Promotion", "Indirect Expenses", 9_000, 2),
    ("Bank Charges", "Indirect Expenses", 400, 4),
)

# Ledgers besides parties, banks, sales/purchase and expenses: (name, group).
FIXED_LEDGERS = (
    ("Cash", "Cash-in-Hand"),
    ("Output CGST", "Duties & Taxes"),
    ("Output SGST", "Duties & Taxes"),
    ("Output IGST", "Duties & Taxes"),
    ("Input CGST", "Duties & Taxes"),
    ("Input SGST", "Duties & Taxes"),
    ("Input IGST", "Duties & Taxes"),
    ("Rent", "Indirect Expenses"),
    ("Salaries & Wages", "Indirect Expenses"),
    ("Depreciation", "Indirect Expenses"),
    ("Interest on OD", "Indirect Expenses"),
    ("Outstanding Expenses", "Current Liabilities"),
    ("Furniture & Fixtures", "Fixed Assets"),
    ("Plant & Machinery", "Fixed Assets"),
    ("Share Capital", "Capital Account"),
)

# Opening balances: ledger -> (sign, median rupees, log-normal sigma, floor, cap); +1 = Dr.
OPENINGS = {
    "HDFC Bank A/c": (1, 900_000, 0.4, 200_000, 3_000_000),
    "ICICI Bank OD A/c": (-1, 400_000, 0.4, 100_000, 1_500_000),
    "State Bank of India A/c": (1, 250_000, 0.4, 50_000, 800_000),
    "Cash": (1, 60_000, 0.5, 10_000, 200_000),
    "Furniture & Fixtures": (1, 500_000, 0.3, 200_000, 1_200_000),
    "Plant & Machinery": (1, 3_000_000, 0.4, 1_000_000, 9_000_000),
    "Outstanding Expenses": (-1, 80_000, 0.3, 20_000, 200_000),
}

# Voucher numbers read like "SAL/2025-26/000123".
VOUCHER_PREFIXES = {
    "Sales": "SAL",
    "Purchase": "PUR",
    "Receipt": "RCT",
    "Payment": "PMT",
    "Journal": "JV",
    "Contra": "CTR",
}

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
