"""Schemathesis hooks of the fuzz run: the SMTP and mailbox (IMAP) operations reach only the
test's SMTP server, and the books sync's NDJSON bodies are written as NDJSON.

`PUT /admin/email-settings` (and `/admin/mailbox-settings`) resolves the host it is given and
`POST .../test` connects to it; a fuzzer must not send either to whatever name it drew (the
mailbox test, meeting an SMTP server, answers that it is not IMAP). Schema-valid cases get the test
server's host and port instead of the drawn ones. Schema-invalid cases are left as drawn, so
they stay invalid: validation refuses them before any lookup.
"""

from __future__ import annotations

import json
import os
from typing import Any

import schemathesis

SETTINGS = ("/api/v1/admin/email-settings", "/api/v1/admin/mailbox-settings")
TEST = ("/api/v1/admin/email-settings/test", "/api/v1/admin/mailbox-settings/test")


@schemathesis.hook
def before_call(context: schemathesis.HookContext, case: schemathesis.Case, **kwargs: Any) -> None:
    if case.path not in (*SETTINGS, *TEST) or case.method.upper() not in ("PUT", "POST"):
        return
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return
    body = case.body
    server = body.get("settings") if case.path in TEST and isinstance(body, dict) else body
    if isinstance(server, dict):
        _to_test_server(server)


def _to_test_server(server: dict[str, Any]) -> None:
    if isinstance(server.get("host"), str):
        server["host"] = os.environ["FUZZ_SMTP_HOST"]
    if isinstance(server.get("port"), int):
        server["port"] = int(os.environ["FUZZ_SMTP_PORT"])


@schemathesis.serializer("application/x-ndjson")
def ndjson(context: schemathesis.SerializationContext, value: Any) -> bytes:
    """The document gives one line's schema: a drawn row is sent as a one-line body."""
    return (json.dumps(value) + "\n").encode()
