"""Importing a spreadsheet into a form: upload and preview, column mapping, then a job that
validates every row and writes in batches through the records service.

Modes: insert, update or upsert by a key field (or `id` for updates). With `on_error="skip"`
each batch commits on its own and bad rows are reported; with `on_error="abort"` the whole
import is one transaction that rolls back if any row is bad. A dry run takes the same path in
one transaction that always rolls back, so its counts are exactly what a real run would do.
Blank cells leave a stored value unchanged when a row updates a record. Rows are numbered as
the spreadsheet shows them (the header is row 1), so `rows.17.amount` is cell "amount" of row 17.
"""

from __future__ import annotations

import asyncio
import contextlib
import pickle
import re
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy.ext.asyncio import AsyncConnection

from core import collector
from core.clock import Clock
from core.db import Database
from core.errors import AppError, Conflict, Forbidden, Invalid, NotFound
from core.settings import Settings
from engines.form.compiled import CompiledForm
from engines.form.types import FieldSpec, FieldType, FieldValueError, StorageKind
from engines.form.validate import validate_input
from runtime.audit import service as audit
from runtime.context import Actor
from runtime.records import service as records
from runtime.records.service import Target
from runtime.transfer import jobs, repository as repo, sheets
from runtime.transfer.writer import XlsxSheet
from runtime.worker.context import WorkContext
from runtime.worker.loop import periodic

DEFAULT_MAX_IMPORT_BYTES = 50 * 1024 * 1024
UPLOAD_TTL = timedelta(hours=24)
BATCH = 1_000
KEPT_ERRORS = 100
KEY_STORAGES = (StorageKind.TEXT, StorageKind.DECIMAL, StorageKind.INTEGER, StorageKind.DATE, StorageKind.TIME)
NOT_IMPORTED = (StorageKind.NONE, StorageKind.SYSTEM, StorageKind.CHILD)
_MARKS = re.compile(r"[\s*＊:：()（）\[\]【】]|必填|required", re.IGNORECASE)


async def on_startup(db: Database, settings: Settings, clock: Clock) -> None:
    """Call once before serving: fail the jobs of processes that stopped, release their uploads,
    and delete expired uploads and reports. Live jobs of other processes are left alone."""
    async with db.transaction() as conn:
        await recover_interrupted(conn, settings, clock)
        await sweep_expired(conn, settings, clock)


async def recover_interrupted(conn: AsyncConnection, settings: Settings, clock: Clock) -> list[int]:
    """Jobs whose process stopped (no heartbeat for `QIQIAO_JOB_STALE_SECONDS`) are failed and
    their uploads released; returns the failed job ids."""
    failed = await jobs.fail_stale_jobs(conn, clock, settings.job_stale_seconds)
    for row in await repo.release_interrupted(conn):
        rows_path(settings, row["file_key"]).unlink(missing_ok=True)
    return failed


@periodic("imports.recover_interrupted", every=timedelta(seconds=30))
async def _recover_in_worker(ctx: WorkContext) -> None:
    async with ctx.db.transaction() as conn:
        await recover_interrupted(conn, ctx.settings, ctx.clock)


async def on_shutdown() -> None:
    """Call when the server stops: running jobs are cancelled and recorded as interrupted."""
    await jobs.stop_all()


def import_limit(settings: Settings) -> int:
    """`QIQIAO_MAX_IMPORT_BYTES` (50 MiB by default)."""
    return int(getattr(settings, "max_import_bytes", DEFAULT_MAX_IMPORT_BYTES))


def imports_dir(settings: Settings) -> Path:
    return settings.var_dir / "imports"


def rows_path(settings: Settings, file_key: str) -> Path:
    return imports_dir(settings) / f"{file_key}.rows"


def report_path(settings: Settings, report_key: str) -> Path:
    return imports_dir(settings) / f"{report_key}.xlsx"


# -- upload and preview ---------------------------------------------------------------------------


async def receive(conn: AsyncConnection, settings: Settings, clock: Clock, actor: Actor, app_id: int,
                  form_key: str | None, stream: BinaryIO, filename: str | None) -> dict[str, Any]:
    """Stores the upload under a random name, checks and reads it, and records it for 24 hours."""
    await sweep_expired(conn, settings, clock)
    folder = imports_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    file_key = secrets.token_urlsafe(24)
    original, normalised = folder / f"{file_key}.upload", rows_path(settings, file_key)
    try:
        await asyncio.to_thread(_save, stream, original, import_limit(settings))
        info = await asyncio.to_thread(sheets.ingest, original, normalised, filename)
    except BaseException:
        normalised.unlink(missing_ok=True)
        raise
    finally:
        original.unlink(missing_ok=True)
    now = clock.now()
    upload_id = await repo.add_upload(conn, {
        "app_id": app_id, "form_key": form_key, "file_key": file_key, "file_format": info.file_format,
        "encoding": info.encoding, "sheet": info.sheet, "columns": info.columns, "row_count": info.row_count,
        "status": "ready", "created_by": actor.id, "created_at": now, "expires_at": now + UPLOAD_TTL,
    })
    return {"id": upload_id, "info": info}


def _save(stream: BinaryIO, path: Path, limit: int) -> None:
    size = 0
    with open(path, "wb") as out:
        while chunk := stream.read(1 << 20):
            size += len(chunk)
            if size > limit:
                raise sheets.SheetError("file_too_large", f"The file exceeds the limit of {limit} bytes.",
                                        f"文件超过 {limit} 字节的上限。", status=413)
            out.write(chunk)


async def sweep_expired(conn: AsyncConnection, settings: Settings, clock: Clock) -> int:
    """Deletes uploads (and their rows and reports) past their expiry."""
    expired = await repo.take_expired(conn, clock.now())
    for row in expired:
        rows_path(settings, row["file_key"]).unlink(missing_ok=True)
        if row["report_key"]:
            report_path(settings, row["report_key"]).unlink(missing_ok=True)
    return len(expired)


async def upload_of(conn: AsyncConnection, actor: Actor, upload_id: int, app_id: int, form_key: str | None) -> dict[str, Any]:
    """The upload if this user made it (or is an administrator) for this form; else 404."""
    row = await repo.upload(conn, upload_id)
    principal = actor.principal
    if (row is None or row["app_id"] != app_id or row["form_key"] != form_key or principal is None
            or (row["created_by"] != principal.id and not principal.is_admin)):
        raise NotFound("import")
    return row


def importable(form: CompiledForm, writable: frozenset[str] | None) -> list[FieldSpec]:
    return [
        s for s in form.specs.values()
        if s.type.storage not in NOT_IMPORTED and not s.type.computed and not s.definition.read_only
        and (writable is None or s.key in writable)
    ]


def _norm(text: str) -> str:
    return _MARKS.sub("", text).casefold()


def suggest_mapping(columns: list[str], form: CompiledForm, writable: frozenset[str] | None) -> list[dict[str, Any]]:
    """Each column matched to a field by its zh-CN or English label, or its key; each field once."""
    names: dict[str, str] = {"id": "id"}
    for spec in importable(form, writable):
        label = spec.definition.label
        for name in (spec.key, label.en, label.zh_CN):
            if name:
                names.setdefault(_norm(name), spec.key)
    taken: set[str] = set()
    out = []
    for index, header in enumerate(columns):
        key = names.get(_norm(header)) if header else None
        if key in taken:
            key = None
        if key:
            taken.add(key)
        out.append({"column": index, "header": header, "field": key})
    return out


def preview_out(upload_id: int, info: sheets.SheetInfo, form: CompiledForm, writable: frozenset[str] | None,
                locale: str) -> dict[str, Any]:
    return {
        "id": upload_id,
        "file": {"format": info.file_format, "encoding": info.encoding, "sheet": info.sheet, "rows": info.row_count},
        "columns": [{"index": i, "header": h} for i, h in enumerate(info.columns)],
        "preview": info.preview,
        "suggested_mapping": suggest_mapping(info.columns, form, writable),
        "fields": [{"key": s.key, "label": s.definition.label.text(locale), "type": s.type.type,
                    "required": s.definition.required} for s in importable(form, writable)],
    }


# -- starting a run -------------------------------------------------------------------------------


@dataclass
class RunOptions:
    mapping: list[tuple[int, str]]
    mode: str = "insert"
    key_field: str | None = None
    on_error: str = "skip"
    dry_run: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"mapping": [{"column": c, "field": f} for c, f in self.mapping], "mode": self.mode,
                "key_field": self.key_field, "on_error": self.on_error, "dry_run": self.dry_run}


def check_options(t: Target, columns: list[str], options: RunOptions) -> None:
    """Everything that can be wrong before a single row is read: 422 naming the part."""
    form, scope = t.form, t.scope
    errors: list[dict[str, Any]] = []
    fields = {s.key: s for s in importable(form, scope.writable)}
    seen: set[str] = set()
    for index, (column, key) in enumerate(options.mapping):
        path = f"mapping.{index}"
        if not 0 <= column < len(columns):
            errors.append({"path": f"{path}.column", "message": f"There is no column {column}."})
        if key != "id" and key not in fields:
            why = "is not a field of this form" if key not in form.specs else "cannot be imported (computed or read-only for you)"
            errors.append({"path": f"{path}.field", "message": f"'{key}' {why}."})
        if key in seen:
            errors.append({"path": f"{path}.field", "message": f"'{key}' is mapped twice."})
        seen.add(key)
    if options.mode in ("update", "upsert"):
        key = options.key_field
        if not key or key not in seen:
            errors.append({"path": "key_field", "message": "Name the mapped field that identifies existing records."})
        elif key == "id" and options.mode == "upsert":
            errors.append({"path": "key_field", "message": "Upsert needs a field of the form, not the record id."})
        elif key != "id" and fields[key].type.storage not in KEY_STORAGES:
            errors.append({"path": "key_field", "message": f"A {fields[key].type.type} field cannot identify records."})
    if options.mode in ("insert", "upsert"):
        missing = [s.key for s in fields.values() if s.definition.required and not s.definition.hidden and s.key not in seen]
        if missing:
            errors.append({"path": "mapping", "message": f"Required fields are not mapped: {', '.join(missing)}.",
                           "fields": missing})
    if not [k for k in seen if k != "id"]:
        errors.append({"path": "mapping", "message": "Map at least one column to a field."})
    if errors:
        raise Invalid("The import cannot run as asked.", errors)
    if options.mode in ("insert", "upsert") and not scope.allows("create"):
        raise Forbidden("You may not create records of this form.")
    if options.mode in ("update", "upsert") and not scope.allows("edit"):
        raise Forbidden("You may not edit records of this form.")


async def start_run(conn: AsyncConnection, clock: Clock, actor: Actor, t: Target, upload: dict[str, Any],
                    options: RunOptions) -> int:
    if upload["status"] == "running":
        raise Conflict("This file is being imported already.", code="import_running")
    if upload["status"] == "done":
        raise Conflict("This file has been imported; upload it again to import it once more.", code="import_done")
    check_options(t, upload["columns"], options)
    job_id = await jobs.create_job(conn, clock, actor, "import", upload["row_count"],
                                   {"upload_id": upload["id"], "app": t.loaded.app["key"], "form": t.form.key,
                                    **options.to_json()})
    await repo.set_upload(conn, upload["id"], status="running", job_id=job_id)
    return job_id


async def launch(db: Database, settings: Settings, clock: Clock, actor: Actor, job_id: int, upload: dict[str, Any],
           app_key: str, form_key: str, options: RunOptions) -> None:
    """Start the job's task; call after the unit of work that created the job committed."""
    run = _Run(db, settings, clock, actor, job_id, upload, app_key, form_key, options)
    jobs.start(db, clock, job_id, run.execute)


# -- the run --------------------------------------------------------------------------------------


class _Rollback(Exception):
    pass


@dataclass
class _Row:
    number: int
    cells: list[Any]
    data: dict[str, Any] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)
    action: str = "create"
    record_id: int | None = None
    key_value: Any = None


class _Run:
    def __init__(self, db: Database, settings: Settings, clock: Clock, actor: Actor, job_id: int,
                 upload: dict[str, Any], app_key: str, form_key: str, options: RunOptions) -> None:
        self.db, self.settings, self.clock, self.actor, self.job_id = db, settings, clock, actor, job_id
        self.upload, self.app_key, self.form_key, self.options = upload, app_key, form_key, options
        self.locale = actor.principal.locale if actor.principal else "zh-CN"
        self.columns: list[str] = upload["columns"]
        self.processed = self.created = self.updated = self.refused = 0
        self.written = False  # some batch committed: the file must not be imported again
        self.kept: list[dict[str, Any]] = []
        self.error_count = 0
        self.seen_keys: dict[Any, int] = {}
        self.seen_unique: dict[str, dict[Any, int]] = {}
        self.stop_writing = False
        self.bad_file = imports_dir(settings) / f"{upload['file_key']}.bad"
        self.bad_out: BinaryIO | None = None

    # one transaction per batch (skip) or one for everything (abort, dry run)
    async def execute(self) -> dict[str, Any]:
        opts = self.options
        chunks = sheets.read_rows(rows_path(self.settings, self.upload["file_key"]))
        outcome = "failed"
        self.bad_out = open(self.bad_file, "wb")
        try:
            if opts.dry_run or opts.on_error == "abort":
                outcome = await self._in_one_transaction(chunks)
            else:
                outcome = await self._batch_by_batch(chunks)
        finally:
            self.bad_out.close()
            await self._close_upload(outcome)
            if outcome == "failed" or not self.refused:
                self.bad_file.unlink(missing_ok=True)
        report = await self._report() if self.refused else None
        if report:
            async with self.db.transaction() as conn:
                await repo.set_upload(conn, self.upload["id"], report_key=report)
        kept = outcome != "rolled_back"
        return {
            "outcome": outcome, "dry_run": opts.dry_run, "mode": opts.mode, "on_error": opts.on_error,
            "total": self.upload["row_count"], "processed": self.processed,
            "created": self.created if kept else 0, "updated": self.updated if kept else 0,
            "refused": self.refused, "valid": self.created + self.updated,
            "error_count": self.error_count, "errors": self.kept, "error_report": report is not None,
        }

    async def _in_one_transaction(self, chunks: Any) -> str:
        """All or nothing, and dry runs: one unit of work, rolled back unless every row is good."""
        try:
            async with self.db.transaction() as conn:
                t = await self._target(conn)
                while (chunk := await asyncio.to_thread(next, chunks, None)) is not None:
                    await self._batch(t, chunk)
                if self.options.dry_run or self.refused:
                    raise _Rollback()
                self._audit(conn)
        except _Rollback:
            return "dry_run" if self.options.dry_run else "rolled_back"
        self.written = True
        return "imported"

    async def _batch_by_batch(self, chunks: Any) -> str:
        """Skip bad rows: each batch commits with the job's progress; good batches stay."""
        while (chunk := await asyncio.to_thread(next, chunks, None)) is not None:
            async with self.db.transaction() as conn:
                t = await self._target(conn)
                await self._batch(t, chunk)
                await jobs.set_progress(conn, self.clock, self.job_id, self.processed)
            self.written = True
        async with self.db.transaction() as conn:
            self._audit(conn)
        return "partial" if self.refused else "imported"

    async def _target(self, conn: AsyncConnection) -> Target:
        return await records.open_form(conn, self.clock, self.actor, self.app_key, self.form_key, "import", write=True)

    def _audit(self, conn: AsyncConnection) -> None:
        audit.record(conn, self.actor, "record.import", target_type=f"{self.app_key}.{self.form_key}",
                     target_id=self.upload["id"],
                     after={"mode": self.options.mode, "on_error": self.options.on_error, "rows": self.processed,
                            "created": self.created, "updated": self.updated, "refused": self.refused})

    async def _close_upload(self, outcome: str) -> None:
        done = self.written
        with contextlib.suppress(Exception):
            async with self.db.transaction() as conn:
                await repo.set_upload(conn, self.upload["id"], status="done" if done else "ready")
        if done:
            rows_path(self.settings, self.upload["file_key"]).unlink(missing_ok=True)

    async def _batch(self, t: Target, chunk: list[tuple[int, list[Any]]]) -> None:
        with collector.paused():  # a thousand rows in flight: see core/collector.py
            await self._batch_rows(t, chunk)

    async def _batch_rows(self, t: Target, chunk: list[tuple[int, list[Any]]]) -> None:
        form, opts = t.form, self.options
        rows = await asyncio.to_thread(self._prepare, form, chunk)
        if opts.mode != "insert":
            await self._find_records(t, rows)
        if self.stop_writing:  # nothing more is written: check the rows here instead of in the service
            for row in rows:
                if not row.errors:
                    self._validate(form, t.scope.writable, row)
        await self._check_unique(t, rows)
        good = [r for r in rows if not r.errors]
        if good and not self.stop_writing:
            await self._write(t, good)
        for row in rows:
            if row.errors:
                self._refuse(row)
            elif row.action == "create":
                self.created += 1
            else:
                self.updated += 1
        self.processed += len(rows)
        jobs.live_progress(self.job_id, self.processed, "validating" if self.stop_writing else "importing")

    def _prepare(self, form: CompiledForm, chunk: list[tuple[int, list[Any]]]) -> list[_Row]:
        """Cells → input values (pure; runs in a worker thread).

        The key field, unique fields and types with their own cell reading are converted here,
        since lookups need their stored values; every other cell goes to the records service as
        it is, which parses it once while validating the row."""
        out = []
        key_field = self.options.key_field
        convert = {key for _, key in self.options.mapping if key in form.specs and (
            key == key_field or form.specs[key].definition.unique
            or type(form.specs[key].type).from_cell is not FieldType.from_cell)}
        for number, cells in chunk:
            row = _Row(number, cells)
            for column, key in self.options.mapping:
                cell = cells[column] if column < len(cells) else None
                if isinstance(cell, str):
                    cell = cell.strip() or None
                if key == "id":
                    row.key_value = _record_id(cell, row, self.columns[column])
                    continue
                if key in convert:
                    spec = form.specs[key]
                    try:
                        cell = spec.type.from_cell(spec, cell)
                    except FieldValueError as exc:
                        row.errors.append(_error(row.number, key, self.columns[column], exc.en, exc.zh, exc.code))
                        continue
                if cell is None and self.options.mode != "insert":
                    continue  # a blank cell leaves the stored value as it is when updating
                row.data[key] = cell
                if key == key_field:
                    row.key_value = cell
            out.append(row)
        return out

    async def _find_records(self, t: Target, rows: list[_Row]) -> None:
        key = self.options.key_field
        assert key is not None
        found = await repo.ids_by_value(t.conn, t.form, key, [r.key_value for r in rows if not r.errors],
                                        t.scope.row_filter)
        column = self._column_of(key)
        for row in rows:
            if row.errors:
                continue
            value = row.key_value
            if value is None:
                row.errors.append(_error(row.number, key, column, "The key is empty.", "匹配字段为空。", "key_empty"))
                continue
            first = self.seen_keys.setdefault(value, row.number)
            if first != row.number:
                row.errors.append(_error(row.number, key, column, f"The same key is on row {first} already.",
                                         f"与第 {first} 行的匹配值重复。", "key_repeated"))
                continue
            ids = found.get(value, [])
            if len(ids) > 1:
                row.errors.append(_error(row.number, key, column, f"{len(ids)} records have this key.",
                                         f"有 {len(ids)} 条记录具有该匹配值。", "key_ambiguous"))
            elif ids:
                row.action, row.record_id = "update", ids[0]
            elif self.options.mode == "update":
                row.errors.append(_error(row.number, key, column, "No record has this key.", "没有记录具有该匹配值。",
                                         "key_not_found"))

    def _validate(self, form: CompiledForm, writable: frozenset[str] | None, row: _Row) -> None:
        result = validate_input(form, row.data, partial=row.action == "update", writable=writable)
        self._add_problems(row, result.refused + result.errors, "invalid")

    def _add_problems(self, row: _Row, problems: list[dict[str, Any]], code: str, prefix: str = "") -> None:
        for problem in problems:
            path = str(problem.get("path", ""))[len(prefix):] or "record"
            key = path.split(".")[0]
            message = problem.get("message", "")
            row.errors.append(_error(row.number, path, self._column_of(key), message, problem.get("message_zh", message),
                                     problem.get("code", code)))

    async def _check_unique(self, t: Target, rows: list[_Row]) -> None:
        """Unique fields: against other rows of the file and against stored records."""
        for spec in t.form.specs.values():
            if not spec.definition.unique:
                continue
            candidates = [r for r in rows if not r.errors and r.data.get(spec.key) is not None]
            if not candidates:
                continue
            holders = await repo.holders(t.conn, t.form, spec.key, [r.data[spec.key] for r in candidates])
            seen = self.seen_unique.setdefault(spec.key, {})
            column = self._column_of(spec.key)
            for row in candidates:
                value = row.data[spec.key]
                first = seen.setdefault(value, row.number)
                if first != row.number:
                    row.errors.append(_error(row.number, spec.key, column, f"The same value is on row {first} already.",
                                             f"与第 {first} 行的值重复。", "not_unique"))
                elif holders.get(value, set()) - {row.record_id}:
                    row.errors.append(_error(row.number, spec.key, column, "This value is already used by another record.",
                                             "该值已被其他记录使用。", "not_unique"))

    async def _write(self, t: Target, rows: list[_Row]) -> None:
        creates = [r for r in rows if r.action == "create"]
        while creates:
            try:
                await records.bulk_create(t, [r.data for r in creates])
                break
            except (Invalid, Conflict, Forbidden) as exc:  # the service names rows as "3.amount": drop them, retry
                if not self._rows_named(exc, creates):
                    raise
                creates = [r for r in creates if not r.errors]
        for row in rows:
            if row.action != "update" or row.errors:
                continue
            assert row.record_id is not None
            try:
                await records.update(t, row.record_id, row.data, None)
            except (Invalid, Conflict, Forbidden, NotFound) as exc:
                self._add_problems(row, exc.errors or [{"path": "record", "message": exc.detail}], exc.code)

    def _rows_named(self, exc: AppError, rows: list[_Row]) -> bool:
        by_row: dict[int, list[dict[str, Any]]] = {}
        for problem in exc.errors:
            index = str(problem.get("path", "")).partition(".")[0]
            if index.isdigit() and int(index) < len(rows):
                by_row.setdefault(int(index), []).append(problem)
        for index, problems in by_row.items():
            self._add_problems(rows[index], problems, exc.code, prefix=f"{index}.")
        return bool(by_row)

    def _refuse(self, row: _Row) -> None:
        self.refused += 1
        self.error_count += len(row.errors)
        if self.options.on_error == "abort":
            self.stop_writing = True
        for error in row.errors:
            if len(self.kept) < KEPT_ERRORS:
                self.kept.append(error)
        assert self.bad_out is not None
        pickle.dump((row.number, row.cells, [self._message(e) for e in row.errors]), self.bad_out,
                    protocol=pickle.HIGHEST_PROTOCOL)

    def _message(self, error: dict[str, Any]) -> str:
        text = error["message_zh"] if self.locale.startswith("zh") else error["message"]
        return f"{error.get('column') or error['field']}: {text}"

    def _column_of(self, key: str) -> str:
        for column, field_key in self.options.mapping:
            if field_key == key:
                return self.columns[column]
        return key

    async def _report(self) -> str | None:
        report_key = secrets.token_urlsafe(24)
        target = report_path(self.settings, report_key)
        try:
            await asyncio.to_thread(_write_report, self.bad_file, target, self.columns, self.locale)
        finally:
            self.bad_file.unlink(missing_ok=True)
        return report_key


def _record_id(cell: Any, row: _Row, column: str) -> int | None:
    if cell is None:
        return None
    try:
        value = int(float(cell)) if not isinstance(cell, str) else int(cell.strip())
        if value > 0:
            return value
    except (TypeError, ValueError, OverflowError):
        pass
    row.errors.append(_error(row.number, "id", column, "Expected a record id.", "应为记录 ID。", "not_id"))
    return None


def _error(number: int, path: str, column: str, en: str, zh: str, code: str) -> dict[str, Any]:
    return {"row": number, "path": f"rows.{number}.{path}", "field": path.split(".")[0], "column": column,
            "message": en, "message_zh": zh, "code": code}


def _write_report(bad_file: Path, target: Path, columns: list[str], locale: str) -> None:
    zh = locale.startswith("zh")
    headers = ["行号" if zh else "Row", *columns, "错误" if zh else "Errors"]
    sheet = XlsxSheet(target, "错误" if zh else "Errors", headers)
    try:
        with open(bad_file, "rb") as fh:
            unpickler = sheets._RowsUnpickler(fh)
            while True:
                try:
                    number, cells, messages = unpickler.load()
                except EOFError:
                    break
                sheet.write([number, *cells, "；".join(messages) if zh else "; ".join(messages)], error_column=len(headers) - 1)
    finally:
        sheet.close()

