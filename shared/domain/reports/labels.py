"""The fixed words of a report and its email in each language: titles, column headings,
balance lines, page numbers, Dr/Cr, and the phrases the email's placeholders are made of.

Names, narrations and amounts are never translated: amounts keep Latin digits in Indian
grouping (`amounts.py`), dates stay dd-mm-yyyy. Marathi and Hindi use the words of Indian
books of account (खाते उतारा / खाता विवरण, नावे / नामे for Dr, जमा for Cr, आरंभीची शिल्लक /
प्रारंभिक शेष for the opening balance). Hindi writes Dr "नामे", the bahi-khata word, rather than
"नाम", which a reader of a statement full of names takes for "name". GSTIN and PAN are terms of
trade that Marathi and Hindi letterheads print in English; the words around them translate.

The outstanding report's words (`Outstanding`) are here too: the document prints them, and the
on-screen preview must print the same ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from shared.domain.reports.ageing import NOT_DUE
from shared.languages import Language


@dataclass(frozen=True)
class Outstanding:
    """The outstanding (ageing) report's words; the ageing ranges ("0-30", "90+") keep their
    Latin digits."""

    receivables_title: str = "Outstanding Receivables"
    payables_title: str = "Outstanding Payables"
    as_of: str = "As of {as_of}"
    ageing_line: str = "Ageing by days past the due date: {buckets}"
    not_due: str = "Not due"  # the first bucket's name
    party_total: str = "Total {party}"
    grand_total: str = "Grand Total"
    bucket_total: str = "Ageing {bucket} days"  # a range's total row: "Ageing 0-30 days"
    # the "Not due" total's title: worded apart from the bucket's name in the cell beside it
    not_due_total: str = "Ageing not yet due"

    def title(self, kind: str) -> str:
        return self.receivables_title if kind == "receivable" else self.payables_title

    def bucket(self, label: str) -> str:
        """A bucket's name as printed: "Not due" in this language, a range as it is."""
        return self.not_due if label == NOT_DUE else label

    def total_title(self, label: str) -> str:
        """The title of a bucket's total row: "Ageing 0-30 days", "Ageing not yet due"."""
        return self.not_due_total if label == NOT_DUE else self.bucket_total.format(bucket=label)


@dataclass(frozen=True)
class Labels:
    language: Language
    debit: str  # after a balance: "12,34,567.00 Dr"
    credit: str
    period: str  # "{start} to {end}"
    receivables: str  # the outstanding report's kind, as an email names it
    payables: str
    ledger_title: str
    ledger_line: str  # "Ledger: {ledger}"
    period_line: str  # "Period: {start} to {end}"
    opening_balance: str
    period_total: str
    closing_balance: str
    page_of: str  # "Page {page} of {pages}"
    generated: str  # "Generated {when}"
    # The letterhead's words before the company's phone and email; GSTIN and PAN stay.
    phone: str = "Phone"
    email: str = "Email"
    gstin: str = "GSTIN"
    pan: str = "PAN"
    outstanding: Outstanding = field(default_factory=Outstanding)
    # Column headings by their English title (`document.Column.title`).
    columns: dict[str, str] = field(default_factory=dict)
    # The paragraph a linked report's email ends with, and why it is a link.
    link_note: str = ""
    link_reason_size: str = ""  # "{size}", "{limit}"
    link_reason_format: str = ""  # "{format}"
    attached: str = ""  # `{link_expiry}` of an email whose report is attached

    def labelled(self, label: str, value: str) -> str:
        """A letterhead detail: "GSTIN: 27AAPFU0939F1ZV", "फोन: 020 2553 4100"."""
        return f"{label}: {value}"

    def column(self, title: str) -> str:
        return self.columns.get(title, title)

    def kind(self, kind: str) -> str:
        """The outstanding report's kind (`receivable`, `payable`) in this language."""
        return self.receivables if kind == "receivable" else self.payables


ENGLISH = Labels(
    language=Language.EN,
    debit="Dr",
    credit="Cr",
    period="{start} to {end}",
    receivables="receivables",
    payables="payables",
    ledger_title="Ledger Statement",
    ledger_line="Ledger: {ledger}",
    period_line="Period: {start} to {end}",
    opening_balance="Opening Balance",
    period_total="Period Total",
    closing_balance="Closing Balance",
    page_of="Page {page} of {pages}",
    generated="Generated {when}",
    link_note="Download {file_name}: {url}\n(The link works until {link_expiry}; {reason}.)",
    link_reason_size="the file is {size}, above the {limit} attachment limit",
    link_reason_format="{format} reports are sent as links",
    attached="not applicable: the report is attached",
)

MARATHI = Labels(
    language=Language.MR,
    debit="नावे",
    credit="जमा",
    period="{start} ते {end}",
    receivables="येणे",
    payables="देणे",
    ledger_title="खाते उतारा",
    ledger_line="खाते: {ledger}",
    period_line="कालावधी: {start} ते {end}",
    opening_balance="आरंभीची शिल्लक",
    period_total="कालावधीची एकूण रक्कम",
    closing_balance="अखेरची शिल्लक",
    page_of="{pages} पैकी पृष्ठ {page}",
    generated="तयार केले: {when}",
    phone="फोन",
    email="ईमेल",
    outstanding=Outstanding(
        receivables_title="येणे बाकी",
        payables_title="देणे बाकी",
        as_of="दिनांक {as_of} रोजी",
        ageing_line="देय दिनांकानंतरच्या थकीत दिवसांनुसार वर्गवारी: {buckets}",
        not_due="अजून देय नाही",
        party_total="एकूण {party}",
        grand_total="एकूण बेरीज",
        bucket_total="थकीत {bucket} दिवस",
        not_due_total="देय दिनांक अजून आलेला नाही",
    ),
    columns={
        "Date": "दिनांक",
        "Voucher Type": "व्हाउचर प्रकार",
        "Voucher No": "व्हाउचर क्र.",
        "Narration": "तपशील",
        "Debit": "नावे",
        "Credit": "जमा",
        "Balance": "शिल्लक",
        "Party": "पार्टी",
        "Bill Ref": "बिल क्र.",
        "Bill Date": "बिल दिनांक",
        "Due Date": "देय दिनांक",
        "Bill Amount": "बिलाची रक्कम",
        "Pending": "बाकी",
        "Days Overdue": "थकीत दिवस",
        "Ageing": "वर्गवारी",
    },
    link_note=("{file_name} डाउनलोड करण्यासाठी: {url}\n(ही लिंक {link_expiry} पर्यंत चालेल; {reason}.)"),
    link_reason_size="फाइल {size} आहे, संलग्नकाच्या {limit} मर्यादेपेक्षा मोठी",
    link_reason_format="{format} अहवाल लिंकद्वारे पाठवले जातात",
    attached="लागू नाही: अहवाल सोबत जोडला आहे",
)

HINDI = Labels(
    language=Language.HI,
    debit="नामे",
    credit="जमा",
    period="{start} से {end}",
    receivables="प्राप्य",
    payables="देय",
    ledger_title="खाता विवरण",
    ledger_line="खाता: {ledger}",
    period_line="अवधि: {start} से {end}",
    opening_balance="प्रारंभिक शेष",
    period_total="अवधि का योग",
    closing_balance="अंतिम शेष",
    page_of="{pages} में से पृष्ठ {page}",
    generated="तैयार किया गया: {when}",
    phone="फ़ोन",
    email="ईमेल",
    outstanding=Outstanding(
        receivables_title="बकाया प्राप्य",
        payables_title="बकाया देय",
        as_of="दिनांक {as_of} की स्थिति",
        ageing_line="देय तिथि के बाद के अतिदेय दिनों के अनुसार वर्गीकरण: {buckets}",
        not_due="अभी देय नहीं",
        party_total="कुल {party}",
        grand_total="सकल योग",
        bucket_total="अतिदेय {bucket} दिन",
        not_due_total="देय तिथि अभी नहीं आई",
    ),
    columns={
        "Date": "दिनांक",
        "Voucher Type": "वाउचर प्रकार",
        "Voucher No": "वाउचर सं.",
        "Narration": "विवरण",
        "Debit": "नामे",
        "Credit": "जमा",
        "Balance": "शेष",
        "Party": "पार्टी",
        "Bill Ref": "बिल सं.",
        "Bill Date": "बिल दिनांक",
        "Due Date": "देय तिथि",
        "Bill Amount": "बिल राशि",
        "Pending": "बकाया",
        "Days Overdue": "अतिदेय दिन",
        "Ageing": "वर्गीकरण",
    },
    link_note=("{file_name} डाउनलोड करने के लिए: {url}\n(यह लिंक {link_expiry} तक चलेगा; {reason}।)"),
    link_reason_size="फ़ाइल {size} की है, संलग्नक की {limit} सीमा से बड़ी",
    link_reason_format="{format} रिपोर्ट लिंक से भेजी जाती हैं",
    attached="लागू नहीं: रिपोर्ट संलग्न है",
)

_BY_LANGUAGE = {labels.language: labels for labels in (ENGLISH, MARATHI, HINDI)}


def labels_for(language: Language | str) -> Labels:
    """The labels of `language` (English for one without its own)."""
    return _BY_LANGUAGE.get(Language(language), ENGLISH)
