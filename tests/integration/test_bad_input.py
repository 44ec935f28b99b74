"""Bad input gets a problem document naming the trouble, never a 500."""

from __future__ import annotations

import pytest

from shared.infra.runtime import Infrastructure
from shared.infra.tokens import Role
from tests.factories import auth_header, token_for

from .gateway import gateway_client


async def test_nul_characters_are_a_422_not_a_500(infra: Infrastructure, tenant_id: str) -> None:
    user = auth_header(token_for(infra.settings, tenant_id))
    async with gateway_client(infra) as client:
        search = await client.get("/api/v1/ledgers", params={"search": "a\x00b"}, headers=user)
        audit = await client.get("/api/v1/email-audit", params={"report": "\x00"}, headers=user)
        directory = await client.get("/api/v1/party-emails", params={"q": "\x00"}, headers=user)
        preview = await client.get(
            "/api/v1/reports/ledger/preview",
            params={"ledger": "x\x00", "from_date": "2025-04-01", "to_date": "2025-04-30"},
            headers=user,
        )
        body = await client.post(
            "/api/v1/exports/jobs",
            json={
                "report": "ledger",
                "format": "csv",
                "params": {"ledger": "x\x00", "from_date": "2025-04-01", "to_date": "2025-04-30"},
            },
            headers=user,
        )
    for response in (search, audit, directory, preview, body):
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert "NUL" in response.json()["detail"]
    # A query parameter is refused by validation, by its name; text in a body by the database.
    for response, field in ((search, "search"), (audit, "report"), (directory, "q")):
        assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
            (field, "nul_character")
        ]
    assert body.json()["code"] == "nul_character"


@pytest.mark.parametrize("role", ["user", "admin"])
@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"to_date": "9999-12-31"}, "to_date"),  # the day after is no date (OverflowError)
        ({"from_date": "0001-01-01"}, "from_date"),  # a BC instant in UTC (driver DataError)
        ({"from_date": "1899-12-31"}, "from_date"),
    ],
)
async def test_out_of_range_audit_dates_are_a_422_naming_the_field(
    infra: Infrastructure, tenant_id: str, role: Role, params: dict[str, str], field: str
) -> None:
    who = auth_header(token_for(infra.settings, tenant_id, role))
    async with gateway_client(infra) as client:
        response = await client.get("/api/v1/email-audit", params=params, headers=who)
        edges = {"from_date": "1900-01-01", "to_date": "9998-12-31"}
        accepted = await client.get("/api/v1/email-audit", params=edges, headers=who)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "date_out_of_range"
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert accepted.status_code == 200, accepted.text


CURSOR_PATHS = ["/api/v1/email-audit", "/api/v1/exports/jobs", "/api/v1/schedules"]
# The old base64 JSON form, text, upper case, and an instant with an offset.
MALFORMED_CURSORS = [
    "WyIwMDAxLTAxLTAxVDAwOjAwOjAwKzA1OjMwIiwgIjAwMDAiXQ",
    "zzz",
    f"1-{'A' * 32}",
    f"1+05:30-{'0' * 32}",
]


@pytest.mark.parametrize("path", CURSOR_PATHS)
@pytest.mark.parametrize("cursor", MALFORMED_CURSORS)
async def test_malformed_cursors_are_a_422_naming_the_cursor(
    infra: Infrastructure, tenant_id: str, path: str, cursor: str
) -> None:
    user = auth_header(token_for(infra.settings, tenant_id))
    async with gateway_client(infra) as client:
        response = await client.get(path, params={"cursor": cursor}, headers=user)
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == ["cursor"]


@pytest.mark.parametrize("path", CURSOR_PATHS)
@pytest.mark.parametrize("cursor", [f"0-{'0' * 32}", f"{'9' * 17}-{'f' * 32}"])
async def test_every_cursor_of_the_documented_form_is_a_page(
    infra: Infrastructure, tenant_id: str, path: str, cursor: str
) -> None:
    """The first instant and the last the pattern allows (year 5138) both answer a page."""
    user = auth_header(token_for(infra.settings, tenant_id))
    async with gateway_client(infra) as client:
        response = await client.get(path, params={"cursor": cursor}, headers=user)
    assert response.status_code == 200, response.text
    assert response.json()["items"] == []
