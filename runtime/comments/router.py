"""/api/apps/{app}/forms/{form}/records/{id}/comments — thin endpoints over the comments service.

Registered before the records router, like every route under /records/{id}/….
"""

from __future__ import annotations

from fastapi import APIRouter, Response

from runtime.comments import service
from runtime.comments.schemas import CommentEdit, CommentIn, CommentList, CommentOut
from runtime.identity.deps import ClockDep, Conn, CurrentActor
from runtime.records.schemas import RecordId
from runtime.records.service import open_form

router = APIRouter(prefix="/api/apps/{app_key}/forms/{form_key}/records/{record_id}/comments", tags=["comments"])


@router.get("", response_model=CommentList)
async def list_comments(app_key: str, form_key: str, record_id: RecordId, conn: Conn, actor: CurrentActor,
                        clock: ClockDep) -> dict:
    t = await open_form(conn, clock, actor, app_key, form_key, "view")
    return {"items": await service.list_comments(t, record_id)}


@router.post("", response_model=CommentOut, status_code=201)
async def add_comment(app_key: str, form_key: str, record_id: RecordId, body: CommentIn, conn: Conn,
                      actor: CurrentActor, clock: ClockDep) -> dict:
    t = await open_form(conn, clock, actor, app_key, form_key, "comment")
    return await service.add_comment(t, record_id, body.body, body.mentions)


@router.patch("/{comment_id}", response_model=CommentOut)
async def edit_comment(app_key: str, form_key: str, record_id: RecordId, comment_id: RecordId, body: CommentEdit,
                       conn: Conn, actor: CurrentActor, clock: ClockDep) -> dict:
    t = await open_form(conn, clock, actor, app_key, form_key, "comment")
    return await service.edit_comment(t, record_id, comment_id, body.body)


@router.delete("/{comment_id}", status_code=204)
async def delete_comment(app_key: str, form_key: str, record_id: RecordId, comment_id: RecordId, conn: Conn,
                         actor: CurrentActor, clock: ClockDep) -> Response:
    t = await open_form(conn, clock, actor, app_key, form_key, "view")
    await service.delete_comment(t, record_id, comment_id)
    return Response(status_code=204)
