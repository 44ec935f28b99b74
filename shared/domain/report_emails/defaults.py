"""The texts a report email has until an admin changes them, per report and language.

Written as an Indian business writes to its party (English, Marathi, Hindi): the ledger
statement to the party, the outstanding report to the company's own people. Every
placeholder used here is one the report fills (`ReportDefinition.email_placeholders`); a test
checks that each default passes the same checks an admin's template does.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.languages import Language


@dataclass(frozen=True)
class TemplateText:
    subject: str
    body: str


DEFAULT_TEMPLATES: dict[tuple[str, Language], TemplateText] = {
    ("ledger", Language.EN): TemplateText(
        "Statement of account: {ledger}, {period}",
        "Dear Sir/Madam,\n\n"
        "Please find the statement of your account ({ledger}) with {company} for the period "
        "{period}. The closing balance is {closing_balance}.\n\n"
        "Kindly check it and let us know of any differences.{confirmation_request}\n\n"
        "Regards,\n{company}",
    ),
    ("ledger", Language.MR): TemplateText(
        "खाते उतारा: {ledger}, {period}",
        "महोदय/महोदया,\n\n"
        "{company} कडील आपल्या खात्याचा ({ledger}) {period} या कालावधीचा खाते उतारा सोबत "
        "पाठवत आहोत. अखेरची शिल्लक {closing_balance} आहे.\n\n"
        "कृपया तो तपासून पाहावा आणि काही तफावत आढळल्यास आम्हाला कळवावे.{confirmation_request}\n\n"
        "आपले विश्वासू,\n{company}",
    ),
    ("ledger", Language.HI): TemplateText(
        "खाता विवरण: {ledger}, {period}",
        "महोदय/महोदया,\n\n"
        "{company} के साथ आपके खाते ({ledger}) का {period} अवधि का खाता विवरण भेज रहे हैं। "
        "अंतिम शेष {closing_balance} है।\n\n"
        "कृपया इसकी जाँच कर लें और कोई अंतर हो तो हमें सूचित करें।{confirmation_request}\n\n"
        "सादर,\n{company}",
    ),
    ("outstanding", Language.EN): TemplateText(
        "Outstanding {kind} as of {as_of}",
        "Hello,\n\n"
        "The outstanding {kind} report of {company} as of {as_of}, with ageing, is ready.\n\n"
        "This report is for internal use only.\n\n"
        "Regards,\nLedgerPost",
    ),
    ("outstanding", Language.MR): TemplateText(
        "{kind} बाकी: {as_of} रोजी",
        "नमस्कार,\n\n"
        "{company} ची {as_of} रोजीची {kind} बाकी, थकीत दिवसांनुसार वर्गवारीसह, तयार आहे.\n\n"
        "हा अहवाल केवळ अंतर्गत वापरासाठी आहे.\n\n"
        "धन्यवाद,\nLedgerPost",
    ),
    ("outstanding", Language.HI): TemplateText(
        "बकाया {kind} राशि: {as_of} तक",
        "नमस्ते,\n\n"
        "{company} की {as_of} तक की बकाया {kind} राशियों की रिपोर्ट, अतिदेय दिनों के "
        "अनुसार वर्गीकरण सहित, तैयार है।\n\n"
        "यह रिपोर्ट केवल आंतरिक उपयोग के लिए है।\n\n"
        "धन्यवाद,\nLedgerPost",
    ),
    ("confirmations", Language.EN): TemplateText(
        "Balance confirmations: {company}",
        "Hello,\n\n"
        "The balance confirmations of {company}, with each party's answer, are ready.\n\n"
        "This report is for internal use only.\n\n"
        "Regards,\nLedgerPost",
    ),
    ("confirmations", Language.MR): TemplateText(
        "शिल्लक पुष्टी अहवाल: {company}",
        "नमस्कार,\n\n"
        "{company} च्या शिल्लक पुष्टींचा अहवाल, प्रत्येक पार्टीच्या उत्तरासह, तयार आहे.\n\n"
        "हा अहवाल केवळ अंतर्गत वापरासाठी आहे.\n\n"
        "धन्यवाद,\nLedgerPost",
    ),
    ("confirmations", Language.HI): TemplateText(
        "शेष पुष्टि रिपोर्ट: {company}",
        "नमस्ते,\n\n"
        "{company} की शेष पुष्टियों की रिपोर्ट, हर पार्टी के उत्तर सहित, तैयार है।\n\n"
        "यह रिपोर्ट केवल आंतरिक उपयोग के लिए है।\n\n"
        "धन्यवाद,\nLedgerPost",
    ),
}


def default_template(report: str, language: Language) -> TemplateText:
    """The default texts; a report without its own (a test's) gets a plain pair that uses
    only `{company}`, which every report fills."""
    found = DEFAULT_TEMPLATES.get((report, language)) or DEFAULT_TEMPLATES.get(
        (report, Language.EN)
    )
    return found or TemplateText(
        "Report from {company}", "Please find the report.\n\nRegards,\n{company}"
    )
