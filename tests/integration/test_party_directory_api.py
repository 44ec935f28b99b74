"""The party email directory and the ledger picker through the in-process gateway."""

from __future__ import annotations

import csv
import importlib.util
import io
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from api_gateway.routes import party_emails
from sqlalchemy import select

from shared.db.models import PartyEmail
from shared.party_directory import lookup_party_emails, name_key
from shared.runtime import Infrastructure
from tests.factories import auth_header, create_ledger, create_tenant, token_for

from .gateway import gateway_client

ENTRIES = "/api/v1/party-emails"
LOOKUP = f"{ENTRIES}/lookup"
IMPORT = f"{ENTRIES}/import"
EXPORT = f"{ENTRIES}/export"
LEDGERS = "/api/v1/ledgers"
HEADER = "ledger_name,party_name,to,cc,bcc"
multipart_installed = importlib.util.find_spec("python_multipart") is not None


def admin(infra: Infrastructure, tenant_id: str) -> dict[str, str]:
    return auth_header(token_for(infra.settings, tenant_id, "admin"))


def user(infra: Infrastructure, tenant_id: str) -> dict[str, str]:
    return auth_header(token_for(infra.settings, tenant_id, "user"))


def entry(ledger: str = "Sharma Traders", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "ledger_name": ledger,
        "party_name": "Sharma Group",
        "to": ["accounts@sharma.in"],
        "cc": ["owner@sharma.in"],
        "bcc": [],
    }
    body.update(overrides)
    return body


def csv_body(*rows: str) -> bytes:
    return "\r\n".join([HEADER, *rows, ""]).encode()


async def post_csv(
    client: httpx.AsyncClient, headers: dict[str, str], data: bytes
) -> httpx.Response:
    return await client.post(IMPORT, content=data, headers={**headers, "Content-Type": "text/csv"})


async def stored(infra: Infrastructure, tenant_id: str) -> dict[str, PartyEmail]:
    async with infra.sessions() as session:
        rows = await session.scalars(select(PartyEmail).where(PartyEmail.tenant_id == tenant_id))
        return {row.ledger_key: row for row in rows}


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    return body


async def test_name_key_ignores_case_and_spacing() -> None:
    assert name_key("  Sharma \t Traders\u00a0 ") == "sharma traders"
    assert name_key("   ") == ""


async def test_crud_round_trip(infra: Infrastructure, tenant_id: str) -> None:
    headers = admin(infra, tenant_id)
    async with gateway_client(infra) as client:
        created = await client.post(ENTRIES, json=entry(), headers=headers)
        assert created.status_code == 201, created.text
        body = created.json()
        location = created.headers["Location"]
        assert location == f"{ENTRIES}/{body['id']}"
        assert (body["ledger_name"], body["party_name"]) == ("Sharma Traders", "Sharma Group")
        assert body["updated_at"] is None  # null until first replaced
        assert (body["to"], body["cc"], body["bcc"]) == (
            ["accounts@sharma.in"],
            ["owner@sharma.in"],
            [],
        )
        assert (await client.get(location, headers=user(infra, tenant_id))).json() == body

        replaced = await client.put(
            location,
            json=entry("Sharma Traders (Delhi)", party_name=None, to=["b@sharma.in"], cc=[]),
            headers=headers,
        )
        assert replaced.status_code == 200, replaced.text
        assert replaced.json()["id"] == body["id"]
        assert replaced.json()["ledger_name"] == "Sharma Traders (Delhi)"
        assert (replaced.json()["party_name"], replaced.json()["to"]) == (None, ["b@sharma.in"])
        assert replaced.json()["updated_at"] is not None
        listed = await client.get(ENTRIES, headers=headers)
        assert [item["id"] for item in listed.json()["items"]] == [body["id"]]

        deleted = await client.delete(location, headers=headers)
        assert deleted.status_code == 204
        assert_problem(await client.get(location, headers=headers), 404)
        assert_problem(await client.delete(location, headers=headers), 404)
    assert await stored(infra, tenant_id) == {}


async def test_users_read_but_do_not_write(infra: Infrastructure, tenant_id: str) -> None:
    async with gateway_client(infra) as client:
        created = await client.post(ENTRIES, json=entry(), headers=admin(infra, tenant_id))
        location = created.headers["Location"]
        reader = user(infra, tenant_id)
        for read in (
            client.get(ENTRIES, headers=reader),
            client.get(location, headers=reader),
            client.get(LOOKUP, params={"ledger": "Sharma Traders"}, headers=reader),
            client.get(EXPORT, headers=reader),
            client.get(LEDGERS, headers=reader),
        ):
            assert (await read).status_code == 200
        for write in (
            client.post(ENTRIES, json=entry("Other"), headers=reader),
            client.put(location, json=entry(to=["x@y.in"]), headers=reader),
            client.delete(location, headers=reader),
            post_csv(client, reader, csv_body("Other,,x@y.in,,")),
            # The role is checked before the upload is read or its type judged.
            client.post(IMPORT, content=b"{}", headers={**reader, "Content-Type": "text/json"}),
        ):
            assert_problem(await write, 403)
        assert (await client.get(ENTRIES)).status_code == 401
    rows = await stored(infra, tenant_id)
    assert list(rows) == ["sharma traders"]
    assert rows["sharma traders"].to_addresses == ["accounts@sharma.in"]


async def test_one_entry_per_ledger_ignoring_case_and_spacing(
    infra: Infrastructure, tenant_id: str
) -> None:
    headers = admin(infra, tenant_id)
    async with gateway_client(infra) as client:
        first = await client.post(ENTRIES, json=entry("Sharma  Traders"), headers=headers)
        assert first.status_code == 201
        again = await client.post(ENTRIES, json=entry(" sharma traders"), headers=headers)
        problem = assert_problem(again, 409)
        assert "sharma traders" in problem["detail"]
        assert problem["errors"][0]["field"] == "ledger_name"

        other = await client.post(ENTRIES, json=entry("Gupta & Sons"), headers=headers)
        taken = await client.put(
            other.headers["Location"], json=entry("SHARMA TRADERS"), headers=headers
        )
        assert_problem(taken, 409)
    assert sorted(await stored(infra, tenant_id)) == ["gupta & sons", "sharma traders"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"to": ["ok@sharma.in", "not-an-address"]}, "to.1"),
        ({"cc": ["Boss <boss@sharma.in>"]}, "cc.0"),
        ({"bcc": ["a@sharma.in\r\nBcc: x@evil.com"]}, "bcc.0"),
        ({"to": []}, "to"),
        ({"to": ["a@sharma.in"], "cc": [f"c{n}@sharma.in" for n in range(50)]}, "cc"),
        ({"ledger_name": "   "}, "ledger_name"),
        ({"ledger_name": "Sharma\nTraders"}, "ledger_name"),
        ({"surprise": 1}, "surprise"),
    ],
)
async def test_invalid_fields_are_named(
    infra: Infrastructure, tenant_id: str, overrides: dict[str, Any], field: str
) -> None:
    async with gateway_client(infra) as client:
        response = await client.post(
            ENTRIES, json=entry(**overrides), headers=admin(infra, tenant_id)
        )
    problem = assert_problem(response, 422)
    assert field in [error["field"] for error in problem["errors"]]
    assert await stored(infra, tenant_id) == {}


async def test_addresses_are_normalized_and_deduplicated(
    infra: Infrastructure, tenant_id: str
) -> None:
    body = entry(
        to=[" Accounts@Sharma.IN", "accounts@sharma.in", "b@sharma.in"],
        cc=["B@SHARMA.in", "c@Sharma.in"],
        bcc=["C@sharma.in", "audit@example.in"],
    )
    async with gateway_client(infra) as client:
        response = await client.post(ENTRIES, json=body, headers=admin(infra, tenant_id))
    assert response.status_code == 201, response.text
    result = response.json()
    assert result["to"] == ["Accounts@sharma.in", "b@sharma.in"]
    assert result["cc"] == ["c@sharma.in"]
    assert result["bcc"] == ["audit@example.in"]


async def test_list_searches_and_pages_by_ledger_name(
    infra: Infrastructure, tenant_id: str
) -> None:
    headers = admin(infra, tenant_id)
    names = ["Delta Stores", "alpha traders", "Charlie 100% Co", "Bravo Traders", "echo"]
    async with gateway_client(infra) as client:
        for name in names:
            party = "Traders Union" if name == "echo" else None
            body = entry(name, party_name=party)
            assert (await client.post(ENTRIES, json=body, headers=headers)).status_code == 201
        seen: list[str] = []
        cursor = None
        for _ in range(5):
            params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
            page = (await client.get(ENTRIES, params=params, headers=headers)).json()
            seen += [item["ledger_name"] for item in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert seen == ["alpha traders", "Bravo Traders", "Charlie 100% Co", "Delta Stores", "echo"]

        found = await client.get(ENTRIES, params={"q": "  TRADERS "}, headers=headers)
        assert [item["ledger_name"] for item in found.json()["items"]] == [
            "alpha traders",
            "Bravo Traders",
            "echo",  # by its party name
        ]
        literal = await client.get(ENTRIES, params={"q": "0%"}, headers=headers)
        assert [item["ledger_name"] for item in literal.json()["items"]] == ["Charlie 100% Co"]
        assert_problem(await client.get(ENTRIES, params={"cursor": "%%%"}, headers=headers), 422)


async def test_lookup_by_ledger_and_by_party(infra: Infrastructure, tenant_id: str) -> None:
    headers = admin(infra, tenant_id)
    async with gateway_client(infra) as client:
        for name, to in (("Sharma Traders Pune", "pune"), ("Sharma Traders Delhi", "delhi")):
            body = entry(name, party_name="Sharma Group", to=[f"{to}@sharma.in"])
            assert (await client.post(ENTRIES, json=body, headers=headers)).status_code == 201
        reader = user(infra, tenant_id)

        by_ledger = await client.get(
            LOOKUP, params={"ledger": "sharma  traders PUNE"}, headers=reader
        )
        assert by_ledger.status_code == 200
        assert by_ledger.json()["to"] == ["pune@sharma.in"]

        # Several entries for one party: the first by ledger name.
        by_party = await client.get(LOOKUP, params={"party": "SHARMA group"}, headers=reader)
        assert by_party.json()["ledger_name"] == "Sharma Traders Delhi"

        miss = await client.get(LOOKUP, params={"ledger": "Gupta & Sons"}, headers=reader)
        assert assert_problem(miss, 404)["detail"] == "no directory entry for ledger 'Gupta & Sons'"
        assert_problem(await client.get(LOOKUP, params={"party": "Nobody"}, headers=reader), 404)
        assert_problem(await client.get(LOOKUP, headers=reader), 422)
        both = {"ledger": "Sharma Traders Pune", "party": "Sharma Group"}
        assert_problem(await client.get(LOOKUP, params=both, headers=reader), 422)
        assert_problem(await client.get(LOOKUP, params={"ledger": " "}, headers=reader), 422)

    # The shared function the mail code calls answers the same.
    async with infra.sessions() as session:
        found = await lookup_party_emails(session, tenant_id, party="Sharma Group")
        assert found is not None and found.ledger_name == "Sharma Traders Delhi"
        assert await lookup_party_emails(session, tenant_id, ledger="nobody") is None
        with pytest.raises(ValueError, match="exactly one"):
            await lookup_party_emails(session, tenant_id)


async def test_import_applies_good_rows_and_reports_bad_ones(
    infra: Infrastructure, tenant_id: str
) -> None:
    headers = admin(infra, tenant_id)
    data = csv_body(
        "Sharma Traders,Sharma Group,a@sharma.in;B@Sharma.IN,c@sharma.in,",  # row 2: updates
        "Gupta & Sons,,gupta@gupta.in,,audit@example.in",  # row 3: created
        "Mehta Agencies,,mehta@mehta.in;not-an-address,,",  # row 4: invalid address
        ",Nobody,x@nobody.in,,",  # row 5: no ledger name
        "",  # row 6: blank, skipped
        "Rao Brothers,Rao,,cc@rao.in,",  # row 7: no `to`
        "SHARMA  traders,,dup@sharma.in,,",  # row 8: duplicate of row 2
        '"Iyer, Iyer & Co",,"iyer@iyer.in, accounts@iyer.in",,',  # row 9: created
        "Too,Many,x@too.in,,,extra",  # row 10: extra value
    )
    async with gateway_client(infra) as client:
        before = await client.post(ENTRIES, json=entry(), headers=headers)
        assert before.status_code == 201
        response = await post_csv(client, headers, data)
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["created"], report["updated"]) == (2, 1)
    reasons = {item["row"]: item["reason"] for item in report["rejected"]}
    assert sorted(reasons) == [4, 5, 7, 8, 10]
    assert reasons[4].startswith("to.1: not a valid email address: 'not-an-address'")
    assert reasons[5] == "ledger_name: a ledger name is required"
    assert reasons[7] == "to: at least one address is required"
    assert reasons[8] == "duplicate: row 2 already names this ledger"
    assert "header has 5 columns" in reasons[10]

    rows = await stored(infra, tenant_id)
    # Nothing half-imported: the rejected rows left nothing behind, the good rows are whole.
    assert sorted(rows) == ["gupta & sons", "iyer, iyer & co", "sharma traders"]
    sharma = rows["sharma traders"]
    assert str(sharma.id) == before.json()["id"]
    assert sharma.to_addresses == ["a@sharma.in", "B@sharma.in"]
    assert (sharma.cc_addresses, sharma.party_name) == (["c@sharma.in"], "Sharma Group")
    assert rows["gupta & sons"].bcc_addresses == ["audit@example.in"]
    assert rows["iyer, iyer & co"].to_addresses == ["iyer@iyer.in", "accounts@iyer.in"]


async def test_export_then_import_round_trip(infra: Infrastructure, tenant_id: str) -> None:
    headers = admin(infra, tenant_id)
    bodies = [
        entry("Sharma Traders", to=["a@sharma.in", "b@sharma.in"], bcc=["audit@example.in"]),
        entry('Quote "Q" Traders, Pune', party_name=None, cc=[]),
        entry("Ünicode Stores", party_name="Ü Group", to=["ü@example.in"]),
    ]
    async with gateway_client(infra) as client:
        for body in bodies:
            assert (await client.post(ENTRIES, json=body, headers=headers)).status_code == 201
        exported = await client.get(EXPORT, headers=user(infra, tenant_id))
        assert exported.status_code == 200
        assert exported.headers["content-type"].startswith("text/csv")
        assert exported.headers["content-disposition"] == 'attachment; filename="party-emails.csv"'
        before = await client.get(ENTRIES, headers=headers)

        report = await post_csv(client, headers, exported.content)
        assert report.json() == {"created": 0, "updated": 3, "rejected": []}
        after = await client.get(ENTRIES, headers=headers)
        again = await client.get(EXPORT, headers=headers)
    assert again.content == exported.content
    strip = ("updated_at",)
    assert [
        {k: v for k, v in item.items() if k not in strip} for item in after.json()["items"]
    ] == [{k: v for k, v in item.items() if k not in strip} for item in before.json()["items"]]
    records = list(csv.reader(io.StringIO(exported.text)))
    assert records[0] == HEADER.split(",")
    assert records[1] == ['Quote "Q" Traders, Pune', "", "accounts@sharma.in", "", ""]
    assert records[2] == [
        "Sharma Traders",
        "Sharma Group",
        "a@sharma.in;b@sharma.in",
        "owner@sharma.in",
        "audit@example.in",
    ]


@pytest.mark.skipif(not multipart_installed, reason="python-multipart is not installed")
async def test_import_accepts_a_multipart_upload(infra: Infrastructure, tenant_id: str) -> None:
    data = "\ufeff".encode() + csv_body("Sharma Traders,,a@sharma.in,,")  # with a BOM
    async with gateway_client(infra) as client:
        response = await client.post(
            IMPORT,
            files={"file": ("party-emails.csv", data, "text/csv")},
            headers=admin(infra, tenant_id),
        )
        wrong_field = await client.post(
            IMPORT,
            files={"upload": ("party-emails.csv", data, "text/csv")},
            headers=admin(infra, tenant_id),
        )
    assert response.json() == {"created": 1, "updated": 0, "rejected": []}
    assert assert_problem(wrong_field, 422)["errors"][0]["field"] == "file"


async def test_without_python_multipart_a_csv_body_still_works(
    infra: Infrastructure, tenant_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(party_emails, "_MULTIPART_AVAILABLE", False)
    headers = admin(infra, tenant_id)
    data = csv_body("Sharma Traders,,a@sharma.in,,")
    async with gateway_client(infra) as client:
        multipart = await client.post(
            IMPORT, files={"file": ("party-emails.csv", data, "text/csv")}, headers=headers
        )
        plain = await post_csv(client, headers, data)
    assert "text/csv" in assert_problem(multipart, 415)["detail"]
    assert plain.json() == {"created": 1, "updated": 0, "rejected": []}


async def test_a_streamed_body_is_cut_at_the_limit(infra: Infrastructure, tenant_id: str) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield HEADER.encode() + b"\r\n"
        for _ in range(3):
            yield b"x" * (1024 * 1024)

    async with gateway_client(infra) as client:
        # No Content-Length: the limit is enforced while reading.
        response = await client.post(
            IMPORT,
            content=chunks(),
            headers={**admin(infra, tenant_id), "Content-Type": "text/csv"},
        )
    assert_problem(response, 413)


@pytest.mark.parametrize(
    ("data", "content_type", "status"),
    [
        (b"ledger_name,to\r\nA,a@b.in\r\n", "text/csv", 422),  # missing columns
        (b"ledger_name,party_name,to,cc,bcc,notes\r\n", "text/csv", 422),  # unknown column
        (b"", "text/csv", 422),
        (b"\xff\xfe" + HEADER.encode("utf-16-le"), "text/csv", 422),
        (csv_body("A,,a@b.in,,"), "application/json", 415),
        (csv_body(*["A,,a@b.in,,"] * 10_001), "text/csv", 413),
        (b"x" * (2 * 1024 * 1024 + 1), "text/csv", 413),
    ],
)
async def test_unreadable_files_are_refused_whole(
    infra: Infrastructure, tenant_id: str, data: bytes, content_type: str, status: int
) -> None:
    async with gateway_client(infra) as client:
        response = await client.post(
            IMPORT,
            content=data,
            headers={**admin(infra, tenant_id), "Content-Type": content_type},
        )
    assert_problem(response, status)
    assert await stored(infra, tenant_id) == {}


async def test_ledger_picker(infra: Infrastructure, tenant_id: str) -> None:
    for name in ("Sharma Traders", "Gupta & Sons", "sharma  Brothers", "Cash"):
        await create_ledger(infra.uow(), tenant_id, name=name)
    headers = admin(infra, tenant_id)
    async with gateway_client(infra) as client:
        body = entry("Sharma Brothers")
        assert (await client.post(ENTRIES, json=body, headers=headers)).status_code == 201
        found = await client.get(
            LEDGERS, params={"search": "SHARMA"}, headers=user(infra, tenant_id)
        )
        everything = await client.get(LEDGERS, headers=headers)
        limited = await client.get(LEDGERS, params={"limit": 1}, headers=headers)
        assert_problem(await client.get(LEDGERS, params={"limit": 101}, headers=headers), 422)
    assert found.status_code == 200
    assert found.json()["items"] == [
        {
            "name": "sharma  Brothers",
            "group_name": "Sundry Debtors",
            "party_name": "sharma  Brothers",
            "has_directory_entry": True,
        },
        {
            "name": "Sharma Traders",
            "group_name": "Sundry Debtors",
            "party_name": "Sharma Traders",
            "has_directory_entry": False,
        },
    ]
    names = [item["name"] for item in everything.json()["items"]]
    assert names == ["Cash", "Gupta & Sons", "sharma  Brothers", "Sharma Traders"]
    assert [item["name"] for item in limited.json()["items"]] == ["Cash"]


async def test_another_tenant_sees_nothing(infra: Infrastructure, tenant_id: str) -> None:
    other = await create_tenant(infra.uow())
    await create_ledger(infra.uow(), tenant_id, name="Sharma Traders")
    mine, theirs = admin(infra, tenant_id), admin(infra, other)
    async with gateway_client(infra) as client:
        created = await client.post(ENTRIES, json=entry(), headers=mine)
        location = created.headers["Location"]

        assert_problem(await client.get(location, headers=theirs), 404)
        assert_problem(await client.put(location, json=entry(to=["x@y.in"]), headers=theirs), 404)
        assert_problem(await client.delete(location, headers=theirs), 404)
        lookup = await client.get(LOOKUP, params={"ledger": "Sharma Traders"}, headers=theirs)
        assert_problem(lookup, 404)
        assert_problem(
            await client.get(LOOKUP, params={"party": "Sharma Group"}, headers=theirs), 404
        )
        assert (await client.get(ENTRIES, headers=theirs)).json()["items"] == []
        exported = await client.get(EXPORT, headers=theirs)
        assert exported.text.strip() == HEADER
        assert (await client.get(LEDGERS, headers=theirs)).json()["items"] == []

        # The same ledger name is free in another tenant, and importing there touches only it.
        assert (await client.post(ENTRIES, json=entry(), headers=theirs)).status_code == 201
        imported = await post_csv(client, theirs, csv_body("Sharma Traders,,new@x.in,,"))
        assert imported.json() == {"created": 0, "updated": 1, "rejected": []}
        still = await client.get(location, headers=mine)
    assert still.json()["to"] == ["accounts@sharma.in"]
    assert (await stored(infra, other))["sharma traders"].to_addresses == ["new@x.in"]
