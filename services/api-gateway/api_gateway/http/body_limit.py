"""A cap on request bodies, enforced as the bytes arrive (ASGI middleware).

Without it a 100 MB JSON body is read into memory and parsed before any route looks at it.
A declared `Content-Length` over the cap is refused before a byte is read; a body without
one (chunked) is counted as it streams in, and once past the cap the application sees the
client as gone and the caller gets the 413 instead of whatever the application answers.
Routes that take larger uploads (the party directory's CSV import) get their own cap here
and keep their exact limit themselves.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api_gateway.http.problems import PROBLEM_JSON

CODE = "body_too_large"


class BodySizeLimit:
    """Answer 413 (problem+json, code `body_too_large`) to request bodies over the cap."""

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        larger: Mapping[str, int] | None = None,
        larger_matching: Sequence[tuple[re.Pattern[str], int]] = (),
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.larger = dict(larger or {})
        # Paths with a parameter in them (the books sync's tenant id), by full match.
        self.larger_matching = tuple(larger_matching)

    def _cap(self, path: str) -> int:
        caps = [cap for pattern, cap in self.larger_matching if pattern.fullmatch(path)]
        return max(self.max_bytes, self.larger.get(path, 0), *caps)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cap = self._cap(scope["path"])
        declared = _content_length(scope)
        if declared is not None and declared > cap:
            await _refuse(send, cap)
            return
        received = 0
        over = False
        started = False

        async def counted_receive() -> Message:
            nonlocal received, over
            if over:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > cap:
                    # The application stops reading (a disconnected client); `guarded_send`
                    # replaces its answer with the 413.
                    over = True
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if over:
                if message["type"] == "http.response.start" and not started:
                    started = True
                    await _refuse(send, cap)
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except Exception:
            if not over:
                raise
            # The application failed on the "disconnect" we made up: the 413 is the answer.
            if not started:
                await _refuse(send, cap)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if text.isdigit() else None
    return None


async def _refuse(send: Send, cap: int) -> None:
    body = json.dumps(
        {
            "type": "about:blank",
            "title": "Content too large",
            "status": 413,
            "detail": f"the request body is larger than {cap} bytes",
            "code": CODE,
        }
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", PROBLEM_JSON.encode()),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
