"""Who a human node goes to: the engine's assignee rules answered from the organisation.

Rules are united in order without repeats; inactive users are left out; a user away with an
active delegation is replaced by their deputy (and the task remembers who delegated). When
nobody is found and the node says `admin`, the app's administrators (or, failing those, the
platform's) get the task.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Iterable, Mapping

from sqlalchemy import bindparam, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from engines import expr
from runtime.tables import (
    app_role_members,
    app_roles,
    delegations,
    departments,
    roles,
    user_departments,
    user_roles,
    users,
)


_ACTIVE = select(users.c.id).where(users.c.id.in_(bindparam("ids", expanding=True)), users.c.is_active.is_(True))
_DELEGATIONS = select(delegations.c.user_id, delegations.c.deputy_id).where(
    delegations.c.user_id.in_(bindparam("people", expanding=True)), delegations.c.starts_on <= bindparam("today"),
    delegations.c.ends_on >= bindparam("today"), or_(delegations.c.app_id.is_(None), delegations.c.app_id == bindparam("app_id")),
).order_by(delegations.c.app_id.is_(None), delegations.c.id.desc())


async def active_users(conn: AsyncConnection, ids: Iterable[int]) -> list[int]:
    wanted = list(dict.fromkeys(i for i in ids if isinstance(i, int)))
    if not wanted:
        return []
    rows = await conn.execute(_ACTIVE, {"ids": wanted})
    found = {r[0] for r in rows}
    return [i for i in wanted if i in found]


async def role_members(conn: AsyncConnection, app_id: int, role_key: str | None = None, admins: bool = False) -> list[int]:
    """Members of an app role (users directly, members of departments, holders of platform roles)."""
    condition = app_roles.c.key == role_key if not admins else app_roles.c.is_admin.is_(True)
    members = (await conn.execute(
        select(app_role_members.c.user_id, app_role_members.c.department_id, app_role_members.c.role_id)
        .join(app_roles, app_roles.c.id == app_role_members.c.app_role_id)
        .where(app_roles.c.app_id == app_id, condition)
    )).all()
    out = [m.user_id for m in members if m.user_id]
    dept_ids = [m.department_id for m in members if m.department_id]
    role_ids = [m.role_id for m in members if m.role_id]
    if dept_ids:
        out += await department_members(conn, dept_ids)
    if role_ids:
        out += [r[0] for r in await conn.execute(select(user_roles.c.user_id).where(user_roles.c.role_id.in_(role_ids)))]
    return list(dict.fromkeys(out))


async def department_members(conn: AsyncConnection, dept_ids: list[int]) -> list[int]:
    rows = await conn.execute(select(user_departments.c.user_id).where(user_departments.c.department_id.in_(dept_ids))
                              .order_by(user_departments.c.user_id))
    return [r[0] for r in rows]


async def platform_admins(conn: AsyncConnection) -> list[int]:
    rows = await conn.execute(select(user_roles.c.user_id).join(roles, roles.c.id == user_roles.c.role_id)
                              .where(roles.c.key == "admin").order_by(user_roles.c.user_id))
    return [r[0] for r in rows]


async def main_department(conn: AsyncConnection, user_id: int | None) -> int | None:
    if user_id is None:
        return None
    row = (await conn.execute(
        select(user_departments.c.department_id).where(user_departments.c.user_id == user_id)
        .order_by(user_departments.c.is_primary.desc(), user_departments.c.department_id).limit(1)
    )).first()
    return row[0] if row else None


async def head_of(conn: AsyncConnection, dept_id: int | None, levels: int = 0, skip_user: int | None = None) -> int | None:
    """The head of a department, `levels` up the tree; a department without a head (or headed
    by the person themself) passes the question to its parent."""
    climbed = 0
    seen: set[int] = set()
    while dept_id is not None and dept_id not in seen:
        seen.add(dept_id)
        row = (await conn.execute(select(departments.c.parent_id, departments.c.head_user_id)
                                  .where(departments.c.id == dept_id))).first()
        if row is None:
            return None
        if climbed >= levels and row.head_user_id and row.head_user_id != skip_user:
            return row.head_user_id
        climbed += 1
        dept_id = row.parent_id
    return None


def _ids(value: Any) -> list[int]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [v for item in value for v in _ids(item)]
    if isinstance(value, Mapping):
        return _ids(value.get("id"))
    if isinstance(value, bool):
        return []
    if isinstance(value, int):
        return [value]
    try:
        return [int(value)]
    except (TypeError, ValueError):
        return []


async def resolve(conn: AsyncConnection, *, app_id: int, rules: list[dict[str, Any]], initiator: int | None,
                  record: Mapping[str, Any] | None, chosen: list[int], of_users: list[int], node: str,
                  formulas: Mapping[str, expr.Formula], context: expr.Context | None) -> list[int]:
    found: list[int] = []
    for index, rule in enumerate(rules):
        kind = rule.get("kind")
        if kind == "users":
            found += rule.get("users", [])
        elif kind == "departments":
            found += await department_members(conn, rule.get("departments", []))
        elif kind == "role":
            found += await role_members(conn, app_id, rule.get("role"))
        elif kind == "initiator" and initiator:
            found.append(initiator)
        elif kind == "chosen":
            found += chosen
        elif kind == "dept_head":
            for person in of_users or ([initiator] if initiator else []):
                head = await head_of(conn, await main_department(conn, person), rule.get("levels", 0), skip_user=person)
                if head:
                    found.append(head)
        elif kind == "field" and record is not None:
            found += _ids(record.get(rule.get("field")))
        elif kind == "field_dept_head" and record is not None:
            for dept in _ids(record.get(rule.get("field"))):
                head = await head_of(conn, dept, rule.get("levels", 0))
                if head:
                    found.append(head)
        elif kind == "expression":
            formula = formulas.get(f"node:{node}:assignee{index}")
            if formula is not None and context is not None:
                try:
                    found += _ids(formula.evaluate(record or {}, context))
                except expr.ExprError:
                    pass  # an expression failing on this record finds nobody: the empty rule decides
    return await active_users(conn, found)


async def delegate(conn: AsyncConnection, app_id: int, people: list[int], today: date) -> tuple[list[int], dict[int, int]]:
    """Replace people away on delegation by their deputies: (new list, deputy → delegator)."""
    if not people:
        return people, {}
    rows = (await conn.execute(_DELEGATIONS, {"people": people, "today": today, "app_id": app_id})).all()
    deputy: dict[int, int] = {}
    for row in rows:
        deputy.setdefault(row.user_id, row.deputy_id)
    deputies = await active_users(conn, deputy.values())
    out, delegated = [], {}
    for person in people:
        sub = deputy.get(person)
        if sub in deputies and sub != person:
            delegated[sub] = person
            out.append(sub)
        else:
            out.append(person)
    return list(dict.fromkeys(out)), delegated


async def fallback_admins(conn: AsyncConnection, app_id: int) -> list[int]:
    return await active_users(conn, await role_members(conn, app_id, admins=True)) or \
        await active_users(conn, await platform_admins(conn))

