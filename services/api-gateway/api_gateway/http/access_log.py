"""One log line per request, naming the route's template, never the path as requested.

A public file link's path is its secret (`/api/v1/files/{token}`): uvicorn's access log would
write it to every log store, so the gateway runs uvicorn without one and logs requests here.
"""

from __future__ import annotations

import functools
import logging
import re

from starlette.requests import Request

log = logging.getLogger("api_gateway.access")

UNMATCHED = "unmatched"
_PARAM = re.compile(r"\{[^}:]+(:[^}]+)?\}")


def route_template(request: Request) -> str:
    """`/api/v1/files/{token}` for a matched route; `unmatched` otherwise (a mistyped
    link is still a secret)."""
    route = request.scope.get("route")
    path = getattr(route, "path", None)
    if not isinstance(path, str):
        return UNMATCHED
    # A route of an included router knows its path without the prefix it was included under
    # (`/files/{token}`); that prefix is the literal start of the requested path, before
    # the part the template matches.
    found = _suffix_pattern(path).search(request.url.path)
    # Shown as the document names it: `{email_id}`, not the route's `{email_id:uuid}`.
    return (request.url.path[: found.start()] if found else "") + _CONVERTOR.sub("}", path)


_CONVERTOR = re.compile(r":\w+\}")


@functools.lru_cache(maxsize=256)
def _suffix_pattern(template: str) -> re.Pattern[str]:
    """Matches the end of a path that `template` describes (each parameter one segment,
    `{name:path}` any rest)."""
    pattern, end = "", 0
    for param in _PARAM.finditer(template):
        pattern += re.escape(template[end : param.start()])
        pattern += ".*" if param.group(1) == ":path" else "[^/]+"
        end = param.end()
    return re.compile(pattern + re.escape(template[end:]) + "$")


def log_request(request: Request, status: int, seconds: float) -> None:
    template = route_template(request)
    log.info(
        "%s %s %d",
        request.method,
        template,
        status,
        extra={
            "method": request.method,
            "route": template,
            "status": status,
            "duration_ms": round(seconds * 1000, 1),
        },
    )
