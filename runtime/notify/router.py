"""/api/notifications — the signed-in user's own in-app notifications."""

from __future__ import annotations

from fastapi import APIRouter, Query

from runtime.identity.deps import ClockDep, Conn, CurrentUser
from runtime.notify import service
from runtime.notify.schemas import MarkedRead, MarkRead, NotificationPage, UnreadCount

router = APIRouter(prefix="/api/notifications", tags=["notifications"])


@router.get("", response_model=NotificationPage)
async def list_notifications(conn: Conn, user: CurrentUser, unread: bool = False,
                             before: int | None = Query(None, ge=1, le=2**63 - 1),
                             limit: int = Query(20, ge=1, le=100)) -> dict:
    return await service.list_mine(conn, user.id, unread=unread, before=before, limit=limit)


@router.get("/unread-count", response_model=UnreadCount)
async def unread_count(conn: Conn, user: CurrentUser) -> dict:
    return await service.unread_count(conn, user.id)


@router.post("/read", response_model=MarkedRead)
async def mark_read(body: MarkRead, conn: Conn, user: CurrentUser, clock: ClockDep) -> dict:
    return await service.mark_read(conn, user.id, body.ids, body.all, clock.now())
