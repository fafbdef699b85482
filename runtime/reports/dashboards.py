"""Dashboards for their readers: who may open one (the app's administrators, and the roles or
everyone it is shared with), and the data of every widget with the global filters applied.

Each widget runs with the reader's own scope; a widget the reader cannot see (a hidden field, a
form they may not view) carries its problem instead of failing the whole board.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from core.errors import AppError, Invalid, NotFound
from engines.form.types import StorageKind
from engines.report import Where
from engines.report.definition import DashboardDef, DateRange, ReportDef, Widget
from engines.report.drill import below
from runtime.permissions.gate import is_app_admin
from runtime.records import service as records
from runtime.reports import repository as repo
from runtime.reports.service import RunOptions, Viewer, parse, run
from runtime.reports.service import drill as drill_report
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
    tree = _Departments(v)
    widgets = []
    for widget in board.widgets:
        try:
            where, date_range = await _filtered(board, widget, values, tree)
            widgets.append({"id": widget.id, "kind": widget.kind,
                            **await _widget(v, widget, where, date_range, fresh, timeout)})
        except AppError as exc:
            widgets.append({"id": widget.id, "kind": widget.kind, "error": exc.to_problem()})
    return {"id": row["id"], "version": row["version"], "widgets": widgets}


async def drill(v: Viewer, row: dict[str, Any], widget_id: str, values: dict[str, Any], path: list[dict[str, Any]],
                fresh: bool = False, timeout: float | None = None, records: bool = True) -> dict[str, Any]:
    """A click on a report widget, with the dashboard's filters as they are: `path` holds the clicked
    values of each level drilled so far, the last one being the click just made. The answer is the
    next level (its definition and data) or, past the last level, the matching records' filter."""
    board = DashboardDef.model_validate(row["definition"])
    widget = next((w for w in board.widgets if w.id == widget_id), None)
    if widget is None or widget.kind != "report":
        raise NotFound("widget")
    where, date_range = await _filtered(board, widget, values, _Departments(v))
    definition = await _definition(v, widget)
    options = RunOptions(where=where, date_range=date_range, fresh=fresh)
    if timeout is not None:
        options.timeout = timeout
    answer: dict[str, Any] = {}
    for depth, clicked in enumerate(path):
        answer = await drill_report(v, definition, clicked, options)
        if answer["kind"] != "report":
            if depth < len(path) - 1 or not records:
                en, zh = "This chart cannot be drilled any deeper.", "此图表无法继续下钻。"
                raise Invalid(en, [{"path": f"path.{depth}", "message": en, "message_zh": zh, "code": "no_level"}],
                              detail_zh=zh)
            return {**answer, "depth": depth + 1}
        definition = parse(answer["definition"])
        options = RunOptions(fresh=fresh, timeout=options.timeout)
    return {**answer, "depth": len(path)}


class _Departments:
    """The department tree, read once per request and only when a filter takes sub-departments."""

    def __init__(self, v: Viewer) -> None:
        self.v = v
        self.tree: dict[int, int | None] | None = None

    async def below(self, roots: list[Any]) -> list[int]:
        if self.tree is None:
            self.tree = await repo.department_tree(self.v.conn)
        return sorted({d for root in roots for d in below(self.tree, int(root))})


async def _filtered(board: DashboardDef, widget: Widget, values: dict[str, Any],
                    tree: _Departments) -> tuple[list[Where], DateRange | None]:
    """The conditions the global filters wired to `widget` put on it, with the values given."""
    where: list[Where] = []
    date_range: DateRange | None = None
    for f in board.filters:
        value = values.get(f.key, f.default)
        if value in (None, "", [], {}):
            continue
        targets = [t.field for t in f.targets if t.widget == widget.id]
        if not f.targets and f.kind in DEFAULT_FIELDS and widget.kind == "report":
            targets = [DEFAULT_FIELDS[f.kind]]
        for target in targets:
            try:
                if f.kind == "date_range":
                    date_range = DateRange.model_validate({**value, "field": target}) if isinstance(value, dict) else None
                    continue
                ids = value if isinstance(value, list) else [value]
                if f.kind == "department" and f.include_subdepartments:
                    ids = await tree.below(ids)
                where.append(Where(field=target, op="in", value=ids))
            except (ValidationError, ValueError, TypeError):
                en, zh = f"The value of the filter '{f.key}' is not valid.", f"筛选条件“{f.key}”的值无效。"
                raise Invalid(en, [{"path": f"filters.{f.key}", "message": en, "message_zh": zh, "code": "bad_value"}],
                              detail_zh=zh) from None
    return where, date_range


async def _definition(v: Viewer, widget: Widget) -> ReportDef:
    if widget.report is not None:
        return widget.report
    saved = await repo.get(v.conn, reports, v.app["id"], widget.report_id or 0, "report")
    return parse(saved["definition"])


async def _widget(v: Viewer, widget: Widget, where: list[Where], date_range: DateRange | None, fresh: bool,
                  timeout: float | None) -> dict[str, Any]:
    if widget.kind == "text":
        return {"html": widget.html}
    if widget.kind == "records":
        return {"records": await _records(v, widget, where, date_range)}
    options = RunOptions(where=where, date_range=date_range, fresh=fresh)
    if timeout is not None:
        options.timeout = timeout
    return {"data": await run(v, await _definition(v, widget), options)}


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
    listed = await records.list_records(target, query)
    readable = target.scope.readable
    shown = widget.fields or [k for k, spec in target.form.specs.items() if spec.storage is not StorageKind.NONE][:8]
    fields = []
    for key in shown:  # headers for readers who cannot open the form's definition (a public link)
        spec = target.form.specs.get(key)
        if spec is None or (readable is not None and key not in readable):
            continue
        choices = getattr(spec.options, "choices", None) or []
        fields.append({"key": key, "label": spec.definition.label.text(v.locale), "type": spec.type.type,
                       "choices": [{"value": c.value, "label": (c.label or {}).get(v.locale) or c.value} for c in choices]})
    return {**listed, "fields": fields}

