"""SQL for record comments and the users they name."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from runtime.tables import record_comments, users


async def comments_of(conn: AsyncConnection, form_id: int, record_id: int) -> list[dict[str, Any]]:
    """The record's comments that are not deleted, oldest first."""
    c = record_comments.c
    query = (
        select(c.id, c.author_id, c.body, c.mentions, c.created_at, c.edited_at)
        .where(c.form_id == form_id, c.record_id == record_id, c.deleted_at.is_(None))
        .order_by(c.id)
    )
    return [dict(r) for r in (await conn.execute(query)).mappings()]


async def comment(conn: AsyncConnection, form_id: int, record_id: int, comment_id: int) -> dict[str, Any] | None:
    c = record_comments.c
    query = select(record_comments).where(
        c.id == comment_id, c.form_id == form_id, c.record_id == record_id, c.deleted_at.is_(None)
    )
    row = (await conn.execute(query)).mappings().first()
    return dict(row) if row else None


async def insert_comment(conn: AsyncConnection, **values: Any) -> int:
    statement = insert(record_comments).values(**values).returning(record_comments.c.id)
    return (await conn.execute(statement)).scalar_one()


async def update_comment(conn: AsyncConnection, comment_id: int, **values: Any) -> None:
    await conn.execute(update(record_comments).where(record_comments.c.id == comment_id).values(**values))


async def display_names(conn: AsyncConnection, user_ids: set[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    rows = await conn.execute(select(users.c.id, users.c.display_name).where(users.c.id.in_(sorted(user_ids))))
    return {r.id: r.display_name for r in rows}


async def active_user_ids(conn: AsyncConnection, user_ids: set[int]) -> set[int]:
    if not user_ids:
        return set()
    query = select(users.c.id).where(users.c.id.in_(sorted(user_ids)), users.c.is_active.is_(True))
    return set((await conn.execute(query)).scalars())
