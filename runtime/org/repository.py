"""SQL for the directory: users with their memberships, the department tree, roles."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, exists, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from runtime.tables import departments, roles, user_departments, user_roles, users


async def list_users(
    conn: AsyncConnection, *, q: str | None, department_id: int | None, role_id: int | None, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    cond = []
    if q:
        needle = q.lower()
        cond.append(
            or_(
                users.c.username.contains(needle, autoescape=True),
                func.lower(users.c.display_name).contains(needle, autoescape=True),
                func.lower(func.coalesce(users.c.email, "")).contains(needle, autoescape=True),
            )
        )
    if department_id is not None:
        cond.append(
            exists().where(user_departments.c.user_id == users.c.id, user_departments.c.department_id == department_id)
        )
    if role_id is not None:
        cond.append(exists().where(user_roles.c.user_id == users.c.id, user_roles.c.role_id == role_id))
    total = (await conn.execute(select(func.count()).select_from(users).where(*cond))).scalar_one()
    rows = await conn.execute(select(users).where(*cond).order_by(users.c.id).limit(limit).offset(offset))
    return [dict(r) for r in rows.mappings()], total


async def insert_user(conn: AsyncConnection, **values: Any) -> int:
    return (await conn.execute(insert(users).values(**values).returning(users.c.id))).scalar_one()


async def update_user(conn: AsyncConnection, user_id: int, **values: Any) -> None:
    await conn.execute(update(users).where(users.c.id == user_id).values(**values))


async def set_user_roles(conn: AsyncConnection, user_id: int, role_ids: list[int]) -> None:
    await conn.execute(delete(user_roles).where(user_roles.c.user_id == user_id))
    if role_ids:
        await conn.execute(insert(user_roles), [{"user_id": user_id, "role_id": r} for r in role_ids])


async def set_user_departments(conn: AsyncConnection, user_id: int, department_ids: list[int]) -> None:
    await conn.execute(delete(user_departments).where(user_departments.c.user_id == user_id))
    if department_ids:
        await conn.execute(
            insert(user_departments),
            [{"user_id": user_id, "department_id": d, "is_primary": i == 0} for i, d in enumerate(department_ids)],
        )


async def existing_ids(conn: AsyncConnection, table: Any, ids: list[int]) -> set[int]:
    if not ids:
        return set()
    return set((await conn.execute(select(table.c.id).where(table.c.id.in_(ids)))).scalars())


async def count_active_admins(conn: AsyncConnection, excluding_user_id: int | None = None) -> int:
    query = (
        select(func.count(func.distinct(users.c.id)))
        .select_from(users.join(user_roles, user_roles.c.user_id == users.c.id).join(roles, roles.c.id == user_roles.c.role_id))
        .where(roles.c.key == "admin", users.c.is_active.is_(True))
    )
    if excluding_user_id is not None:
        query = query.where(users.c.id != excluding_user_id)
    return (await conn.execute(query)).scalar_one()


async def admin_role_id(conn: AsyncConnection) -> int:
    return (await conn.execute(select(roles.c.id).where(roles.c.key == "admin"))).scalar_one()


async def list_departments(conn: AsyncConnection) -> list[dict[str, Any]]:
    members = (
        select(user_departments.c.department_id, func.count().label("n"))
        .group_by(user_departments.c.department_id)
        .subquery()
    )
    head = users.alias("head")
    query = (
        select(
            departments,
            func.coalesce(members.c.n, 0).label("member_count"),
            head.c.display_name.label("head_display_name"),
        )
        .outerjoin(members, members.c.department_id == departments.c.id)
        .outerjoin(head, head.c.id == departments.c.head_user_id)
        .order_by(departments.c.sort, departments.c.id)
    )
    return [dict(r) for r in (await conn.execute(query)).mappings()]


async def department(conn: AsyncConnection, department_id: int) -> dict[str, Any] | None:
    row = (await conn.execute(select(departments).where(departments.c.id == department_id))).mappings().first()
    return dict(row) if row else None


async def department_parents(conn: AsyncConnection) -> dict[int, int | None]:
    rows = await conn.execute(select(departments.c.id, departments.c.parent_id))
    return {r.id: r.parent_id for r in rows}


async def insert_department(conn: AsyncConnection, **values: Any) -> int:
    return (await conn.execute(insert(departments).values(**values).returning(departments.c.id))).scalar_one()


async def update_department(conn: AsyncConnection, department_id: int, **values: Any) -> None:
    await conn.execute(update(departments).where(departments.c.id == department_id).values(**values))


async def delete_department(conn: AsyncConnection, department_id: int) -> None:
    await conn.execute(delete(departments).where(departments.c.id == department_id))


async def department_usage(conn: AsyncConnection, department_id: int) -> tuple[int, int]:
    children = (await conn.execute(select(func.count()).where(departments.c.parent_id == department_id))).scalar_one()
    members = (
        await conn.execute(select(func.count()).where(user_departments.c.department_id == department_id))
    ).scalar_one()
    return children, members


async def list_roles(conn: AsyncConnection) -> list[dict[str, Any]]:
    counts = select(user_roles.c.role_id, func.count().label("n")).group_by(user_roles.c.role_id).subquery()
    query = (
        select(roles, func.coalesce(counts.c.n, 0).label("user_count"))
        .outerjoin(counts, counts.c.role_id == roles.c.id)
        .order_by(roles.c.builtin.desc(), roles.c.id)
    )
    return [dict(r) for r in (await conn.execute(query)).mappings()]


async def role(conn: AsyncConnection, role_id: int) -> dict[str, Any] | None:
    row = (await conn.execute(select(roles).where(roles.c.id == role_id))).mappings().first()
    return dict(row) if row else None


async def role_by_key(conn: AsyncConnection, key: str) -> dict[str, Any] | None:
    row = (await conn.execute(select(roles).where(roles.c.key == key))).mappings().first()
    return dict(row) if row else None


async def insert_role(conn: AsyncConnection, **values: Any) -> int:
    return (await conn.execute(insert(roles).values(**values).returning(roles.c.id))).scalar_one()


async def update_role(conn: AsyncConnection, role_id: int, **values: Any) -> None:
    await conn.execute(update(roles).where(roles.c.id == role_id).values(**values))


async def delete_role(conn: AsyncConnection, role_id: int) -> None:
    await conn.execute(delete(roles).where(roles.c.id == role_id))


# The directory every internal user may browse (pickers): names only, no contact or account data.


async def directory_users(conn: AsyncConnection, search: str | None, limit: int,
                          ids: list[int] | None = None) -> list[dict[str, Any]]:
    """Active people by name; with `ids`, those people (inactive ones too: they still name history)."""
    query = select(users.c.id, users.c.username, users.c.display_name)
    query = query.where(users.c.id.in_(ids)) if ids is not None else query.where(users.c.is_active.is_(True))
    if search:
        needle = search.lower()
        query = query.where(
            or_(
                users.c.username.contains(needle, autoescape=True),
                func.lower(users.c.display_name).contains(needle, autoescape=True),
            )
        )
    rows = await conn.execute(query.order_by(users.c.display_name, users.c.id).limit(limit))
    return [dict(r) for r in rows.mappings()]


async def departments_of(conn: AsyncConnection, user_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Each user's departments, the primary one first."""
    out: dict[int, list[dict[str, Any]]] = {uid: [] for uid in user_ids}
    if not user_ids:
        return out
    query = (
        select(user_departments.c.user_id, departments.c.id, departments.c.name)
        .join(departments, departments.c.id == user_departments.c.department_id)
        .where(user_departments.c.user_id.in_(user_ids))
        .order_by(user_departments.c.user_id, user_departments.c.is_primary.desc(), departments.c.id)
    )
    for row in (await conn.execute(query)).mappings():
        out[row["user_id"]].append({"id": row["id"], "name": row["name"]})
    return out


async def directory_departments(conn: AsyncConnection) -> list[dict[str, Any]]:
    query = select(departments.c.id, departments.c.name, departments.c.parent_id, departments.c.sort).order_by(
        departments.c.sort, departments.c.id
    )
    return [dict(r) for r in (await conn.execute(query)).mappings()]
