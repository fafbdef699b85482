"""Queries over the audit log (read-only: the table refuses updates and deletes)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from runtime.tables import audit_log


async def search(
    conn: AsyncConnection,
    *,
    action: str | None = None,
    actor_id: int | None = None,
    target_type: str | None = None,
    target_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    before_id: int | None = None,
    limit: int = 50,
) -> list[dict[str, Any]]:
    query = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
    if action:
        # "user." matches every user action; a full name matches exactly.
        query = query.where(
            audit_log.c.action.startswith(action, autoescape=True) if action.endswith(".") else audit_log.c.action == action
        )
    if actor_id is not None:
        query = query.where(audit_log.c.actor_id == actor_id)
    if target_type:
        query = query.where(audit_log.c.target_type == target_type)
    if target_id:
        query = query.where(audit_log.c.target_id == target_id)
    if since:
        query = query.where(audit_log.c.at >= since)
    if until:
        query = query.where(audit_log.c.at < until)
    if before_id is not None:
        query = query.where(audit_log.c.id < before_id)
    return [dict(row) for row in (await conn.execute(query)).mappings()]
