"""The report email templates (admins only): read, replace, reset, preview."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api_gateway.email_templates.schemas import (
    TemplateCollection,
    TemplatePreview,
    TemplatePreviewRequest,
    TemplatePublic,
    TemplateWrite,
)
from api_gateway.email_templates.use_cases import (
    list_templates,
    preview_template,
    read_template,
    replace_template,
    reset_to_default,
)
from api_gateway.http.deps import AdminUser, SettingsDep, UowDep
from api_gateway.http.openapi import problems

router = APIRouter(prefix="/admin/email-templates", tags=["admin"])
# An unknown report or language names no template: 404.
ONE = "/{report}/{language}"


@router.get("")
async def list_all(admin: AdminUser, uow: UowDep) -> TemplateCollection:
    """Every report's template in every language (the tenant's own or the default)."""
    return await list_templates(uow, admin)


@router.get(ONE, responses=problems(404))
async def read_one(report: str, language: str, admin: AdminUser, uow: UowDep) -> TemplatePublic:
    """One report's template in one language (`en`, `mr`, `hi`), with its placeholders."""
    return await read_template(uow, admin, report, language)


@router.put(ONE, responses=problems(404))
async def replace_one(
    report: str,
    language: str,
    body: TemplateWrite,
    admin: AdminUser,
    uow: UowDep,
    settings: SettingsDep,
) -> TemplatePublic:
    """Save the tenant's own subject and body; 422 names unknown placeholders and bad braces."""
    return await replace_template(uow, settings, admin, report, language, body)


@router.delete(ONE, status_code=204, responses=problems(404))
async def reset_one(report: str, language: str, admin: AdminUser, uow: UowDep) -> Response:
    """Back to the default template."""
    await reset_to_default(uow, admin, report, language)
    return Response(status_code=204)


@router.post(ONE + "/preview", responses=problems(404))
async def preview_one(
    report: str,
    language: str,
    body: TemplatePreviewRequest,
    admin: AdminUser,
    uow: UowDep,
    settings: SettingsDep,
) -> TemplatePreview:
    """Render a template (given or saved) with sample values or, given `params`, the books'."""
    return await preview_template(uow, settings, admin, report, language, body)
