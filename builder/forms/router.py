"""/api/apps/{app}/forms: form definitions at design time."""

from __future__ import annotations

from fastapi import APIRouter, Response

from builder.forms import service
from builder.forms.schemas import DraftSave, FormCreate, PublishRequest
from runtime.identity.deps import ClockDep, Conn, CurrentActor

router = APIRouter(prefix="/api/apps/{app_key}/forms", tags=["forms"])


@router.get("")
async def list_forms(app_key: str, conn: Conn, actor: CurrentActor) -> dict:
    return {"items": await service.list_forms(conn, actor, app_key)}


@router.post("", status_code=201)
async def create_form(app_key: str, body: FormCreate, conn: Conn, actor: CurrentActor, clock: ClockDep) -> dict:
    return await service.create_form(conn, clock, actor, app_key, body.definition)


@router.get("/{form_key}")
async def get_form(app_key: str, form_key: str, conn: Conn, actor: CurrentActor) -> dict:
    return await service.get_form(conn, actor, app_key, form_key)


@router.put("/{form_key}/draft")
async def save_draft(app_key: str, form_key: str, body: DraftSave, conn: Conn, actor: CurrentActor, clock: ClockDep) -> dict:
    return await service.save_draft(conn, clock, actor, app_key, form_key, body.definition, body.draft_revision)


@router.post("/{form_key}/publish/preview")
async def preview_publish(app_key: str, form_key: str, conn: Conn, actor: CurrentActor) -> dict:
    return await service.preview_publish(conn, actor, app_key, form_key)


@router.post("/{form_key}/publish")
async def publish(app_key: str, form_key: str, body: PublishRequest, conn: Conn, actor: CurrentActor, clock: ClockDep) -> dict:
    return await service.publish(conn, clock, actor, app_key, form_key, body.on_unconvertible)


@router.get("/{form_key}/versions")
async def list_versions(app_key: str, form_key: str, conn: Conn, actor: CurrentActor) -> dict:
    return {"items": await service.list_versions(conn, actor, app_key, form_key)}


@router.post("/{form_key}/purge/{target}", status_code=204)
async def purge(app_key: str, form_key: str, target: str, conn: Conn, actor: CurrentActor, clock: ClockDep) -> Response:
    await service.purge_field(conn, clock, actor, app_key, form_key, target)
    return Response(status_code=204)
