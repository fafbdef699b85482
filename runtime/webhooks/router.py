"""/api/apps/{app}/webhooks: managed by the app's administrators."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field

from runtime.identity.deps import ClockDep, Conn, CurrentActor, SettingsDep
from runtime.webhooks import service

router = APIRouter(tags=["webhooks"])
BASE = "/api/apps/{app_key}/webhooks"
Event = Literal["record.created", "record.updated", "record.deleted", "flow.started", "flow.finished"]


class WebhookIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=128)
    url: str = Field(min_length=8, max_length=2000)
    form_key: str | None = Field(None, pattern=r"^[a-z][a-z0-9_]{0,47}$", description="empty: every form of the app")
    events: list[Event] = Field(min_length=1, max_length=5)


class WebhookChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(None, min_length=1, max_length=128)
    url: str | None = Field(None, min_length=8, max_length=2000)
    events: list[Event] | None = Field(None, min_length=1, max_length=5)
    enabled: bool | None = None
    rotate_secret: bool = False


@router.get(BASE)
async def list_webhooks(app_key: str, conn: Conn, actor: CurrentActor) -> dict:
    return {"items": await service.listed(conn, actor, app_key)}


@router.post(BASE, status_code=201)
async def create_webhook(app_key: str, body: WebhookIn, conn: Conn, actor: CurrentActor, clock: ClockDep,
                         settings: SettingsDep) -> dict:
    """The answer holds the signing `secret`, shown this once."""
    return await service.create(conn, clock, settings, actor, app_key, body.model_dump())


@router.patch(BASE + "/{webhook_id}")
async def change_webhook(app_key: str, webhook_id: int, body: WebhookChange, conn: Conn, actor: CurrentActor,
                         clock: ClockDep, settings: SettingsDep) -> dict:
    data = body.model_dump(exclude={"rotate_secret"}, exclude_none=True)
    return await service.change(conn, clock, settings, actor, app_key, webhook_id, data, body.rotate_secret)


@router.delete(BASE + "/{webhook_id}", status_code=204)
async def delete_webhook(app_key: str, webhook_id: int, conn: Conn, actor: CurrentActor) -> Response:
    await service.remove(conn, actor, app_key, webhook_id)
    return Response(status_code=204)


@router.get(BASE + "/{webhook_id}/deliveries")
async def list_deliveries(app_key: str, webhook_id: int, conn: Conn, actor: CurrentActor) -> dict:
    return {"items": await service.deliveries(conn, actor, app_key, webhook_id)}


@router.post(BASE + "/{webhook_id}/deliveries/{outbox_id}/redeliver", status_code=202)
async def redeliver(app_key: str, webhook_id: int, outbox_id: int, conn: Conn, actor: CurrentActor,
                    clock: ClockDep) -> dict:
    return await service.redeliver(conn, clock, actor, app_key, webhook_id, outbox_id)


@router.post(BASE + "/{webhook_id}/ping", status_code=202)
async def ping(app_key: str, webhook_id: int, conn: Conn, actor: CurrentActor, clock: ClockDep) -> dict:
    return await service.ping(conn, clock, actor, app_key, webhook_id)
