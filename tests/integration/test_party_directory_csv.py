"""The party directory as CSV: import row by row, export, uploads and their limits."""

from __future__ import annotations

import csv
import importlib.util
import io
from collections.abc import AsyncIterator

import pytest
from api_gateway.party_directory import routes as party_emails

from shared.infra.runtime import Infrastructure

from .gateway import gateway_client
from .party_directory_helpers import (
    ENTRIES,
    EXPORT,
    EXPORT_HEADER,
    HEADER,
    IMPORT,
    admin,
    assert_problem,
    csv_body,
    entry,
    post_csv,
    stored,
    user,
)

multipart_installed = importlib.util.find_spec("python_multipart") is not None


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
        entry("Ünicode Stores", party_name="Ü Group", to=["ü@example.in"], language="mr"),
    ]
    async with gateway_client(infra) as client:
        for body in bodies:
            assert (await client.post(ENTRIES, json=body, headers=headers)).status_code == 201
        exported = await client.get(EXPORT, headers=user(infra, tenant_id))
        assert exported.status_code == 200
        assert exported.headers["content-type"].startswith("text/csv")
        assert exported.headers["content-disposition"] == (
            "attachment; filename=\"party-emails.csv\"; filename*=UTF-8''party-emails.csv"
        )
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
    records = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert records[0] == EXPORT_HEADER.split(",")
    assert records[1] == ['Quote "Q" Traders, Pune', "", "accounts@sharma.in", "", "", "en"]
    assert records[2] == [
        "Sharma Traders",
        "Sharma Group",
        "a@sharma.in;b@sharma.in",
        "owner@sharma.in",
        "audit@example.in",
        "en",
    ]
    assert records[3][-1] == "mr"


async def test_import_reads_each_partys_language(infra: Infrastructure, tenant_id: str) -> None:
    body = (
        f"{HEADER},language\r\n"
        "Sharma Traders,,a@sharma.in,,,mr\r\n"
        "Gupta & Sons,,g@gupta.in,,,HI\r\n"
        "Iyer Stores,,i@iyer.in,,,\r\n"
        "Khan Traders,,k@khan.in,,,fr\r\n"
    ).encode()
    async with gateway_client(infra) as client:
        report = (await post_csv(client, admin(infra, tenant_id), body)).json()
    assert (report["created"], [r["row"] for r in report["rejected"]]) == (3, [5])
    assert "language" in report["rejected"][0]["reason"]
    rows = await stored(infra, tenant_id)
    assert {key: row.language for key, row in rows.items()} == {
        "sharma traders": "mr",
        "gupta & sons": "hi",
        "iyer stores": "en",  # blank: English
    }


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
