"""Liveness, readiness and metrics."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from api_gateway.http.deps import InfraDep
from shared.infra import metrics

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is alive."""
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(infra: InfraDep) -> JSONResponse:
    """PostgreSQL and Redis answer."""
    checks = await infra.readiness()
    ready = all(value == "ok" for value in checks.values())
    body = {"status": "ready" if ready else "unavailable", "checks": checks}
    return JSONResponse(body, status_code=200 if ready else 503)


@router.get("/metrics")
async def prometheus_metrics() -> Response:
    """Prometheus exposition."""
    body, content_type = metrics.render_latest()
    return Response(body, media_type=content_type)
