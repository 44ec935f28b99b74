# ruff: noqa: E501 (mail systems write long lines; the samples keep them as written)
"""Bounces shaped as real mail systems write them, around one of our emails' Message-ID.

Each builder returns the raw message (CRLF lines) as the MTA would deliver it to the sender's
mailbox: Postfix and Gmail and Outlook/Exchange send RFC 3464 reports (each with its own
quirks: Gmail nests an alternative part, Exchange base64-encodes and lower-cases field names,
Postfix returns only headers); classic Exim sends a plain text with `X-Failed-Recipients` and a
copy of the message; qmail a text with `#5.1.1`-style codes. Shapes follow samples published by
those systems (field order, wording, boundaries), with our addresses in them.
"""

from __future__ import annotations

import base64


def _crlf(text: str) -> bytes:
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode()


def _original_headers(message_id: str, sender: str, recipients: list[str]) -> str:
    return (
        f"From: Acme Accounts <{sender}>\n"
        f"To: {', '.join(recipients)}\n"
        "Subject: Statement of account: Sharma Traders, 01-04-2026 to 30-11-2026\n"
        "Date: Mon, 01 Dec 2026 09:00:02 +0530\n"
        f"Message-ID: {message_id}\n"
        "MIME-Version: 1.0\n"
        'Content-Type: multipart/mixed; boundary="===============0123456789=="\n'
    )


def postfix(message_id: str, sender: str, failed: str, others: list[str]) -> bytes:
    """Postfix's "Undelivered Mail Returned to Sender", with the original's headers only."""
    return _crlf(
        f"""Return-Path: <>
Received: by mx1.example.net (Postfix) id 4QZ3x0Lh2Kz9sWn; Mon,  1 Dec 2026 03:30:05 +0000 (UTC)
Date: Mon,  1 Dec 2026 03:30:05 +0000 (UTC)
From: MAILER-DAEMON@mx1.example.net (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: {sender}
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="4QZ3x0Lh2Kz9sWn.1764559805/mx1.example.net"
Content-Transfer-Encoding: 8bit
Message-Id: <20261201033005.4QZ3x0Lh2Kz9sWn@mx1.example.net>

This is a MIME-encapsulated message.

--4QZ3x0Lh2Kz9sWn.1764559805/mx1.example.net
Content-Description: Notification
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

This is the mail system at host mx1.example.net.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

For further assistance, please send mail to postmaster.

If you do so, please include this problem report. You can
delete your own text from the attached returned message.

                   The mail system

<{failed}>: host mail.sharmatraders.in[203.0.113.25] said: 550 5.1.1
    <{failed}>: Recipient address rejected: User unknown in virtual mailbox
    table (in reply to RCPT TO command)

--4QZ3x0Lh2Kz9sWn.1764559805/mx1.example.net
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx1.example.net
X-Postfix-Queue-ID: 4QZ3x0Lh2Kz9sWn
X-Postfix-Sender: rfc822; {sender}
Arrival-Date: Mon,  1 Dec 2026 03:30:02 +0000 (UTC)

Final-Recipient: rfc822; {failed}
Original-Recipient: rfc822;{failed}
Action: failed
Status: 5.1.1
Remote-MTA: dns; mail.sharmatraders.in
Diagnostic-Code: smtp; 550 5.1.1 <{failed}>: Recipient address rejected: User
    unknown in virtual mailbox table

--4QZ3x0Lh2Kz9sWn.1764559805/mx1.example.net
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers
Content-Transfer-Encoding: 8bit

Return-Path: <{sender}>
Received: from ledgerpost.example (ledgerpost.example [198.51.100.7])
\tby mx1.example.net (Postfix) with ESMTPS id 4QZ3x0Lh2Kz9sWn
{_original_headers(message_id, sender, [failed, *others])}
--4QZ3x0Lh2Kz9sWn.1764559805/mx1.example.net--
"""
    )


def exim(message_id: str, sender: str, failed: str, others: list[str]) -> bytes:
    """Classic Exim: no report, the failed address in `X-Failed-Recipients` and the text, then
    a copy of the whole message (whose To names every recipient)."""
    return _crlf(
        f"""Return-path: <>
Received: from Debian-exim by mail.example.org with local (Exim 4.96)
\tid 1v8QZk-000Abc-2F
\tfor {sender}; Mon, 01 Dec 2026 09:00:07 +0530
X-Failed-Recipients: {failed}
Auto-Submitted: auto-replied
From: Mail Delivery System <Mailer-Daemon@mail.example.org>
To: {sender}
Content-Type: text/plain; charset=us-ascii
Subject: Mail delivery failed: returning message to sender
Message-Id: <E1v8QZk-000Abc-2F@mail.example.org>
Date: Mon, 01 Dec 2026 09:00:07 +0530

This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  {failed}
    host mx.patilenterprises.co.in [192.0.2.44]
    SMTP error from remote mail server after RCPT TO:<{failed}>:
    550 5.1.1 <{failed}>... No such user here

------ This is a copy of the message, including all the headers. ------

Return-path: <{sender}>
Received: from [198.51.100.7] (helo=ledgerpost.example)
\tby mail.example.org with esmtpsa (TLS1.3) tls TLS_AES_256_GCM_SHA384
\t(Exim 4.96)
\tid 1v8QZj-000Abb-1E; Mon, 01 Dec 2026 09:00:05 +0530
{_original_headers(message_id, sender, [failed, *others])}
--===============0123456789==
Content-Type: text/plain; charset="utf-8"

Dear Sir/Madam, please find the statement of account attached.
--===============0123456789==--
"""
    )


def gmail(message_id: str, sender: str, failed: str, others: list[str]) -> bytes:
    """Gmail's "Delivery Status Notification (Failure)": an alternative part first, then the
    report, then the original's headers."""
    return _crlf(
        f"""Delivered-To: {sender}
Received: by 2002:a05:6a10:9e8c:b0:5d1 with SMTP id x12csp1234567pxb;
        Sun, 30 Nov 2026 19:30:10 -0800 (PST)
Return-Path: <>
From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
To: {sender}
Auto-Submitted: auto-replied
Subject: Delivery Status Notification (Failure)
References: {message_id}
In-Reply-To: {message_id}
X-Failed-Recipients: {failed}
Message-ID: <6740f1a2.050a0220.3b2a1c.0001.GMR@mx.google.com>
Date: Sun, 30 Nov 2026 19:30:10 -0800 (PST)
MIME-Version: 1.0
Content-Type: multipart/report; boundary="000000000000d1e9a40632f1c3a7"; report-type=delivery-status

--000000000000d1e9a40632f1c3a7
Content-Type: multipart/related; boundary="000000000000d1ef950632f1c3b0"

--000000000000d1ef950632f1c3b0
Content-Type: multipart/alternative; boundary="000000000000d1ef9a0632f1c3b1"

--000000000000d1ef9a0632f1c3b1
Content-Type: text/plain; charset="UTF-8"


** Address not found **

Your message wasn't delivered to {failed} because the address couldn't be found, or is unable to receive mail.

Learn more here: https://support.google.com/mail/?p=NoSuchUser

The response was:

The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces. For more information, go to https://support.google.com/mail/?p=NoSuchUser

--000000000000d1ef9a0632f1c3b1
Content-Type: text/html; charset="UTF-8"

<html><body><h1>Address not found</h1><p>Your message wasn't delivered to <a style=3D'color:#212121;text-decoration:none'><b>{failed}</b></a>.</p></body></html>

--000000000000d1ef9a0632f1c3b1--
--000000000000d1ef950632f1c3b0--
--000000000000d1e9a40632f1c3a7
Content-Type: message/delivery-status

Reporting-MTA: dns; googlemail.com
Received-From-MTA: dns; ledgerpost.example
Arrival-Date: Sun, 30 Nov 2026 19:30:09 -0800 (PST)
X-Original-Message-ID: {message_id}

Final-Recipient: rfc822; {failed}
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; The email account that you tried to reach does not exist. Please try
 double-checking the recipient's email address for typos or
 unnecessary spaces. For more information, go to
 https://support.google.com/mail/?p=NoSuchUser 41be03b00d2f7-7b8c1a2d3e4sor1234567a12.123 - gsmtp
Last-Attempt-Date: Sun, 30 Nov 2026 19:30:10 -0800 (PST)

--000000000000d1e9a40632f1c3a7
Content-Type: text/rfc822-headers

{_original_headers(message_id, sender, [failed, *others])}
--000000000000d1e9a40632f1c3a7--
"""
    )


def outlook(message_id: str, sender: str, failed: str, others: list[str]) -> bytes:
    """Exchange Online's "Undeliverable:" report: lower-case field names, the report part
    base64-encoded, the original returned whole as `message/rfc822`."""
    status = _crlf(
        f"""Reporting-MTA: dns;PN3PR01MB9876.INDPRD01.PROD.OUTLOOK.COM
Received-From-MTA: dns;ledgerpost.example
Arrival-Date: Mon, 1 Dec 2026 03:30:04 +0000

Final-recipient: RFC822; {failed}
Action: failed
Status: 5.1.10
Diagnostic-code: smtp;550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient {failed} not found by SMTP address lookup
X-Display-Name: {failed}
"""
    )
    encoded = base64.encodebytes(status).decode()
    return _crlf(
        f"""From: postmaster@outlook.com
To: {sender}
Date: Mon, 1 Dec 2026 03:30:05 +0000
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="04dfe4b7-1c5f-4b6e-9a1a-7c2e9f0d3b21"
X-MS-Exchange-Message-Is-Ndr:
Content-Language: en-US
Message-ID: <9b5c3f0e-2a44-4e0b-bb1e-0e9d44c1f7a2@PN3PR01MB9876.INDPRD01.PROD.OUTLOOK.COM>
In-Reply-To: {message_id}
References: {message_id}
Subject: Undeliverable: Statement of account: Sharma Traders, 01-04-2026 to 30-11-2026
Auto-Submitted: auto-replied
MIME-Version: 1.0

--04dfe4b7-1c5f-4b6e-9a1a-7c2e9f0d3b21
Content-Type: multipart/alternative; differences=Content-Type;
\tboundary="6a8e2a4c-0f4f-4c1b-8c33-2b7f0e5d9a11"

--6a8e2a4c-0f4f-4c1b-8c33-2b7f0e5d9a11
Content-Type: text/plain; charset="us-ascii"
Content-Transfer-Encoding: quoted-printable

Your message to {failed} couldn't be delivered.
{failed.split("@")[0]} wasn't found at {failed.split("@")[1]}.

Action Required

Unknown To address

Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient n=
ot found by SMTP address lookup'

--6a8e2a4c-0f4f-4c1b-8c33-2b7f0e5d9a11
Content-Type: text/html; charset="us-ascii"

<html><body><p>Your message to {failed} couldn't be delivered.</p></body></html>

--6a8e2a4c-0f4f-4c1b-8c33-2b7f0e5d9a11--

--04dfe4b7-1c5f-4b6e-9a1a-7c2e9f0d3b21
Content-Type: message/delivery-status
Content-Transfer-Encoding: base64

{encoded}
--04dfe4b7-1c5f-4b6e-9a1a-7c2e9f0d3b21
Content-Type: message/rfc822

{_original_headers(message_id, sender, [failed, *others])}
--===============0123456789==
Content-Type: text/plain; charset="utf-8"

Dear Sir/Madam, please find the statement of account attached.
--===============0123456789==--

--04dfe4b7-1c5f-4b6e-9a1a-7c2e9f0d3b21--
"""
    )


def qmail(message_id: str, sender: str, failed: str, others: list[str]) -> bytes:
    """qmail's "failure notice": the address in angle brackets, the code as `#5.1.1`."""
    return _crlf(
        f"""Return-Path: <>
Date: 1 Dec 2026 03:30:06 -0000
From: MAILER-DAEMON@mail.example.com
To: {sender}
Subject: failure notice

Hi. This is the qmail-send program at mail.example.com.
I'm afraid I wasn't able to deliver your message to the following addresses.
This is a permanent error; I've given up. Sorry it didn't work out.

<{failed}>:
Sorry, no mailbox here by that name. (#5.1.1)

--- Below this line is a copy of the message.

Return-Path: <{sender}>
{_original_headers(message_id, sender, [failed, *others])}
"""
    )


def delay_warning(message_id: str, sender: str, failed: str, others: list[str]) -> bytes:
    """A Postfix delay notice (`Action: delayed`): not a bounce."""
    return (
        postfix(message_id, sender, failed, others)
        .replace(b"Action: failed", b"Action: delayed")
        .replace(b"Status: 5.1.1", b"Status: 4.4.1")
    )


def unrelated(sender: str) -> bytes:
    """An ordinary reply from a party, quoting nothing of ours in a header we read."""
    return _crlf(
        f"""From: Sharma Traders <accounts@sharmatraders.in>
To: {sender}
Subject: Re: payment for November
Date: Mon, 01 Dec 2026 11:15:00 +0530
Message-ID: <CAF3x1y2z3@mail.sharmatraders.in>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Namaste, we will clear the balance of Rs 1,18,000 by 10th December.
Regards, Ramesh
"""
    )


FORMATS = {"postfix": postfix, "exim": exim, "gmail": gmail, "outlook": outlook, "qmail": qmail}
