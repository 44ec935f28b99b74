"""The FastAPI application: built by `create_app`, nothing at import time."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable

from fastapi import FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles

from api_gateway.account import routes as account
from api_gateway.book_imports import routes as book_imports
from api_gateway.books import routes as books
from api_gateway.confirmations import public_routes as confirmation_pages
from api_gateway.confirmations import routes as confirmations
from api_gateway.distribution_lists import routes as distribution_lists
from api_gateway.email_templates import routes as email_templates
from api_gateway.emails import routes as emails
from api_gateway.exports import link_routes as file_links
from api_gateway.exports import routes as exports
from api_gateway.http import health
from api_gateway.http.access_log import log_request, route_template
from api_gateway.http.body_limit import BodySizeLimit
from api_gateway.http.openapi import install_openapi
from api_gateway.http.problems import install_problem_handlers
from api_gateway.http.tenant_status import TenantStatusCache
from api_gateway.mailbox_settings import routes as mailbox_settings
from api_gateway.party_directory import ledger_routes as ledgers
from api_gateway.party_directory import routes as party_directory
from api_gateway.reports import preview_routes as report_preview
from api_gateway.reports import routes as report_emails
from api_gateway.schedules import routes as schedules
from api_gateway.smtp_settings import routes as smtp_settings
from api_gateway.spa import routes as spa
from api_gateway.statement_runs import routes as statement_runs
from api_gateway.tenants import routes as tenants
from shared.correlation import correlation_id_var, new_correlation_id
from shared.infra import metrics
from shared.infra.runtime import Infrastructure
from shared.infra.settings import Settings
from shared.infra.storage import LocalStorage

API_PREFIX = "/api/v1"
# Every feature's routers, in the order the OpenAPI page lists them.
API_ROUTERS = (
    account.router,
    exports.router,
    file_links.router,
    report_emails.router,
    report_preview.router,
    statement_runs.router,
    confirmations.router,
    emails.router,
    ledgers.router,
    party_directory.router,
    distribution_lists.router,
    account.admin_router,
    book_imports.router,
    smtp_settings.router,
    mailbox_settings.router,
    email_templates.router,
    schedules.router,
    tenants.router,
    books.router,
)
# The books sync's POST bodies may be larger than any other request's.
BOOKS_SYNC_PATHS = re.compile(rf"{API_PREFIX}/tenants/[^/]+/books/(ledgers|vouchers|bills)")

log = logging.getLogger(__name__)

CORRELATION_HEADER = "X-Correlation-ID"


def create_app(settings: Settings, infra: Infrastructure | None = None) -> FastAPI:
    """Build the gateway; pass `infra` to share connections (tests), else it connects itself."""

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own = infra is None
        if own:
            app.state.infra = await Infrastructure.connect(settings)
        stop = asyncio.Event()
        relay = app.state.infra.relay()
        relay_task = asyncio.create_task(relay.run(stop), name="outbox-relay")
        try:
            yield
        finally:
            stop.set()
            await relay_task
            if own:
                await app.state.infra.close()

    app = FastAPI(
        title="LedgerPost API",
        version="0.1.0",
        summary="Report exports and email delivery for the accounting app",
        lifespan=lifespan,
    )
    app.state.settings = settings
    # Given connections are usable at once, even by a test client that runs no lifespan.
    app.state.infra = infra
    app.state.storage = LocalStorage(settings.export_dir)
    app.state.tenant_status = TenantStatusCache()
    install_problem_handlers(app)
    install_openapi(app)
    # Inside the correlation middleware, so a 413 carries the id and is counted.
    app.add_middleware(
        BodySizeLimit,
        max_bytes=settings.gateway_max_body_bytes,
        larger={
            f"{API_PREFIX}{party_directory.IMPORT_PATH}": party_directory.IMPORT_BODY_CAP,
            f"{API_PREFIX}{book_imports.TALLY_PATH}": (
                settings.tally_import_max_bytes + book_imports.MULTIPART_OVERHEAD_BYTES
            ),
        },
        larger_matching=[(BOOKS_SYNC_PATHS, settings.books_max_body_bytes)],
    )
    app.middleware("http")(_correlation_and_metrics)
    app.include_router(health.router)
    app.include_router(spa.router)
    app.include_router(confirmation_pages.router)
    app.mount("/app", StaticFiles(directory=spa.WEB_DIR), name="app")
    for router in API_ROUTERS:
        app.include_router(router, prefix=API_PREFIX)
    return app


async def _correlation_and_metrics(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    incoming = request.headers.get(CORRELATION_HEADER, "")
    # Accept a caller's id only when it is short and plain, so it is safe in every log line.
    cid = (
        incoming
        if 0 < len(incoming) <= 64 and incoming.isascii() and incoming.isprintable()
        else new_correlation_id()
    )
    token = correlation_id_var.set(cid)
    started = time.monotonic()
    try:
        response = await call_next(request)
        log_request(request, response.status_code, time.monotonic() - started)
    finally:
        correlation_id_var.reset(token)
    response.headers[CORRELATION_HEADER] = cid
    path = route_template(request)
    metrics.HTTP_REQUESTS.labels(request.method, path, str(response.status_code)).inc()
    return response
