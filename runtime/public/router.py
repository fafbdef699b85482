"""Public form links: managed by app designers under /api/apps; used anonymously under /api/public."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Response
from pydantic import BaseModel, ConfigDict, Field

from runtime.identity.deps import ClockDep, Conn, CurrentActor, Meta, SettingsDep
from runtime.public import service

router = APIRouter(tags=["public"])


class LinkIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=128)
    fields: list[str] = Field(min_length=1, max_length=200)
    allow_edit: bool = False
    max_per_minute: int = Field(10, ge=1, le=600)
    expires_in_days: int | None = Field(None, ge=1, le=3650)


@router.post("/api/apps/{app_key}/forms/{form_key}/public-links", status_code=201)
async def create_link(app_key: str, form_key: str, body: LinkIn, conn: Conn, actor: CurrentActor,
                      settings: SettingsDep, clock: ClockDep) -> dict:
    return await service.create_link(conn, settings, clock, actor, app_key, form_key, body.model_dump())


@router.get("/api/apps/{app_key}/forms/{form_key}/public-links")
async def list_links(app_key: str, form_key: str, conn: Conn, actor: CurrentActor) -> dict:
    return {"items": await service.list_links(conn, actor, app_key, form_key)}


@router.delete("/api/apps/{app_key}/public-links/{link_id}", status_code=204)
async def revoke_link(app_key: str, link_id: int, conn: Conn, actor: CurrentActor, clock: ClockDep) -> Response:
    await service.revoke_link(conn, clock, actor, app_key, link_id)
    return Response(status_code=204)


@router.get("/api/public/forms/{token}")
async def public_form(token: str, conn: Conn, settings: SettingsDep, clock: ClockDep) -> dict:
    return await service.public_form(conn, settings, clock, token)


@router.post("/api/public/forms/{token}", status_code=201)
async def submit(token: str, conn: Conn, settings: SettingsDep, clock: ClockDep, meta: Meta,
                 body: dict[str, Any] = Body(...)) -> dict:
    return await service.submit(conn, settings, clock, meta, token, body)


@router.patch("/api/public/edits/{edit_token}")
async def edit_once(edit_token: str, conn: Conn, settings: SettingsDep, clock: ClockDep, meta: Meta,
                    body: dict[str, Any] = Body(...)) -> dict:
    return await service.edit_once(conn, settings, clock, meta, edit_token, body)
