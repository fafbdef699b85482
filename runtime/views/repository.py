"""SQL for saved views and the app roles a user holds."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from runtime.context import Principal
from runtime.permissions.gate import role_membership
from runtime.tables import app_role_members, app_roles, saved_views


async def views_of(conn: AsyncConnection, app_id: int, form_key: str, owner_id: int) -> list[dict[str, Any]]:
    """The user's own views and every shared one of the form, by position then age."""
    c = saved_views.c
    query = (
        select(saved_views)
        .where(c.app_id == app_id, c.form_key == form_key, or_(c.owner_id == owner_id, c.owner_id.is_(None)))
        .order_by(c.position, c.id)
    )
    return [dict(r) for r in (await conn.execute(query)).mappings()]


async def view(conn: AsyncConnection, app_id: int, form_key: str, view_id: int) -> dict[str, Any] | None:
    c = saved_views.c
    query = select(saved_views).where(c.id == view_id, c.app_id == app_id, c.form_key == form_key)
    row = (await conn.execute(query)).mappings().first()
    return dict(row) if row else None


async def insert_view(conn: AsyncConnection, **values: Any) -> int:
    return (await conn.execute(insert(saved_views).values(**values).returning(saved_views.c.id))).scalar_one()


async def update_view(conn: AsyncConnection, view_id: int, **values: Any) -> None:
    await conn.execute(update(saved_views).where(saved_views.c.id == view_id).values(**values))


async def delete_view(conn: AsyncConnection, view_id: int) -> None:
    await conn.execute(delete(saved_views).where(saved_views.c.id == view_id))


async def app_role_keys(conn: AsyncConnection, app_id: int) -> set[str]:
    return {r[0] for r in await conn.execute(select(app_roles.c.key).where(app_roles.c.app_id == app_id))}


async def held_role_keys(conn: AsyncConnection, app_id: int, principal: Principal) -> set[str]:
    """The keys of the app roles the user holds: directly, through a department or a platform role."""
    query = (
        select(app_roles.c.key)
        .join(app_role_members, app_role_members.c.app_role_id == app_roles.c.id)
        .where(app_roles.c.app_id == app_id, role_membership(principal))
    )
    return {r[0] for r in await conn.execute(query)}
