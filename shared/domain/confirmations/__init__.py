"""Balance confirmations: a party asked to confirm its balance as of a date, and its answer.

`request_confirmation` (requests.py) is the one use case a sender calls (a manual ledger
email with `confirm_balance`, a statement run's item): it creates the confirmation and
returns the signed link and the paragraph for the email. The party answers on a public page
(replies.py: the answer recorded, changeable until the link expires; forms.py: the form's
CSRF token); listing.py reads them back for the web app, reminders.py nudges the parties
that did not answer; words.py holds every word in English, Marathi and Hindi.
"""

from shared.domain.confirmations.requests import (
    ConfirmationRequest,
    confirmation_url,
    ledger_named,
    record_email,
    request_confirmation,
)

__all__ = [
    "ConfirmationRequest",
    "confirmation_url",
    "ledger_named",
    "record_email",
    "request_confirmation",
]
