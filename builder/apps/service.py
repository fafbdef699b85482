"""Creating, listing and changing apps. Creating needs the platform's builder or admin role;
changing needs the app's administrators."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.clock import Clock
from core.errors import Conflict, Forbidden, NotFound, field_error
from runtime.audit import service as audit
from runtime.context import Actor
from runtime.forms.loader import app_by_key
from runtime.permissions import visible_apps
from runtime.permissions.gate import is_app_admin
from runtime.tables import apps

DESIGN_ROLES = frozenset({"admin", "builder"})


async def create_app(conn: AsyncConnection, clock: Clock, actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    principal = actor.principal
    if not principal.roles & DESIGN_ROLES:
        raise Forbidden("Only app builders and administrators create apps.")
    exists = (await conn.execute(select(apps.c.id).where(apps.c.key == data["key"]))).first()
    if exists:
        raise Conflict("An app with that key exists.", code="app_key_taken", errors=[field_error("key", "Already in use.")])
    now = clock.now()
    app_id = (
        await conn.execute(
            insert(apps).values(**data, menu=[], created_by=principal.id, created_at=now, updated_at=now).returning(apps.c.id)
        )
    ).scalar_one()
    audit.record(conn, actor, "app.create", target_type="app", target_id=app_id, after=data)
    return await get_app(conn, actor, data["key"])


async def get_app(conn: AsyncConnection, actor: Actor, app_key: str) -> dict[str, Any]:
    app = await app_by_key(conn, app_key)
    allowed = await visible_apps(conn, actor.principal)
    if allowed is not None and app["id"] not in allowed:
        raise NotFound("app")
    return {**app, "can_design": await is_app_admin(conn, actor.principal, app)}


async def list_apps(conn: AsyncConnection, actor: Actor) -> list[dict[str, Any]]:
    allowed = await visible_apps(conn, actor.principal)
    query = select(apps).where(apps.c.deleted_at.is_(None)).order_by(apps.c.id)
    if allowed is not None:
        query = query.where(apps.c.id.in_(allowed))
    rows = [dict(r) for r in (await conn.execute(query)).mappings()]
    return [{**r, "can_design": await is_app_admin(conn, actor.principal, r)} for r in rows]


async def require_designer(conn: AsyncConnection, actor: Actor, app_key: str) -> dict[str, Any]:
    app = await get_app(conn, actor, app_key)
    if not app["can_design"]:
        raise Forbidden("Only the app's administrators may change its design.")
    return app


async def update_app(conn: AsyncConnection, clock: Clock, actor: Actor, app_key: str, changes: dict[str, Any]) -> dict[str, Any]:
    app = await require_designer(conn, actor, app_key)
    values = {k: v for k, v in changes.items() if v is not None}
    if values:
        await conn.execute(update(apps).where(apps.c.id == app["id"]).values(**values, updated_at=clock.now()))
        audit.record(conn, actor, "app.update", target_type="app", target_id=app["id"],
                     before={k: app[k] for k in values}, after=values)
    return await get_app(conn, actor, app_key)


async def delete_app(conn: AsyncConnection, clock: Clock, actor: Actor, app_key: str) -> None:
    app = await require_designer(conn, actor, app_key)
    await conn.execute(update(apps).where(apps.c.id == app["id"]).values(deleted_at=clock.now()))
    audit.record(conn, actor, "app.delete", target_type="app", target_id=app["id"])
