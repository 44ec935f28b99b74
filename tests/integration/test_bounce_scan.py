"""The mail-service reading a real IMAP server (Dovecot) for bounces of emails it really sent."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import pytest
from mail_service import bounce_scan
from mail_service.bounce_scan import claim_due_mailboxes, scan_mailbox
from sqlalchemy import delete, func, update

from shared.domain.bounces.recipients import email_outcomes
from shared.infra import imap
from shared.infra.crypto import SecretBox
from shared.infra.db.models import EmailBounce, MailboxSettings, Tenant
from shared.infra.runtime import Infrastructure
from tests.conftest import Pump
from tests.factories import create_tenant
from tests.imap_kit import bounces as shapes
from tests.imap_kit.server import ImapServer

from .bounce_helpers import bounces, configure_mailbox, mailbox_infra, mailbox_row, scan_now
from .mailing import configure_smtp, email_row, mail_worker, queue_email

if TYPE_CHECKING:
    from tests.smtp_kit.fixtures import SinkFactory

SENDER = "reports@example.in"
PARTIES = {
    "postfix": "Accounts@Sharma-Traders.example",
    "exim": "ledger@patil-enterprises.example",
    "gmail": "kulkarni.sons@gmail.example",
    "outlook": "finance@deshmukh-agro.example",
    "qmail": "billing@joshi-textiles.example",
}
KEPT = "owner@sharma-traders.example"


async def test_a_bounce_of_each_format_marks_its_recipient_and_nothing_else(
    infra: Infrastructure,
    tenant_id: str,
    pump: Pump,
    smtp_sinks: SinkFactory,
    imap_server: ImapServer,
    imap_folder: str,
) -> None:
    to = [PARTIES["postfix"], PARTIES["exim"], PARTIES["gmail"]]
    cc = [PARTIES["outlook"], PARTIES["qmail"], KEPT]
    infra = mailbox_infra(infra, imap_server)
    sink = await smtp_sinks("plain")
    await configure_smtp(infra, tenant_id, sink)
    email_id = await queue_email(infra, tenant_id, to=to, cc=cc)
    other_id = await queue_email(infra, tenant_id, to=["someone@elsewhere.example"])
    consumer, deps = mail_worker(infra)
    await pump(consumer)
    email = await email_row(infra, email_id)
    assert email.status == "sent"
    await configure_mailbox(infra, tenant_id, imap_server, imap_folder)
    everyone = [*to, *cc]
    imap_server.append(
        imap_folder,
        *(
            build(
                email.message_id, SENDER, PARTIES[name], [a for a in everyone if a != PARTIES[name]]
            )
            for name, build in shapes.FORMATS.items()
        ),
        shapes.unrelated(SENDER),
        shapes.delay_warning(email.message_id, SENDER, KEPT, []),
        # a notification about an address the email never went to
        shapes.postfix(email.message_id, SENDER, "stranger@nowhere.example", []),
        # one about a message that is not ours
        shapes.gmail("<not-ours@other.example>", SENDER, KEPT, []),
    )
    flags_before = imap_server.flags(imap_folder)

    recorded = await scan_now(deps, tenant_id)
    assert recorded == 5, (await mailbox_row(infra, tenant_id)).last_scan_error

    found = await bounces(infra, email_id)
    assert set(found) == {address.lower() for address in PARTIES.values()}
    assert found[PARTIES["outlook"]].status_code == "5.1.10"
    assert found[PARTIES["postfix"].lower()].status_code == "5.1.1"
    assert "does not exist" in (found[PARTIES["gmail"]].diagnostic or "")
    assert found[PARTIES["postfix"].lower()].reporting_mta == "mx1.example.net"
    assert await bounces(infra, other_id) == {}
    async with infra.sessions() as session:
        statuses = {o.address: o.status for o in await email_outcomes(session, email)}
    assert statuses == {**dict.fromkeys(PARTIES.values(), "bounced"), KEPT: "accepted"}
    # read-only: no message was marked seen, flagged or removed
    assert imap_server.flags(imap_folder) == flags_before
    mailbox = await mailbox_row(infra, tenant_id)
    assert mailbox.last_uid == 9 and mailbox.last_scan_error is None


async def test_the_position_is_remembered_and_a_new_uidvalidity_starts_again(
    infra: Infrastructure,
    tenant_id: str,
    pump: Pump,
    smtp_sinks: SinkFactory,
    imap_server: ImapServer,
    imap_folder: str,
) -> None:
    first, second = "first@party.example", "second@party.example"
    infra = mailbox_infra(infra, imap_server)
    sink = await smtp_sinks("plain")
    await configure_smtp(infra, tenant_id, sink)
    email_id = await queue_email(infra, tenant_id, to=[first, second])
    consumer, deps = mail_worker(infra)
    await pump(consumer)
    email = await email_row(infra, email_id)
    await configure_mailbox(infra, tenant_id, imap_server, imap_folder)
    imap_server.append(imap_folder, shapes.postfix(email.message_id, SENDER, first, [second]))

    assert await scan_now(deps, tenant_id) == 1
    position = await mailbox_row(infra, tenant_id)
    assert position.last_uid == 1 and position.uidvalidity

    # Nothing new: the second scan reads nothing (the recorded bounce is removed to prove it
    # is not read again: a re-read would record it anew).
    async with infra.uow() as uow:
        await uow.session.execute(delete(EmailBounce).where(EmailBounce.email_id == email_id))
        await uow.commit()
    assert await scan_now(deps, tenant_id) == 0
    assert (await mailbox_row(infra, tenant_id)).last_uid == 1

    # The folder is recreated (new UIDVALIDITY): its first message, UID 1 again, is read.
    imap_server.delete_folder(imap_folder)
    imap_server.create_folder(imap_folder)
    imap_server.append(imap_folder, shapes.exim(email.message_id, SENDER, second, [first]))
    assert await scan_now(deps, tenant_id) == 1
    after = await mailbox_row(infra, tenant_id)
    assert after.uidvalidity != position.uidvalidity and after.last_uid == 1
    assert set(await bounces(infra, email_id)) == {second}


@pytest.mark.parametrize("security", ["starttls", "ssl"])
async def test_reads_over_tls(
    infra: Infrastructure,
    tenant_id: str,
    pump: Pump,
    smtp_sinks: SinkFactory,
    imap_server: ImapServer,
    imap_folder: str,
    security: str,
) -> None:
    if imap_server.tls_port is None:
        pytest.skip("the configured IMAP server offers no TLS port")
    infra = mailbox_infra(infra, imap_server)
    sink = await smtp_sinks("plain")
    await configure_smtp(infra, tenant_id, sink)
    email_id = await queue_email(infra, tenant_id, to=["tls@party.example"])
    consumer, deps = mail_worker(infra)
    await pump(consumer)
    email = await email_row(infra, email_id)
    port = imap_server.port if security == "starttls" else imap_server.tls_port
    await configure_mailbox(
        infra, tenant_id, imap_server, imap_folder, port=port, security=security
    )
    imap_server.append(imap_folder, shapes.gmail(email.message_id, SENDER, "tls@party.example", []))
    assert await scan_now(deps, tenant_id) == 1
    assert set(await bounces(infra, email_id)) == {"tls@party.example"}


async def test_a_refused_login_is_recorded_and_the_position_kept(
    infra: Infrastructure, tenant_id: str, imap_server: ImapServer, imap_folder: str
) -> None:
    infra = mailbox_infra(infra, imap_server)
    box = SecretBox(infra.settings.encryption_key_list)
    wrong = box.encrypt("not-the-password")
    await configure_mailbox(infra, tenant_id, imap_server, imap_folder, password_encrypted=wrong)
    _, deps = mail_worker(infra)
    assert await scan_now(deps, tenant_id) == 0
    mailbox = await mailbox_row(infra, tenant_id)
    assert mailbox.last_scan_error is not None and mailbox.last_scan_error.startswith("auth:")
    assert mailbox.last_uid == 0 and mailbox.uidvalidity is None


async def test_two_workers_never_claim_one_mailbox(
    infra: Infrastructure, tenant_id: str, imap_server: ImapServer, imap_folder: str
) -> None:
    infra = mailbox_infra(infra, imap_server)
    await configure_mailbox(infra, tenant_id, imap_server, imap_folder)
    _, first = mail_worker(infra)
    _, second = mail_worker(infra)
    claims = await asyncio.gather(claim_due_mailboxes(first), claim_due_mailboxes(second))
    mine = [[m.tenant_id for m in claimed if m.tenant_id == tenant_id] for claimed in claims]
    assert sorted(len(c) for c in mine) == [0, 1]  # one worker took it, the other did not
    # Claimed, it is not due again before the interval: a third worker finds nothing.
    _, third = mail_worker(infra)
    assert tenant_id not in {m.tenant_id for m in await claim_due_mailboxes(third)}


async def test_a_scan_does_not_move_settings_saved_while_it_ran(
    infra: Infrastructure, tenant_id: str, imap_server: ImapServer, imap_folder: str
) -> None:
    infra = mailbox_infra(infra, imap_server)
    await configure_mailbox(infra, tenant_id, imap_server, imap_folder)
    imap_server.append(imap_folder, shapes.unrelated(SENDER))
    _, deps = mail_worker(infra)
    claimed = [m for m in await claim_due_mailboxes(deps) if m.tenant_id == tenant_id]
    saved_at = (await mailbox_row(infra, tenant_id)).updated_at
    assert claimed[0].updated_at == saved_at  # claiming is not saving
    async with infra.uow() as uow:  # an admin saves other settings meanwhile
        await uow.session.execute(
            update(MailboxSettings)
            .where(MailboxSettings.tenant_id == tenant_id)
            .values(folder="INBOX", last_uid=0, uidvalidity=None, updated_at=func.now())
        )
        await uow.commit()
    await scan_mailbox(deps, claimed[0])
    after = await mailbox_row(infra, tenant_id)
    assert (after.folder, after.last_uid, after.uidvalidity) == ("INBOX", 0, None)


async def test_a_forged_bounce_of_another_tenant_and_a_hostile_message_change_nothing(
    infra: Infrastructure,
    tenant_id: str,
    pump: Pump,
    smtp_sinks: SinkFactory,
    imap_server: ImapServer,
    imap_folder: str,
) -> None:
    # Tenant A sent an email; tenant B's mailbox (anyone can mail a bounce address) holds a
    # well-formed DSN naming A's Message-ID and A's recipient, beside a message nested too
    # deeply to walk and a real bounce of B's own email after them.
    infra = mailbox_infra(infra, imap_server)
    sink = await smtp_sinks("plain")
    other = await create_tenant(infra.uow())
    await configure_smtp(infra, tenant_id, sink)
    await configure_smtp(infra, other, sink)
    theirs = await queue_email(infra, tenant_id, to=[PARTIES["postfix"]])
    ours = await queue_email(infra, other, to=[PARTIES["gmail"]])
    consumer, deps = mail_worker(infra)
    await pump(consumer)
    their_email, our_email = await email_row(infra, theirs), await email_row(infra, ours)
    assert their_email.status == our_email.status == "sent"
    await configure_mailbox(infra, other, imap_server, imap_folder)
    depth = 3000
    nested = (
        b"From: MAILER-DAEMON@mx.example\r\nSubject: Undelivered Mail\r\nMIME-Version: 1.0\r\n"
        + b"".join(
            b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (i, i)
            for i in range(depth)
        )
        + b"Content-Type: text/plain\r\n\r\nhello\r\n"
        + b"".join(b"--b%d--\r\n" % i for i in reversed(range(depth)))
    )
    imap_server.append(
        imap_folder,
        shapes.postfix(their_email.message_id, SENDER, PARTIES["postfix"], []),
        nested,
        shapes.gmail(our_email.message_id, SENDER, PARTIES["gmail"], []),
    )

    assert await scan_now(deps, other) == 1
    assert await bounces(infra, theirs) == {}
    assert set(await bounces(infra, ours)) == {PARTIES["gmail"].lower()}
    mailbox = await mailbox_row(infra, other)
    assert mailbox.last_scan_error is None and mailbox.last_uid == 3


async def test_a_message_with_huge_headers_is_read_only_up_to_the_limit(
    infra: Infrastructure,
    tenant_id: str,
    imap_server: ImapServer,
    imap_folder: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A hostile sender's message whose Subject runs to megabytes (folded): the header pass
    # must not pull more of any message than MAILBOX_SCAN_MAX_MESSAGE_BYTES into memory.
    infra = mailbox_infra(infra, imap_server)
    await configure_mailbox(infra, tenant_id, imap_server, imap_folder)
    folded = b"\r\n ".join([b"x" * 70] * 30_000)  # about 2 MB
    imap_server.append(
        imap_folder,
        b"From: MAILER-DAEMON@mx.example\r\nSubject: Undelivered " + folded + b"\r\n"
        b"Content-Type: text/plain\r\n\r\nnothing here\r\n",
    )
    largest = 0
    real_fetch = imap.fetch

    def measured(conn: Any, uids: list[int], item: str) -> dict[int, bytes]:
        nonlocal largest
        found = real_fetch(conn, uids, item)
        largest = max([largest, *(len(data) for data in found.values())])
        return found

    monkeypatch.setattr(imap, "fetch", measured)
    _, deps = mail_worker(infra)
    assert await scan_now(deps, tenant_id) == 0
    mailbox = await mailbox_row(infra, tenant_id)
    assert mailbox.last_scan_error is None and mailbox.last_uid == 1
    assert 0 < largest <= infra.settings.mailbox_scan_max_message_bytes


async def test_an_unforeseen_failure_reading_a_mailbox_is_recorded_and_ends_no_round(
    infra: Infrastructure,
    tenant_id: str,
    imap_server: ImapServer,
    imap_folder: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Whatever a hostile message still finds in the parser: the mailbox says so (for its
    # admin and the 3 a.m. reader of metrics), and the other mailboxes of the round are read.
    infra = mailbox_infra(infra, imap_server)
    await configure_mailbox(infra, tenant_id, imap_server, imap_folder)
    imap_server.append(imap_folder, shapes.postfix("<x@y.example>", SENDER, KEPT, []))

    def broken(raw: bytes) -> None:
        raise RuntimeError("a parser bug")

    monkeypatch.setattr(bounce_scan, "read_bounce", broken)
    _, deps = mail_worker(infra)
    assert await scan_now(deps, tenant_id) == 0
    mailbox = await mailbox_row(infra, tenant_id)
    assert mailbox.last_scan_error == "internal: RuntimeError"
    assert mailbox.last_uid == 0


async def test_a_disabled_companys_mailbox_is_not_read(
    infra: Infrastructure, tenant_id: str, imap_server: ImapServer, imap_folder: str
) -> None:
    # As its schedules and reminders stop: no login to the company's mailbox with its stored
    # password while the host application has it disabled; enabled again, it is read.
    infra = mailbox_infra(infra, imap_server)
    await configure_mailbox(infra, tenant_id, imap_server, imap_folder)
    _, deps = mail_worker(infra)
    async with infra.uow() as uow:
        await uow.session.execute(
            update(Tenant).where(Tenant.id == tenant_id).values(disabled_at=func.now())
        )
        await uow.commit()
    assert tenant_id not in {m.tenant_id for m in await claim_due_mailboxes(deps)}
    async with infra.uow() as uow:
        await uow.session.execute(
            update(Tenant).where(Tenant.id == tenant_id).values(disabled_at=None)
        )
        await uow.commit()
    assert tenant_id in {m.tenant_id for m in await claim_due_mailboxes(deps)}
