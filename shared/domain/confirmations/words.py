"""The words of a balance confirmation in each language: its public page, the paragraph a
statement email carries, and the reminder.

Written as Indian accounts departments write to their parties (शिल्लक / शेष for balance, नावे /
नाम for Dr, जमा for Cr, as the statements say). The page explains Dr and Cr in words, since
a party reads our books from the other side: "Dr" there means the party owes the company.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.languages import Language


@dataclass(frozen=True)
class ConfirmationWords:
    language: Language
    title: str
    intro: str  # {company}
    party: str
    ledger: str
    balance_as_of: str  # {date}
    owes_company: str  # Dr, in words: {company}
    company_owes: str  # Cr, in words: {company}
    your_answer: str
    confirm_button: str
    disagree: str
    disagree_intro: str
    amount: str
    side: str
    note: str
    disagree_button: str
    replied_confirmed: str  # {when}
    replied_disputed: str  # {when}, {balance}
    may_change: str  # {expiry}
    thanks: str
    expired: str  # {when}, {company}
    form_refused: str
    amount_invalid: str
    note_too_long: str  # {limit}
    difference: str
    email_request: str  # {link}, {expiry}
    reminder_subject: str  # {as_of}
    reminder_body: str  # {company}, {ledger}, {as_of}, {balance}, {request}


ENGLISH = ConfirmationWords(
    language=Language.EN,
    title="Balance confirmation",
    intro="{company} asks you to confirm the balance of your account in its books.",
    party="Party",
    ledger="Account",
    balance_as_of="Balance as of {date}",
    owes_company="Dr: you owe {company}",
    company_owes="Cr: {company} owes you",
    your_answer="Your answer",
    confirm_button="Confirm: this balance is correct",
    disagree="Disagree",
    disagree_intro="The balance as your books show it:",
    amount="Amount (₹)",
    side="Who owes whom",
    note="Note (optional)",
    disagree_button="Send my balance",
    replied_confirmed="You confirmed this balance on {when}.",
    replied_disputed="On {when} you told us your balance is {balance}.",
    may_change="You may change your answer until {expiry}.",
    thanks="Thank you. Your answer is recorded.",
    expired="This link expired on {when}. Please ask {company} for a new one.",
    form_refused=(
        "This form could not be accepted (it was opened elsewhere or too long ago). "
        "Please open the link again and answer."
    ),
    amount_invalid="Enter the amount in digits, for example 12,345.00",
    note_too_long="The note is too long (at most {limit} characters).",
    difference="Difference",
    email_request=(
        "Please confirm this balance, or tell us yours, at: {link}\n"
        "(The link works until {expiry}.)"
    ),
    reminder_subject="Reminder: balance confirmation as of {as_of}",
    reminder_body=(
        "Dear Sir/Madam,\n\n"
        "We have not yet received your confirmation of the balance of your account ({ledger}) "
        "with {company} as of {as_of}: {balance}.\n\n{request}\n\nRegards,\n{company}"
    ),
)

MARATHI = ConfirmationWords(
    language=Language.MR,
    title="शिल्लक पुष्टी",
    intro="{company} आपल्याला त्यांच्या हिशोबातील आपल्या खात्याच्या शिल्लकेची पुष्टी करण्याची विनंती करत आहे.",
    party="पार्टी",
    ledger="खाते",
    balance_as_of="{date} रोजीची शिल्लक",
    owes_company="नावे: आपल्याकडून {company} ला येणे",
    company_owes="जमा: {company} कडून आपल्याला येणे",
    your_answer="आपले उत्तर",
    confirm_button="पुष्टी करतो: ही शिल्लक बरोबर आहे",
    disagree="असहमत",
    disagree_intro="आपल्या हिशोबानुसार शिल्लक:",
    amount="रक्कम (₹)",
    side="कोणाकडून कोणाला येणे",
    note="टीप (ऐच्छिक)",
    disagree_button="माझी शिल्लक पाठवा",
    replied_confirmed="आपण {when} रोजी ही शिल्लक बरोबर असल्याची पुष्टी केली.",
    replied_disputed="{when} रोजी आपण आपली शिल्लक {balance} असल्याचे कळवले.",
    may_change="{expiry} पर्यंत आपण आपले उत्तर बदलू शकता.",
    thanks="धन्यवाद. आपले उत्तर नोंदवले आहे.",
    expired="ही लिंक {when} रोजी कालबाह्य झाली. कृपया {company} कडे नवीन लिंक मागावी.",
    form_refused=(
        "हा फॉर्म स्वीकारता आला नाही (तो दुसरीकडे किंवा खूप आधी उघडला होता). "
        "कृपया लिंक पुन्हा उघडून उत्तर द्यावे."
    ),
    amount_invalid="रक्कम अंकांत लिहा, उदा. 12,345.00",
    note_too_long="टीप खूप मोठी आहे (जास्तीत जास्त {limit} अक्षरे).",
    difference="फरक",
    email_request=(
        "कृपया ही शिल्लक बरोबर असल्याची पुष्टी करावी, किंवा आपली शिल्लक कळवावी: {link}\n"
        "(ही लिंक {expiry} पर्यंत चालेल.)"
    ),
    reminder_subject="स्मरणपत्र: {as_of} रोजीच्या शिल्लकेची पुष्टी",
    reminder_body=(
        "महोदय/महोदया,\n\n"
        "{company} कडील आपल्या खात्याच्या ({ledger}) {as_of} रोजीच्या शिल्लकेची ({balance}) "
        "पुष्टी आम्हाला अद्याप मिळालेली नाही.\n\n{request}\n\nआपले विश्वासू,\n{company}"
    ),
)

HINDI = ConfirmationWords(
    language=Language.HI,
    title="शेष राशि की पुष्टि",
    intro="{company} आपसे अपनी बहियों में आपके खाते के शेष की पुष्टि करने का अनुरोध करता है।",
    party="पार्टी",
    ledger="खाता",
    balance_as_of="{date} को शेष",
    owes_company="नामे: आपको {company} को देना है",
    company_owes="जमा: {company} को आपको देना है",
    your_answer="आपका उत्तर",
    confirm_button="पुष्टि करें: यह शेष सही है",
    disagree="असहमत",
    disagree_intro="आपकी बहियों के अनुसार शेष:",
    amount="राशि (₹)",
    side="किसे किसको देना है",
    note="टिप्पणी (वैकल्पिक)",
    disagree_button="मेरा शेष भेजें",
    replied_confirmed="आपने {when} को इस शेष की पुष्टि की।",
    replied_disputed="{when} को आपने बताया कि आपका शेष {balance} है।",
    may_change="{expiry} तक आप अपना उत्तर बदल सकते हैं।",
    thanks="धन्यवाद। आपका उत्तर दर्ज कर लिया गया है।",
    expired="यह लिंक {when} को समाप्त हो गया। कृपया {company} से नया लिंक माँगें।",
    form_refused=(
        "यह फ़ॉर्म स्वीकार नहीं किया जा सका (यह कहीं और या बहुत पहले खोला गया था)। "
        "कृपया लिंक फिर से खोलकर उत्तर दें।"
    ),
    amount_invalid="राशि अंकों में लिखें, जैसे 12,345.00",
    note_too_long="टिप्पणी बहुत लंबी है (अधिकतम {limit} अक्षर)।",
    difference="अंतर",
    email_request=("कृपया इस शेष की पुष्टि करें, या अपना शेष बताएँ: {link}\n(यह लिंक {expiry} तक चलेगा।)"),
    reminder_subject="अनुस्मारक: {as_of} को शेष की पुष्टि",
    reminder_body=(
        "महोदय/महोदया,\n\n"
        "{company} के साथ आपके खाते ({ledger}) के {as_of} के शेष ({balance}) की पुष्टि हमें "
        "अभी तक नहीं मिली है।\n\n{request}\n\nसादर,\n{company}"
    ),
)

_BY_LANGUAGE = {words.language: words for words in (ENGLISH, MARATHI, HINDI)}

# Before the link is read (a tampered link, too many requests) the party's language is not
# known: those pages say it in all three.
LINK_INVALID = (
    "This link is not valid.",
    "ही लिंक वैध नाही.",
    "यह लिंक मान्य नहीं है।",
)
TOO_MANY_REQUESTS = (
    "Too many attempts; please try again in a minute.",
    "खूप प्रयत्न झाले; कृपया एका मिनिटाने पुन्हा प्रयत्न करा.",
    "बहुत अधिक प्रयास; कृपया एक मिनट बाद फिर प्रयास करें।",
)


def words_for(language: Language | str) -> ConfirmationWords:
    """The words of `language` (English for one without its own)."""
    try:
        return _BY_LANGUAGE.get(Language(language), ENGLISH)
    except ValueError:
        return ENGLISH


def sample_confirmation_request(language: Language | str) -> str:
    """The `{confirmation_request}` of a template's preview: a made-up link and expiry."""
    return "\n\n" + words_for(language).email_request.format(
        link="https://ledgerpost.example/confirm/…", expiry="05-01-2027 18:30 IST"
    )
