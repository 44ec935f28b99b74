"""The confirmation page as HTML: one small document, no script, readable on a phone.

Every value that comes from a tenant or a party (names, addresses, the party's note and
amount) passes through `escape`, attributes included; the page carries no JavaScript at all,
and its Content-Security-Policy allows only its own inline style (by hash) and forms posted
back to itself.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from html import escape

from shared.domain.confirmations.words import ConfirmationWords
from shared.domain.reports.document import Letterhead
from shared.domain.reports.labels import labels_for
from shared.languages import LANGUAGE_NAMES, Language

# Devanagari from the app's own Noto font when the phone has none (the web app's face, the
# same file: `/app/fonts/`), only for the characters it covers. It comes first: after
# system-ui, Chromium on Linux drew some bold Devanagari runs with DejaVu Sans (empty boxes).
STYLE = """
@font-face{font-family:"LedgerPost Devanagari";font-weight:400;font-display:swap;
src:local("Noto Sans Devanagari"),
url("/app/fonts/NotoSansDevanagari-Regular.ttf") format("truetype");
unicode-range:U+0900-097F,U+1CD0-1CFF,U+200C-200D,U+20B9,U+25CC,U+A830-A83F,U+A8E0-A8FF}
@font-face{font-family:"LedgerPost Devanagari";font-weight:700;font-display:swap;
src:local("Noto Sans Devanagari Bold"),
url("/app/fonts/NotoSansDevanagari-Bold.ttf") format("truetype");
unicode-range:U+0900-097F,U+1CD0-1CFF,U+200C-200D,U+20B9,U+25CC,U+A830-A83F,U+A8E0-A8FF}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 "LedgerPost Devanagari",system-ui,sans-serif;
color:#1d2430;background:#f3f5f8}
main{max-width:40rem;margin:0 auto;padding:1rem}
header.letterhead{border-bottom:2px solid #1d4e89;padding-bottom:.5rem;margin-bottom:1rem}
header.letterhead h1{font-size:1.25rem;margin:0;color:#1d4e89}
header.letterhead p{margin:0;font-size:.875rem;color:#4a5566}
nav.languages{font-size:.875rem;text-align:right;margin-bottom:.5rem}
nav.languages a{margin-left:.75rem}
section{background:#fff;border:1px solid #d6dce5;border-radius:8px;padding:1rem;margin:1rem 0}
h2{font-size:1.125rem;margin:0 0 .5rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0}
dt{color:#4a5566}dd{margin:0;font-weight:600;overflow-wrap:anywhere}
.balance{font-size:1.5rem;font-weight:700;margin:.25rem 0}
.meaning{color:#4a5566;margin:0}
.notice{border-left:4px solid #1d4e89;background:#eef4fb;padding:.75rem}
.notice.good{border-color:#1e7b34;background:#eaf6ed}
.notice.bad{border-color:#b42318;background:#fdeceb}
label{display:block;font-weight:600;margin:.75rem 0 .25rem}
fieldset{border:0;padding:0;margin:.75rem 0 0}
legend{font-weight:600;padding:0}
fieldset label{font-weight:400;margin:.25rem 0;display:flex;gap:.5rem;align-items:flex-start}
input[type=text],textarea{width:100%;font:inherit;padding:.6rem;border:1px solid #8a94a6;
border-radius:6px}
textarea{min-height:5rem}
button{font:inherit;font-weight:600;width:100%;min-height:3rem;margin-top:1rem;border:0;
border-radius:6px;padding:.6rem 1rem;cursor:pointer}
button.confirm{background:#1e7b34;color:#fff}
button.disagree{background:#1d4e89;color:#fff}
.error{color:#b42318;font-weight:600;margin:.25rem 0 0}
footer{font-size:.75rem;color:#4a5566;text-align:center;margin:2rem 0 1rem}
""".strip()

_STYLE_HASH = base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()
CONTENT_SECURITY_POLICY = (
    f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; font-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
# The link is the party's key: no other site may receive it (Referer), no cache keep it, no
# other site's frame show it. `same-origin`, not `no-referrer`: under the latter a browser
# sends the form's POST with `Origin: null`, and the origin check would learn nothing.
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}


@dataclass(frozen=True)
class PageView:
    """What the page shows; every text is raw (escaped here)."""

    words: ConfirmationWords
    letterhead: Letterhead
    party: str
    ledger: str
    as_of: str
    balance: str  # "₹12,34,567.00 नावे"
    balance_is_debit: bool
    action: str  # the form's target: the link's own path
    form_token: str
    expiry: str
    language_links: tuple[tuple[Language, str], ...] = ()
    status_line: str | None = None  # the party's current answer, in words
    status_good: bool = True
    note: str | None = None
    thanks: bool = False
    errors: dict[str, str] = field(default_factory=dict)
    typed: dict[str, str] = field(default_factory=dict)


def _document(language: str, title: str, body: Iterable[str]) -> str:
    return (
        f'<!doctype html><html lang="{escape(language)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        '<meta name="robots" content="noindex,nofollow">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head>"
        f"<body><main>{''.join(body)}</main></body></html>"
    )


def confirmation_page(view: PageView) -> str:
    w = view.words
    company = view.letterhead.name
    parts = [_letterhead(view.letterhead, view.words.language), _languages(view)]
    if view.thanks:
        parts.append(f'<p class="notice good" role="status">{escape(w.thanks)}</p>')
    parts.append(
        "<section><h2>{title}</h2><p>{intro}</p><dl>"
        "<dt>{party_label}</dt><dd>{party}</dd><dt>{ledger_label}</dt><dd>{ledger}</dd></dl>"
        '<p class="balance-label">{as_of}</p><p class="balance" data-testid="balance">{balance}'
        '</p><p class="meaning">{meaning}</p></section>'.format(
            title=escape(w.title),
            intro=escape(w.intro.format(company=company)),
            party_label=escape(w.party),
            party=escape(view.party),
            ledger_label=escape(w.ledger),
            ledger=escape(view.ledger),
            as_of=escape(w.balance_as_of.format(date=view.as_of)),
            balance=escape(view.balance),
            meaning=escape(
                (w.owes_company if view.balance_is_debit else w.company_owes).format(
                    company=company
                )
            ),
        )
    )
    if view.status_line:
        tone = "good" if view.status_good else "bad"
        note = f"<br>“{escape(view.note)}”" if view.note else ""
        parts.append(f'<p class="notice {tone}">{escape(view.status_line)}{note}</p>')
    parts.append(_confirm_form(view))
    parts.append(_disagree_form(view))
    parts.append(f"<footer>{escape(w.may_change.format(expiry=view.expiry))}</footer>")
    return _document(w.language, f"{w.title}: {company}", parts)


def message_page(language: str, title: str, lines: Iterable[str], tone: str = "") -> str:
    """A page that only says something (a link that is not valid, expired, too many tries)."""
    body = "".join(f'<p class="notice {escape(tone)}">{escape(line)}</p>' for line in lines)
    return _document(language, title, [f"<section><h2>{escape(title)}</h2>{body}</section>"])


def _letterhead(letterhead: Letterhead, language: Language) -> str:
    details = letterhead.detail_lines(labels_for(language))
    lines = "".join(f"<p>{escape(line)}</p>" for line in details)
    return f'<header class="letterhead"><h1>{escape(letterhead.name)}</h1>{lines}</header>'


def _languages(view: PageView) -> str:
    links = [
        f'<a href="{escape(href)}" lang="{escape(lang)}" hreflang="{escape(lang)}">'
        f"{escape(LANGUAGE_NAMES[lang])}</a>"
        for lang, href in view.language_links
        if lang != view.words.language
    ]
    return f'<nav class="languages">{"".join(links)}</nav>' if links else ""


def _hidden(view: PageView, answer: str) -> str:
    return (
        f'<input type="hidden" name="form_token" value="{escape(view.form_token)}">'
        f'<input type="hidden" name="answer" value="{escape(answer)}">'
        f'<input type="hidden" name="lang" value="{escape(view.words.language)}">'
    )


def _confirm_form(view: PageView) -> str:
    w = view.words
    return (
        f"<section><h2>{escape(w.your_answer)}</h2>"
        f'<form method="post" action="{escape(view.action)}">{_hidden(view, "confirmed")}'
        f'<button class="confirm" type="submit" data-testid="confirm">'
        f"{escape(w.confirm_button)}</button></form></section>"
    )


def _error(view: PageView, name: str) -> str:
    message = view.errors.get(name)
    return f'<p class="error" id="{name}-error">{escape(message)}</p>' if message else ""


def _invalid(view: PageView, name: str) -> str:
    return f' aria-invalid="true" aria-describedby="{name}-error"' if name in view.errors else ""


def _disagree_form(view: PageView) -> str:
    w = view.words
    company = view.letterhead.name
    side = view.typed.get("side", "dr" if view.balance_is_debit else "cr")
    checked = {"dr": " checked" if side == "dr" else "", "cr": " checked" if side == "cr" else ""}
    return (
        f"<section><h2>{escape(w.disagree)}</h2><p>{escape(w.disagree_intro)}</p>"
        f'<form method="post" action="{escape(view.action)}">{_hidden(view, "disputed")}'
        f'<label for="amount">{escape(w.amount)}</label>'
        f'<input type="text" id="amount" name="amount" inputmode="decimal" autocomplete="off" '
        f'maxlength="32" value="{escape(view.typed.get("amount", ""))}"'
        f"{_invalid(view, 'amount')}>{_error(view, 'amount')}"
        f"<fieldset><legend>{escape(w.side)}</legend>"
        f'<label><input type="radio" name="side" value="dr"{checked["dr"]}> '
        f"{escape(w.owes_company.format(company=company))}</label>"
        f'<label><input type="radio" name="side" value="cr"{checked["cr"]}> '
        f"{escape(w.company_owes.format(company=company))}</label></fieldset>"
        f'<label for="note">{escape(w.note)}</label>'
        f'<textarea id="note" name="note" maxlength="10000"{_invalid(view, "note")}>'
        f"{escape(view.typed.get('note', ''))}</textarea>{_error(view, 'note')}"
        f'<button class="disagree" type="submit" data-testid="disagree">'
        f"{escape(w.disagree_button)}</button></form></section>"
    )


def signed_balance(amount: Decimal, side: str) -> Decimal:
    """A typed amount with its side as our books sign balances (Dr positive)."""
    return amount if side == "dr" else -amount
