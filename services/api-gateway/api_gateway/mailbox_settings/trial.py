"""The admin's "test" button for the mailbox: log in and open the folder, read-only, and say
what happened (the folder's message count, or why not) within the settings' timeout.

Unlike the SMTP test, which the mail-service performs (the gateway never talks SMTP), the
gateway opens this connection itself: it only logs in and EXAMINEs the folder, sends nothing
and changes nothing, and the host passes the same rules as SMTP hosts first (the connection
goes to the address that was checked), so the mail-service has nothing to add.
"""

from __future__ import annotations

import asyncio
import ssl
import time

from api_gateway.http.problems import field_error
from api_gateway.mailbox_settings.schemas import MailboxTestRequest, MailboxTestResult
from api_gateway.mailbox_settings.use_cases import checked_server
from api_gateway.smtp_settings.credentials import (
    check_login_transport,
    password_to_try,
    server_rules,
    stored_password,
)
from shared.domain.smtp_servers import HostNotAllowedError
from shared.infra import imap
from shared.infra.crypto import SecretBox
from shared.infra.db.models import MailboxSettings
from shared.infra.runtime import Infrastructure
from shared.infra.settings import Settings
from shared.infra.tls import tls_context
from shared.infra.tokens import Principal


async def run_mailbox_test(
    infra: Infrastructure, settings: Settings, admin: Principal, request: MailboxTestRequest
) -> MailboxTestResult:
    started = time.monotonic()
    box = SecretBox(settings.encryption_key_list)
    async with infra.sessions() as session:
        stored = await session.get(MailboxSettings, admin.tenant_id)
    rules = server_rules(settings)
    unsaved = request.settings
    if unsaved is None:
        if stored is None:
            raise field_error(
                "settings",
                "the mailbox is not configured yet: save settings or send them",
                409,
                code="mailbox_not_configured",
            )
        host, username, port, security = stored.host, stored.username, stored.port, stored.security
        password = stored_password(stored, box)
        folder, timeout, prefix = stored.folder, stored.timeout_seconds, ""
    else:
        prefix = "settings."
        host, username = checked_server(unsaved, prefix=prefix)
        port, security, folder, timeout = (
            unsaved.port,
            unsaved.security,
            unsaved.folder,
            unsaved.timeout_seconds,
        )
        password = password_to_try(unsaved, stored, box, host, username, field="settings.password")
    check_login_transport(rules, host, security, username, prefix=prefix)
    try:
        async with asyncio.timeout(timeout):
            addresses = await rules.checked_addresses(host, port)
    except HostNotAllowedError as exc:
        raise field_error(f"{prefix}host", str(exc), code="smtp_host_not_allowed") from None
    except (OSError, UnicodeError, TimeoutError):
        return _result(started, "dns", f"the name {host} does not resolve")
    # The thread's session ends with the test's wait (each operation is bounded by the timeout;
    # the whole test by a few of them), not after it.
    target = imap.MailboxTarget(
        host, addresses[0], port, security, username, password, folder, float(timeout), timeout * 3
    )
    context = tls_context(settings.mail_smtp_ca_file)
    try:
        async with asyncio.timeout(timeout * 3):
            state = await asyncio.to_thread(_examine, target, context)
    except imap.MailboxError as exc:
        return _result(started, exc.error_class, str(exc))
    except TimeoutError:
        return _result(started, "timeout", "the server did not answer in time")
    return MailboxTestResult(
        ok=True,
        messages=state.messages,
        uidvalidity=state.uidvalidity,
        duration_ms=_elapsed(started),
    )


def _examine(target: imap.MailboxTarget, context: ssl.SSLContext) -> imap.FolderState:
    with imap.examined_folder(target, context) as (_, state):
        return state


def _result(started: float, error_class: str, reason: str) -> MailboxTestResult:
    return MailboxTestResult(
        ok=False, error_class=error_class, reason=reason, duration_ms=_elapsed(started)
    )


def _elapsed(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
