"""The single-page app, served by the gateway: `/` and its static files under `/app/`.

In development only, `/dev/sign-in` mints tokens for the demo tenant's admin and user so the
app can be tried without the host application; elsewhere the host hands the app its token in
the URL fragment (`/#token=<JWT>`).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Literal

from fastapi import APIRouter
from fastapi.responses import FileResponse
from pydantic import BaseModel

from shared.auth import mint_token

from ..deps import SettingsDep
from ..problems import ProblemError

WEB_DIR = Path(__file__).resolve().parent.parent / "web"
DEMO_TENANT = "demo"
DEMO_USERS = {
    "admin": ("admin@demo", "admin@demo-traders.example"),
    "user": ("user@demo", "accounts@demo-traders.example"),
}

router = APIRouter(include_in_schema=False)


@router.get("/")
async def index() -> FileResponse:
    """The app."""
    return FileResponse(WEB_DIR / "index.html", headers={"Cache-Control": "no-cache"})


class SignIn(BaseModel):
    role: Literal["admin", "user"]


def _development_only(settings: SettingsDep) -> None:
    if not settings.is_development:
        raise ProblemError(404, "not found")


@router.get("/dev/sign-in")
async def sign_in_options(settings: SettingsDep) -> dict[str, object]:
    """Who the development sign-in can mint tokens for."""
    _development_only(settings)
    return {"tenant": DEMO_TENANT, "roles": list(DEMO_USERS)}


@router.post("/dev/sign-in")
async def sign_in(body: SignIn, settings: SettingsDep) -> dict[str, str]:
    """A token for the demo tenant's admin or user (development only)."""
    _development_only(settings)
    user_id, email = DEMO_USERS[body.role]
    token = mint_token(
        settings,
        user_id=user_id,
        tenant_id=DEMO_TENANT,
        role=body.role,
        email=email,
        ttl=timedelta(hours=12),
    )
    return {"token": token}
