"""Development SMTP sink: accepts every message and saves it as a `.eml` file.

    python scripts/smtp_sink.py --host 127.0.0.1 --port 1025 --dir var/mail

Each file is the raw message as received, preceded by one `X-Envelope-From:` header and one
`X-Envelope-To:` header per envelope recipient. BCC recipients appear only in the envelope,
so those headers are how a test (or a person) checks who a message was really delivered to:
`email.message_from_bytes(data).get_all("X-Envelope-To")`.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
import signal
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session

log = logging.getLogger("smtp_sink")


class SaveToDir:
    """aiosmtpd handler that writes every message it receives to `directory`."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.counter = itertools.count(1)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content: bytes = envelope.original_content or b""
        eol = b"\r\n" if b"\r\n" in content else b"\n"
        headers = [b"X-Envelope-From: " + (envelope.mail_from or "").encode()]
        headers += [b"X-Envelope-To: " + rcpt.encode() for rcpt in envelope.rcpt_tos]
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
        path = self.directory / f"{stamp}-{next(self.counter)}.eml"
        # Write then rename, so whoever polls the directory never reads half a message.
        partial = path.with_suffix(".eml.part")
        partial.write_bytes(eol.join(headers) + eol + content)
        partial.rename(path)
        log.info(
            "saved %s from=%s to=%s bytes=%d",
            path,
            envelope.mail_from,
            ",".join(envelope.rcpt_tos),
            len(content),
        )
        return "250 Message accepted for delivery"


async def serve(host: str, port: int, directory: Path) -> None:
    handler = SaveToDir(directory)
    loop = asyncio.get_running_loop()

    def factory() -> Any:
        # A fixed hostname skips a reverse-DNS lookup that can stall start-up on some laptops.
        return SMTP(
            handler,
            hostname="smtp-sink",
            enable_SMTPUTF8=True,
            data_size_limit=64 * 1024 * 1024,
        )

    try:
        server = await loop.create_server(factory, host, port)
    except OSError as exc:
        log.error(
            "cannot listen on %s:%d: %s (is another sink or mailpit running?)", host, port, exc
        )
        raise SystemExit(1) from exc
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    log.info("listening on %s:%d, saving messages to %s", host, port, directory)
    await stop.wait()
    server.close()
    await server.wait_closed()
    log.info("stopped")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=1025)
    parser.add_argument("--dir", type=Path, default=Path("var/mail"))
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, stream=sys.stdout, format="%(asctime)s %(levelname)s %(message)s"
    )
    # aiosmtpd logs every SMTP command at INFO; one line per message is all we want.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    args.dir.mkdir(parents=True, exist_ok=True)
    asyncio.run(serve(args.host, args.port, args.dir.resolve()))


if __name__ == "__main__":
    main()
