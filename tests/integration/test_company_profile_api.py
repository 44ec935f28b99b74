"""`GET/PUT /admin/tenant`: the company profile printed on the letterhead. An admin saves it,
a field left out keeps its value, "" clears one; a bad GSTIN, PAN, phone, email or address is a
422 naming the field with a stable code, and nothing is saved."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from shared.domain.tax_ids import gstin_check_character
from shared.infra.runtime import Infrastructure
from tests.factories import auth_header, create_ledger, token_for

from .gateway import gateway_client
from .mailing import email_row

TENANT = "/api/v1/admin/tenant"
PAN = "AAPFU0939F"
GSTIN = "27AAPFU0939F1ZV"  # Maharashtra, PAN above, first registration
PROFILE = {
    "legal_name": "श्री गणेश ट्रेडर्स Pvt Ltd",
    "address": ["Plot 14, MIDC Bhosari", "  ", "Pune 411026, Maharashtra"],
    "gstin": "27aapfu0939f1zv",
    "pan": PAN,
    "phone": "+91 20  2712 3456",
    "email": "accounts@ganesh-traders.example",
}


def admin(infra: Infrastructure, tenant_id: str) -> dict[str, str]:
    return auth_header(token_for(infra.settings, tenant_id, "admin"))


def profile_of(body: dict[str, Any]) -> dict[str, Any]:
    return {key: body[key] for key in PROFILE}


async def test_an_admin_saves_the_profile_and_a_field_left_out_keeps_its_value(
    infra: Infrastructure, tenant_id: str
) -> None:
    headers = admin(infra, tenant_id)
    async with gateway_client(infra) as client:
        before = await client.get(TENANT, headers=headers)
        saved = await client.put(TENANT, json=PROFILE, headers=headers)
        kept = await client.put(TENANT, json={"phone": "020-2712 9999"}, headers=headers)
        cleared = await client.put(TENANT, json={"email": "", "address": []}, headers=headers)
        after = await client.get(TENANT, headers=headers)
    assert profile_of(before.json()) == {
        "legal_name": None,
        "address": [],
        "gstin": None,
        "pan": None,
        "phone": None,
        "email": None,
    }
    assert saved.status_code == 200, saved.text
    assert profile_of(saved.json()) == {
        **PROFILE,
        "address": ["Plot 14, MIDC Bhosari", "Pune 411026, Maharashtra"],  # blank line dropped
        "gstin": GSTIN,  # as GSTN writes it
        "phone": "+91 20 2712 3456",
    }
    assert kept.json()["gstin"] == GSTIN and kept.json()["phone"] == "020-2712 9999"
    assert kept.json()["ageing_buckets"] == [30, 60, 90]
    assert cleared.json()["email"] is None and cleared.json()["address"] == []
    assert after.json() == cleared.json()


def _other_state_gstin(pan: str) -> str:
    head = f"29{pan}1Z"
    return head + gstin_check_character(head)


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"pan": "AAPFU0939"}, "pan", "pan_invalid"),
        ({"pan": "AAPXU0939F"}, "pan", "pan_invalid"),
        ({"gstin": "27AAPFU0939F1Z"}, "gstin", "gstin_invalid"),
        ({"gstin": "98AAPFU0939F1ZV"}, "gstin", "gstin_invalid"),
        ({"gstin": "27AAPFU0939F1ZW"}, "gstin", "gstin_checksum"),
        ({"gstin": _other_state_gstin("AAGCB7383J"), "pan": PAN}, "gstin", "gstin_pan_mismatch"),
        ({"phone": "call me"}, "phone", "phone_invalid"),
        ({"phone": "12-34"}, "phone", "phone_invalid"),
        ({"email": "accounts at example"}, "email", "email_invalid"),
        ({"legal_name": "Two\nlines"}, "legal_name", "text_invalid"),
        ({"legal_name": "x" * 201}, "legal_name", "string_too_long"),
        ({"address": [f"line {n}" for n in range(6)]}, "address", "address_too_many_lines"),
        ({"address": ["ok", "y" * 81]}, "address.1", "address_line_too_long"),
        ({"address": ["Pune\r\nBcc: x@evil.example"]}, "address.0", "text_invalid"),
        ({"address": "Pune"}, "address", "list_type"),
        ({"gstin": 27}, "gstin", "string_type"),
    ],
)
async def test_bad_profile_fields_are_a_problem_naming_the_field(
    infra: Infrastructure, tenant_id: str, body: dict[str, Any], field: str, code: str
) -> None:
    headers = admin(infra, tenant_id)
    async with gateway_client(infra) as client:
        refused = await client.put(TENANT, json=body, headers=headers)
        unchanged = await client.get(TENANT, headers=headers)
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    [error] = refused.json()["errors"]
    assert (error["field"], error["code"]) == (field, code)
    assert profile_of(unchanged.json())["gstin"] is None
    assert profile_of(unchanged.json())["address"] == []


async def test_a_pan_changed_alone_must_still_agree_with_the_saved_gstin(
    infra: Infrastructure, tenant_id: str
) -> None:
    headers = admin(infra, tenant_id)
    async with gateway_client(infra) as client:
        assert (await client.put(TENANT, json={"gstin": GSTIN}, headers=headers)).is_success
        refused = await client.put(TENANT, json={"pan": "AAGCB7383J"}, headers=headers)
        moved = await client.put(
            TENANT,
            json={"pan": "AAGCB7383J", "gstin": _other_state_gstin("AAGCB7383J")},
            headers=headers,
        )
    assert refused.status_code == 422
    assert refused.json()["errors"][0] == {
        "field": "pan",
        "message": "the GSTIN is registered to PAN AAPFU0939F, not AAGCB7383J",
        "code": "gstin_pan_mismatch",
    }
    assert moved.status_code == 200, moved.text
    assert moved.json()["gstin"] == _other_state_gstin("AAGCB7383J")


async def test_a_statement_email_signs_with_the_legal_name(
    infra: Infrastructure, tenant_id: str
) -> None:
    ledger = await create_ledger(infra.uow(), tenant_id)
    headers = admin(infra, tenant_id)
    body = {"ledger": ledger, "from_date": "2025-04-01", "to_date": "2025-06-30"}
    async with gateway_client(infra) as client:
        saved = await client.put(TENANT, json={"legal_name": "Ganesh Traders LLP"}, headers=headers)
        assert saved.status_code == 200, saved.text
        sent = await client.post(
            "/api/v1/reports/ledger/email", json={**body, "to": ["p@party.in"]}, headers=headers
        )
    assert sent.status_code == 202, sent.text
    email = await email_row(infra, uuid.UUID(sent.json()["email_id"]))
    assert "Regards,\nGanesh Traders LLP" in email.body


async def test_only_an_admin_reads_or_changes_the_profile(
    infra: Infrastructure, tenant_id: str
) -> None:
    user = auth_header(token_for(infra.settings, tenant_id))
    async with gateway_client(infra) as client:
        read = await client.get(TENANT, headers=user)
        changed = await client.put(TENANT, json={"pan": PAN}, headers=user)
    assert (read.status_code, changed.status_code) == (403, 403)
