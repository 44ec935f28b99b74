"""Encoded words that decode to line breaks, sent through the mail-service to a real SMTP server.

The subject and the sender's name below pass every check on the raw text; what arrives must
hold them as text: one Subject, one Reply-To, no Bcc header, the body as written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from shared.infra.runtime import Infrastructure
from tests.conftest import Pump

from .mailing import configure_smtp, email_row, mail_infra, mail_worker, queue_email, stored_export

if TYPE_CHECKING:
    from tests.smtp_kit.fixtures import SinkFactory

SUBJECT = (
    "=?utf-8?q?hi=0D=0ABcc:_x@evil.com=0D=0AReply-To:_thief@evil.com"
    "=0D=0AContent-Type:_text/html=0D=0A=0D=0A<b>pay_here</b>?="
)
FROM_NAME = "=?utf-8?q?Acme=0D=0ABcc:_y@evil.com?="


async def test_encoded_line_breaks_arrive_as_text(
    infra: Infrastructure, tenant_id: str, pump: Pump, smtp_sinks: SinkFactory
) -> None:
    sink = await smtp_sinks("plain")
    infra = mail_infra(infra, sink)
    await configure_smtp(infra, tenant_id, sink, from_name=FROM_NAME)
    job = await stored_export(infra, tenant_id, "csv", 64)
    email_id = await queue_email(
        infra, tenant_id, job_id=job, to=["party@example.in"], subject=SUBJECT
    )
    consumer, _ = mail_worker(infra)
    await pump(consumer)

    [received] = await sink.wait_for_messages(1)
    assert received.rcpt_tos == ("party@example.in",)
    head = received.data.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
    names = [line.split(b":", 1)[0] for line in head if not line.startswith((b" ", b"\t"))]
    assert (names.count(b"Subject"), names.count(b"Reply-To"), names.count(b"Bcc")) == (1, 1, 0)
    message = received.message
    assert message.get_all("Subject") == [SUBJECT]
    assert message.get_all("Bcc") is None
    assert message.get_all("Reply-To") == ["accounts@example.in"]
    assert message["From"].addresses[0].display_name == FROM_NAME
    assert message.get_content_type() == "multipart/mixed"
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    assert body.get_content() == "Dear Sir,\nPlease find the statement.\nRegards\n"
    assert (await email_row(infra, email_id)).status == "sent"
