"""/api/apps/{app}/flows: flow definitions at design time (the app's administrators), and
/api/admin/calendars: the working calendars SLA clocks count by (platform administrators)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from builder.flows import service
from builder.flows.schemas import CALENDAR_KEY, CalendarIn, DraftSave, FlowCreate, FlowUpdate, PublishRequest
from runtime.identity.deps import AdminActor, ClockDep, Conn, CurrentActor, SettingsDep

router = APIRouter(prefix="/api/apps/{app_key}/flows", tags=["flows"])
calendars_router = APIRouter(prefix="/api/admin/calendars", tags=["flows"])

CalendarKey = Annotated[str, Path(pattern=CALENDAR_KEY)]


@router.get("")
async def list_flows(app_key: str, conn: Conn, actor: CurrentActor) -> dict:
    return {"items": await service.list_flows(conn, actor, app_key)}


@router.post("", status_code=201)
async def create_flow(app_key: str, body: FlowCreate, conn: Conn, actor: CurrentActor, clock: ClockDep) -> dict:
    return await service.create_flow(conn, clock, actor, app_key, body)


@router.get("/{flow_key}")
async def get_flow(app_key: str, flow_key: str, conn: Conn, actor: CurrentActor) -> dict:
    return await service.get_flow(conn, actor, app_key, flow_key)


@router.patch("/{flow_key}")
async def update_flow(app_key: str, flow_key: str, body: FlowUpdate, conn: Conn, actor: CurrentActor,
                      clock: ClockDep) -> dict:
    changes = body.model_dump(exclude_unset=True, exclude_none=True, by_alias=True)
    return await service.update_flow(conn, clock, actor, app_key, flow_key, changes)


@router.delete("/{flow_key}", status_code=204)
async def delete_flow(app_key: str, flow_key: str, conn: Conn, actor: CurrentActor, clock: ClockDep) -> Response:
    await service.delete_flow(conn, clock, actor, app_key, flow_key)
    return Response(status_code=204)


@router.put("/{flow_key}/draft")
async def save_draft(app_key: str, flow_key: str, body: DraftSave, conn: Conn, actor: CurrentActor,
                     clock: ClockDep) -> dict:
    return await service.save_draft(conn, clock, actor, app_key, flow_key, body.definition, body.draft_revision)


@router.post("/{flow_key}/validate")
async def validate_draft(app_key: str, flow_key: str, conn: Conn, actor: CurrentActor) -> dict:
    return await service.validate_draft(conn, actor, app_key, flow_key)


@router.post("/{flow_key}/publish")
async def publish(app_key: str, flow_key: str, conn: Conn, actor: CurrentActor, clock: ClockDep, settings: SettingsDep,
                  body: PublishRequest | None = None) -> dict:
    revision = body.draft_revision if body is not None else None
    return await service.publish(conn, clock, settings, actor, app_key, flow_key, revision)


@router.get("/{flow_key}/versions")
async def list_versions(app_key: str, flow_key: str, conn: Conn, actor: CurrentActor) -> dict:
    return {"items": await service.list_versions(conn, actor, app_key, flow_key)}


@router.get("/{flow_key}/versions/{version}")
async def get_version(app_key: str, flow_key: str, version: int, conn: Conn, actor: CurrentActor) -> dict:
    return await service.get_version(conn, actor, app_key, flow_key, version)


@router.post("/{flow_key}/webhook-secret")
async def rotate_webhook_secret(app_key: str, flow_key: str, conn: Conn, actor: CurrentActor, clock: ClockDep,
                                settings: SettingsDep) -> dict:
    return await service.rotate_webhook_secret(conn, clock, settings, actor, app_key, flow_key)


@calendars_router.get("")
async def list_calendars(conn: Conn, _: AdminActor) -> dict:
    return {"items": await service.list_calendars(conn)}


@calendars_router.get("/{key}")
async def get_calendar(key: CalendarKey, conn: Conn, _: AdminActor) -> dict:
    return await service.get_calendar(conn, key)


@calendars_router.put("/{key}")
async def put_calendar(key: CalendarKey, body: CalendarIn, conn: Conn, actor: AdminActor, clock: ClockDep,
                       response: Response) -> dict:
    calendar, created = await service.put_calendar(conn, clock, actor, key, body.name, body.definition)
    response.status_code = 201 if created else 200
    return calendar


@calendars_router.delete("/{key}", status_code=204)
async def delete_calendar(key: CalendarKey, conn: Conn, actor: AdminActor) -> Response:
    await service.delete_calendar(conn, actor, key)
    return Response(status_code=204)
