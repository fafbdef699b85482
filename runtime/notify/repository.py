"""SQL of the notifications table; every read and write is limited to one recipient."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, Text, func, insert, literal, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.types import JsonType, UTCDateTime
from runtime.tables import notifications, users

COLUMNS = (notifications.c.id, notifications.c.kind, notifications.c.title, notifications.c.body,
           notifications.c.link, notifications.c.created_at, notifications.c.read_at)


async def add_for_users(conn: AsyncConnection, user_ids: list[int], kind: str, title: dict[str, str], body: str,
                        link: dict[str, Any] | None, now: datetime) -> int:
    """One INSERT … SELECT for every active user among `user_ids` (ids of removed users are skipped
    rather than failing the caller's unit of work)."""
    rows = select(users.c.id, literal(kind, String), literal(title, JsonType), literal(body, Text),
                  literal(link, JsonType), literal(now, UTCDateTime())).where(
        users.c.id.in_(user_ids), users.c.is_active.is_(True))
    target = [notifications.c.user_id, notifications.c.kind, notifications.c.title, notifications.c.body,
              notifications.c.link, notifications.c.created_at]
    result = await conn.execute(insert(notifications).from_select(target, rows))
    return result.rowcount or 0


async def page(conn: AsyncConnection, user_id: int, *, unread: bool, before: int | None,
               limit: int) -> list[dict[str, Any]]:
    """The user's notifications, newest first, below the id `before`."""
    query = select(*COLUMNS).where(notifications.c.user_id == user_id)
    if unread:
        query = query.where(notifications.c.read_at.is_(None))
    if before is not None:
        query = query.where(notifications.c.id < before)
    rows = await conn.execute(query.order_by(notifications.c.id.desc()).limit(limit))
    return [dict(r) for r in rows.mappings()]


async def unread_count(conn: AsyncConnection, user_id: int) -> int:
    query = select(func.count()).select_from(notifications).where(
        notifications.c.user_id == user_id, notifications.c.read_at.is_(None))
    return (await conn.execute(query)).scalar_one()


async def mark_read(conn: AsyncConnection, user_id: int, ids: list[int] | None, now: datetime) -> int:
    """Marks the user's unread notifications read: those in `ids`, or all when `ids` is None."""
    statement = update(notifications).where(notifications.c.user_id == user_id, notifications.c.read_at.is_(None))
    if ids is not None:
        statement = statement.where(notifications.c.id.in_(ids))
    return (await conn.execute(statement.values(read_at=now))).rowcount or 0
