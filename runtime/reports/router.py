"""Reading reports and dashboards: the chart catalogue, running a definition (saved or not), drill-
down, exports, and dashboards with their data. Managing them is builder/reports."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Query, Request, Response
from pydantic import ValidationError

from core.errors import Invalid
from engines.report import CHART_TYPES, ReportDef
from runtime.identity.deps import ClockDep, Conn, CurrentActor, CurrentUser, Meta, SettingsDep
from runtime.audit import service as audit
from runtime.reports import dashboards as boards
from runtime.reports import links, schedules, snapshot
from runtime.reports import repository as repo
from runtime.reports import service
from runtime.reports.schemas import (DashboardDrillBody, DrillBody, ExportBody, LinkBody, RunBody, RunParams,
                                     ScheduleBody, ScheduleChange)
from runtime.reports.service import RunOptions, Viewer
from runtime.tables.reports import reports

router = APIRouter(tags=["reports"])
APP = "/api/apps/{app_key}"


def timeout_of(request: Request) -> float:
    """Seconds a report may run (`QIQIAO_REPORT_TIMEOUT_SECONDS`)."""
    return float(request.app.state.settings.report_timeout_seconds or service.DEFAULT_TIMEOUT)


async def _viewer(conn: Any, clock: Any, actor: Any, app_key: str) -> Viewer:
    return Viewer(conn, clock, actor, await service.open_app(conn, actor, app_key))


async def _options(v: Viewer, definition: ReportDef, params: RunParams, request: Request, path: str = "") -> RunOptions:
    where = list(params.where)
    if params.for_record is not None:
        where.append(await service.record_scope(v, definition, params.for_record.field, params.for_record.id))
    return RunOptions(where=where, date_range=params.date_range, fresh=params.fresh, timeout=timeout_of(request), path=path)


def _query_params(raw: str | None, model: type[Any], fresh: bool) -> Any:
    try:
        data = json.loads(raw) if raw else {}
        return model.model_validate({**data, "fresh": fresh} if isinstance(data, dict) else data)
    except json.JSONDecodeError:
        raise Invalid("`params` is not valid JSON.", [{"path": "params", "message": "Not valid JSON."}]) from None
    except ValidationError as exc:
        raise Invalid("The parameters are not valid.", [{"path": ".".join(map(str, e["loc"])), "message": e["msg"]}
                                                       for e in exc.errors()]) from None


async def _saved(v: Viewer, report_id: int) -> tuple[dict[str, Any], ReportDef]:
    row = await repo.get(v.conn, reports, v.app["id"], report_id, "report")
    return row, service.parse(row["definition"])


@router.get("/api/chart-types")
async def chart_types(_: CurrentUser) -> dict:
    return {"items": [t.catalogue_entry() for t in CHART_TYPES]}


@router.post(APP + "/reports/run")
async def run_unsaved(app_key: str, body: RunBody, request: Request, conn: Conn, actor: CurrentActor,
                      clock: ClockDep) -> dict:
    v = await _viewer(conn, clock, actor, app_key)
    definition = service.parse(body.definition, "definition")
    return await service.run(v, definition, await _options(v, definition, body, request, "definition"))


@router.get(APP + "/reports/{report_id}/data")
async def report_data(app_key: str, report_id: int, request: Request, conn: Conn, actor: CurrentActor, clock: ClockDep,
                      params: str | None = Query(None, max_length=20000, description="JSON: {where, date_range, for_record}"),
                      fresh: bool = False) -> dict:
    v = await _viewer(conn, clock, actor, app_key)
    row, definition = await _saved(v, report_id)
    options = await _options(v, definition, _query_params(params, RunParams, fresh), request)
    return {"id": row["id"], "version": row["version"], **await service.run(v, definition, options)}


@router.post(APP + "/reports/drill")
async def drill_unsaved(app_key: str, body: DrillBody, request: Request, conn: Conn, actor: CurrentActor,
                        clock: ClockDep) -> dict:
    v = await _viewer(conn, clock, actor, app_key)
    if body.definition is None:
        raise Invalid("Send the report's definition.", [{"path": "definition", "message": "Required."}])
    definition = service.parse(body.definition, "definition")
    return await service.drill(v, definition, body.values, await _options(v, definition, body, request, "definition"))


@router.post(APP + "/reports/{report_id}/drill")
async def drill_saved(app_key: str, report_id: int, body: DrillBody, request: Request, conn: Conn, actor: CurrentActor,
                      clock: ClockDep) -> dict:
    v = await _viewer(conn, clock, actor, app_key)
    _, definition = await _saved(v, report_id)
    return await service.drill(v, definition, body.values, await _options(v, definition, body, request))


def _download(content: bytes, media_type: str, name: str) -> Response:
    ascii_name = name.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    return Response(content, media_type=media_type,
                    headers={"content-disposition": disposition, "x-content-type-options": "nosniff"})


@router.get(APP + "/reports/{report_id}/export")
async def export_saved(app_key: str, report_id: int, request: Request, conn: Conn, actor: CurrentActor, clock: ClockDep,
                       format: Literal["xlsx", "csv"] = "xlsx", params: str | None = Query(None, max_length=20000)) -> Response:
    v = await _viewer(conn, clock, actor, app_key)
    row, definition = await _saved(v, report_id)
    options = await _options(v, definition, _query_params(params, RunParams, False), request)
    return _download(*await service.export(v, definition, format, row["name"], options, f"report:{report_id}"))


@router.post(APP + "/reports/export")
async def export_unsaved(app_key: str, body: ExportBody, request: Request, conn: Conn, actor: CurrentActor,
                         clock: ClockDep) -> Response:
    v = await _viewer(conn, clock, actor, app_key)
    definition = service.parse(body.definition, "definition")
    name = definition.label.text(v.locale) if definition.label else "report"
    options = await _options(v, definition, body, request, "definition")
    return _download(*await service.export(v, definition, body.format, name, options))


@router.get(APP + "/forms/{form_key}/records/{record_id}/charts")
async def record_charts(app_key: str, form_key: str, record_id: int, request: Request, conn: Conn, actor: CurrentActor,
                        clock: ClockDep) -> dict:
    """The charts on a record's page: saved reports with `record_page` linking to this form."""
    v = await _viewer(conn, clock, actor, app_key)
    return {"items": await service.record_charts(v, form_key, record_id, timeout_of(request))}


# -- dashboards --------------------------------------------------------------------------------------


def dashboard_out(row: dict[str, Any]) -> dict[str, Any]:
    return {k: row[k] for k in ("id", "name", "description", "definition", "share", "is_home", "version", "created_at",
                                "updated_at")}


@router.get(APP + "/dashboards")
async def list_dashboards(app_key: str, conn: Conn, actor: CurrentActor, clock: ClockDep) -> dict:
    v = await _viewer(conn, clock, actor, app_key)
    return {"items": [dashboard_out(r) for r in await boards.visible(v)]}


@router.get(APP + "/dashboards/{dashboard_id}")
async def get_dashboard(app_key: str, dashboard_id: int, conn: Conn, actor: CurrentActor, clock: ClockDep) -> dict:
    v = await _viewer(conn, clock, actor, app_key)
    return dashboard_out(await boards.opened(v, dashboard_id))


def _filter_values(filters: str | None) -> dict[str, Any]:
    try:
        values = json.loads(filters) if filters else {}
    except json.JSONDecodeError:
        values = None
    if not isinstance(values, dict):
        raise Invalid("`filters` is a JSON object of global filter values.",
                      [{"path": "filters", "message": "Expected a JSON object.", "message_zh": "应为 JSON 对象。"}],
                      detail_zh="`filters` 应为全局筛选值的 JSON 对象。")
    return values


FiltersQuery = Query(None, max_length=20000, description="JSON: global filter key → value")


@router.get(APP + "/dashboards/{dashboard_id}/data")
async def dashboard_data(app_key: str, dashboard_id: int, request: Request, conn: Conn, actor: CurrentActor,
                         clock: ClockDep, filters: str | None = FiltersQuery, fresh: bool = False) -> dict:
    v = await _viewer(conn, clock, actor, app_key)
    row = await boards.opened(v, dashboard_id)
    return await boards.data(v, row, _filter_values(filters), fresh, timeout_of(request))


@router.post(APP + "/dashboards/{dashboard_id}/drill")
async def dashboard_drill(app_key: str, dashboard_id: int, body: DashboardDrillBody, request: Request, conn: Conn,
                          actor: CurrentActor, clock: ClockDep) -> dict:
    v = await _viewer(conn, clock, actor, app_key)
    row = await boards.opened(v, dashboard_id)
    return await boards.drill(v, row, body.widget, body.filters, body.path, body.fresh, timeout_of(request))


# -- public links and PNG/PDF export -------------------------------------------------------------------


@router.get(APP + "/dashboards/{dashboard_id}/links")
async def list_links(app_key: str, dashboard_id: int, conn: Conn, actor: CurrentActor, clock: ClockDep) -> dict:
    return {"items": await links.listed(await _viewer(conn, clock, actor, app_key), dashboard_id)}


@router.post(APP + "/dashboards/{dashboard_id}/links", status_code=201)
async def create_link(app_key: str, dashboard_id: int, body: LinkBody, conn: Conn, actor: CurrentActor,
                      clock: ClockDep, settings: SettingsDep) -> dict:
    v = await _viewer(conn, clock, actor, app_key)
    return await links.create(v, settings, dashboard_id, body.name, body.expires_in_days, filters=body.filters)


@router.delete(APP + "/dashboard-links/{link_id}", status_code=204)
async def revoke_link(app_key: str, link_id: int, conn: Conn, actor: CurrentActor, clock: ClockDep) -> Response:
    await links.revoke(await _viewer(conn, clock, actor, app_key), link_id)
    return Response(status_code=204)


@router.get(APP + "/dashboards/{dashboard_id}/export")
async def export_dashboard(app_key: str, dashboard_id: int, request: Request, actor: CurrentActor, clock: ClockDep,
                           settings: SettingsDep, format: Literal["png", "pdf"] = "png",
                           filters: str | None = FiltersQuery) -> Response:
    """The whole board as PNG or PDF, drawn by headless Chromium from the board's own page through
    a link that lives for the seconds it takes (runtime/reports/snapshot.py)."""
    values = _filter_values(filters)
    executable = snapshot.browser_path(settings)
    if executable is None:
        raise snapshot.unavailable()
    db = request.app.state.db
    async with db.transaction() as conn:
        v = await _viewer(conn, clock, actor, app_key)
        link = await links.create(v, settings, dashboard_id, "export", None, purpose="export",
                                  lifetime=timedelta(seconds=settings.export_timeout_seconds * 2), filters=values)
        name = (await boards.opened(v, dashboard_id))["name"]
        audit.record(conn, actor, "dashboard.export", target_type=f"{app_key}.dashboard", target_id=dashboard_id,
                     after={"format": format})
    base = (settings.render_url or str(request.base_url)).rstrip("/")
    try:
        content = await snapshot.render(f"{base}{link['path']}?print=1", format, executable,
                                        settings.export_timeout_seconds)
    finally:
        async with db.transaction() as conn:
            await links.forget(conn, link["id"])
    return _download(content, "image/png" if format == "png" else "application/pdf", f"{name}.{format}")


@router.get(APP + "/dashboards/{dashboard_id}/schedules")
async def list_schedules(app_key: str, dashboard_id: int, conn: Conn, actor: CurrentActor, clock: ClockDep) -> dict:
    return {"items": await schedules.listed(await _viewer(conn, clock, actor, app_key), dashboard_id)}


@router.post(APP + "/dashboards/{dashboard_id}/schedules", status_code=201)
async def create_schedule(app_key: str, dashboard_id: int, body: ScheduleBody, conn: Conn, actor: CurrentActor,
                          clock: ClockDep) -> dict:
    """Send the board by e-mail on a cron schedule, drawn as its scheduler sees it now."""
    return await schedules.create(await _viewer(conn, clock, actor, app_key), dashboard_id, body.model_dump(mode="json"))


@router.patch(APP + "/dashboard-schedules/{schedule_id}")
async def change_schedule(app_key: str, schedule_id: int, body: ScheduleChange, conn: Conn, actor: CurrentActor,
                          clock: ClockDep) -> dict:
    return await schedules.change(await _viewer(conn, clock, actor, app_key), schedule_id, body.enabled)


@router.delete(APP + "/dashboard-schedules/{schedule_id}", status_code=204)
async def delete_schedule(app_key: str, schedule_id: int, conn: Conn, actor: CurrentActor, clock: ClockDep) -> Response:
    await schedules.remove(await _viewer(conn, clock, actor, app_key), schedule_id)
    return Response(status_code=204)


@router.post(APP + "/dashboard-schedules/{schedule_id}/send", status_code=202)
async def send_schedule_now(app_key: str, schedule_id: int, conn: Conn, actor: CurrentActor, clock: ClockDep) -> dict:
    return await schedules.send_now(await _viewer(conn, clock, actor, app_key), schedule_id)


def _locale(request: Request) -> str:
    return "en" if request.headers.get("accept-language", "").lower().startswith("en") else "zh-CN"


@router.get("/api/public/dashboards/{token}")
async def public_dashboard(token: str, request: Request, conn: Conn, clock: ClockDep, settings: SettingsDep,
                           meta: Meta) -> dict:
    v, row, _ = await links.opened(conn, settings, clock, token, _locale(request), meta)
    board = {key: value for key, value in dashboard_out(row).items() if key != "share"}
    return {"app": {key: v.app[key] for key in ("key", "name", "icon", "color")}, "dashboard": board}


@router.get("/api/public/dashboards/{token}/data")
async def public_dashboard_data(token: str, request: Request, conn: Conn, clock: ClockDep, settings: SettingsDep,
                                meta: Meta, filters: str | None = FiltersQuery) -> dict:
    v, row, fixed = await links.opened(conn, settings, clock, token, _locale(request), meta)
    return await boards.data(v, row, {**_filter_values(filters), **fixed}, False, timeout_of(request))


@router.post("/api/public/dashboards/{token}/drill")
async def public_dashboard_drill(token: str, body: DashboardDrillBody, request: Request, conn: Conn, clock: ClockDep,
                                 settings: SettingsDep, meta: Meta) -> dict:
    """One level deeper only: a public link never opens records."""
    v, row, fixed = await links.opened(conn, settings, clock, token, _locale(request), meta)
    return await boards.drill(v, row, body.widget, {**body.filters, **fixed}, body.path, False, timeout_of(request),
                              records=False)
