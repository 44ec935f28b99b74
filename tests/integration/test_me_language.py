"""`GET/PUT /me`: the web app's language, saved per user and tenant, else the token's locale,
the tenant's default and the browser's Accept-Language, in that order."""

from __future__ import annotations

from shared.infra.runtime import Infrastructure
from shared.infra.tokens import mint_token
from tests.factories import auth_header, create_tenant, token_for

from .gateway import gateway_client

ME = "/api/v1/me"


def user(
    infra: Infrastructure, tenant_id: str, sub: str, locale: str | None = None
) -> dict[str, str]:
    token = mint_token(
        infra.settings,
        user_id=sub,
        tenant_id=tenant_id,
        role="user",
        email=f"{sub}@example.in",
        locale=locale,
    )
    return auth_header(token)


async def test_the_order_saved_then_token_then_tenant_then_browser(
    infra: Infrastructure, tenant_id: str
) -> None:
    admin = auth_header(token_for(infra.settings, tenant_id, "admin"))
    plain = user(infra, tenant_id, "asha")
    hindi_host = user(infra, tenant_id, "asha", locale="hi-IN")
    marathi_browser = {"Accept-Language": "fr-FR, mr-IN;q=0.9, en;q=0.8"}
    async with gateway_client(infra) as client:
        browser = await client.get(ME, headers={**plain, **marathi_browser})
        nothing = await client.get(ME, headers={**plain, "Accept-Language": "fr, de;q=0.5"})
        token = await client.get(ME, headers={**hindi_host, **marathi_browser})
        set_default = await client.put(
            "/api/v1/admin/tenant", json={"default_language": "hi"}, headers=admin
        )
        tenant = await client.get(ME, headers={**plain, **marathi_browser})
        saved = await client.put(ME, json={"language": "mr"}, headers=hindi_host)
        after_save = await client.get(ME, headers={**hindi_host, "Accept-Language": "en"})
        forgotten = await client.put(ME, json={"language": None}, headers=plain)
    assert (browser.json()["language"], browser.json()["language_source"]) == ("mr", "browser")
    assert browser.json()["saved_language"] is None
    assert browser.json()["tenant"]["default_language"] is None
    assert (nothing.json()["language"], nothing.json()["language_source"]) == ("en", "default")
    assert (token.json()["language"], token.json()["language_source"]) == ("hi", "token")
    assert set_default.status_code == 200, set_default.text
    assert set_default.json()["default_language"] == "hi"
    assert (tenant.json()["language"], tenant.json()["language_source"]) == ("hi", "tenant")
    assert tenant.json()["tenant"]["default_language"] == "hi"
    assert saved.status_code == 200, saved.text
    assert (saved.json()["language"], saved.json()["language_source"]) == ("mr", "saved")
    assert after_save.json()["saved_language"] == "mr"
    assert after_save.json()["language"] == "mr"
    # The same person (same sub) without the locale claim still sees their saved choice;
    # forgetting it hands the decision back to the tenant's default.
    assert (forgotten.json()["language"], forgotten.json()["language_source"]) == ("hi", "tenant")
    assert forgotten.json()["saved_language"] is None


async def test_a_choice_belongs_to_one_user_in_one_tenant(
    infra: Infrastructure, tenant_id: str
) -> None:
    other_tenant = await create_tenant(infra.uow())
    ravi = user(infra, tenant_id, "ravi")
    ravi_elsewhere = user(infra, other_tenant, "ravi")  # same sub, another company's user
    meera = user(infra, tenant_id, "meera")
    english = {"Accept-Language": "en-IN"}
    async with gateway_client(infra) as client:
        saved = await client.put(ME, json={"language": "hi"}, headers={**ravi, **english})
        changed = await client.put(ME, json={"language": "mr"}, headers={**ravi, **english})
        again = await client.get(ME, headers={**ravi, **english})
        elsewhere = await client.get(ME, headers={**ravi_elsewhere, **english})
        colleague = await client.get(ME, headers={**meera, **english})
    assert saved.json()["language"] == "hi"
    assert changed.json()["language"] == again.json()["language"] == "mr"
    assert (elsewhere.json()["language"], elsewhere.json()["saved_language"]) == ("en", None)
    assert (colleague.json()["language"], colleague.json()["saved_language"]) == ("en", None)


async def test_a_language_we_do_not_speak_is_a_422_naming_the_field(
    infra: Infrastructure, tenant_id: str
) -> None:
    headers = user(infra, tenant_id, "kiran")
    admin = auth_header(token_for(infra.settings, tenant_id, "admin"))
    async with gateway_client(infra) as client:
        french = await client.put(ME, json={"language": "fr"}, headers=headers)
        missing = await client.put(ME, json={}, headers=headers)
        extra = await client.put(ME, json={"language": "en", "theme": "dark"}, headers=headers)
        tenant = await client.put(
            "/api/v1/admin/tenant", json={"default_language": "xx"}, headers=admin
        )
        cleared = await client.put(
            "/api/v1/admin/tenant", json={"default_language": ""}, headers=admin
        )
        unchanged = await client.get(ME, headers=headers)
    for answer, field in ((french, "language"), (missing, "language"), (extra, "theme")):
        assert answer.status_code == 422, answer.text
        assert answer.headers["content-type"] == "application/problem+json"
        error = answer.json()["errors"][0]
        assert error["field"] == field
        assert error["code"]
    assert french.json()["errors"][0]["code"] == "enum"
    assert tenant.status_code == 422
    assert [e["field"] for e in tenant.json()["errors"]] == ["default_language"]
    assert cleared.status_code == 200 and cleared.json()["default_language"] is None
    assert unchanged.json()["saved_language"] is None
