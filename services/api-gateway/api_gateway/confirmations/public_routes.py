"""`/confirm/{token}`: the balance confirmation page a party opens from its email (no login,
no JavaScript; outside `/api`, and outside the OpenAPI document, since it answers HTML)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response

from api_gateway.confirmations.public import Answer, Visit, show_page, take_answer
from api_gateway.http.deps import InfraDep, SettingsDep, UowDep

router = APIRouter(prefix="/confirm", include_in_schema=False)

# Form fields are read as text whatever they hold: the use case judges them and answers with
# the page (never a JSON problem a party could not read).
_Text = Annotated[str, Form(max_length=20_000)]


@router.get("/{token}")
async def confirmation_page(
    token: str,
    request: Request,
    uow: UowDep,
    infra: InfraDep,
    settings: SettingsDep,
    lang: str | None = None,
    done: str | None = None,
) -> Response:
    """The party's balance and its two answers."""
    visit = Visit(request, uow, infra.redis, settings, token)
    return await show_page(visit, lang, done == "1")


@router.post("/{token}")
async def answer_confirmation(
    token: str,
    request: Request,
    uow: UowDep,
    infra: InfraDep,
    settings: SettingsDep,
    form_token: _Text = "",
    answer: _Text = "",
    amount: _Text = "",
    side: _Text = "",
    note: _Text = "",
    lang: _Text = "",
) -> Response:
    """The party's answer: confirmed, or disputed with its own balance and a note."""
    posted = Answer(form_token, answer, amount, side, note, lang or None)
    return await take_answer(Visit(request, uow, infra.redis, settings, token), posted)
