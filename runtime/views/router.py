"""/api/apps/{app}/forms/{form}/views — saved views of a form's records; thin endpoints over the service.

Every call opens the form through the permission gate for `view`: a form the user may not read has
no views for them (404)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Response

from runtime.identity.deps import ClockDep, Conn, CurrentActor
from runtime.records.service import open_form
from runtime.views import service
from runtime.views.schemas import ViewList, ViewOut

router = APIRouter(prefix="/api/apps/{app_key}/forms/{form_key}/views", tags=["views"])
ViewId = Annotated[int, Path(ge=1, le=2**63 - 1)]
# Bodies (ViewIn, ViewPatch) are read raw and checked by the service, which answers in English and Chinese.
ViewBody = Annotated[dict[str, Any], Body()]


@router.get("", response_model=ViewList)
async def list_views(app_key: str, form_key: str, conn: Conn, actor: CurrentActor, clock: ClockDep) -> dict:
    t = await open_form(conn, clock, actor, app_key, form_key, "view")
    return await service.list_views(t)


@router.post("", response_model=ViewOut, status_code=201)
async def create_view(app_key: str, form_key: str, conn: Conn, actor: CurrentActor, clock: ClockDep,
                      body: ViewBody) -> dict:
    t = await open_form(conn, clock, actor, app_key, form_key, "view")
    return await service.create_view(t, body)


@router.patch("/{view_id}", response_model=ViewOut)
async def update_view(app_key: str, form_key: str, view_id: ViewId, conn: Conn, actor: CurrentActor,
                      clock: ClockDep, body: ViewBody) -> dict:
    t = await open_form(conn, clock, actor, app_key, form_key, "view")
    return await service.update_view(t, view_id, body)


@router.delete("/{view_id}", status_code=204)
async def delete_view(app_key: str, form_key: str, view_id: ViewId, conn: Conn, actor: CurrentActor,
                      clock: ClockDep) -> Response:
    t = await open_form(conn, clock, actor, app_key, form_key, "view")
    await service.delete_view(t, view_id)
    return Response(status_code=204)
