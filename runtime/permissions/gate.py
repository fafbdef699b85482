"""`authorize(principal, action, app, form) → Scope`: the single answer to "may this user do
this to this form, to which rows and to which fields". Every read and write path asks here.

Who holds what:
- Platform administrators and the app's administrators (the app's creator, members of an app
  role flagged `is_admin`) may do everything to every row and field.
- Everyone else holds the permission groups of the app roles they belong to — directly, through
  one of their departments or through a platform role. An external account's membership counts
  only in roles flagged `external` (opened to outsiders), and never makes it an app admin.
- An API token acts as its user, narrowed further: a read-only token may only read, a token
  bound to chosen apps sees no other app.

How several groups combine (their union, precisely):
- actions: every action any group grants;
- rows, per action: a row is reachable when any group granting that action reaches it through
  its scope — `data_scope`, or for edit/delete/reassign/manage its `edit_scope` if it has one —
  or when the record is shared with the user or one of their departments (a read share opens
  view, export, history and comments; an edit share also opens edit). Shares widen rows, never
  actions: the user still needs the action from some group;
- fields: a field is readable when some group granting view does not hide it, and writable when
  some group granting create or edit leaves it editable (a field a group does not name is
  editable in it); otherwise it is read-only. A hidden field is absent from every output and
  refused in filters, sorts, searches and groupings; a read-only one is refused on write.

A form the user may not view does not exist for them (404, not 403). Scopes compile to SQL
(`Scope.rows(action)`) so lists, counts, exports and reports filter in the database.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Awaitable, Callable, Mapping

from sqlalchemy import and_, false, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.elements import ColumnElement

from core.errors import Forbidden, Invalid, NotFound
from runtime.context import Principal
from runtime.permissions.model import (
    ACTIONS,
    PEOPLE_TYPES,
    READ_ACTIONS,
    WRITE_SCOPED,
    DataScope,
)
from runtime.tables import (
    app_role_members,
    app_roles,
    apps,
    departments,
    permission_groups,
    record_shares,
    roles,
)

log = logging.getLogger(__name__)

FULL = frozenset(ACTIONS)
_SHARE_ACTIONS = {"view": ("read", "edit"), "export": ("read", "edit"), "view_history": ("read", "edit"),
                  "comment": ("read", "edit"), "edit": ("edit",)}
_ALL = object()  # a group reaching every row
ACTION_NAMES_ZH = {"view": "查看", "create": "新增", "edit": "编辑", "delete": "删除", "import": "导入", "export": "导出",
                   "manage": "管理", "view_history": "查看历史", "comment": "评论", "reassign": "转交"}


@dataclass(frozen=True)
class Scope:
    """What the gate grants on one form: actions, rows per action and fields."""

    actions: frozenset[str]
    filters: Mapping[str, ColumnElement | None] = field(default_factory=dict)  # per action; None: every row
    readable: frozenset[str] | None = None  # None: every field
    writable: frozenset[str] | None = None
    is_app_admin: bool = False
    field_rules: Mapping[str, str] = field(default_factory=dict)  # the effective rule of each ruled field

    def allows(self, action: str) -> bool:
        return action in self.actions

    def rows(self, action: str = "view") -> ColumnElement | None:
        """The SQL condition selecting the rows `action` reaches (None: all of them)."""
        if action not in self.actions:
            return false()
        return self.filters.get(action)

    @property
    def row_filter(self) -> ColumnElement | None:
        return self.rows("view")

    def check_readable(self, keys: list[str], path: str) -> None:
        """Refuse naming a hidden field (in a grouping, a chart, a sort…) exactly as an unknown one,
        so that neither its values nor its existence leak."""
        if self.readable is None:
            return
        errors = [{"path": f"{path}.{i}", "message": f"Unknown field '{k}'.", "message_zh": f"未知字段“{k}”。",
                   "code": "unknown_field"} for i, k in enumerate(keys) if k not in self.readable]
        if errors:
            raise Invalid("The query names unknown fields.", errors, detail_zh="查询中有未知字段。")


def admin_scope() -> Scope:
    return Scope(FULL, is_app_admin=True)


def role_membership(principal: Principal) -> ColumnElement:
    """The one definition of "holds this app role": directly, through a department or a platform role
    — or, for a frozen standing, exactly the app roles it names."""
    if principal.app_role_ids is not None:
        return app_role_members.c.app_role_id.in_(sorted(principal.app_role_ids))
    conditions = [app_role_members.c.user_id == principal.id]
    if principal.department_ids:
        conditions.append(app_role_members.c.department_id.in_(principal.department_ids))
    if principal.roles:
        conditions.append(
            app_role_members.c.role_id.in_(select(roles.c.id).where(roles.c.key.in_(sorted(principal.roles))))
        )
    condition = or_(*conditions)
    if principal.is_external:
        condition = and_(condition, app_roles.c.external.is_(True))
    return condition


def _check_token(principal: Principal, action: str, app: dict[str, Any]) -> None:
    if principal.app_keys is not None and app["key"] not in principal.app_keys:
        raise NotFound("app")
    if principal.read_only and action not in READ_ACTIONS:
        raise Forbidden("This API token is read-only.", code="token_read_only", detail_zh="此 API 令牌只读。")


def _admin_by_standing(principal: Principal, app: dict[str, Any]) -> bool:
    """Platform administrators and the app's (internal) creator, before any role is read."""
    return principal.is_admin or (app.get("created_by") == principal.id and not principal.is_external)


async def is_app_admin(conn: AsyncConnection, principal: Principal, app: dict[str, Any]) -> bool:
    if principal.app_keys is not None and app["key"] not in principal.app_keys:
        return False
    if _admin_by_standing(principal, app):
        return True
    query = (
        select(app_roles.c.id)
        .join(app_role_members, app_role_members.c.app_role_id == app_roles.c.id)
        .where(app_roles.c.app_id == app["id"], app_roles.c.is_admin.is_(True), role_membership(principal))
        .limit(1)
    )
    return (await conn.execute(query)).first() is not None


async def authorize(
    conn: AsyncConnection,
    principal: Principal,
    action: str,
    app: dict[str, Any],
    form_key: str,
    *,
    form: Any = None,
    form_id: int | None = None,
    now: datetime | None = None,
    linked: Callable[[], Awaitable[Mapping[str, Any]]] | None = None,
) -> Scope:
    """Raises NotFound when the form is invisible to the user, Forbidden when the action is not
    granted. With the compiled `form` (and its `form_id`, for shares) the scope carries row filters
    and field sets; `now` and `linked` (loads the app's other forms) serve custom scope expressions."""
    _check_token(principal, action, app)
    if _admin_by_standing(principal, app):
        return admin_scope()
    # One round trip: the roles the user holds in this app, each with its group on this form.
    query = (
        select(app_roles.c.is_admin, permission_groups.c.actions, permission_groups.c.data_scope,
               permission_groups.c.edit_scope, permission_groups.c.field_rules)
        .join(app_role_members, app_role_members.c.app_role_id == app_roles.c.id)
        .outerjoin(permission_groups, and_(permission_groups.c.app_role_id == app_roles.c.id,
                                           permission_groups.c.form_key == form_key))
        .where(app_roles.c.app_id == app["id"], role_membership(principal))
    )
    rows = [dict(r) for r in (await conn.execute(query)).mappings()]
    if any(r["is_admin"] for r in rows):
        return admin_scope()
    groups = [r for r in rows if r["actions"] is not None]
    granted: set[str] = set()
    for group in groups:
        group["actions"] = {a for a in group["actions"] or [] if a in ACTIONS}
        granted |= group["actions"]
    if principal.read_only:
        granted &= READ_ACTIONS
    if "view" not in granted:
        raise NotFound("form")
    if action not in granted:
        raise Forbidden(f"You may not {action.replace('_', ' ')} records of this form.",
                        detail_zh=f"您没有此表单数据的“{ACTION_NAMES_ZH.get(action, action)}”权限。")
    if form is None:
        return Scope(frozenset(granted))
    rules = _field_rules(groups, form)
    hidden = {k for k, r in rules.items() if r == "hidden"}
    readonly = {k for k, r in rules.items() if r == "read_only"}
    keys = frozenset(form.specs)
    compiler = _ScopeCompiler(conn, principal, form, form_id, now, linked)
    filters = {a: await compiler.rows(a, [g for g in groups if a in g["actions"]]) for a in granted}
    return Scope(
        frozenset(granted),
        filters=filters,
        readable=keys - hidden if hidden else None,
        writable=keys - hidden - readonly if hidden or readonly else None,
        field_rules=rules,
    )


def _field_rules(groups: list[dict[str, Any]], form: Any) -> dict[str, str]:
    """One rule per field that is not plainly editable: readable when some group granting view
    does not hide it; editable when some group granting create or edit leaves it editable."""
    viewing = [g for g in groups if "view" in g["actions"]]
    writing = [g for g in viewing if g["actions"] & {"create", "edit"}]
    out: dict[str, str] = {}
    for key in form.specs:
        if all((g["field_rules"] or {}).get(key) == "hidden" for g in viewing):
            out[key] = "hidden"
        elif not any((g["field_rules"] or {}).get(key, "editable") == "editable" for g in writing):
            out[key] = "read_only"
    return out


class _ScopeCompiler:
    """Data scopes → SQL conditions on the form's table, for one principal."""

    def __init__(self, conn: AsyncConnection, principal: Principal, form: Any, form_id: int | None,
                 now: datetime | None, linked: Callable[[], Awaitable[Mapping[str, Any]]] | None) -> None:
        self.conn, self.principal, self.form, self.form_id = conn, principal, form, form_id
        self.now, self.linked = now, linked

    async def rows(self, action: str, groups: list[dict[str, Any]]) -> ColumnElement | None:
        parts: list[ColumnElement] = []
        for group in groups:
            raw = group["edit_scope"] if action in WRITE_SCOPED and group["edit_scope"] else group["data_scope"]
            condition = await self.condition(DataScope.model_validate(raw or {}))
            if condition is _ALL:
                return None
            parts.append(condition)
        levels = _SHARE_ACTIONS.get(action)
        if levels and self.form_id is not None:
            parts.append(self.shared(levels))
        return or_(*parts) if parts else false()

    async def condition(self, scope: DataScope) -> Any:
        table, me = self.form.table, self.principal
        if scope.kind == "all":
            return _ALL
        if scope.kind == "own":
            return table.c.owner_id == me.id
        if scope.kind == "department":
            return table.c.owner_dept_id.in_(me.department_ids) if me.department_ids else false()
        if scope.kind == "department_tree":
            return table.c.owner_dept_id.in_(self.department_tree()) if me.department_ids else false()
        if scope.kind == "field":
            return self.people_field(scope.field or "")
        return await self.custom(scope.expression or "")

    def department_tree(self) -> Any:
        """The user's departments and every department below them, as a recursive subquery (no
        extra round trip; the departments table is small)."""
        tree = select(departments.c.id).where(departments.c.id.in_(self.principal.department_ids)).cte(recursive=True)
        below = departments.alias()
        tree = tree.union(select(below.c.id).where(below.c.parent_id == tree.c.id))
        return select(tree.c.id)

    def people_field(self, key: str) -> ColumnElement:
        spec = self.form.specs.get(key)
        if spec is None or spec.type.type not in PEOPLE_TYPES:
            log.warning("permission scope names '%s', not a people field of %s; it reaches no rows", key, self.form.key)
            return false()
        me = self.principal
        wanted = (me.id,) if PEOPLE_TYPES[spec.type.type] == "user" else tuple(me.department_ids)
        if not wanted:
            return false()
        if key in self.form.junctions:
            junction = self.form.junctions[key]
            return self.form.table.c.id.in_(select(junction.c.record_id).where(junction.c.target_id.in_(wanted)))
        return self.form.table.c[key].in_(wanted)

    async def custom(self, expression: str) -> ColumnElement:
        from engines.form.query import ExprEnv, QueryError, compile_filter
        from runtime.records.compute import context_for

        linked = dict(await self.linked()) if self.linked is not None else {}
        env = ExprEnv(context_for(self.principal, self.now or datetime.now().astimezone()), self.conn.dialect.name, linked)
        try:
            return compile_filter(self.form, {"expr": expression}, None, env)
        except QueryError as exc:  # the form changed under the scope: fail closed
            log.warning("permission scope of %s no longer compiles (%s); it reaches no rows", self.form.key, exc.message)
            return false()

    def shared(self, levels: tuple[str, ...]) -> ColumnElement:
        me = self.principal
        who = [record_shares.c.user_id == me.id]
        if me.department_ids:
            who.append(record_shares.c.department_id.in_(me.department_ids))
        return self.form.table.c.id.in_(
            select(record_shares.c.record_id).where(
                record_shares.c.form_id == self.form_id, or_(*who), record_shares.c.level.in_(levels)
            )
        )


async def visible_apps(conn: AsyncConnection, principal: Principal) -> list[int] | None:
    """Ids of the apps the user may open (None: all, for platform administrators)."""
    if principal.is_admin and principal.app_keys is None:
        return None
    via_roles = (
        select(app_roles.c.app_id).join(app_role_members, app_role_members.c.app_role_id == app_roles.c.id)
        .where(role_membership(principal))
    )
    query = via_roles
    if not principal.is_external:
        query = via_roles.union(select(apps.c.id).where(apps.c.created_by == principal.id))
    if principal.is_admin:
        query = select(apps.c.id)
    ids = [r[0] for r in await conn.execute(query)]
    if principal.app_keys is not None:
        keep = {r[0] for r in await conn.execute(select(apps.c.id).where(apps.c.key.in_(sorted(principal.app_keys))))}
        ids = [i for i in ids if i in keep]
    return ids


async def open_app(conn: AsyncConnection, principal: Principal | None, app_key: str) -> dict[str, Any]:
    """The app, for someone who may open it; 404 otherwise, as if it did not exist."""
    from runtime.forms.loader import app_by_key  # the loader reads forms; the gate is below it

    if principal is None:
        raise Forbidden("Sign in first.")
    app = await app_by_key(conn, app_key)
    allowed = await visible_apps(conn, principal)
    if allowed is not None and app["id"] not in allowed:
        raise NotFound("app")
    return app
