"""Import and export endpoints, and the job status every background job reports through.

POST  /api/apps/{app}/forms/{form}/imports                 upload → preview and suggested mapping
GET   /api/apps/{app}/forms/{form}/imports/{id}            the upload and its last run
POST  /api/apps/{app}/forms/{form}/imports/{id}/run        start (or dry-run) the import → job id
GET   /api/apps/{app}/forms/{form}/imports/{id}/errors.xlsx
GET   /api/apps/{app}/forms/{form}/records/export          ?format=xlsx|csv&filter=&sort=&search=&fields=
POST  /api/apps/{app}/forms/{form}/records/export          the same as a JSON body
GET   /api/jobs/{id}
"""

from __future__ import annotations

import json
from typing import Annotated, Literal

from fastapi import APIRouter, BackgroundTasks, File, Query, Request, UploadFile
from fastapi.responses import FileResponse, StreamingResponse
from pydantic import ValidationError

from core.errors import Invalid, NotFound
from runtime.identity.deps import ClockDep, Conn, CurrentActor, SettingsDep
from runtime.records import service as records
from runtime.transfer import exports, imports, jobs
from runtime.transfer.schemas import ExportQuery, ImportRun
from runtime.transfer.writer import XLSX_MEDIA_TYPE

router = APIRouter(tags=["import and export"])
FORM = "/api/apps/{app_key}/forms/{form_key}"
DOWNLOAD_HEADERS = {"X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"}


@router.post(FORM + "/imports", status_code=201, form_limits={"max_files": 1, "max_fields": 0})
async def upload_for_import(
    app_key: str, form_key: str, file: Annotated[UploadFile, File(description=".xlsx or .csv; the first row holds headers")],
    conn: Conn, actor: CurrentActor, settings: SettingsDep, clock: ClockDep,
) -> dict:
    t = await records.open_form(conn, clock, actor, app_key, form_key, "import")
    got = await imports.receive(conn, settings, clock, actor, t.loaded.app["id"], form_key, file.file, file.filename)
    return imports.preview_out(got["id"], got["info"], t.form, t.scope.writable, _locale(actor))


@router.get(FORM + "/imports/{import_id}")
async def get_import(app_key: str, form_key: str, import_id: int, conn: Conn, actor: CurrentActor, clock: ClockDep) -> dict:
    t = await records.open_form(conn, clock, actor, app_key, form_key, "import")
    row = await imports.upload_of(conn, actor, import_id, t.loaded.app["id"], form_key)
    return {"id": row["id"], "status": row["status"], "job_id": row["job_id"], "error_report": bool(row["report_key"]),
            "file": {"format": row["file_format"], "encoding": row["encoding"], "sheet": row["sheet"], "rows": row["row_count"]},
            "columns": [{"index": i, "header": h} for i, h in enumerate(row["columns"])],
            "suggested_mapping": imports.suggest_mapping(row["columns"], t.form, t.scope.writable),
            "expires_at": row["expires_at"]}


@router.post(FORM + "/imports/{import_id}/run", status_code=202)
async def run_import(app_key: str, form_key: str, import_id: int, body: ImportRun, request: Request,
                     background: BackgroundTasks, conn: Conn, actor: CurrentActor, settings: SettingsDep,
                     clock: ClockDep) -> dict:
    t = await records.open_form(conn, clock, actor, app_key, form_key, "import", write=True)
    upload = await imports.upload_of(conn, actor, import_id, t.loaded.app["id"], form_key)
    options = imports.RunOptions([(m.column, m.field) for m in body.mapping if m.field], body.mode, body.key_field,
                                 body.on_error, body.dry_run)
    job_id = await imports.start_run(conn, clock, actor, t, upload, options)
    # Runs after the response's unit of work has committed, so the job sees its own row.
    background.add_task(imports.launch, request.app.state.db, settings, clock, actor, job_id, upload, app_key,
                        form_key, options)
    return {"id": import_id, "job_id": job_id}


@router.get(FORM + "/imports/{import_id}/errors.xlsx", response_class=FileResponse)
async def error_report(app_key: str, form_key: str, import_id: int, conn: Conn, actor: CurrentActor,
                       settings: SettingsDep, clock: ClockDep) -> FileResponse:
    t = await records.open_form(conn, clock, actor, app_key, form_key, "import")
    row = await imports.upload_of(conn, actor, import_id, t.loaded.app["id"], form_key)
    path = imports.report_path(settings, row["report_key"]) if row["report_key"] else None
    if path is None or not path.is_file():
        raise NotFound("error report", "This import has no error report.")
    return FileResponse(path, media_type=XLSX_MEDIA_TYPE, filename=f"{form_key}-import-errors.xlsx", headers=DOWNLOAD_HEADERS)


@router.get(FORM + "/records/export")
async def export_records(
    app_key: str, form_key: str, request: Request, conn: Conn, actor: CurrentActor, clock: ClockDep,
    format: Literal["xlsx", "csv"] = "xlsx",
    filter: str | None = Query(None, max_length=20000),
    sort: str | None = Query(None, max_length=300),
    search: str | None = Query(None, max_length=200),
    fields: str | None = Query(None, max_length=5000),
) -> StreamingResponse:
    try:
        query = ExportQuery(format=format, filter=json.loads(filter) if filter else None, sort=_csv(sort) or [],
                            search=search, fields=_csv(fields))
    except json.JSONDecodeError:
        raise Invalid("The filter is not valid JSON.", [{"path": "filter", "message": "Not valid JSON."}]) from None
    except ValidationError as exc:
        raise Invalid("The query is not valid.", [{"path": ".".join(map(str, e["loc"])), "message": e["msg"]}
                                                  for e in exc.errors()]) from None
    plan = await exports.prepare(conn, clock, actor, app_key, form_key, query.model_dump(exclude={"format"}), format)
    # This request's own unit of work only reads; the audit entry commits in its own, first.
    async with request.app.state.db.transaction() as audit_conn:
        exports.record_audit(audit_conn, actor, plan)
    return _stream(request, clock, actor, plan)


@router.post(FORM + "/records/export")
async def export_records_post(app_key: str, form_key: str, body: ExportQuery, request: Request, conn: Conn,
                              actor: CurrentActor, clock: ClockDep) -> StreamingResponse:
    plan = await exports.prepare(conn, clock, actor, app_key, form_key, body.model_dump(exclude={"format"}), body.format)
    exports.record_audit(conn, actor, plan)
    return _stream(request, clock, actor, plan)


@router.get("/api/jobs/{job_id}")
async def get_job(job_id: int, conn: Conn, actor: CurrentActor) -> dict:
    return await jobs.get_job(conn, actor, job_id)


def _stream(request: Request, clock, actor, plan: exports.ExportPlan) -> StreamingResponse:
    db = request.app.state.db
    stamp = clock.now().strftime("%Y%m%d-%H%M")
    if plan.file_format == "csv":
        body, media_type = exports.csv_stream(db, clock, actor, plan), "text/csv; charset=utf-8"
    else:
        body, media_type = exports.xlsx_stream(db, clock, actor, plan), XLSX_MEDIA_TYPE
    headers = {**DOWNLOAD_HEADERS, "Content-Disposition": f'attachment; filename="{plan.form_key}-{stamp}.{plan.file_format}"',
               "X-Total-Count": str(plan.count)}
    return StreamingResponse(body, media_type=media_type, headers=headers)


def _csv(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


def _locale(actor) -> str:
    return actor.principal.locale if actor.principal else "zh-CN"
