"""Public read-only links to a dashboard.

Whoever may open a dashboard may share it by link; whoever holds the unguessable link sees the
dashboard without signing in, as its sharer saw it when sharing. The link keeps the sharer's
standing of that moment — platform roles, departments, the app roles held — and reads as a
read-only principal narrowed to the app: promoting the sharer later never widens what the link
shows, and a sharer who is deactivated, or a dashboard no longer shared with the frozen roles,
closes the link. Sharers list and revoke their own links; the app's administrators all of them.

The PNG/PDF exporter uses the same kind of link (purpose "export") for the seconds its headless
browser needs to draw the board, and deletes it afterwards.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.clock import Clock
from core.errors import NotFound
from core.settings import Settings
from runtime.audit import service as audit
from runtime.context import Actor, Principal, RequestMeta
from runtime.forms.loader import app_by_key
from runtime.identity import repository as identity_repo
from runtime.identity.secrets import new_token, token_digest
from runtime.permissions.gate import is_app_admin, role_membership
from runtime.reports import dashboards as boards
from runtime.reports.service import Viewer
from runtime.tables import app_role_members, app_roles, apps
from runtime.tables.reports import dashboard_links

GONE = "This link does not exist or is no longer open."
GONE_ZH = "此链接不存在或已关闭。"


async def standing(conn: AsyncConnection, principal: Principal, app: dict[str, Any]) -> dict[str, Any]:
    """What a link freezes of its sharer: enough to rebuild the same scope later."""
    held = await conn.execute(select(app_roles.c.id).distinct()
                              .join(app_role_members, app_role_members.c.app_role_id == app_roles.c.id)
                              .where(app_roles.c.app_id == app["id"], role_membership(principal)))
    return {"roles": sorted(principal.roles), "department_ids": list(principal.department_ids),
            "is_external": principal.is_external, "app_role_ids": sorted(i for i, in held)}


def _out(row: dict[str, Any]) -> dict[str, Any]:
    return {**{k: row[k] for k in ("id", "dashboard_id", "name", "prefix", "created_by", "created_at", "expires_at",
                                   "revoked_at")}, "filters": row["scope"].get("filters", {})}


async def create(v: Viewer, settings: Settings, dashboard_id: int, name: str, expires_in_days: int | None,
                 purpose: str = "share", lifetime: timedelta | None = None,
                 filters: dict[str, Any] | None = None) -> dict[str, Any]:
    row = await boards.opened(v, dashboard_id)  # only what the sharer may open can be shared
    assert v.actor.principal is not None
    if lifetime is None and expires_in_days:
        lifetime = timedelta(days=expires_in_days)
    token = new_token(32)
    scope = {**await standing(v.conn, v.actor.principal, v.app), "filters": filters or {}}
    link_id, values = await issue(v.conn, settings, v.clock.now(), v.app["id"], row["id"], scope, v.actor.id or 0,
                                  name, purpose, lifetime, token)
    if purpose == "share":
        audit.record(v.conn, v.actor, "dashboard_link.create", target_type=f"{v.app['key']}.dashboard:{row['id']}",
                     target_id=link_id, after={"name": name, "expires_at": values["expires_at"]})
    return {**_out({**values, "id": link_id, "revoked_at": None}), "token": token, "path": f"/share/d/{token}"}


async def issue(conn: AsyncConnection, settings: Settings, now: Any, app_id: int, dashboard_id: int,
                scope: dict[str, Any], created_by: int, name: str, purpose: str, lifetime: timedelta | None,
                token: str) -> tuple[int, dict[str, Any]]:
    """A link row for `token` with a standing already frozen (`scope`); (id, values)."""
    values = {"app_id": app_id, "dashboard_id": dashboard_id, "name": name, "purpose": purpose,
              "token_hash": token_digest(settings.secret, token), "prefix": token[:6], "scope": scope,
              "created_by": created_by, "created_at": now, "expires_at": now + lifetime if lifetime else None}
    link_id = (await conn.execute(insert(dashboard_links).values(values).returning(dashboard_links.c.id))).scalar_one()
    return link_id, values


async def listed(v: Viewer, dashboard_id: int) -> list[dict[str, Any]]:
    await boards.opened(v, dashboard_id)
    query = select(dashboard_links).where(dashboard_links.c.dashboard_id == dashboard_id,
                                          dashboard_links.c.purpose == "share").order_by(dashboard_links.c.id)
    assert v.actor.principal is not None
    if not await is_app_admin(v.conn, v.actor.principal, v.app):
        query = query.where(dashboard_links.c.created_by == v.actor.id)
    return [_out(dict(r)) for r in (await v.conn.execute(query)).mappings()]


async def revoke(v: Viewer, link_id: int) -> None:
    assert v.actor.principal is not None
    condition = [dashboard_links.c.id == link_id, dashboard_links.c.app_id == v.app["id"],
                 dashboard_links.c.purpose == "share", dashboard_links.c.revoked_at.is_(None)]
    if not await is_app_admin(v.conn, v.actor.principal, v.app):
        condition.append(dashboard_links.c.created_by == v.actor.id)
    done = await v.conn.execute(update(dashboard_links).where(*condition).values(revoked_at=v.clock.now())
                                .returning(dashboard_links.c.dashboard_id))
    if done.first() is None:
        raise NotFound("dashboard link")
    audit.record(v.conn, v.actor, "dashboard_link.revoke", target_type=v.app["key"], target_id=link_id)


async def forget(conn: AsyncConnection, link_id: int) -> None:
    await conn.execute(delete(dashboard_links).where(dashboard_links.c.id == link_id))


async def opened(conn: AsyncConnection, settings: Settings, clock: Clock, token: str, locale: str,
                 meta: RequestMeta) -> tuple[Viewer, dict[str, Any], dict[str, Any]]:
    """The viewer a link stands for, the dashboard it opens and the filter values it always applies;
    404 for anything not open."""
    link = (await conn.execute(select(dashboard_links).where(
        dashboard_links.c.token_hash == token_digest(settings.secret, token)))).mappings().first()
    now = clock.now()
    if link is None or link["revoked_at"] is not None or (link["expires_at"] is not None and link["expires_at"] <= now):
        raise NotFound("dashboard", GONE, GONE_ZH)
    app_key = (await conn.execute(select(apps.c.key).where(apps.c.id == link["app_id"], apps.c.deleted_at.is_(None)))).scalar()
    sharer = await identity_repo.user_by_id(conn, link["created_by"])
    if app_key is None or sharer is None or not sharer["is_active"]:
        raise NotFound("dashboard", GONE, GONE_ZH)
    scope = link["scope"]
    principal = Principal(
        id=sharer["id"], username=sharer["username"], display_name=sharer["display_name"], locale=locale,
        roles=frozenset(scope["roles"]), department_ids=tuple(scope["department_ids"]),
        is_external=scope["is_external"], auth="link", read_only=True, app_keys=frozenset({app_key}),
        app_role_ids=frozenset(scope["app_role_ids"]),
    )
    viewer = Viewer(conn, clock, Actor(principal, meta), await app_by_key(conn, app_key))
    try:
        row = await boards.opened(viewer, link["dashboard_id"])
    except NotFound:
        raise NotFound("dashboard", GONE, GONE_ZH) from None
    return viewer, row, scope.get("filters") or {}
