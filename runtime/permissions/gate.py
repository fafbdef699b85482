"""`authorize(principal, action, app, form) → Scope`: the single answer to "may this user do
this to this form, and to which rows and fields".

Platform administrators and the app's administrators (members of an app role flagged
`is_admin`, and the app's creator) may do everything. Everyone else gets the union of the
permission groups of the app roles they hold — directly, through one of their departments, or
through a platform role. A form they may not view does not exist for them (404, not 403).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.elements import ColumnElement

from core.errors import Forbidden, NotFound
from runtime.context import Principal
from runtime.tables import app_role_members, app_roles, apps, permission_groups, roles

ACTIONS = ("view", "create", "edit", "delete", "import", "export", "manage", "view_history", "comment")


@dataclass(frozen=True)
class Scope:
    """What the gate grants on one form: actions, a row filter (None = all rows) and fields."""

    actions: frozenset[str]
    row_filter: ColumnElement | None = None
    readable: frozenset[str] | None = None  # None: every field
    writable: frozenset[str] | None = None
    is_app_admin: bool = False

    def allows(self, action: str) -> bool:
        return action in self.actions


FULL = frozenset(ACTIONS)


def _membership(principal: Principal):
    conditions = [app_role_members.c.user_id == principal.id]
    if principal.department_ids:
        conditions.append(app_role_members.c.department_id.in_(principal.department_ids))
    if principal.roles:
        conditions.append(
            app_role_members.c.role_id.in_(select(roles.c.id).where(roles.c.key.in_(sorted(principal.roles))))
        )
    return or_(*conditions)


async def is_app_admin(conn: AsyncConnection, principal: Principal, app: dict[str, Any]) -> bool:
    if principal.is_admin or app.get("created_by") == principal.id:
        return True
    query = (
        select(app_roles.c.id)
        .join(app_role_members, app_role_members.c.app_role_id == app_roles.c.id)
        .where(app_roles.c.app_id == app["id"], app_roles.c.is_admin.is_(True), _membership(principal))
        .limit(1)
    )
    return (await conn.execute(query)).first() is not None


async def authorize(
    conn: AsyncConnection, principal: Principal, action: str, app: dict[str, Any], form_key: str
) -> Scope:
    """Raises NotFound when the form is invisible to the user, Forbidden when the action is not granted."""
    if await is_app_admin(conn, principal, app):
        return Scope(FULL, is_app_admin=True)
    query = (
        select(permission_groups.c.actions)
        .join(app_role_members, app_role_members.c.app_role_id == permission_groups.c.app_role_id)
        .where(permission_groups.c.app_id == app["id"], permission_groups.c.form_key == form_key, _membership(principal))
    )
    granted: set[str] = set()
    for (actions,) in await conn.execute(query):
        granted.update(a for a in actions or [] if a in ACTIONS)
    if principal.is_external and not granted:
        raise NotFound("form")
    if "view" not in granted:
        raise NotFound("form")
    if action not in granted:
        raise Forbidden(f"You may not {action.replace('_', ' ')} records of this form.")
    return Scope(frozenset(granted))


async def visible_apps(conn: AsyncConnection, principal: Principal) -> list[int] | None:
    """Ids of the apps the user may open (None: all, for platform administrators)."""
    if principal.is_admin:
        return None
    via_roles = (
        select(app_roles.c.app_id).join(app_role_members, app_role_members.c.app_role_id == app_roles.c.id)
        .where(_membership(principal))
    )
    created = select(apps.c.id).where(apps.c.created_by == principal.id)
    rows = await conn.execute(via_roles.union(created))
    return [r[0] for r in rows]
