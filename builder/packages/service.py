"""Exporting an app as a package, previewing a package, and installing it as a new app.

Installing runs in the caller's one transaction, through the same services the builder's pages
use (so every definition is checked exactly as when it is made by hand); any refusal rolls the
whole app back. Order matters and is fixed: the app, its forms, its roles and their permission
groups, its reports, its dashboards (which name reports and are shared with roles), its flows
(which run on forms), and last its menu (which names forms and dashboards).

Forms may link to each other in a cycle (accounts ↔ contacts). They are published in two
rounds: first each form with the fields that already compile — a link to a form not yet
published, a lookup through it, a formula reading them are held back — then, once every form
exists, the held-back fields. A form that still does not compile is refused with its problems.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from builder.apps import service as apps_service
from builder.flows import service as flows_service
from builder.flows.schemas import FlowCreate
from builder.forms import service as forms_service
from builder.packages.format import FORMAT, FORMAT_VERSION, AppInfo, DashboardEntry, Manifest, Package, ReportEntry, RoleEntry
from builder.permissions import service as permissions_service
from builder.reports import service as reports_service
from builder.reports.schemas import DashboardIn, ReportIn
from core.clock import Clock
from core.errors import AppError, Forbidden, Invalid
from core.settings import Settings
from engines.flow.definition import FlowDef
from engines.form.definition import FormDef
from runtime.audit import service as audit
from runtime.context import Actor
from runtime.permissions.model import PermissionGroupIn
from runtime.tables import app_roles, apps, flow_versions, flows, form_versions, forms, permission_groups
from runtime.tables.reports import dashboards, reports


def platform_version() -> str:
    try:
        return version("qiqiao")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree without metadata
        return "0.0.0+source"


# -- export --------------------------------------------------------------------------------------------


async def export_app(conn: AsyncConnection, clock: Clock, actor: Actor, app_key: str) -> Package:
    """The app's live definitions: published forms and flows (drafts stay home), every report and
    dashboard, and the roles with their permission groups."""
    app = await apps_service.require_designer(conn, actor, app_key)
    info = AppInfo(key=app["key"], name=app["name"], description=app["description"], icon=app["icon"],
                   color=app["color"], menu=app["menu"] or [])
    package = Package(Manifest(format=FORMAT, format_version=FORMAT_VERSION, platform_version=platform_version(),
                               exported_at=clock.now().isoformat(), app=info))
    live_forms = await conn.execute(
        select(forms.c.key, form_versions.c.definition)
        .join(form_versions, (form_versions.c.form_id == forms.c.id) & (form_versions.c.version == forms.c.published_version))
        .where(forms.c.app_id == app["id"]).order_by(forms.c.id))
    package.forms = {key: FormDef.model_validate(definition) for key, definition in live_forms}
    live_flows = await conn.execute(
        select(flows.c.key, flow_versions.c.definition)
        .join(flow_versions, (flow_versions.c.flow_id == flows.c.id) & (flow_versions.c.version == flows.c.published_version))
        .where(flows.c.app_id == app["id"]).order_by(flows.c.id))
    package.flows = {key: FlowDef.model_validate(definition) for key, definition in live_flows}
    for row in (await conn.execute(select(reports).where(reports.c.app_id == app["id"]).order_by(reports.c.id))).mappings():
        package.reports.append(ReportEntry(id=row["id"], name=row["name"], description=row["description"],
                                           definition=row["definition"]))
    for row in (await conn.execute(select(dashboards).where(dashboards.c.app_id == app["id"]).order_by(dashboards.c.id))).mappings():
        package.dashboards.append(DashboardEntry(id=row["id"], name=row["name"], description=row["description"],
                                                 definition=row["definition"], share=row["share"] or {},
                                                 is_home=row["is_home"]))
    groups: dict[int, dict[str, Any]] = {}
    for row in (await conn.execute(select(permission_groups).where(permission_groups.c.app_id == app["id"]))).mappings():
        groups.setdefault(row["app_role_id"], {})[row["form_key"]] = {
            "actions": row["actions"], "data_scope": row["data_scope"], "edit_scope": row["edit_scope"],
            "field_rules": row["field_rules"]}
    for row in (await conn.execute(select(app_roles).where(app_roles.c.app_id == app["id"]).order_by(app_roles.c.id))).mappings():
        package.roles.append(RoleEntry(key=row["key"], name=row["name"], description=row["description"],
                                       is_admin=row["is_admin"], external=row["external"],
                                       permissions=groups.get(row["id"], {})))
    audit.record(conn, actor, "app.export", target_type="app", target_id=app["id"])
    return package


# -- preview and install -------------------------------------------------------------------------------


def _may_create_apps(actor: Actor) -> None:
    if actor.principal is None or not actor.principal.roles & apps_service.DESIGN_ROLES:
        raise Forbidden("Only app builders and administrators install apps.", detail_zh="只有应用搭建者和管理员可以安装应用。")


async def free_key(conn: AsyncConnection, wanted: str) -> str:
    taken = {k for k, in await conn.execute(select(apps.c.key).where(apps.c.key.like(f"{wanted[:16]}%")))}
    if wanted not in taken:
        return wanted
    n = 2
    while f"{wanted[:16]}_{n}" in taken:
        n += 1
    return f"{wanted[:16]}_{n}"


def _newer(theirs: str, ours: str) -> bool:
    def parts(v: str) -> tuple[int, ...]:
        out = []
        for piece in v.split("+")[0].split(".")[:3]:
            digits = "".join(ch for ch in piece if ch.isdigit())
            out.append(int(digits) if digits else 0)
        return tuple(out)

    return bool(theirs) and parts(theirs) > parts(ours)


async def preview(conn: AsyncConnection, actor: Actor, package: Package, key: str | None = None) -> dict[str, Any]:
    """What installing would create, whether the app key is free (and a free one if not), and warnings."""
    _may_create_apps(actor)
    app = package.manifest.app
    wanted = key or app.key
    suggested = await free_key(conn, wanted)
    warnings = []
    if _newer(package.manifest.platform_version, platform_version()):
        warnings.append({"path": "manifest.json:platform_version", "code": "newer_platform",
                         "message": f"Exported by Qiqiao {package.manifest.platform_version}, newer than this one "
                                    f"({platform_version()}); what this version lacks will be refused.",
                         "message_zh": f"该应用包由七巧 {package.manifest.platform_version} 导出，比本系统"
                                       f"（{platform_version()}）新；本系统不支持的内容将被拒绝。"})
    return {
        "format_version": package.manifest.format_version,
        "platform_version": package.manifest.platform_version,
        "app": {**app.model_dump(exclude={"menu"}), "key": wanted, "clash": suggested != wanted, "suggested_key": suggested},
        "forms": [{"key": k, "label": f.label.model_dump(by_alias=True, exclude_none=True), "fields": len(f.fields)}
                  for k, f in package.forms.items()],
        "flows": [{"key": k, "name": f.name.model_dump(by_alias=True, exclude_none=True), "form": f.form}
                  for k, f in package.flows.items()],
        "reports": [{"id": r.id, "name": r.name} for r in package.reports],
        "dashboards": [{"id": d.id, "name": d.name} for d in package.dashboards],
        "roles": [{"key": r.key, "name": r.name} for r in package.roles],
        "warnings": warnings,
    }


def _within(path: str, exc: AppError) -> AppError:
    """A service's refusal, said about the package file it came from (same status and code)."""
    errors = [{**e, "path": f"{path}:{e.get('path', '')}".rstrip(":")} for e in (exc.errors or [])] or \
        [{"path": path, "message": exc.detail, "message_zh": exc.detail_zh or exc.detail, "code": exc.code}]
    return AppError(exc.code, exc.status, f"{path}: {exc.detail}", errors=errors, title=exc.title,
                    detail_zh=f"{path}：{exc.detail_zh or exc.detail}")


async def install(conn: AsyncConnection, clock: Clock, settings: Settings, actor: Actor, package: Package,
                  key: str | None = None, name: str | None = None) -> dict[str, Any]:
    _may_create_apps(actor)
    info = package.manifest.app
    app_key = key or info.key
    try:
        await apps_service.create_app(conn, clock, actor, {
            "key": app_key, "name": name or info.name, "description": info.description, "icon": info.icon,
            "color": info.color})
    except AppError as exc:
        raise _within("manifest.json", exc) from None
    await _publish_forms(conn, clock, actor, app_key, package.forms)
    for index, role in enumerate(package.roles):
        try:
            await permissions_service.create_role(conn, actor, app_key, role.model_dump(
                include={"key", "name", "description", "is_admin", "external"}))
            for form_key, group in role.permissions.items():
                await permissions_service.put_group(conn, clock, actor, app_key, form_key, role.key,
                                                    PermissionGroupIn.model_validate(group.model_dump()))
        except AppError as exc:
            raise _within(f"roles.json:{index}", exc) from None
    report_ids: dict[int, int] = {}
    for entry in package.reports:
        try:
            made = await reports_service.create_report(conn, clock, actor, app_key, ReportIn(
                name=entry.name, description=entry.description,
                definition=entry.definition.model_dump(mode="json", exclude_none=True)))
        except AppError as exc:
            raise _within(f"reports/{entry.id}.json", exc) from None
        report_ids[entry.id] = made["id"]
    board_ids: dict[int, int] = {}
    for board in package.dashboards:
        definition = board.definition.model_dump(mode="json", exclude_none=True)
        for widget in definition.get("widgets", []):
            if widget.get("report_id") is not None:
                widget["report_id"] = report_ids[widget["report_id"]]
        try:
            made = await reports_service.create_dashboard(conn, clock, actor, app_key, DashboardIn(
                name=board.name, description=board.description, definition=definition, share=board.share,
                is_home=board.is_home))
        except AppError as exc:
            raise _within(f"dashboards/{board.id}.json", exc) from None
        board_ids[board.id] = made["id"]
    flows_out = []
    for flow_key, flow in package.flows.items():
        body = flow.model_dump(mode="json", by_alias=True, exclude_none=True)
        try:
            await flows_service.create_flow(conn, clock, actor, app_key, FlowCreate(
                key=flow_key, name=flow.name, form=flow.form, definition=body))
        except AppError as exc:
            raise _within(f"flows/{flow_key}.json", exc) from None
        try:
            published = await flows_service.publish(conn, clock, settings, actor, app_key, flow_key, None)
            flows_out.append({"key": flow_key, "published": True, "version": published["version"]})
        except Invalid as exc:  # kept as a draft to mend in the designer (e.g. it names people of another install)
            flows_out.append({"key": flow_key, "published": False, "problems": exc.errors})
    menu = _menu(info.menu, board_ids)
    if menu:
        try:
            await apps_service.update_app(conn, clock, actor, app_key, {"menu": menu})
        except AppError as exc:
            raise _within("manifest.json:app.menu", exc) from None
    audit.record(conn, actor, "app.install", target_type="app", target_id=app_key,
                 after={"forms": len(package.forms), "flows": len(package.flows), "reports": len(report_ids),
                        "dashboards": len(board_ids), "roles": len(package.roles)})
    return {"app": {"key": app_key}, "forms": list(package.forms), "flows": flows_out,
            "reports": {str(k): v for k, v in report_ids.items()}, "dashboards": {str(k): v for k, v in board_ids.items()},
            "roles": [r.key for r in package.roles]}


def _menu(items: list[dict[str, Any]], board_ids: dict[int, int]) -> list[dict[str, Any]]:
    out = []
    for item in items:
        item = dict(item)
        if item.get("type") == "dashboard":
            item["key"] = str(board_ids[int(item["key"])])
        if item.get("children"):
            item["children"] = _menu(item["children"], board_ids)
        out.append(item)
    return out


async def _publish_forms(conn: AsyncConnection, clock: Clock, actor: Actor, app_key: str,
                         definitions: dict[str, FormDef]) -> None:
    """Two rounds (see the module's note): what compiles now, then everything."""
    held: dict[str, FormDef] = {}
    pending = dict(definitions)
    while pending:
        progress = False
        for form_key, full in list(pending.items()):
            reduced = await _compilable(conn, actor, app_key, full)
            if reduced is None:
                continue
            await _publish(conn, clock, actor, app_key, form_key, reduced)
            if len(reduced.fields) != len(full.fields) or reduced.settings != full.settings:
                held[form_key] = full
            del pending[form_key]
            progress = True
        if not progress:
            for form_key, full in pending.items():
                await _publish(conn, clock, actor, app_key, form_key, full)  # raises with the problems
    for form_key, full in held.items():
        await _publish(conn, clock, actor, app_key, form_key, full)


async def _compilable(conn: AsyncConnection, actor: Actor, app_key: str, full: FormDef) -> FormDef | None:
    """The form without the fields that do not compile yet; None if even the rest does not."""
    app = await apps_service.require_designer(conn, actor, app_key)
    draft = full
    for _ in range(len(full.fields) + 1):
        problems = await forms_service.draft_problems(conn, app, draft)
        if not problems:
            return draft
        dropped = {int(p["path"].split(".")[1]) for p in problems
                   if p.get("path", "").startswith("fields.") and p["path"].split(".")[1].isdigit()}
        if not dropped:
            return None
        keep = [f for i, f in enumerate(draft.fields) if i not in dropped]
        settings, title = draft.settings, draft.settings.title_field
        if title and title not in {f.key for f in keep}:
            settings = settings.model_copy(update={"title_field": None})
        draft = draft.model_copy(update={"fields": keep, "settings": settings})
    return None


async def _publish(conn: AsyncConnection, clock: Clock, actor: Actor, app_key: str, form_key: str,
                   definition: FormDef) -> None:
    raw = definition.model_dump(mode="json", by_alias=True, exclude_none=True)
    try:
        app = await apps_service.require_designer(conn, actor, app_key)
        exists = (await conn.execute(select(forms.c.id).where(forms.c.app_id == app["id"], forms.c.key == form_key))).first()
        if exists:
            await forms_service.save_draft(conn, clock, actor, app_key, form_key, raw, None)
        else:
            await forms_service.create_form(conn, clock, actor, app_key, raw)
        await forms_service.publish(conn, clock, actor, app_key, form_key, "abort")
    except AppError as exc:
        raise _within(f"forms/{form_key}.json", exc) from None
