"""/api/apps: the apps a user may open; creating and changing them."""

from __future__ import annotations

from fastapi import APIRouter, Response

from builder.apps import service
from builder.apps.schemas import AppCreate, AppList, AppOut, AppUpdate
from runtime.identity.deps import ClockDep, Conn, CurrentActor

router = APIRouter(prefix="/api/apps", tags=["apps"])


@router.get("", response_model=AppList)
async def list_apps(conn: Conn, actor: CurrentActor) -> dict:
    return {"items": await service.list_apps(conn, actor)}


@router.post("", response_model=AppOut, status_code=201)
async def create_app(body: AppCreate, conn: Conn, actor: CurrentActor, clock: ClockDep) -> dict:
    return await service.create_app(conn, clock, actor, body.model_dump())


@router.get("/{app_key}", response_model=AppOut)
async def get_app(app_key: str, conn: Conn, actor: CurrentActor) -> dict:
    return await service.get_app(conn, actor, app_key)


@router.patch("/{app_key}", response_model=AppOut)
async def update_app(app_key: str, body: AppUpdate, conn: Conn, actor: CurrentActor, clock: ClockDep) -> dict:
    return await service.update_app(conn, clock, actor, app_key, body.model_dump(exclude_unset=True, mode="json"))


@router.delete("/{app_key}", status_code=204)
async def delete_app(app_key: str, conn: Conn, actor: CurrentActor, clock: ClockDep) -> Response:
    await service.delete_app(conn, clock, actor, app_key)
    return Response(status_code=204)
