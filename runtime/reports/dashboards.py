"""Dashboards for their readers: who may open one (the app's administrators, and the roles or
everyone it is shared with), and the data of every widget with the global filters applied.

Each widget runs with the reader's own scope; a widget the reader cannot see (a hidden field, a
form they may not view) carries its problem instead of failing the whole board.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from core.errors import AppError, Invalid, NotFound
from engines.report import Where
from engines.report.definition import DashboardDef, DateRange, GlobalFilter, Widget
from engines.report.drill import below
from runtime.permissions.gate import is_app_admin
from runtime.records import service as records
from runtime.reports import repository as repo
from runtime.reports.service import RunOptions, Viewer, parse, run
from runtime.tables.reports import dashboards, reports

DEFAULT_FIELDS = {"department": "owner_dept_id", "owner": "owner_id"}


async def may_open(v: Viewer, row: dict[str, Any]) -> bool:
    if await is_app_admin(v.conn, v.actor.principal, v.app):
        return True
    share = row.get("share") or {}
    if share.get("everyone"):
        return True
    wanted = set(share.get("roles") or [])
    return bool(wanted and wanted & await repo.held_roles(v.conn, v.actor.principal, v.app["id"]))


async def visible(v: Viewer) -> list[dict[str, Any]]:
    return [row for row in await repo.listed(v.conn, dashboards, v.app["id"]) if await may_open(v, row)]


async def opened(v: Viewer, dashboard_id: int) -> dict[str, Any]:
    row = await repo.get(v.conn, dashboards, v.app["id"], dashboard_id, "dashboard")
    if not await may_open(v, row):
        raise NotFound("dashboard")  # as if it did not exist
    return row


async def data(v: Viewer, row: dict[str, Any], values: dict[str, Any], fresh: bool = False,
               timeout: float | None = None) -> dict[str, Any]:
    board = DashboardDef.model_validate(row["definition"])
    departments: dict[int, int | None] | None = None
    widgets = []
    for widget in board.widgets:
        applied: list[tuple[GlobalFilter, str]] = []
        for f in board.filters:
            value = values.get(f.key, f.default)
            if value in (None, "", [], {}):
                continue
            targets = [t.field for t in f.targets if t.widget == widget.id]
            if not f.targets and f.kind in DEFAULT_FIELDS and widget.kind == "report":
                targets = [DEFAULT_FIELDS[f.kind]]
            applied += [(f, target) for target in targets]
        if any(f.kind == "department" and f.include_subdepartments for f, _ in applied) and departments is None:
            departments = await repo.department_tree(v.conn)
        try:
            widgets.append({"id": widget.id, "kind": widget.kind,
                            **await _widget(v, widget, applied, values, departments or {}, fresh, timeout)})
        except AppError as exc:
            widgets.append({"id": widget.id, "kind": widget.kind, "error": exc.to_problem()})
    return {"id": row["id"], "version": row["version"], "widgets": widgets}


async def _widget(v: Viewer, widget: Widget, applied: list[tuple[GlobalFilter, str]], values: dict[str, Any],
                  departments: dict[int, int | None], fresh: bool, timeout: float | None) -> dict[str, Any]:
    if widget.kind == "text":
        return {"html": widget.html}
    where: list[Where] = []
    date_range: DateRange | None = None
    for f, target in applied:
        value = values.get(f.key, f.default)
        try:
            if f.kind == "date_range":
                date_range = DateRange.model_validate({**value, "field": target}) if isinstance(value, dict) else None
                continue
            ids = value if isinstance(value, list) else [value]
            if f.kind == "department" and f.include_subdepartments:
                ids = sorted({d for root in ids for d in below(departments, int(root))})
            where.append(Where(field=target, op="in", value=ids))
        except (ValidationError, ValueError, TypeError):
            en, zh = f"The value of the filter '{f.key}' is not valid.", f"筛选条件“{f.key}”的值无效。"
            raise Invalid(en, [{"path": f"filters.{f.key}", "message": en, "message_zh": zh, "code": "bad_value"}],
                          detail_zh=zh) from None
    if widget.kind == "records":
        return {"records": await _records(v, widget, where, date_range)}
    definition = widget.report
    if definition is None:
        saved = await repo.get(v.conn, reports, v.app["id"], widget.report_id or 0, "report")
        definition = parse(saved["definition"])
    options = RunOptions(where=where, date_range=date_range, fresh=fresh)
    if timeout is not None:
        options.timeout = timeout
    return {"data": await run(v, definition, options)}


async def _records(v: Viewer, widget: Widget, where: list[Where], date_range: DateRange | None) -> dict[str, Any]:
    """A record list through the records service itself (same gate, same filter language)."""
    parts = [widget.filter] if widget.filter else []
    parts += [{"field": w.field, "op": w.op, "value": w.value} for w in where if "." not in w.field]
    if date_range is not None and "." not in date_range.field:
        if date_range.start:
            parts.append({"field": date_range.field, "op": "gte", "value": date_range.start.isoformat()})
        if date_range.end:
            parts.append({"field": date_range.field, "op": "lte", "value": date_range.end.isoformat()})
    target = await records.open_form(v.conn, v.clock, v.actor, v.app["key"], widget.form or "", "view")
    query = {"filter": {"and": parts} if parts else None, "limit": widget.limit, "sort": ["-id"],
             "fields": widget.fields or None}
    return await records.list_records(target, query)

