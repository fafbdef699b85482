"""Running reports for one viewer: the permission gate's answer for every form a report reads goes
into its one SELECT, results are cached per (statement, table stamps), and slow queries are
stopped. Also drill-down, exports, and the data of dashboards with their global filters.

Never commits: the request owns the unit of work.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncConnection

from core.clock import Clock
from core.errors import AppError, Forbidden, Invalid, NotFound
from engines.form.compiled import CompiledForm
from engines.report import (
    Access,
    Env,
    Plan,
    ReportDef,
    ReportError,
    Where,
    compile_report,
    plan_report,
    post,
    render,
    sql_text,
    to_frame,
)
from engines.report import drill as drill_engine
from engines.report.definition import DateRange
from engines.report.post import Frame
from runtime.audit import service as audit
from runtime.context import Actor
from runtime.forms.loader import app_forms, form_ids
from runtime.permissions import authorize
from runtime.permissions import open_app as opened_app
from runtime.records.compute import PLATFORM_TZ, context_for
from runtime.reports import repository as repo
from runtime.reports.cache import RESULTS
from runtime.tables.reports import reports
from runtime.transfer.writer import XLSX_MEDIA_TYPE, CsvRows, XlsxSheet

DEFAULT_TIMEOUT = 30.0  # seconds a report's query may run


@dataclass
class RunOptions:
    where: list[Where] = field(default_factory=list)  # global filters, a record page's link
    date_range: DateRange | None = None  # a dashboard's date filter replaces the report's own
    fresh: bool = False  # skip the cache (the designer's refresh)
    timeout: float = DEFAULT_TIMEOUT
    action: str = "view"  # or "export"
    path: str = ""  # where the definition sits in the request, for error paths ("definition")


def invalid(errors: list[dict[str, Any]]) -> Invalid:
    return Invalid("The report definition is not valid.", errors, detail_zh="报表定义有误。")


def parse(raw: Any, path: str = "") -> ReportDef:
    try:
        return ReportDef.model_validate(raw)
    except ValidationError as exc:
        raise invalid([{"path": ".".join(str(p) for p in (path, *e["loc"]) if p != ""), "message": e["msg"],
                        "message_zh": e["msg"], "code": "invalid"} for e in exc.errors()]) from None


async def open_app(conn: AsyncConnection, actor: Actor, app_key: str) -> dict[str, Any]:
    return await opened_app(conn, actor.principal, app_key)


def plan_of(definition: ReportDef, forms: dict[str, CompiledForm], path: str = "") -> Plan:
    try:
        return plan_report(definition, forms)
    except ReportError as exc:
        raise invalid(_prefixed(exc.errors, path)) from None


def check(conn: AsyncConnection, actor: Actor, now: Any, definition: ReportDef, forms: dict[str, CompiledForm],
          path: str = "definition") -> Plan:
    """Save-time check: planned, and compiled as one who reads everything would run it (filters,
    operators and formulas without a SQL form are only found by compiling)."""
    plan = plan_of(definition, forms, path)
    env = Env(conn.dialect.name, context_for(actor.principal, now), forms)
    try:
        compile_report(plan, {key: Access() for key in plan.forms}, env)
    except ReportError as exc:
        raise invalid(_prefixed(exc.errors, path)) from None
    return plan


def _prefixed(errors: list[dict[str, Any]], path: str) -> list[dict[str, Any]]:
    return [{**e, "path": f"{path}.{e['path']}" if path else e["path"]} for e in errors]


def with_options(definition: ReportDef, options: RunOptions) -> ReportDef:
    if not options.where and options.date_range is None:
        return definition
    dataset = definition.dataset.model_copy(update={
        "where": [*definition.dataset.where, *options.where],
        "date_range": options.date_range or definition.dataset.date_range,
    })
    return definition.model_copy(update={"dataset": dataset})


@dataclass
class Viewer:
    """What a report run needs to know about its reader."""

    conn: AsyncConnection
    clock: Clock
    actor: Actor
    app: dict[str, Any]
    forms: dict[str, CompiledForm] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)

    @property
    def locale(self) -> str:
        return self.actor.principal.locale if self.actor.principal else "zh-CN"

    async def load(self) -> Viewer:
        if not self.forms:
            self.forms = await app_forms(self.conn, self.app)
            self.ids = await form_ids(self.conn, self.app)
        return self

    async def access(self, form_keys: set[str], action: str) -> dict[str, Access]:
        """The gate's answer for each form read: 404 for a form the viewer may not see."""
        async def linked() -> dict[str, CompiledForm]:
            return self.forms

        out = {}
        for key in sorted(form_keys):
            scope = await authorize(self.conn, self.actor.principal, action, self.app, key, form=self.forms[key],
                                    form_id=self.ids.get(key), now=self.clock.now(), linked=linked)
            out[key] = Access(scope.rows(action), scope.readable)
        return out

    async def env(self, plan: Plan) -> Env:
        transforms = [d for d, _ in (*plan.dimensions, *plan.where, *plan.drill)]
        departments = await repo.department_tree(self.conn) if any(d.dept_level for d in transforms) else {}
        return Env(self.conn.dialect.name, context_for(self.actor.principal, self.clock.now()), self.forms, departments)


async def run(v: Viewer, definition: ReportDef, options: RunOptions | None = None) -> dict[str, Any]:
    """{columns, rows, labels, option, truncated, cached} for the viewer, from the cache when the
    same query over unchanged tables was answered before (the returned dict is shared: read only)."""
    options = options or RunOptions()
    await v.load()
    definition = with_options(definition, options)
    plan = plan_of(definition, v.forms, options.path)
    compiled, key = await _compiled(v, plan, options)
    shown = json.dumps([definition.model_dump(mode="json", include={"post", "chart"}), v.locale], sort_keys=True)
    found = None if options.fresh else RESULTS.get((key, shown))
    if found is not None:
        return {**found, "cached": True}
    frame, truncated = await _frame(v, plan, compiled, options)
    try:
        frame = post.apply(frame, definition.post, v.locale)
    except (ValueError, KeyError) as exc:
        raise invalid([{"path": "post", "message": str(exc), "message_zh": str(exc), "code": "post_failed"}]) from None
    result = {
        "columns": [{"key": c.key, "label": c.label, "role": c.role, "kind": c.kind, "bucket": c.bucket} for c in frame.columns],
        "rows": frame.records(),
        "labels": {k: {str(raw): name for raw, name in names.items()} for k, names in frame.labels.items()},
        "chart_type": definition.chart.type,
        "option": render(frame, definition.chart),
        "truncated": truncated,
        "cached": False,
    }
    RESULTS.put((key, shown), result, weight=len(result["rows"]))
    return result


async def _compiled(v: Viewer, plan: Plan, options: RunOptions) -> tuple[Any, tuple[Any, ...]]:
    """The viewer's SELECT, and the cache key: its text and parameters (definition, filters and the
    viewer's row conditions are all in them) with the stamps of the tables it reads."""
    access = await v.access(plan.forms, options.action)
    try:
        compiled = compile_report(plan, access, await v.env(plan), v.locale)
    except ReportError as exc:
        raise invalid(_prefixed(exc.errors, options.path)) from None
    key = (str(v.conn.engine.url), *sql_text(compiled, v.conn.dialect.name),
           await repo.stamps(v.conn, [v.forms[k] for k in plan.forms]))
    return compiled, key


async def _frame(v: Viewer, plan: Plan, compiled: Any, options: RunOptions) -> tuple[Frame, bool]:
    rows = await repo.fetch(v.conn, compiled.statement, options.timeout)
    frame, truncated = to_frame(rows, compiled, plan, v.locale)
    await _name_values(v, frame, compiled)
    return frame, truncated


async def _name_values(v: Viewer, frame: Frame, compiled: Any) -> None:
    """People, departments and linked records by name; a linked form the viewer may not see keeps ids."""
    for column in compiled.columns:
        if column.role != "dimension":
            continue
        values = sorted({x for x in frame.data[column.key].tolist() if isinstance(x, int) and not isinstance(x, bool)})
        if not values:
            continue
        if column.kind in ("user", "users"):
            frame.labels[column.key] = await repo.user_names(v.conn, values)
        elif column.kind in ("dept", "depts"):
            frame.labels[column.key] = await repo.department_names(v.conn, values)
        elif column.kind in ("link", "links") and column.ref is not None and column.ref.spec is not None:
            frame.labels[column.key] = await link_titles(v, column.ref.spec.options.form, values)


async def link_titles(v: Viewer, target_key: str, ids: list[int]) -> dict[int, str]:
    target = v.forms.get(target_key)
    title = target.definition.settings.title_field if target is not None else None
    if target is None or not title:
        return {}
    try:
        access = (await v.access({target_key}, "view"))[target_key]
    except (NotFound, Forbidden):
        return {}
    if access.readable is not None and title not in access.readable:
        return {}
    return await repo.record_titles(v.conn, target, title, ids, access.rows)


async def record_scope(v: Viewer, definition: ReportDef, field_key: str, record_id: int) -> Where:
    """The condition of a chart on a record's page: rows whose link `field_key` points at the
    record, which the viewer must be able to see (else 404, as on every record route)."""
    await v.load()
    base = v.forms.get(definition.dataset.form)
    spec = base.specs.get(field_key) if base is not None else None
    if spec is None or spec.type.type not in ("link", "links"):
        en, zh = f"'{field_key}' is not a link field of the report's form.", f"“{field_key}”不是报表所用表单的关联字段。"
        raise Invalid(en, [{"path": "for_record.field", "message": en, "message_zh": zh, "code": "not_a_link"}],
                      detail_zh=zh)
    target = v.forms.get(spec.options.form)
    if target is None:
        raise NotFound("record")
    access = (await v.access({target.key}, "view"))[target.key]
    if not await repo.record_visible(v.conn, target, record_id, access.rows):
        raise NotFound("record")
    if spec.type.type == "link":
        return Where(field=field_key, op="eq", value=record_id)
    return Where(field=field_key, op="has_any", value=[record_id])


async def record_charts(v: Viewer, form_key: str, record_id: int, timeout: float | None = None) -> list[dict[str, Any]]:
    """The saved reports shown on the pages of `form_key`'s records (`record_page`), each run over
    the rows linking to this record. A report reading a form the viewer may not see is left out;
    one that fails otherwise carries its problem. 404 when the viewer may not see the record."""
    await v.load()
    target = v.forms.get(form_key)
    if target is None:
        raise NotFound("form")
    access = (await v.access({form_key}, "view"))[form_key]
    if not await repo.record_visible(v.conn, target, record_id, access.rows):
        raise NotFound("record")
    shown = []
    for row in await repo.listed(v.conn, reports, v.app["id"]):
        page = (row["definition"] or {}).get("record_page")
        base = v.forms.get((row["definition"].get("dataset") or {}).get("form", ""))
        spec = base.specs.get(page["link"]) if page and base is not None else None
        if spec is None or getattr(spec.options, "form", None) != form_key:
            continue
        entry = {"id": row["id"], "name": row["name"], "version": row["version"], "position": page.get("position", 0)}
        try:
            definition = parse(row["definition"])
            where = await record_scope(v, definition, page["link"], record_id)
            options = RunOptions(where=[where])
            if timeout is not None:
                options.timeout = timeout
            entry["data"] = await run(v, definition, options)
        except NotFound:
            continue
        except AppError as exc:
            entry["error"] = exc.to_problem()
        shown.append(entry)
    return sorted(shown, key=lambda e: (e["position"], e["id"]))


# -- drill-down and exports --------------------------------------------------------------------------


async def drill(v: Viewer, definition: ReportDef, clicked: dict[str, Any], options: RunOptions | None = None) -> dict[str, Any]:
    options = options or RunOptions()
    await v.load()
    definition = with_options(definition, options)
    plan = plan_of(definition, v.forms, options.path)
    await v.access(plan.forms, "view")  # 404 before anything is said about the data
    env = await v.env(plan)
    try:
        answer = drill_engine(plan, clicked, env.context.today, PLATFORM_TZ, env.departments)
    except ReportError as exc:
        raise invalid(exc.errors) from None  # paths of the clicked values ("values.<key>")
    if answer.kind == "report":
        assert answer.definition is not None
        data = await run(v, answer.definition, RunOptions(fresh=options.fresh, timeout=options.timeout))
        return {"kind": "report", "definition": answer.definition.model_dump(mode="json", exclude_none=True), "data": data}
    return {"kind": "records", "form": answer.form, "filter": answer.filter, "unapplied": answer.unapplied}


async def export(v: Viewer, definition: ReportDef, file_format: str, name: str, options: RunOptions | None = None,
                 target: str = "report") -> tuple[bytes, str, str]:
    """(content, media type, file name) of the report's result; needs `export` on every form read."""
    options = options or RunOptions()
    options.action = "export"
    await v.load()
    full = with_options(definition, options)
    plan = plan_of(full, v.forms, options.path)
    compiled, _ = await _compiled(v, plan, options)
    frame, _ = await _frame(v, plan, compiled, options)
    frame = post.apply(frame, full.post, v.locale)
    headers = [c.label or c.key for c in frame.columns]
    rows = [[frame.display(c.key, row[c.key]) if c.role == "dimension" else _cell(row[c.key]) for c in frame.columns]
            for row in frame.data.to_dict("records")]
    audit.record(v.conn, v.actor, "report.export", target_type=f"{v.app['key']}.{target}",
                 after={"format": file_format, "rows": len(rows), "forms": sorted(plan.forms)})
    if file_format == "csv":
        encoder = CsvRows()
        return encoder.encode([headers, *rows]), "text/csv; charset=utf-8", f"{name}.csv"
    with tempfile.TemporaryDirectory(prefix="qiqiao-report-") as tmp:
        path = Path(tmp) / "report.xlsx"
        sheet = XlsxSheet(path, name, headers)
        for row in rows:
            sheet.write(row)
        sheet.close()
        return path.read_bytes(), XLSX_MEDIA_TYPE, f"{name}.xlsx"


def _cell(value: Any) -> Any:
    if value is None or (isinstance(value, float) and value != value):
        return None
    return value.item() if hasattr(value, "item") else value

