"""Excel → a new form in one step: upload a sheet, get a proposed definition (one field per
column, types inferred from the values), confirm it (edited or not), and the form is created,
published and filled with the sheet's rows by an import job.

POST /api/apps/{app}/excel-forms/preview   multipart file → {upload_id, definition, fields, …}
POST /api/apps/{app}/excel-forms           {upload_id, definition, mapping?, on_error?} → {form, job_id}
"""

from __future__ import annotations

import re
from itertools import islice
from typing import Annotated, Any, Literal

from fastapi import APIRouter, BackgroundTasks, File, Request, UploadFile
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.ext.asyncio import AsyncConnection

from builder.apps.service import require_designer
from builder.forms import service as forms
from core.clock import Clock
from core.errors import Invalid
from core.settings import Settings
from engines.form.definition import snake_key
from engines.form.infer import SAMPLE, propose_form
from runtime.context import Actor
from runtime.identity.deps import ClockDep, Conn, CurrentActor, SettingsDep
from runtime.records import service as records
from runtime.transfer import imports, sheets


async def preview(conn: AsyncConnection, settings: Settings, clock: Clock, actor: Actor, app_key: str,
                  stream: Any, filename: str | None) -> dict[str, Any]:
    app = await require_designer(conn, actor, app_key)
    got = await imports.receive(conn, settings, clock, actor, app["id"], None, stream, filename)
    info: sheets.SheetInfo = got["info"]
    sample = [cells for chunk in islice(sheets.read_rows(imports.rows_path(settings, await _file_key(conn, got["id"]))),
                                        SAMPLE // sheets.CHUNK_ROWS + 1) for _, cells in chunk]
    stem = re.sub(r"\.(xlsx|xlsm|csv|txt)$", "", (filename or "").strip(), flags=re.IGNORECASE)[:100] or info.sheet or "导入表单"
    definition, fields = propose_form(snake_key(stem) if re.search(r"[A-Za-z]", stem) else "imported", stem,
                                      info.columns, sample)
    return {
        "upload_id": got["id"],
        "file": {"format": info.file_format, "encoding": info.encoding, "sheet": info.sheet, "rows": info.row_count},
        "columns": [{"index": i, "header": h} for i, h in enumerate(info.columns)],
        "preview": info.preview,
        "definition": definition,
        "fields": [{"column": f.column, "header": f.header, "key": f.key, "type": f.type, "reason": f.reason}
                   for f in fields],
    }


async def _file_key(conn: AsyncConnection, upload_id: int) -> str:
    from runtime.transfer import repository

    row = await repository.upload(conn, upload_id)
    assert row is not None
    return row["file_key"]


async def confirm(conn: AsyncConnection, settings: Settings, clock: Clock, actor: Actor, app_key: str,
                  body: "ExcelFormCreate") -> tuple[dict[str, Any], int, dict[str, Any], imports.RunOptions]:
    """Creates and publishes the form and queues the import of the sheet's rows into it."""
    app = await require_designer(conn, actor, app_key)
    upload = await imports.upload_of(conn, actor, body.upload_id, app["id"], None)
    form_key = body.definition.get("key")
    created = await forms.create_form(conn, clock, actor, app_key, body.definition)
    if created["problems"]:
        raise Invalid("The form definition is not valid.", created["problems"], code="invalid_definition")
    published = await forms.publish(conn, clock, actor, app_key, form_key, "abort")
    await imports.repo.set_upload(conn, upload["id"], form_key=form_key)
    upload["form_key"] = form_key
    t = await records.open_form(conn, clock, actor, app_key, form_key, "import", write=True)
    if body.mapping is None:
        mapping = [(m["column"], m["field"]) for m in imports.suggest_mapping(upload["columns"], t.form, t.scope.writable)
                   if m["field"] and m["field"] != "id"]
    else:
        mapping = [(m.column, m.field) for m in body.mapping if m.field]
    options = imports.RunOptions(mapping, "insert", None, body.on_error, False)
    job_id = await imports.start_run(conn, clock, actor, t, upload, options)
    return {"key": form_key, "version": published["version"]}, job_id, upload, options


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Column(_Strict):
    column: int = Field(ge=0, lt=sheets.MAX_COLUMNS)
    field: str | None = Field(None, max_length=48)
    header: str | None = Field(None, max_length=1000, description="informational: the suggestion can be sent back as is")


class ExcelFormCreate(_Strict):
    upload_id: int
    definition: dict[str, Any] = Field(description="the proposed definition, as shown or as the builder edited it")
    mapping: list[_Column] | None = Field(None, description="column → field; by default matched by label")
    on_error: Literal["skip", "abort"] = "skip"


router = APIRouter(prefix="/api/apps/{app_key}/excel-forms", tags=["forms"])


@router.post("/preview", form_limits={"max_files": 1, "max_fields": 0})
async def preview_excel_form(app_key: str, file: Annotated[UploadFile, File(description=".xlsx or .csv")], conn: Conn,
                             actor: CurrentActor, settings: SettingsDep, clock: ClockDep) -> dict:
    return await preview(conn, settings, clock, actor, app_key, file.file, file.filename)


@router.post("", status_code=201)
async def create_excel_form(app_key: str, body: ExcelFormCreate, request: Request, background: BackgroundTasks,
                            conn: Conn, actor: CurrentActor, settings: SettingsDep, clock: ClockDep) -> dict:
    form, job_id, upload, options = await confirm(conn, settings, clock, actor, app_key, body)
    background.add_task(imports.launch, request.app.state.db, settings, clock, actor, job_id, upload, app_key,
                        form["key"], options)
    return {"form": form, "upload_id": upload["id"], "job_id": job_id}
