"""Saving reports and dashboards. Only the app's administrators manage them — the people who
design its forms and permissions — and every save checks the whole definition against the
published forms, so a bad one (a sum on a text field, a formula type error, a field a role the
dashboard is shared with may not read) gets positioned errors now, not a broken chart later.
Each change leaves one audit entry in the same unit of work.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from pydantic_core import to_jsonable_python
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from builder.apps.service import require_designer
from core.clock import Clock
from core.errors import Conflict, Invalid, NotFound
from engines.form.compiled import CompiledForm
from engines.form.query import ExprEnv, QueryError, compile_filter
from engines.form.types.rich_text import sanitize_html
from engines.report import ReportDef
from engines.report.definition import DashboardDef, Share
from runtime.audit import service as audit
from runtime.context import Actor
from runtime.forms.loader import app_forms
from runtime.records.compute import context_for
from runtime.reports import repository as repo
from runtime.reports.service import check, invalid, parse
from runtime.tables import app_roles, permission_groups
from runtime.tables.reports import dashboards, reports

OUT = ("id", "name", "description", "definition", "version", "created_by", "created_at", "updated_by", "updated_at")


def report_out(row: dict[str, Any]) -> dict[str, Any]:
    return {k: row[k] for k in OUT}


async def check_report(conn: AsyncConnection, clock: Clock, actor: Actor, app: dict[str, Any], raw: Any) -> ReportDef:
    definition = parse(raw, "definition")
    check(conn, actor, clock.now(), definition, await app_forms(conn, app))
    return definition


# -- reports ---------------------------------------------------------------------------------------------


async def list_reports(conn: AsyncConnection, actor: Actor, app_key: str) -> list[dict[str, Any]]:
    app = await require_designer(conn, actor, app_key)
    return [report_out(r) for r in await repo.listed(conn, reports, app["id"])]


async def get_report(conn: AsyncConnection, actor: Actor, app_key: str, report_id: int) -> dict[str, Any]:
    app = await require_designer(conn, actor, app_key)
    return report_out(await repo.get(conn, reports, app["id"], report_id, "report"))


async def create_report(conn: AsyncConnection, clock: Clock, actor: Actor, app_key: str, body: Any) -> dict[str, Any]:
    app = await require_designer(conn, actor, app_key)
    definition = await check_report(conn, clock, actor, app, body.definition)
    now = clock.now()
    row = await repo.add(conn, reports, {
        "app_id": app["id"], "name": body.name, "description": body.description, "version": 1,
        "definition": definition.model_dump(mode="json", exclude_none=True),
        "created_by": actor.id, "created_at": now, "updated_by": actor.id, "updated_at": now,
    })
    audit.record(conn, actor, "report.create", target_type="report", target_id=row["id"], after={"name": body.name})
    return report_out(row)


async def _current(conn: AsyncConnection, table: Any, app: dict[str, Any], item_id: int, version: int, what: str,
                   out: Any) -> dict[str, Any]:
    row = await repo.get(conn, table, app["id"], item_id, what, lock=True)
    if row["version"] != version:
        raise Conflict(f"The {what} was changed by someone else (now version {row['version']}); reload it.",
                       code="stale_version", errors=[{"path": "version", "message": "stale", "current": to_jsonable_python(out(row))}])
    return row


async def update_report(conn: AsyncConnection, clock: Clock, actor: Actor, app_key: str, report_id: int, body: Any) -> dict[str, Any]:
    app = await require_designer(conn, actor, app_key)
    before = await _current(conn, reports, app, report_id, body.version, "report", report_out)
    definition = await check_report(conn, clock, actor, app, body.definition)
    row = await repo.change(conn, reports, report_id, {
        "name": body.name, "description": body.description, "definition": definition.model_dump(mode="json", exclude_none=True),
        "updated_by": actor.id, "updated_at": clock.now(),
    })
    audit.record(conn, actor, "report.update", target_type="report", target_id=report_id,
                 before={"version": before["version"]}, after={"version": row["version"], "name": body.name})
    return report_out(row)


async def delete_report(conn: AsyncConnection, actor: Actor, app_key: str, report_id: int) -> None:
    await _delete(conn, actor, app_key, reports, report_id, "report")


async def _delete(conn: AsyncConnection, actor: Actor, app_key: str, table: Any, item_id: int, what: str) -> None:
    app = await require_designer(conn, actor, app_key)
    row = await repo.get(conn, table, app["id"], item_id, what)
    await repo.remove(conn, table, item_id)
    audit.record(conn, actor, f"{what}.delete", target_type=what, target_id=item_id, before={"name": row["name"]})


# -- dashboards --------------------------------------------------------------------------------------------


def dashboard_out(row: dict[str, Any]) -> dict[str, Any]:
    return {**report_out(row), "share": row["share"], "is_home": row["is_home"]}


async def check_dashboard(conn: AsyncConnection, clock: Clock, actor: Actor, app: dict[str, Any], raw: Any,
                          share: Share) -> DashboardDef:
    try:
        board = DashboardDef.model_validate(raw)
    except ValidationError as exc:
        raise invalid([{"path": ".".join(str(p) for p in ("definition", *e["loc"])), "message": e["msg"],
                        "message_zh": e["msg"], "code": "invalid"} for e in exc.errors()]) from None
    forms = await app_forms(conn, app)
    errors: list[dict[str, Any]] = []
    plans = []
    for index, widget in enumerate(board.widgets):
        path = f"definition.widgets.{index}"
        if widget.kind == "text":
            widget.html = sanitize_html(widget.html or "")
        elif widget.kind == "records":
            errors += _check_records(widget, forms, path, context_for(actor.principal, clock.now()), conn.dialect.name)
        else:
            where = f"{path}.report" if widget.report is not None else f"{path}.report_id"
            plans.append((where, await _widget_plan(conn, clock, actor, app, widget, forms, where, errors)))
    errors += await _check_roles(conn, app, share, [(p, plan) for p, plan in plans if plan is not None])
    if errors:
        raise invalid(errors)
    return board


async def _widget_plan(conn: AsyncConnection, clock: Clock, actor: Actor, app: dict[str, Any], widget: Any,
                       forms: dict[str, CompiledForm], path: str, errors: list[dict[str, Any]]) -> Any:
    try:
        if widget.report is not None:
            return check(conn, actor, clock.now(), widget.report, forms, path)
        saved = await repo.get(conn, reports, app["id"], widget.report_id, "report")
        return check(conn, actor, clock.now(), parse(saved["definition"]), forms, path)
    except Invalid as exc:
        errors += exc.errors
    except NotFound:
        en, zh = f"The app has no report {widget.report_id}.", f"应用中没有报表 {widget.report_id}。"
        errors.append({"path": path, "message": en, "message_zh": zh, "code": "unknown_report"})
    return None


def _check_records(widget: Any, forms: dict[str, CompiledForm], path: str, context: Any, dialect: str) -> list[dict[str, Any]]:
    form = forms.get(widget.form or "")
    if form is None:
        en, zh = f"Unknown form '{widget.form}'.", f"未知表单“{widget.form}”。"
        return [{"path": f"{path}.form", "message": en, "message_zh": zh, "code": "unknown_form"}]
    errors = [{"path": f"{path}.fields.{i}", "message": f"Unknown field '{k}'.", "message_zh": f"未知字段“{k}”。",
               "code": "unknown_field"} for i, k in enumerate(widget.fields) if k not in form.specs]
    if widget.filter:
        try:
            compile_filter(form, widget.filter, None, ExprEnv(context, dialect, forms))
        except QueryError as exc:
            errors.append({"path": f"{path}.{exc.path}", "message": exc.message, "message_zh": exc.message, "code": exc.code})
    return errors


async def _check_roles(conn: AsyncConnection, app: dict[str, Any], share: Share, plans: list[tuple[str, Any]]) -> list[dict[str, Any]]:
    """Each role the board is shared with must see every form and field its widgets read."""
    if not share.roles:
        return []
    rows = await conn.execute(
        select(app_roles.c.key, app_roles.c.is_admin, permission_groups.c.form_key, permission_groups.c.actions,
               permission_groups.c.field_rules)
        .outerjoin(permission_groups, permission_groups.c.app_role_id == app_roles.c.id)
        .where(app_roles.c.app_id == app["id"], app_roles.c.key.in_(share.roles)))
    roles: dict[str, dict[str, Any]] = {}
    for key, is_admin, form_key, actions, rules in rows:
        role = roles.setdefault(key, {"admin": is_admin, "groups": {}})
        if form_key:
            role["groups"][form_key] = {"actions": set(actions or []), "rules": rules or {}}
    errors = []
    for i, key in enumerate(share.roles):
        if key not in roles:
            errors.append({"path": f"share.roles.{i}", "message": f"The app has no role '{key}'.",
                           "message_zh": f"应用中没有角色“{key}”。", "code": "unknown_role"})
    for path, plan in plans:
        for key, role in roles.items():
            if role["admin"]:
                continue
            for where, source, field_key, name in plan.reads():
                group = role["groups"].get(source.form.key)
                if group is None or "view" not in group["actions"]:
                    en = f"Role '{key}' may not view the form '{source.form.key}' this widget reads."
                    zh = f"角色“{key}”无权查看此组件读取的表单“{source.form.key}”。"
                    errors.append({"path": path, "message": en, "message_zh": zh, "code": "not_viewable_for_role"})
                    break
                if group["rules"].get(field_key) == "hidden":
                    en = f"Role '{key}' may not read the field '{name}' this widget uses."
                    zh = f"角色“{key}”看不到此组件使用的字段“{name}”。"
                    at = f"{path}.{where}" if path.endswith(".report") else path
                    errors.append({"path": at, "message": en, "message_zh": zh, "code": "hidden_for_role"})
    return errors


async def create_dashboard(conn: AsyncConnection, clock: Clock, actor: Actor, app_key: str, body: Any) -> dict[str, Any]:
    app = await require_designer(conn, actor, app_key)
    board = await check_dashboard(conn, clock, actor, app, body.definition, body.share)
    now = clock.now()
    if body.is_home:
        await _clear_home(conn, app["id"])
    row = await repo.add(conn, dashboards, {
        "app_id": app["id"], "name": body.name, "description": body.description, "version": 1,
        "definition": board.model_dump(mode="json", exclude_none=True), "share": body.share.model_dump(),
        "is_home": body.is_home, "created_by": actor.id, "created_at": now, "updated_by": actor.id, "updated_at": now,
    })
    audit.record(conn, actor, "dashboard.create", target_type="dashboard", target_id=row["id"], after={"name": body.name})
    return dashboard_out(row)


async def update_dashboard(conn: AsyncConnection, clock: Clock, actor: Actor, app_key: str, dashboard_id: int,
                           body: Any) -> dict[str, Any]:
    app = await require_designer(conn, actor, app_key)
    before = await _current(conn, dashboards, app, dashboard_id, body.version, "dashboard", dashboard_out)
    board = await check_dashboard(conn, clock, actor, app, body.definition, body.share)
    if body.is_home:
        await _clear_home(conn, app["id"])
    row = await repo.change(conn, dashboards, dashboard_id, {
        "name": body.name, "description": body.description, "definition": board.model_dump(mode="json", exclude_none=True),
        "share": body.share.model_dump(), "is_home": body.is_home, "updated_by": actor.id, "updated_at": clock.now(),
    })
    audit.record(conn, actor, "dashboard.update", target_type="dashboard", target_id=dashboard_id,
                 before={"version": before["version"], "share": before["share"]},
                 after={"version": row["version"], "share": row["share"]})
    return dashboard_out(row)


async def delete_dashboard(conn: AsyncConnection, actor: Actor, app_key: str, dashboard_id: int) -> None:
    await _delete(conn, actor, app_key, dashboards, dashboard_id, "dashboard")


async def _clear_home(conn: AsyncConnection, app_id: int) -> None:
    """An app has at most one home dashboard."""
    await conn.execute(update(dashboards).where(dashboards.c.app_id == app_id, dashboards.c.is_home.is_(True))
                       .values(is_home=False))
