"""/api/admin/audit: reading the audit log. There is deliberately no route that changes it."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from runtime.audit import repository as repo
from runtime.identity.deps import AdminActor, Conn

router = APIRouter(prefix="/api/admin/audit", tags=["audit"])


class AuditEntry(BaseModel):
    id: int
    at: datetime
    actor_id: int | None
    actor_name: str | None
    action: str
    target_type: str | None
    target_id: str | None
    ip: str | None
    user_agent: str | None
    request_id: str | None
    before: Any
    after: Any


class AuditPage(BaseModel):
    items: list[AuditEntry]
    next_before_id: int | None


@router.get("", response_model=AuditPage)
async def search_audit(
    conn: Conn,
    _: AdminActor,
    action: str | None = Query(None, max_length=64),
    actor_id: int | None = None,
    target_type: str | None = Query(None, max_length=64),
    target_id: str | None = Query(None, max_length=64),
    since: datetime | None = None,
    until: datetime | None = None,
    before_id: int | None = None,
    limit: int = Query(50, ge=1, le=500),
) -> dict:
    items = await repo.search(
        conn,
        action=action,
        actor_id=actor_id,
        target_type=target_type,
        target_id=target_id,
        since=_aware(since),
        until=_aware(until),
        before_id=before_id,
        limit=limit + 1,
    )
    more = len(items) > limit
    items = items[:limit]
    return {"items": items, "next_before_id": items[-1]["id"] if more else None}


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value
