"""Saved views: who sees which, who may change them, and checking a view's config against the form.

A view is either the user's own (`owner_id` set) or shared (`owner_id` empty) with the app roles it
names — with every member of the app when it names none. Only app administrators create, change or
delete shared views, and they see every shared view of the form so that they can manage it. A view's
columns, sort, filter and fields must name fields the user may read, exactly as a list query would
(a hidden field is refused as an unknown one). Never commits: the request owns the unit of work.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from core.errors import Forbidden, Invalid, NotFound
from engines.form.query import SORTABLE_SYSTEM, ExprEnv, QueryError, compile_filter, compile_sort
from engines.form.types import StorageKind
from runtime.records.compute import context_for
from runtime.records.service import Target
from runtime.views import repository as repo
from runtime.views.schemas import ViewConfig, ViewIn, ViewPatch

MAX_VIEWS_PER_USER = 200
MIN_WIDTH, MAX_WIDTH = 40, 2000
KANBAN_TYPES = ("single_select",)
CALENDAR_STORAGE = (StorageKind.DATE, StorageKind.DATETIME)

# Pydantic's error types in the user's other language (English comes from Pydantic itself).
_ZH = {
    "missing": "必填。",
    "extra_forbidden": "未知字段。",
    "string_too_short": "不能为空。",
    "string_too_long": "太长了。",
    "string_pattern_mismatch": "格式不正确。",
    "too_long": "项目太多。",
    "literal_error": "不是允许的取值。",
    "int_parsing": "应为整数。",
    "int_type": "应为整数。",
    "greater_than_equal": "太小了。",
    "less_than_equal": "太大了。",
    "bool_type": "应为是或否。",
    "bool_parsing": "应为是或否。",
    "dict_type": "应为对象。",
    "model_type": "应为对象。",
    "list_type": "应为列表。",
    "string_type": "应为文本。",
}


def _error(path: str, message: str, message_zh: str, code: str = "invalid") -> dict[str, Any]:
    return {"path": path, "message": message, "message_zh": message_zh, "code": code}


def _invalid(errors: list[dict[str, Any]]) -> Invalid:
    return Invalid("The view is not valid.", errors, detail_zh="视图设置有误。")


def parse(model: type[ViewIn] | type[ViewPatch], raw: Any) -> Any:
    """The body as `model`, or 422 with one entry per problem, in English and Chinese."""
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        errors = []
        for e in exc.errors():
            kind = e["type"]
            message = "Unknown field." if kind == "extra_forbidden" else e["msg"]
            path = ".".join(str(p) for p in e["loc"]) or "body"
            errors.append(_error(path, message, _ZH.get(kind, "取值无效。"), kind))
        raise _invalid(errors) from None


def _unknown(path: str, key: str) -> dict[str, Any]:
    return _error(path, f"Unknown field '{key}'.", f"未知字段“{key}”。", "unknown_field")


async def check_config(t: Target, kind: str, config: ViewConfig) -> None:
    """Every field the view names must be one the user may read; the kanban and calendar need a
    field of the right type. Filters and sorts are compiled as the list would compile them."""
    form, readable = t.form, t.scope.readable
    errors: list[dict[str, Any]] = []

    def known(key: str) -> bool:
        if key in SORTABLE_SYSTEM:
            return True
        spec = form.specs.get(key)
        return spec is not None and spec.storage is not StorageKind.NONE and (readable is None or key in readable)

    for name in ("columns", "frozen"):
        for i, key in enumerate(getattr(config, name)):
            if not known(key):
                errors.append(_unknown(f"config.{name}.{i}", key))
    for key, width in config.widths.items():
        if not known(key):
            errors.append(_unknown(f"config.widths.{key}", key))
        elif not MIN_WIDTH <= width <= MAX_WIDTH:
            errors.append(_error(f"config.widths.{key}", f"A width is {MIN_WIDTH} to {MAX_WIDTH} pixels.",
                                 f"列宽应在 {MIN_WIDTH} 到 {MAX_WIDTH} 像素之间。", "bad_width"))
    try:
        compile_sort(form, config.sort, readable)
    except QueryError as exc:
        errors.append(_error(f"config.{exc.path}", exc.message, "排序字段无效。", exc.code))
    if config.filter is not None:
        env = ExprEnv(context_for(t.actor.principal, t.clock.now()), t.conn.dialect.name, await t.app_forms())
        try:
            compile_filter(form, config.filter, readable, env)
        except QueryError as exc:
            errors.append(_error(f"config.{exc.path}", exc.message, "筛选条件无效。", exc.code))
    errors += _kind_field(t, kind, config)
    if errors:
        raise _invalid(errors)


def _kind_field(t: Target, kind: str, config: ViewConfig) -> list[dict[str, Any]]:
    readable = t.scope.readable
    if kind == "kanban":
        key, path = config.group_field, "config.group_field"
        fits = lambda spec: spec.type.type in KANBAN_TYPES  # noqa: E731
        en, zh = "A kanban groups by a single-select field.", "看板需按单选字段分组。"
    elif kind == "calendar":
        key, path = config.date_field, "config.date_field"
        fits = lambda spec: spec.storage in CALENDAR_STORAGE  # noqa: E731
        en, zh = "A calendar shows a date or date-time field.", "日历需选择日期或日期时间字段。"
    else:
        return []
    if not key:
        return [_error(path, en, zh, "missing")]
    spec = t.form.specs.get(key)
    if spec is None or (readable is not None and key not in readable):
        return [_unknown(path, key)]
    return [] if fits(spec) else [_error(path, en, zh, "wrong_field_type")]


async def _check_roles(t: Target, shared: bool, roles: list[str]) -> list[str]:
    if not shared:
        if roles:
            raise _invalid([_error("roles", "Only a shared view names roles.", "只有共享视图可以指定角色。")])
        return []
    known = await repo.app_role_keys(t.conn, t.loaded.app["id"])
    errors = [_error(f"roles.{i}", f"No app role '{key}'.", f"没有应用角色“{key}”。", "unknown_role")
              for i, key in enumerate(roles) if key not in known]
    if errors:
        raise _invalid(errors)
    return list(dict.fromkeys(roles))


def _require_sharer(t: Target) -> None:
    if not t.scope.is_app_admin:
        raise Forbidden("Only the app's administrators share views.", code="not_app_admin",
                        detail_zh="只有应用管理员可以共享视图。")


def _me(t: Target) -> int:
    assert t.actor.principal is not None  # open_form refuses anonymous callers
    return t.actor.principal.id


def _out(t: Target, row: dict[str, Any]) -> dict[str, Any]:
    shared = row["owner_id"] is None
    return {
        "id": row["id"], "form_key": row["form_key"], "name": row["name"], "kind": row["kind"], "shared": shared,
        "roles": list(row["roles"] or []), "config": row["config"] or {}, "position": row["position"],
        "owner_id": row["owner_id"], "can_edit": t.scope.is_app_admin if shared else row["owner_id"] == _me(t),
        "created_at": row["created_at"], "updated_at": row["updated_at"],
    }


async def _visible_rows(t: Target) -> list[dict[str, Any]]:
    rows = await repo.views_of(t.conn, t.loaded.app["id"], t.form.key, _me(t))
    if t.scope.is_app_admin:
        return rows
    held: set[str] | None = None
    out = []
    for row in rows:
        if row["owner_id"] is None and row["roles"]:
            if held is None:
                held = await repo.held_role_keys(t.conn, t.loaded.app["id"], t.actor.principal)
            if not held.intersection(row["roles"]):
                continue
        out.append(row)
    return out


async def list_views(t: Target) -> dict[str, Any]:
    return {"items": [_out(t, r) for r in await _visible_rows(t)], "can_share": t.scope.is_app_admin}


async def _visible(t: Target, view_id: int) -> dict[str, Any]:
    """The view if the user sees it (404 otherwise: another user's view does not exist for them)."""
    row = await repo.view(t.conn, t.loaded.app["id"], t.form.key, view_id)
    if row is None or row["id"] not in {r["id"] for r in await _visible_rows(t)}:
        raise NotFound("view")
    return row


async def create_view(t: Target, raw: Any) -> dict[str, Any]:
    body: ViewIn = parse(ViewIn, raw)
    if body.shared:
        _require_sharer(t)
    roles = await _check_roles(t, body.shared, body.roles)
    await check_config(t, body.kind, body.config)
    mine = [r for r in await repo.views_of(t.conn, t.loaded.app["id"], t.form.key, _me(t)) if r["owner_id"] is not None]
    if len(mine) >= MAX_VIEWS_PER_USER:
        raise _invalid([_error("name", f"At most {MAX_VIEWS_PER_USER} views per form.",
                               f"每个表单最多 {MAX_VIEWS_PER_USER} 个视图。", "too_many")])
    now = t.clock.now()
    view_id = await repo.insert_view(
        t.conn, app_id=t.loaded.app["id"], form_key=t.form.key, name=body.name, kind=body.kind,
        owner_id=None if body.shared else _me(t), roles=roles, config=body.config.model_dump(mode="json"),
        position=body.position, created_by=_me(t), created_at=now, updated_at=now,
    )
    return _out(t, await repo.view(t.conn, t.loaded.app["id"], t.form.key, view_id))


async def update_view(t: Target, view_id: int, raw: Any) -> dict[str, Any]:
    patch: ViewPatch = parse(ViewPatch, raw)
    row = await _visible(t, view_id)
    was_shared = row["owner_id"] is None
    if was_shared or patch.shared:
        _require_sharer(t)
    shared = was_shared if patch.shared is None else patch.shared
    roles = patch.roles if patch.roles is not None else (row["roles"] if shared else [])
    roles = await _check_roles(t, shared, list(roles or []))
    kind = patch.kind or row["kind"]
    config = patch.config if patch.config is not None else ViewConfig.model_validate(row["config"] or {})
    await check_config(t, kind, config)
    values: dict[str, Any] = {"kind": kind, "roles": roles, "config": config.model_dump(mode="json"),
                              "owner_id": None if shared else (row["owner_id"] or _me(t)), "updated_at": t.clock.now()}
    if patch.name is not None:
        values["name"] = patch.name
    if patch.position is not None:
        values["position"] = patch.position
    await repo.update_view(t.conn, row["id"], **values)
    return _out(t, await repo.view(t.conn, t.loaded.app["id"], t.form.key, row["id"]))


async def delete_view(t: Target, view_id: int) -> None:
    row = await _visible(t, view_id)
    if row["owner_id"] is None:
        _require_sharer(t)
    await repo.delete_view(t.conn, row["id"])
