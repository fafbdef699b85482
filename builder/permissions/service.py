"""App roles, their members, and the permission group each role holds on each form.

Only the app's administrators read or change them (others get 404 if they cannot see the app,
403 if they can); every change leaves one audit entry in the same unit of work. A group is
checked against the form's published version, or against its draft while it was never
published, so permissions can be set up while the form is still being designed.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from builder.apps.service import get_app
from core.clock import Clock
from core.errors import AppError, Forbidden, Invalid, field_error
from engines.form.compiled import (
    CompileContext,
    CompiledForm,
    DefinitionError,
    compile_form,
)
from engines.form.definition import FormDef
from runtime.audit import service as audit
from runtime.context import Actor
from runtime.forms.loader import app_forms, form_row, load_form, published_definitions
from runtime.permissions.model import PermissionGroupIn, check_against_form
from runtime.tables import (
    app_role_members,
    app_roles,
    departments,
    permission_groups,
    roles,
    users,
)

ROLE_FIELDS = ("key", "name", "description", "is_admin", "external")
MEMBER_KINDS = ("users", "departments", "roles")


def _error(path: str, message: str, message_zh: str) -> dict[str, Any]:
    return field_error(path, message, message_zh=message_zh)


def _not_found(path: str, message: str, message_zh: str) -> AppError:
    return AppError("not_found", 404, message, errors=[_error(path, message, message_zh)], title="Not found",
                    detail_zh=message_zh)


async def _admin_app(conn: AsyncConnection, actor: Actor, app_key: str) -> dict[str, Any]:
    app = await get_app(conn, actor, app_key)  # 404 for whoever cannot see the app at all
    if not app["can_design"]:
        raise Forbidden("Only the app's administrators may manage its roles and permissions.",
                        detail_zh="只有应用管理员可以管理应用的角色和权限。")
    return app


async def _role(conn: AsyncConnection, app: dict[str, Any], role_key: str, lock: bool = False) -> dict[str, Any]:
    query = select(app_roles).where(app_roles.c.app_id == app["id"], app_roles.c.key == role_key)
    if lock and conn.dialect.name == "postgresql":
        query = query.with_for_update()
    row = (await conn.execute(query)).mappings().first()
    if row is None:
        raise _not_found("role_key", f"The app has no role '{role_key}'.", f"应用中没有角色“{role_key}”。")
    return dict(row)


def _admin_not_external(is_admin: bool, external: bool, path: str) -> None:
    """External accounts may be given data, never the keys to the app."""
    if is_admin and external:
        en, zh = "An administrator role cannot be open to external accounts.", "管理员角色不能对外部成员开放。"
        raise Invalid(en, [_error(path, en, zh)], detail_zh=zh)


# -- roles ----------------------------------------------------------------------------------------


async def _members(conn: AsyncConnection, role_ids: list[int]) -> dict[int, dict[str, list[dict[str, Any]]]]:
    found: dict[int, dict[str, list[dict[str, Any]]]] = {rid: {kind: [] for kind in MEMBER_KINDS} for rid in role_ids}
    if not role_ids:
        return found
    m = app_role_members
    queries = {
        "users": select(m.c.app_role_id, users.c.id, users.c.username, users.c.display_name)
        .join(users, users.c.id == m.c.user_id),
        "departments": select(m.c.app_role_id, departments.c.id, departments.c.name)
        .join(departments, departments.c.id == m.c.department_id),
        "roles": select(m.c.app_role_id, roles.c.id, roles.c.key, roles.c.name).join(roles, roles.c.id == m.c.role_id),
    }
    for kind, query in queries.items():
        for row in (await conn.execute(query.where(m.c.app_role_id.in_(role_ids)).order_by(m.c.id))).mappings():
            item = dict(row)
            found[item.pop("app_role_id")][kind].append(item)
    return found


def _role_out(role: dict[str, Any], members: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    return {"id": role["id"], **{k: role[k] for k in ROLE_FIELDS}, "members": members}


async def _role_with_members(conn: AsyncConnection, app: dict[str, Any], role_key: str) -> dict[str, Any]:
    role = await _role(conn, app, role_key)
    return _role_out(role, (await _members(conn, [role["id"]]))[role["id"]])


async def list_roles(conn: AsyncConnection, actor: Actor, app_key: str) -> list[dict[str, Any]]:
    app = await _admin_app(conn, actor, app_key)
    rows = [dict(r) for r in (await conn.execute(
        select(app_roles).where(app_roles.c.app_id == app["id"]).order_by(app_roles.c.id)
    )).mappings()]
    members = await _members(conn, [r["id"] for r in rows])
    return [_role_out(r, members[r["id"]]) for r in rows]


async def create_role(conn: AsyncConnection, actor: Actor, app_key: str, data: dict[str, Any]) -> dict[str, Any]:
    app = await _admin_app(conn, actor, app_key)
    _admin_not_external(data["is_admin"], data["external"], "external")
    # ON CONFLICT rather than look-then-insert: two admins creating the same key get one 409, not a 500.
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(app_roles).values(app_id=app["id"], **data)
        .on_conflict_do_nothing(index_elements=["app_id", "key"]).returning(app_roles.c.id)
    )
    if (await conn.execute(statement)).scalar_one_or_none() is None:
        raise AppError("role_key_taken", 409, "The app already has a role with that key.", title="Conflict",
                       detail_zh="应用中已有使用该标识的角色。",
                       errors=[_error("key", "Already in use in this app.", "该标识在此应用中已被使用。")])
    audit.record(conn, actor, "app_role.create", target_type="app_role", target_id=f"{app_key}.{data['key']}", after=data)
    return await _role_with_members(conn, app, data["key"])


async def _external_users(conn: AsyncConnection, role_id: int) -> list[int]:
    query = (
        select(users.c.id).join(app_role_members, app_role_members.c.user_id == users.c.id)
        .where(app_role_members.c.app_role_id == role_id, users.c.is_external.is_(True)).order_by(users.c.id)
    )
    return list((await conn.execute(query)).scalars())


async def update_role(conn: AsyncConnection, actor: Actor, app_key: str, role_key: str, changes: dict[str, Any]) -> dict[str, Any]:
    app = await _admin_app(conn, actor, app_key)
    role = await _role(conn, app, role_key, lock=True)
    values = {k: v for k, v in changes.items() if v is not None and v != role[k]}
    merged = {**role, **values}
    _admin_not_external(merged["is_admin"], merged["external"], "external" if "external" in values else "is_admin")
    if values.get("external") is False:
        outsiders = await _external_users(conn, role["id"])
        if outsiders:
            ids = ", ".join(str(i) for i in outsiders)
            raise Invalid("The role has external members; remove them first.", [_error(
                "external", f"External users {ids} are members of this role; remove them first.",
                f"外部成员（用户 {ids}）仍在此角色中，请先移除。")], detail_zh="此角色仍有外部成员，请先移除。")
    if values:
        await conn.execute(update(app_roles).where(app_roles.c.id == role["id"]).values(**values))
        audit.record(conn, actor, "app_role.update", target_type="app_role", target_id=f"{app_key}.{role_key}",
                     before={k: role[k] for k in values}, after=values)
    return await _role_with_members(conn, app, role_key)


def _member_ids(members: dict[str, list[dict[str, Any]]]) -> dict[str, list[int]]:
    return {kind: [m["id"] for m in members[kind]] for kind in MEMBER_KINDS}


async def delete_role(conn: AsyncConnection, actor: Actor, app_key: str, role_key: str) -> None:
    app = await _admin_app(conn, actor, app_key)
    role = await _role(conn, app, role_key, lock=True)
    members = (await _members(conn, [role["id"]]))[role["id"]]
    forms = list((await conn.execute(
        select(permission_groups.c.form_key).where(permission_groups.c.app_role_id == role["id"])
        .order_by(permission_groups.c.form_key)
    )).scalars())
    # Explicit rather than left to ON DELETE CASCADE, so the audit entry lists what went with it.
    await conn.execute(delete(permission_groups).where(permission_groups.c.app_role_id == role["id"]))
    await conn.execute(delete(app_role_members).where(app_role_members.c.app_role_id == role["id"]))
    await conn.execute(delete(app_roles).where(app_roles.c.id == role["id"]))
    audit.record(conn, actor, "app_role.delete", target_type="app_role", target_id=f"{app_key}.{role_key}",
                 before={**{k: role[k] for k in ROLE_FIELDS}, "members": _member_ids(members), "permission_forms": forms})


async def _check_members(conn: AsyncConnection, role: dict[str, Any], wanted: dict[str, list[int]]) -> list[dict[str, Any]]:
    errors: list[dict[str, Any]] = []
    found_users = {r.id: r for r in await conn.execute(
        select(users.c.id, users.c.is_active, users.c.is_external).where(users.c.id.in_(set(wanted["users"])))
    )} if wanted["users"] else {}
    for i, user_id in enumerate(wanted["users"]):
        user = found_users.get(user_id)
        if user is None:
            errors.append(_error(f"users.{i}", f"User {user_id} does not exist.", f"用户 {user_id} 不存在。"))
        elif not user.is_active:
            errors.append(_error(f"users.{i}", f"User {user_id} is disabled.", f"用户 {user_id} 已停用。"))
        elif user.is_external and not role["external"]:
            errors.append(_error(
                f"users.{i}",
                f"User {user_id} is an external account; only a role open to external accounts may include them.",
                f"用户 {user_id} 是外部成员，只能加入对外部成员开放的角色。",
            ))
    for kind, table, en, zh in (("departments", departments, "Department", "部门"), ("roles", roles, "Role", "角色")):
        ids = wanted[kind]
        known = set((await conn.execute(select(table.c.id).where(table.c.id.in_(set(ids))))).scalars()) if ids else set()
        errors += [_error(f"{kind}.{i}", f"{en} {x} does not exist.", f"{zh} {x} 不存在。")
                   for i, x in enumerate(ids) if x not in known]
    return errors


async def replace_members(conn: AsyncConnection, actor: Actor, app_key: str, role_key: str,
                          wanted: dict[str, list[int]]) -> dict[str, Any]:
    app = await _admin_app(conn, actor, app_key)
    role = await _role(conn, app, role_key, lock=True)
    errors = await _check_members(conn, role, wanted)
    if errors:
        raise Invalid("Some members cannot be added to this role.", errors, detail_zh="部分成员无法加入此角色。")
    before = _member_ids((await _members(conn, [role["id"]]))[role["id"]])
    after = {kind: list(dict.fromkeys(wanted[kind])) for kind in MEMBER_KINDS}  # repeated ids count once
    if after != before:
        column = {"users": "user_id", "departments": "department_id", "roles": "role_id"}
        await conn.execute(delete(app_role_members).where(app_role_members.c.app_role_id == role["id"]))
        rows = [{"app_role_id": role["id"], column[kind]: x} for kind in MEMBER_KINDS for x in after[kind]]
        if rows:
            # Every row names all three columns (two of them NULL) so one executemany fits them all.
            await conn.execute(insert(app_role_members), [{"user_id": None, "department_id": None, "role_id": None, **r}
                                                          for r in rows])
        audit.record(conn, actor, "app_role.members", target_type="app_role", target_id=f"{app_key}.{role_key}",
                     before=before, after=after)
    return await _role_with_members(conn, app, role_key)


# -- permission groups ------------------------------------------------------------------------------


async def _form_to_check(conn: AsyncConnection, app: dict[str, Any], form_key: str) -> CompiledForm:
    row = await form_row(conn, app["id"], form_key)
    if row["published_version"] is not None:
        return (await load_form(conn, app["key"], form_key)).compiled
    draft = FormDef.model_validate(row["draft"])
    context = CompileContext(app["key"], await published_definitions(conn, app["id"]))
    context.forms[draft.key] = draft
    try:
        return compile_form(app["key"], draft, context, version=0)
    except DefinitionError as exc:
        raise AppError(
            "form_not_ready", 409, "The form's draft has problems; fix them before setting its permissions.",
            title="Conflict", detail_zh="表单草稿尚有错误，请先修正再设置权限。",
            errors=[{**e, "path": f"definition.{e['path']}"} for e in exc.errors],
        ) from None


def _group_out(row: dict[str, Any], role: dict[str, Any]) -> dict[str, Any]:
    return {
        "role": role["key"], "role_name": role["name"], "actions": row["actions"], "data_scope": row["data_scope"],
        "edit_scope": row["edit_scope"], "field_rules": row["field_rules"], "updated_at": row["updated_at"],
    }


def _stored(row: dict[str, Any]) -> dict[str, Any]:
    return {k: row[k] for k in ("actions", "data_scope", "edit_scope", "field_rules")}


async def _group(conn: AsyncConnection, app: dict[str, Any], form_key: str, role_id: int) -> dict[str, Any] | None:
    row = (await conn.execute(select(permission_groups).where(
        permission_groups.c.app_id == app["id"], permission_groups.c.form_key == form_key,
        permission_groups.c.app_role_id == role_id,
    ))).mappings().first()
    return dict(row) if row else None


async def list_groups(conn: AsyncConnection, actor: Actor, app_key: str, form_key: str) -> list[dict[str, Any]]:
    app = await _admin_app(conn, actor, app_key)
    await form_row(conn, app["id"], form_key)
    query = (
        select(permission_groups, app_roles.c.key.label("role_key"), app_roles.c.name.label("role_name"))
        .join(app_roles, app_roles.c.id == permission_groups.c.app_role_id)
        .where(permission_groups.c.app_id == app["id"], permission_groups.c.form_key == form_key)
        .order_by(app_roles.c.id)
    )
    return [_group_out(dict(r), {"key": r["role_key"], "name": r["role_name"]})
            for r in (await conn.execute(query)).mappings()]


async def put_group(conn: AsyncConnection, clock: Clock, actor: Actor, app_key: str, form_key: str, role_key: str,
                    group: PermissionGroupIn) -> dict[str, Any]:
    app = await _admin_app(conn, actor, app_key)
    role = await _role(conn, app, role_key, lock=True)
    problems = check_against_form(group, await _form_to_check(conn, app, form_key), await app_forms(conn, app))
    if problems:
        raise Invalid("The permission group does not fit the form.", problems, detail_zh="权限设置与表单不符。")
    stored = {
        "actions": list(group.actions),
        "data_scope": group.data_scope.model_dump(exclude_none=True),
        "edit_scope": group.edit_scope.model_dump(exclude_none=True) if group.edit_scope else None,
        "field_rules": dict(group.field_rules),
    }
    before = await _group(conn, app, form_key, role["id"])
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(permission_groups).values(
        app_id=app["id"], form_key=form_key, app_role_id=role["id"], updated_at=clock.now(), **stored
    )
    await conn.execute(statement.on_conflict_do_update(
        index_elements=["app_id", "form_key", "app_role_id"],
        set_={**stored, "updated_at": statement.excluded.updated_at},
    ))
    audit.record(conn, actor, "permission_group.create" if before is None else "permission_group.update",
                 target_type="permission_group", target_id=f"{app_key}.{form_key}.{role_key}",
                 before=_stored(before) if before else None, after=stored)
    return _group_out(await _group(conn, app, form_key, role["id"]), role)


async def delete_group(conn: AsyncConnection, actor: Actor, app_key: str, form_key: str, role_key: str) -> None:
    app = await _admin_app(conn, actor, app_key)
    role = await _role(conn, app, role_key, lock=True)
    before = await _group(conn, app, form_key, role["id"])
    if before is None:
        raise _not_found("role_key", f"The role '{role_key}' has no permissions on form '{form_key}'.",
                         f"角色“{role_key}”在表单“{form_key}”上没有权限设置。")
    await conn.execute(delete(permission_groups).where(permission_groups.c.id == before["id"]))
    audit.record(conn, actor, "permission_group.delete", target_type="permission_group",
                 target_id=f"{app_key}.{form_key}.{role_key}", before=_stored(before))
