"""The report email templates API: defaults in every language, saving with checks, preview,
reset, and admins only."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from shared.infra.runtime import Infrastructure
from tests.factories import auth_header, create_ledger, create_tenant, token_for

from .gateway import gateway_client

TEMPLATES = "/api/v1/admin/email-templates"
LEDGER_MR = f"{TEMPLATES}/ledger/mr"


def _admin(infra: Infrastructure, tenant_id: str) -> dict[str, str]:
    return auth_header(token_for(infra.settings, tenant_id, "admin"))


async def test_every_report_has_defaults_in_english_marathi_and_hindi(
    infra: Infrastructure, tenant_id: str
) -> None:
    async with gateway_client(infra) as client:
        listed = (await client.get(TEMPLATES, headers=_admin(infra, tenant_id))).json()["items"]
    by_key = {(item["report"], item["language"]): item for item in listed}
    assert set(by_key) == {
        (r, lang) for r in ("ledger", "outstanding", "confirmations") for lang in ["en", "mr", "hi"]
    }
    assert all(item["is_default"] and item["updated_at"] is None for item in listed)
    assert by_key[("ledger", "en")]["subject"] == "Statement of account: {ledger}, {period}"
    assert by_key[("ledger", "mr")]["subject"] == "खाते उतारा: {ledger}, {period}"
    assert by_key[("ledger", "hi")]["subject"] == "खाता विवरण: {ledger}, {period}"
    assert by_key[("ledger", "mr")]["placeholders"] == {
        "subject": ["company", "party", "ledger", "period", "closing_balance"],
        "body": [
            "company",
            "party",
            "ledger",
            "period",
            "closing_balance",
            "confirmation_request",
            "link_expiry",
        ],
    }
    assert by_key[("outstanding", "hi")]["placeholders"]["body"] == [
        "company",
        "kind",
        "as_of",
        "link_expiry",
    ]


async def test_an_admin_saves_reads_and_resets_a_template(
    infra: Infrastructure, tenant_id: str
) -> None:
    admin = _admin(infra, tenant_id)
    mine = {"subject": "{company}: खाते उतारा {period}", "body": "नमस्कार {party},\n{{टीप}}"}
    async with gateway_client(infra) as client:
        saved = await client.put(LEDGER_MR, json=mine, headers=admin)
        read = (await client.get(LEDGER_MR, headers=admin)).json()
        other = (await client.get(f"{TEMPLATES}/ledger/hi", headers=admin)).json()
        elsewhere = await create_tenant(infra.uow())
        theirs = (await client.get(LEDGER_MR, headers=_admin(infra, elsewhere))).json()
        reset = await client.delete(LEDGER_MR, headers=admin)
        after = (await client.get(LEDGER_MR, headers=admin)).json()
    assert saved.status_code == 200, saved.text
    assert (read["subject"], read["body"], read["is_default"]) == (
        mine["subject"],
        mine["body"],
        False,
    )
    assert read["updated_by"] and read["updated_at"]
    assert other["is_default"] and theirs["is_default"]  # one language, one tenant
    assert reset.status_code == 204
    assert after["is_default"] and after["subject"] == "खाते उतारा: {ledger}, {period}"


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"subject": "{ledger} {gstin}", "body": "x"}, "subject", "template_placeholder_unknown"),
        ({"subject": "{ledger}", "body": "{ledger} {pan}"}, "body", "template_placeholder_unknown"),
        ({"subject": "{ledger", "body": "x"}, "subject", "template_placeholder_malformed"),
        ({"subject": "x", "body": "{ledger:>9}"}, "body", "template_placeholder_malformed"),
        ({"subject": "x\r\nBcc: a@evil.com", "body": "x"}, "subject", "subject_unsafe"),
        ({"subject": "x" * 201, "body": "x"}, "subject", "template_too_long"),
        ({"subject": "x", "body": "x" * 5001}, "body", "template_too_long"),
        ({"subject": "{link_expiry}", "body": "x"}, "subject", "template_placeholder_unknown"),
    ],
)
async def test_bad_templates_are_refused_naming_the_field_and_placeholder(
    infra: Infrastructure, tenant_id: str, body: dict[str, str], field: str, code: str
) -> None:
    async with gateway_client(infra) as client:
        response = await client.put(LEDGER_MR, json=body, headers=_admin(infra, tenant_id))
        still = (await client.get(LEDGER_MR, headers=_admin(infra, tenant_id))).json()
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["code"] == code
    assert [(e["field"], e["code"]) for e in problem["errors"]] == [(field, code)]
    for name in ("gstin", "pan"):
        if "{" + name + "}" in body["subject"] + body["body"]:
            assert "{" + name + "}" in problem["errors"][0]["message"]
    assert still["is_default"]


async def test_unknown_report_or_language_is_404(infra: Infrastructure, tenant_id: str) -> None:
    async with gateway_client(infra) as client:
        report = await client.get(f"{TEMPLATES}/trial_balance/en", headers=_admin(infra, tenant_id))
        language = await client.get(f"{TEMPLATES}/ledger/gu", headers=_admin(infra, tenant_id))
    assert (report.status_code, language.status_code) == (404, 404)


async def test_preview_with_sample_values_and_with_the_books(
    infra: Infrastructure, tenant_id: str
) -> None:
    ledger = await create_ledger(
        infra.uow(),
        tenant_id,
        "श्री गणेश ट्रेडर्स",
        Decimal("-1500.00"),
        entries=[(date(2025, 4, 10), Decimal("250000.00"), Decimal("0"))],
    )
    admin = _admin(infra, tenant_id)
    params = {"ledger": ledger, "from_date": "2025-04-01", "to_date": "2025-06-30"}
    async with gateway_client(infra) as client:
        sample = (await client.post(f"{LEDGER_MR}/preview", json={}, headers=admin)).json()
        real = await client.post(
            f"{LEDGER_MR}/preview",
            json={"body": "{closing_balance}; {link_expiry}", "params": params},
            headers=admin,
        )
        unsaved_bad = await client.post(
            f"{LEDGER_MR}/preview", json={"subject": "{nope}"}, headers=admin
        )
        bad_params = await client.post(
            f"{LEDGER_MR}/preview", json={"params": {**params, "ledger": "Nobody"}}, headers=admin
        )
    assert sample["sample"] is True
    assert sample["subject"] == "खाते उतारा: Arora Stores Pvt Ltd, 01-04-2026 ते 30-06-2026"
    assert "₹12,34,567.00 नावे" in sample["body"]
    assert real.status_code == 200, real.text
    preview: dict[str, Any] = real.json()
    assert preview["sample"] is False
    assert preview["subject"] == "खाते उतारा: श्री गणेश ट्रेडर्स, 01-04-2025 ते 30-06-2025"
    closing, expiry = preview["body"].split("; ")
    assert closing == "₹2,48,500.00 नावे"
    assert expiry.endswith(" IST")
    assert unsaved_bad.json()["code"] == "template_placeholder_unknown"
    assert bad_params.status_code == 422
    assert bad_params.json()["errors"][0]["field"] == "params.ledger"


async def test_only_admins_reach_the_templates(infra: Infrastructure, tenant_id: str) -> None:
    user = auth_header(token_for(infra.settings, tenant_id, "user"))
    body = {"subject": "x", "body": "y"}
    async with gateway_client(infra) as client:
        answers = [
            await client.get(TEMPLATES, headers=user),
            await client.get(LEDGER_MR, headers=user),
            await client.put(LEDGER_MR, json=body, headers=user),
            await client.delete(LEDGER_MR, headers=user),
            await client.post(f"{LEDGER_MR}/preview", json={}, headers=user),
            await client.get(LEDGER_MR),
        ]
    assert [a.status_code for a in answers] == [403, 403, 403, 403, 403, 401]
