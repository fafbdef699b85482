"""Managing the directory: users, the department tree and roles, each change audited."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from core.clock import Clock
from core.errors import Conflict, Invalid, NotFound, field_error
from runtime.audit import service as audit
from runtime.context import Actor
from runtime.identity import repository as identity_repo
from runtime.identity.secrets import hash_password
from runtime.identity.service import check_password_strength
from runtime.org import repository as repo
from runtime.tables import departments, roles

USER_AUDIT_FIELDS = ("username", "display_name", "email", "is_active", "is_external", "locale")


async def users_out(conn: AsyncConnection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    member = await identity_repo.memberships(conn, [r["id"] for r in rows])
    return [{**r, **member[r["id"]]} for r in rows]


async def get_user(conn: AsyncConnection, user_id: int) -> dict[str, Any]:
    row = await identity_repo.user_by_id(conn, user_id)
    if row is None:
        raise NotFound("user")
    return (await users_out(conn, [row]))[0]


def _snapshot(user: dict[str, Any]) -> dict[str, Any]:
    snap = {k: user.get(k) for k in USER_AUDIT_FIELDS}
    snap["role_ids"] = sorted(r["id"] for r in user.get("roles", []))
    snap["department_ids"] = [d["id"] for d in user.get("departments", [])]
    return snap


async def _check_refs(conn: AsyncConnection, role_ids: list[int] | None, department_ids: list[int] | None) -> None:
    errors = []
    if role_ids:
        missing = set(role_ids) - await repo.existing_ids(conn, roles, role_ids)
        errors += [field_error(f"role_ids.{role_ids.index(m)}", f"Role {m} does not exist.") for m in sorted(missing)]
    if department_ids:
        missing = set(department_ids) - await repo.existing_ids(conn, departments, department_ids)
        errors += [
            field_error(f"department_ids.{department_ids.index(m)}", f"Department {m} does not exist.") for m in sorted(missing)
        ]
    if errors:
        raise Invalid("Some references do not exist.", errors)


async def create_user(conn: AsyncConnection, clock: Clock, actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    username = data["username"].lower()
    if await identity_repo.user_by_username(conn, username):
        raise Conflict("That username is taken.", code="username_taken", errors=[field_error("username", "Already in use.")])
    check_password_strength(data["password"])
    role_ids = list(dict.fromkeys(data.get("role_ids") or []))
    department_ids = list(dict.fromkeys(data.get("department_ids") or []))
    await _check_refs(conn, role_ids, department_ids)
    now = clock.now()
    user_id = await repo.insert_user(
        conn,
        username=username,
        display_name=data["display_name"],
        email=data.get("email"),
        password_hash=hash_password(data["password"]),
        is_active=True,
        is_external=data.get("is_external", False),
        locale=data.get("locale", "zh-CN"),
        password_changed_at=now,
        created_at=now,
        updated_at=now,
    )
    await repo.set_user_roles(conn, user_id, role_ids)
    await repo.set_user_departments(conn, user_id, department_ids)
    user = await get_user(conn, user_id)
    audit.record(conn, actor, "user.create", target_type="user", target_id=user_id, after=_snapshot(user))
    return user


async def update_user(conn: AsyncConnection, clock: Clock, actor: Actor, user_id: int, changes: dict[str, Any]) -> dict[str, Any]:
    before = await get_user(conn, user_id)
    await _check_refs(conn, changes.get("role_ids"), changes.get("department_ids"))
    was_admin = any(r["key"] == "admin" for r in before["roles"])
    loses_admin = was_admin and (
        changes.get("is_active") is False
        or (changes.get("role_ids") is not None and await repo.admin_role_id(conn) not in changes["role_ids"])
    )
    if loses_admin and before["is_active"] and await repo.count_active_admins(conn, excluding_user_id=user_id) == 0:
        raise Conflict("The platform needs at least one active administrator.", code="last_admin")
    values = {k: changes[k] for k in ("display_name", "email", "locale", "is_active", "is_external") if k in changes}
    if values.get("display_name") is None:
        values.pop("display_name", None)
    for key in ("locale", "is_active", "is_external"):
        if key in values and values[key] is None:
            values.pop(key)
    password_reset = changes.get("password") is not None
    if password_reset:
        check_password_strength(changes["password"])
        values["password_hash"] = hash_password(changes["password"])
        values["password_changed_at"] = clock.now()
    values["updated_at"] = clock.now()
    await repo.update_user(conn, user_id, **values)
    if changes.get("role_ids") is not None:
        await repo.set_user_roles(conn, user_id, list(dict.fromkeys(changes["role_ids"])))
    if changes.get("department_ids") is not None:
        await repo.set_user_departments(conn, user_id, list(dict.fromkeys(changes["department_ids"])))
    if password_reset or values.get("is_active") is False:
        await identity_repo.delete_sessions_of(conn, user_id)
    after = await get_user(conn, user_id)
    audit.record(
        conn,
        actor,
        "user.update",
        target_type="user",
        target_id=user_id,
        before=_snapshot(before),
        after={**_snapshot(after), **({"password": "reset"} if password_reset else {})},
    )
    return after


async def disable_user(conn: AsyncConnection, clock: Clock, actor: Actor, user_id: int) -> None:
    await update_user(conn, clock, actor, user_id, {"is_active": False})


# Departments ----------------------------------------------------------------------------------


def _department_out(row: dict[str, Any]) -> dict[str, Any]:
    head = {"id": row["head_user_id"], "display_name": row["head_display_name"]} if row["head_user_id"] else None
    return {**row, "head": head}


async def list_departments(conn: AsyncConnection) -> list[dict[str, Any]]:
    return [_department_out(r) for r in await repo.list_departments(conn)]


async def _department_out_by_id(conn: AsyncConnection, department_id: int) -> dict[str, Any]:
    for row in await list_departments(conn):
        if row["id"] == department_id:
            return row
    raise NotFound("department")


async def _check_department_refs(conn: AsyncConnection, parent_id: int | None, head_user_id: int | None) -> None:
    if parent_id is not None and await repo.department(conn, parent_id) is None:
        raise Invalid("The parent department does not exist.", [field_error("parent_id", "No such department.")])
    if head_user_id is not None and await identity_repo.user_by_id(conn, head_user_id) is None:
        raise Invalid("The head does not exist.", [field_error("head_user_id", "No such user.")])


async def create_department(conn: AsyncConnection, clock: Clock, actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    await _check_department_refs(conn, data.get("parent_id"), data.get("head_user_id"))
    now = clock.now()
    department_id = await repo.insert_department(conn, **data, created_at=now, updated_at=now)
    audit.record(conn, actor, "department.create", target_type="department", target_id=department_id, after=data)
    return await _department_out_by_id(conn, department_id)


async def update_department(
    conn: AsyncConnection, clock: Clock, actor: Actor, department_id: int, changes: dict[str, Any]
) -> dict[str, Any]:
    before = await repo.department(conn, department_id)
    if before is None:
        raise NotFound("department")
    await _check_department_refs(conn, changes.get("parent_id"), changes.get("head_user_id"))
    if changes.get("parent_id") is not None:
        parents = await repo.department_parents(conn)
        node: int | None = changes["parent_id"]
        while node is not None:
            if node == department_id:
                raise Invalid(
                    "A department cannot move under itself or one of its sub-departments.",
                    [field_error("parent_id", "Would create a cycle.")],
                )
            node = parents.get(node)
    if "name" in changes and changes["name"] is None:
        changes.pop("name")
    if "sort" in changes and changes["sort"] is None:
        changes.pop("sort")
    await repo.update_department(conn, department_id, **changes, updated_at=clock.now())
    audit.record(
        conn,
        actor,
        "department.update",
        target_type="department",
        target_id=department_id,
        before={k: before[k] for k in changes},
        after=changes,
    )
    return await _department_out_by_id(conn, department_id)


async def delete_department(conn: AsyncConnection, actor: Actor, department_id: int) -> None:
    before = await repo.department(conn, department_id)
    if before is None:
        raise NotFound("department")
    children, members = await repo.department_usage(conn, department_id)
    if children or members:
        raise Conflict(
            f"The department still has {children} sub-department(s) and {members} member(s); move them first.",
            code="department_in_use",
        )
    await repo.delete_department(conn, department_id)
    audit.record(conn, actor, "department.delete", target_type="department", target_id=department_id, before=before)


# Roles ----------------------------------------------------------------------------------------


async def _role_out(conn: AsyncConnection, role_id: int) -> dict[str, Any]:
    for row in await repo.list_roles(conn):
        if row["id"] == role_id:
            return row
    raise NotFound("role")


async def create_role(conn: AsyncConnection, clock: Clock, actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    if await repo.role_by_key(conn, data["key"]):
        raise Conflict("A role with that key exists.", code="role_key_taken", errors=[field_error("key", "Already in use.")])
    role_id = await repo.insert_role(conn, **data, builtin=False, created_at=clock.now())
    audit.record(conn, actor, "role.create", target_type="role", target_id=role_id, after=data)
    return await _role_out(conn, role_id)


async def update_role(conn: AsyncConnection, actor: Actor, role_id: int, changes: dict[str, Any]) -> dict[str, Any]:
    before = await repo.role(conn, role_id)
    if before is None:
        raise NotFound("role")
    values = {k: v for k, v in changes.items() if v is not None}
    if values:
        await repo.update_role(conn, role_id, **values)
        audit.record(
            conn, actor, "role.update", target_type="role", target_id=role_id,
            before={k: before[k] for k in values}, after=values,
        )
    return await _role_out(conn, role_id)


async def delete_role(conn: AsyncConnection, actor: Actor, role_id: int) -> None:
    before = await repo.role(conn, role_id)
    if before is None:
        raise NotFound("role")
    if before["builtin"]:
        raise Conflict("Built-in roles cannot be deleted.", code="builtin_role")
    await repo.delete_role(conn, role_id)
    audit.record(conn, actor, "role.delete", target_type="role", target_id=role_id, before=before)
