"""The mail-service's cache of encoded attachment parts, and messages built around a cached part."""

from __future__ import annotations

import email
import email.policy
import os
import uuid
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtplib.email import flatten_message
from mail_service import compose
from mail_service.compose import Attachment, AttachmentParts, Sender, build_message

from shared.infra.db.models import Email

SENDER = Sender("reports@example.in", "Sharma & Sons Accounts", "accounts@example.in")


@pytest.fixture
def encodings(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every file `attachment_part` reads and encodes, in order."""
    seen: list[Path] = []
    original = compose.attachment_part

    def counting(attachment: Attachment) -> EmailMessage:
        seen.append(attachment.path)
        return original(attachment)

    monkeypatch.setattr(compose, "attachment_part", counting)
    return seen


def _report(tmp_path: Path, name: str, content: bytes) -> Attachment:
    path = tmp_path / name
    path.write_bytes(content)
    return Attachment(path=path, file_name=f"Ledger_{name}", format="csv")


def _email(to: list[str]) -> Email:
    email_id = uuid.uuid4()
    return Email(
        id=email_id,
        tenant_id="t-unit",
        to_addresses=to,
        cc_addresses=[],
        bcc_addresses=[],
        subject="Ledger statement: Sharma Traders",
        body="Dear Sir,\nPlease find the statement <attached>.\nRegards",
        message_id=f"<{email_id.hex}@example.in>",
    )


def _sent_form(message: EmailMessage) -> EmailMessage:
    """The message as it goes over SMTP (aiosmtplib's flattening), parsed back by a reader."""
    data = flatten_message(message)
    parsed = email.message_from_bytes(data.replace(b"\r\n", b"\n"), policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


async def test_the_same_file_twice_is_read_and_encoded_once(
    tmp_path: Path, encodings: list[Path]
) -> None:
    parts = AttachmentParts(capacity_bytes=1024 * 1024)
    report = _report(tmp_path, "a.csv", b"date,amount\n2025-04-01,100.00\n")
    first = await parts.get(report)
    second = await parts.get(Attachment(report.path, report.file_name, report.format))
    assert second is first
    assert encodings == [report.path]


async def test_the_same_file_under_another_name_is_a_separate_part(
    tmp_path: Path, encodings: list[Path]
) -> None:
    parts = AttachmentParts(capacity_bytes=1024 * 1024)
    report = _report(tmp_path, "a.csv", b"date,amount\n")
    renamed = Attachment(report.path, "Another_Name.csv", "csv")
    assert await parts.get(renamed) is not await parts.get(report)
    assert (await parts.get(renamed)).get_filename() == "Another_Name.csv"
    assert len(encodings) == 2


async def test_a_file_rewritten_with_another_size_gives_a_new_part(tmp_path: Path) -> None:
    parts = AttachmentParts(capacity_bytes=1024 * 1024)
    report = _report(tmp_path, "a.csv", b"date,amount\n1\n")
    old = await parts.get(report)
    report.path.write_bytes(b"date,amount\n1\n2\n")
    new = await parts.get(report)
    assert new is not old
    assert new.get_payload(decode=True) == b"date,amount\n1\n2\n"
    assert old.get_payload(decode=True) == b"date,amount\n1\n"


async def test_a_file_rewritten_with_the_same_size_but_a_new_mtime_gives_a_new_part(
    tmp_path: Path,
) -> None:
    parts = AttachmentParts(capacity_bytes=1024 * 1024)
    report = _report(tmp_path, "a.csv", b"date,amount\nAAAA\n")
    old = await parts.get(report)
    before = report.path.stat().st_mtime_ns
    report.path.write_bytes(b"date,amount\nBBBB\n")
    os.utime(report.path, ns=(before + 5_000_000_000, before + 5_000_000_000))
    new = await parts.get(report)
    assert new is not old
    assert new.get_payload(decode=True) == b"date,amount\nBBBB\n"


async def test_the_least_recently_used_part_is_evicted_first(
    tmp_path: Path, encodings: list[Path]
) -> None:
    # 3,000 bytes weigh about 5 KB once encoded (base64, line breaks, headers): room for two
    # parts, not three.
    parts = AttachmentParts(capacity_bytes=12_000)
    a, b, c = (_report(tmp_path, f"{n}.csv", n.encode() * 3000) for n in "abc")
    part_a = await parts.get(a)
    part_b = await parts.get(b)
    assert await parts.get(a) is part_a  # a is now the most recently used
    part_c = await parts.get(c)  # evicts b
    assert encodings == [a.path, b.path, c.path]

    assert await parts.get(a) is part_a
    assert await parts.get(c) is part_c
    assert encodings == [a.path, b.path, c.path]  # both still held
    assert await parts.get(b) is not part_b  # read and encoded again
    assert encodings == [a.path, b.path, c.path, b.path]


async def test_a_file_bigger_than_the_capacity_is_not_kept_and_evicts_nothing(
    tmp_path: Path, encodings: list[Path]
) -> None:
    parts = AttachmentParts(capacity_bytes=12_000)
    small = _report(tmp_path, "small.csv", b"s" * 3000)
    big = _report(tmp_path, "big.csv", b"b" * 9000)  # over 12 KB once encoded
    part_small = await parts.get(small)
    first_big = await parts.get(big)
    second_big = await parts.get(big)
    assert second_big is not first_big
    assert second_big.get_payload(decode=True) == b"b" * 9000
    assert await parts.get(small) is part_small
    assert encodings == [small.path, big.path, big.path]


async def test_capacity_zero_keeps_nothing(tmp_path: Path, encodings: list[Path]) -> None:
    parts = AttachmentParts(capacity_bytes=0)
    report = _report(tmp_path, "a.csv", b"date,amount\n")
    assert await parts.get(report) is not await parts.get(report)
    assert encodings == [report.path, report.path]


async def test_a_message_with_a_cached_part_reads_back_with_its_attachment_and_alternatives(
    tmp_path: Path,
) -> None:
    content = b"date,amount\n" + bytes(range(256)) * 40 + "₹ 1,00,000\n".encode()
    report = _report(tmp_path, "a.csv", content)
    part = await AttachmentParts(capacity_bytes=1024 * 1024).get(report)
    sent = _sent_form(build_message(_email(["party@example.in"]), SENDER, part))

    assert sent.get_content_type() == "multipart/mixed"
    [attachment] = list(sent.iter_attachments())
    assert attachment.get_filename() == "Ledger_a.csv"
    assert attachment.get_content_type() == "text/csv"
    assert attachment.get_content_charset() == "utf-8"  # not US-ASCII, the text default
    assert attachment.get_content_disposition() == "attachment"
    assert attachment.get_payload(decode=True) == content
    text = sent.get_body(preferencelist=("plain",))
    html = sent.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    assert text.get_content() == "Dear Sir,\nPlease find the statement <attached>.\nRegards\n"
    assert "Please find the statement &lt;attached&gt;." in html.get_content()
    assert sent["To"] == "party@example.in"


async def test_two_messages_sharing_one_part_both_flatten_with_the_exact_bytes(
    tmp_path: Path,
) -> None:
    content = b"date,amount\n" + os.urandom(5000)
    report = _report(tmp_path, "shared.csv", content)
    parts = AttachmentParts(capacity_bytes=1024 * 1024)
    first_email, second_email = _email(["one@example.in"]), _email(["two@example.in"])
    first = build_message(first_email, SENDER, await parts.get(report))
    second = build_message(second_email, SENDER, await parts.get(report))

    sent_first = _sent_form(first)  # flattened before the second is
    sent_second = _sent_form(second)
    again_first = _sent_form(first)  # and the first once more, after the second

    for sent, owner in ((sent_first, first_email), (sent_second, second_email)):
        [attachment] = list(sent.iter_attachments())
        assert attachment.get_payload(decode=True) == content
        assert attachment.get_filename() == "Ledger_shared.csv"
        assert sent["Message-ID"] == owner.message_id
        assert sent["To"] == owner.to_addresses[0]
    [attachment] = list(again_first.iter_attachments())
    assert attachment.get_payload(decode=True) == content
    assert again_first["To"] == "one@example.in"


async def test_an_empty_file_is_not_kept_when_the_cache_is_off(
    tmp_path: Path, encodings: list[Path]
) -> None:
    parts = AttachmentParts(capacity_bytes=0)
    empty = _report(tmp_path, "empty.csv", b"")
    await parts.get(empty)
    await parts.get(empty)
    assert encodings == [empty.path, empty.path]
