"""The party's side of a confirmation: show the page, take the answer.

No login: the signed link is the party's key. Every request first counts against the
client's rate limit (`CONFIRMATION_RATE_PER_MINUTE`), then the link is read (not ours: 404;
expired: 410), and an answer must come with the form token bound to the page's cookie and,
when the browser names it, our own origin (403 otherwise). A wrong amount or a note too long
shows the form again with the typed values and the error by its field (422).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from redis.asyncio import Redis

from api_gateway.confirmations.page import (
    PAGE_HEADERS,
    PageView,
    confirmation_page,
    message_page,
    signed_balance,
)
from api_gateway.http.problems import ProblemError
from api_gateway.http.rate_limit import enforce_rate_limit
from shared.domain import tenants
from shared.domain.confirmations import forms
from shared.domain.confirmations.listing import names_now_of
from shared.domain.confirmations.replies import (
    ConfirmationClosedError,
    LinkedConfirmation,
    confirmation_for_token,
    parse_amount,
    record_reply,
)
from shared.domain.confirmations.requests import as_of_text, balance_text
from shared.domain.confirmations.words import LINK_INVALID, TOO_MANY_REQUESTS, words_for
from shared.domain.links import CONFIRM_PATH, InvalidLinkError
from shared.domain.local_time import local_stamp
from shared.infra.db import UnitOfWork
from shared.infra.settings import Settings
from shared.languages import Language
from shared.states import ConfirmationStatus

RATE_ACTION = "confirmation-page"


@dataclass(frozen=True)
class Visit:
    """One request to a party's page: what every step of showing it or taking its answer
    reads."""

    request: Request
    uow: UnitOfWork
    redis: Redis
    settings: Settings
    token: str


@dataclass(frozen=True)
class Answer:
    """The posted form, as typed."""

    form_token: str | None
    answer: str | None
    amount: str
    side: str
    note: str
    lang: str | None


def _html(body: str, status: int = 200, headers: dict[str, str] | None = None) -> HTMLResponse:
    return HTMLResponse(body, status_code=status, headers={**PAGE_HEADERS, **(headers or {})})


def _invalid_link() -> HTMLResponse:
    return _html(message_page("en", "LedgerPost", LINK_INVALID, "bad"), 404)


async def _counted(request: Request, redis: Redis, settings: Settings) -> HTMLResponse | None:
    """The client's requests this minute; a page saying so (429) once over the limit."""
    client = request.client.host if request.client else "unknown"
    try:
        await enforce_rate_limit(
            redis,
            settings.bus_stream_prefix,
            RATE_ACTION,
            "public",
            client,
            settings.confirmation_rate_per_minute,
            what="confirmation pages",
        )
    except ProblemError as exc:
        if exc.status != 429:
            raise
        return _html(message_page("en", "LedgerPost", TOO_MANY_REQUESTS, "bad"), 429, exc.headers)
    return None


async def _linked(uow: UnitOfWork, settings: Settings, token: str) -> LinkedConfirmation | None:
    try:
        return await confirmation_for_token(uow.session, settings.file_link_secret, token)
    except InvalidLinkError:
        return None


def _language(linked: LinkedConfirmation, asked: str | None) -> Language:
    """The party's language, unless the page was switched to another one."""
    try:
        return Language(asked) if asked else Language(linked.confirmation.language)
    except ValueError:
        return Language(linked.confirmation.language)


async def _page(
    uow: UnitOfWork,
    settings: Settings,
    token: str,
    linked: LinkedConfirmation,
    language: Language,
    nonce: str,
    *,
    thanks: bool = False,
    errors: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
) -> PageView:
    c = linked.confirmation
    words = words_for(language)
    letterhead, zone = await tenants.letterhead(uow.session, c.tenant_id)
    status_line, good = None, True
    if c.status != ConfirmationStatus.NO_REPLY and c.replied_at is not None:
        when = local_stamp(c.replied_at, zone)
        if c.status == ConfirmationStatus.CONFIRMED:
            status_line = words.replied_confirmed.format(when=when)
        else:
            theirs = balance_text(c.party_balance or Decimal(0), language)
            status_line, good = words.replied_disputed.format(when=when, balance=theirs), False
    path = CONFIRM_PATH + token
    names = await names_now_of(uow.session, c)  # the page is read now: the books' names now
    return PageView(
        words=words,
        letterhead=letterhead,
        party=names.party,
        ledger=names.ledger,
        as_of=as_of_text(c.as_of),
        balance=balance_text(c.balance, language),
        balance_is_debit=c.balance >= 0,
        action=path,
        form_token=forms.form_token(settings.file_link_secret, c.id, nonce),
        expiry=local_stamp(linked.expires_at, zone),
        language_links=tuple((lang, f"{path}?lang={lang.value}") for lang in Language),
        status_line=status_line,
        status_good=good,
        note=c.note if c.status == ConfirmationStatus.DISPUTED else None,
        thanks=thanks,
        errors=errors or {},
        typed=typed or {},
    )


async def _expired(uow: UnitOfWork, linked: LinkedConfirmation, language: Language) -> Response:
    words = words_for(language)
    letterhead, zone = await tenants.letterhead(uow.session, linked.confirmation.tenant_id)
    line = words.expired.format(when=local_stamp(linked.expires_at, zone), company=letterhead.name)
    return _html(message_page(language, words.title, [line], "bad"), 410)


def _with_form_cookie(
    response: HTMLResponse, request: Request, token: str, nonce: str
) -> HTMLResponse:
    response.set_cookie(
        forms.FORM_COOKIE,
        nonce,
        path=CONFIRM_PATH + token,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


async def _opened(
    visit: Visit, lang: str | None, now: datetime
) -> Response | tuple[LinkedConfirmation, Language]:
    """The link's confirmation and the page's language; or, in this order, the page that
    refuses the request: too many requests (429), not our link (404), expired (410)."""
    if (limited := await _counted(visit.request, visit.redis, visit.settings)) is not None:
        return limited
    linked = await _linked(visit.uow, visit.settings, visit.token)
    if linked is None:
        return _invalid_link()
    language = _language(linked, lang)
    if not linked.is_open(now):
        return await _expired(visit.uow, linked, language)
    return linked, language


async def show_page(visit: Visit, lang: str | None, done: bool) -> Response:
    opened = await _opened(visit, lang, datetime.now(UTC))
    if isinstance(opened, Response):
        return opened
    linked, language = opened
    request, uow, settings, token = visit.request, visit.uow, visit.settings, visit.token
    nonce = forms.new_form_nonce()
    view = await _page(uow, settings, token, linked, language, nonce, thanks=done)
    return _with_form_cookie(_html(confirmation_page(view)), request, token, nonce)


async def take_answer(visit: Visit, posted: Answer) -> Response:
    now = datetime.now(UTC)
    opened = await _opened(visit, posted.lang, now)
    if isinstance(opened, Response):
        return opened
    linked, language = opened
    request, uow, settings, token = visit.request, visit.uow, visit.settings, visit.token
    words = words_for(language)
    c = linked.confirmation
    nonce = request.cookies.get(forms.FORM_COOKIE)
    ours = [settings.public_base_url, f"{request.url.scheme}://{request.url.netloc}"]
    if not forms.same_origin(request.headers.get("origin"), ours) or not forms.form_token_valid(
        settings.file_link_secret, c.id, nonce, posted.form_token
    ):
        return _html(message_page(language, words.title, [words.form_refused], "bad"), 403)
    errors: dict[str, str] = {}
    party_balance = None
    answer = ConfirmationStatus.CONFIRMED
    if posted.answer == ConfirmationStatus.DISPUTED:
        answer = ConfirmationStatus.DISPUTED
        amount = parse_amount(posted.amount)
        if amount is None:
            errors["amount"] = words.amount_invalid
        else:
            party_balance = signed_balance(amount, "cr" if posted.side == "cr" else "dr")
        if len(posted.note) > settings.confirmation_note_max_chars:
            errors["note"] = words.note_too_long.format(limit=settings.confirmation_note_max_chars)
    elif posted.answer != ConfirmationStatus.CONFIRMED:
        return _html(message_page(language, words.title, [words.form_refused], "bad"), 403)
    if errors:
        typed = {"amount": posted.amount, "side": posted.side, "note": posted.note}
        fresh = forms.new_form_nonce()
        view = await _page(
            uow, settings, token, linked, language, fresh, errors=errors, typed=typed
        )
        return _with_form_cookie(_html(confirmation_page(view), 422), request, token, fresh)
    note = (
        posted.note.replace("\r\n", "\n").strip() if answer == ConfirmationStatus.DISPUTED else ""
    )
    try:
        await record_reply(
            uow.session, c.id, answer, party_balance=party_balance, note=note or None, now=now
        )
    except ConfirmationClosedError:
        return await _expired(uow, linked, language)
    await uow.commit()
    # Post, redirect, get: a reload shows the answer instead of sending it again.
    target = f"{CONFIRM_PATH}{token}?done=1&lang={language.value}"
    return RedirectResponse(target, status_code=303, headers=PAGE_HEADERS)
