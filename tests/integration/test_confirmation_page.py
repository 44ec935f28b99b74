"""The party's page: confirmed, disputed, changed (every answer kept), expired, tampered,
refused without its form token or from another origin, and rate-limited; all escaped."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from api_gateway.http import rate_limit
from sqlalchemy import update

from shared.domain.confirmations.replies import reply_history
from shared.domain.links import make_file_token
from shared.infra.db.models import BalanceConfirmation, Tenant
from shared.infra.runtime import Infrastructure
from shared.states import ConfirmationStatus

from .confirming import AS_OF, PARTY, answer, ask, form_token, party_with_balance, row
from .gateway import gateway_client

# 12,00,000.50 in Devanagari digits, as a Marathi keyboard types it.
DEVANAGARI_AMOUNT = "\u0967\u0968,\u0966\u0966,\u0966\u0966\u0966.\u096b\u0966"


@pytest.fixture(autouse=True)
def _still_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    # One rate-limit window for the whole test.
    monkeypatch.setattr(rate_limit, "clock", lambda: 1_800_000_000.0)


async def test_the_page_shows_the_letterhead_party_and_balance_in_the_partys_language(
    infra: Infrastructure, tenant_id: str
) -> None:
    async with infra.uow() as uow:
        await uow.session.execute(
            update(Tenant)
            .where(Tenant.id == tenant_id)
            .values(legal_name="Ganesh & <Sons> Pvt Ltd", address=["12 MG Road", "Pune 411001"])
        )
        await uow.commit()
    await party_with_balance(infra, tenant_id)
    _, path = await ask(infra, tenant_id)
    async with gateway_client(infra) as client:
        page = await client.get(path)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "script-src" not in page.headers["content-security-policy"]
    assert page.headers["referrer-policy"] == "same-origin"
    assert page.headers["cache-control"] == "no-store"
    cookie = page.headers["set-cookie"].lower()
    assert "samesite=strict" in cookie and "httponly" in cookie and f"path={path.lower()}" in cookie
    html = page.text
    assert '<html lang="mr">' in html and "<script" not in html
    assert "Ganesh &amp; &lt;Sons&gt; Pvt Ltd" in html and "Pune 411001" in html
    assert PARTY in html and "30-06-2025 रोजीची शिल्लक" in html
    assert "₹12,34,567.00 नावे" in html and "नावे: आपल्याकडून" in html
    assert "पुष्टी करतो: ही शिल्लक बरोबर आहे" in html and "माझी शिल्लक पाठवा" in html


async def test_confirmed_then_changed_to_disputed_keeps_both_answers(
    infra: Infrastructure, tenant_id: str
) -> None:
    await party_with_balance(infra, tenant_id)
    confirmation_id, path = await ask(infra, tenant_id)
    async with gateway_client(infra) as client:
        confirmed = await answer(client, path, {"answer": "confirmed"})
        assert confirmed.status_code == 303
        assert confirmed.headers["location"].startswith(f"{path}?done=1")
        assert (await row(infra, confirmation_id)).status == ConfirmationStatus.CONFIRMED
        thanks = await client.get(confirmed.headers["location"])
        assert "धन्यवाद. आपले उत्तर नोंदवले आहे." in thanks.text
        assert "ही शिल्लक बरोबर असल्याची पुष्टी केली" in thanks.text

        note = '<script>alert("x")</script> बिल क्र. 101 धरलेले नाही'
        disputed = await answer(
            client,
            path,
            {"answer": "disputed", "amount": DEVANAGARI_AMOUNT, "side": "dr", "note": note},
        )
        assert disputed.status_code == 303
        page = await client.get(path)
    after = await row(infra, confirmation_id)
    assert after.status == ConfirmationStatus.DISPUTED and after.replies == 2
    assert after.party_balance == Decimal("1200000.50") and after.note == note
    assert after.replied_at is not None
    async with infra.uow() as uow:
        history = await reply_history(uow.session, confirmation_id)
    assert [r.answer for r in history] == ["confirmed", "disputed"]
    assert history[0].party_balance is None and history[1].party_balance == Decimal("1200000.50")
    assert "<script>alert" not in page.text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page.text
    assert "₹12,00,000.50 नावे" in page.text


async def test_a_credit_answer_is_signed_cr_and_a_bad_amount_shows_the_form_again(
    infra: Infrastructure, tenant_id: str
) -> None:
    await party_with_balance(infra, tenant_id)
    confirmation_id, path = await ask(infra, tenant_id)
    async with gateway_client(infra) as client:
        bad = await answer(client, path, {"answer": "disputed", "amount": "12abc", "side": "cr"})
        assert bad.status_code == 422
        assert "रक्कम अंकांत लिहा" in bad.text and 'value="12abc"' in bad.text
        assert (await row(infra, confirmation_id)).status == ConfirmationStatus.NO_REPLY
        long_note = "x" * (infra.settings.confirmation_note_max_chars + 1)
        too_long = await answer(
            client, path, {"answer": "disputed", "amount": "5", "side": "cr", "note": long_note}
        )
        assert too_long.status_code == 422 and "टीप खूप मोठी आहे" in too_long.text
        good = await answer(client, path, {"answer": "disputed", "amount": "₹ 500", "side": "cr"})
        assert good.status_code == 303
    assert (await row(infra, confirmation_id)).party_balance == Decimal("-500.00")


async def test_an_expired_link_shows_when_it_expired_and_takes_no_answer(
    infra: Infrastructure, tenant_id: str
) -> None:
    await party_with_balance(infra, tenant_id)
    confirmation_id, path = await ask(infra, tenant_id)
    async with gateway_client(infra) as client:
        page = await client.get(path)
        token = form_token(page.text)
        async with infra.uow() as uow:
            await uow.session.execute(
                update(BalanceConfirmation)
                .where(BalanceConfirmation.id == confirmation_id)
                .values(expires_at=datetime.now(UTC) - timedelta(minutes=1))
            )
            await uow.commit()
        expired = await client.get(path)
        late = await client.post(path, data={"form_token": token, "answer": "confirmed"})
    assert expired.status_code == 410 and "कालबाह्य झाली" in expired.text
    assert late.status_code == 410
    assert (await row(infra, confirmation_id)).status == ConfirmationStatus.NO_REPLY


async def test_a_tampered_or_foreign_token_opens_nothing(
    infra: Infrastructure, tenant_id: str
) -> None:
    await party_with_balance(infra, tenant_id)
    confirmation_id, path = await ask(infra, tenant_id)
    token = path.rsplit("/", 1)[1]
    flipped = token[:-1] + ("A" if token[-1] != "A" else "B")
    # A download link's token for the same id is signed for another purpose.
    confirmation = await row(infra, confirmation_id)
    download = make_file_token(
        infra.settings.file_link_secret, confirmation_id, confirmation.expires_at
    )
    async with gateway_client(infra) as client:
        for bad in (flipped, token[:10], "not-a-token", download):
            page = await client.get(f"/confirm/{bad}")
            assert page.status_code == 404, bad
            assert "This link is not valid." in page.text and PARTY not in page.text
            posted = await client.post(f"/confirm/{bad}", data={"answer": "confirmed"})
            assert posted.status_code == 404
        as_file = await client.get(f"/api/v1/files/{token}")
    assert as_file.status_code == 404
    assert (await row(infra, confirmation_id)).status == ConfirmationStatus.NO_REPLY


async def test_a_disabled_companys_link_shows_nothing_and_takes_no_answer(
    infra: Infrastructure, tenant_id: str
) -> None:
    # The host application disabled the company: its users are refused, its schedules and
    # reminders stop, and its parties' links open nothing (as a link that is not valid),
    # until it is enabled again.
    await party_with_balance(infra, tenant_id)
    confirmation_id, path = await ask(infra, tenant_id)
    async with gateway_client(infra) as client:
        page = await client.get(path)
        token = form_token(page.text)
        await _set_disabled(infra, tenant_id, datetime.now(UTC))
        shown = await client.get(path)
        posted = await client.post(path, data={"form_token": token, "answer": "confirmed"})
        assert shown.status_code == 404 and PARTY not in shown.text
        assert "₹12,34,567.00" not in shown.text
        assert posted.status_code == 404
        assert (await row(infra, confirmation_id)).status == ConfirmationStatus.NO_REPLY
        await _set_disabled(infra, tenant_id, None)
        again = await client.get(path)
    assert again.status_code == 200 and PARTY in again.text


async def _set_disabled(infra: Infrastructure, tenant_id: str, when: datetime | None) -> None:
    async with infra.uow() as uow:
        await uow.session.execute(
            update(Tenant).where(Tenant.id == tenant_id).values(disabled_at=when)
        )
        await uow.commit()


async def test_an_answer_without_its_form_token_cookie_or_from_elsewhere_is_refused(
    infra: Infrastructure, tenant_id: str
) -> None:
    await party_with_balance(infra, tenant_id)
    confirmation_id, path = await ask(infra, tenant_id)
    async with gateway_client(infra) as client:
        page = await client.get(path)
        token = form_token(page.text)
        no_token = await client.post(path, data={"answer": "confirmed"})
        wrong_origin = await client.post(
            path,
            data={"form_token": token, "answer": "confirmed"},
            headers={"Origin": "https://evil.example"},
        )
        client.cookies.clear()
        no_cookie = await client.post(path, data={"form_token": token, "answer": "confirmed"})
        # Another confirmation's page gives a token that does not fit this one.
        other_id, other_path = await ask(infra, tenant_id, ledger=PARTY, run_id=confirmation_id)
        other = await client.get(other_path)
        crossed = await client.post(
            path, data={"form_token": form_token(other.text), "answer": "confirmed"}
        )
        same_origin = await answer(
            client, path, {"answer": "confirmed"}, Origin=infra.settings.public_base_url
        )
    for refused in (no_token, wrong_origin, no_cookie, crossed):
        assert refused.status_code == 403
        assert "हा फॉर्म स्वीकारता आला नाही" in refused.text
    assert same_origin.status_code == 303
    assert (await row(infra, confirmation_id)).replies == 1
    assert (await row(infra, other_id)).replies == 0


async def test_too_many_requests_from_one_client_are_refused_with_retry_after(
    infra: Infrastructure, tenant_id: str
) -> None:
    infra = dataclasses.replace(
        infra, settings=infra.settings.model_copy(update={"confirmation_rate_per_minute": 3})
    )
    await party_with_balance(infra, tenant_id)
    _, path = await ask(infra, tenant_id)
    async with gateway_client(infra) as client:
        answered = [(await client.get(path)).status_code for _ in range(4)]
        refused = await client.get(path)
    assert answered == [200, 200, 200, 429]
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    assert "Too many attempts" in refused.text


async def test_the_page_switches_language_on_request(infra: Infrastructure, tenant_id: str) -> None:
    await party_with_balance(infra, tenant_id)
    _, path = await ask(infra, tenant_id)
    async with gateway_client(infra) as client:
        hindi = await client.get(f"{path}?lang=hi")
        english = await client.get(f"{path}?lang=en")
    assert "30-06-2025 को शेष" in hindi.text and "₹12,34,567.00 नामे" in hindi.text
    assert f"Balance as of {AS_OF:%d-%m-%Y}" in english.text and "12,34,567.00 Dr" in english.text
