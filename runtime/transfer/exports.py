"""Exporting a filtered, sorted list of records to .xlsx or .csv.

The rows come from the records service's own list (same gate, same filter, sort and search, the
user's readable fields only), page by page with its keyset cursor, so an export never holds
more than one page of records in memory. CSV streams as it is read; XLSX is written to a
temporary file in constant-memory mode and streamed once complete. Each export is audited
before its first byte leaves.
"""

from __future__ import annotations

import asyncio
import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, AsyncIterator

from sqlalchemy.ext.asyncio import AsyncConnection

from core.clock import Clock
from core.db import Database
from core.errors import Invalid
from engines.form.types import FieldSpec, StorageKind
from runtime.audit import service as audit
from runtime.context import Actor
from runtime.records import service as records
from runtime.transfer.writer import MAX_XLSX_ROWS, CsvRows, XlsxSheet

PAGE = 500
CHUNK = 1 << 20
NOT_EXPORTED = (StorageKind.NONE, StorageKind.CHILD)


@dataclass
class ExportPlan:
    app_key: str
    form_key: str
    file_format: str
    query: dict[str, Any]
    keys: list[str]
    headers: list[str]
    count: int
    sheet_name: str


async def prepare(conn: AsyncConnection, clock: Clock, actor: Actor, app_key: str, form_key: str,
                  query: dict[str, Any], file_format: str) -> ExportPlan:
    """Authorizes, checks the query (422 on a bad filter or field) and counts the rows."""
    t = await records.open_form(conn, clock, actor, app_key, form_key, "export")
    readable = t.scope.readable
    specs = [s for s in t.form.specs.values()
             if s.type.storage not in NOT_EXPORTED and (readable is None or s.key in readable)]
    wanted = query.get("fields")
    if wanted:
        known = {s.key for s in specs}
        unknown = [f for f in wanted if f not in known]
        if unknown:
            raise Invalid("Unknown fields requested.", [{"path": "fields", "message": f"Unknown field '{u}'."} for u in unknown])
        specs = [s for s in specs if s.key in wanted]
    base = {k: v for k, v in query.items() if k in ("filter", "sort", "search")}
    counted = await records.list_records(t, {**base, "limit": 1, "count": True, "fields": [s.key for s in specs]})
    count = counted["total"] or 0
    if file_format == "xlsx" and count > MAX_XLSX_ROWS:
        raise Invalid(f"{count} rows do not fit in one Excel sheet; export CSV or narrow the filter.",
                      [{"path": "format", "message": f"At most {MAX_XLSX_ROWS} rows in .xlsx."}])
    locale = actor.principal.locale if actor.principal else "zh-CN"
    headers = ["ID"] + [s.definition.label.text(locale) for s in specs]
    return ExportPlan(app_key, form_key, file_format, base, [s.key for s in specs], headers, count,
                      t.form.definition.label.text(locale))


def record_audit(conn: AsyncConnection, actor: Actor, plan: ExportPlan) -> None:
    audit.record(conn, actor, "record.export", target_type=f"{plan.app_key}.{plan.form_key}",
                 after={"format": plan.file_format, "rows": plan.count, "fields": plan.keys, **plan.query})


async def pages(db: Database, clock: Clock, actor: Actor, plan: ExportPlan) -> AsyncIterator[list[list[Any]]]:
    """Rows of cells, a page at a time, read in one transaction through the records service."""
    async with db.transaction(write=False) as conn:
        t = await records.open_form(conn, clock, actor, plan.app_key, plan.form_key, "export")
        specs = [t.form.specs[k] for k in plan.keys]
        cursor = None
        while True:
            page = await records.list_records(t, {**plan.query, "limit": PAGE, "cursor": cursor, "fields": plan.keys})
            yield [[item["id"]] + [_cell(spec, item.get(spec.key)) for spec in specs] for item in page["items"]]
            if not page["has_more"]:
                return
            cursor = page["next_cursor"]


async def csv_stream(db: Database, clock: Clock, actor: Actor, plan: ExportPlan) -> AsyncIterator[bytes]:
    out = CsvRows()
    yield out.encode([plan.headers])
    async for rows in pages(db, clock, actor, plan):
        yield out.encode(rows)


async def xlsx_stream(db: Database, clock: Clock, actor: Actor, plan: ExportPlan) -> AsyncIterator[bytes]:
    with tempfile.TemporaryDirectory(prefix="qiqiao-export-") as folder:
        path = Path(folder) / "export.xlsx"
        sheet = await asyncio.to_thread(XlsxSheet, path, plan.sheet_name, plan.headers)
        try:
            async for rows in pages(db, clock, actor, plan):
                await asyncio.to_thread(_write_all, sheet, rows)
        finally:
            await asyncio.to_thread(sheet.close)
        with open(path, "rb") as fh:
            while chunk := await asyncio.to_thread(fh.read, CHUNK):
                yield chunk


def _write_all(sheet: XlsxSheet, rows: list[list[Any]]) -> None:
    for row in rows:
        sheet.write(row)


def _cell(spec: FieldSpec, value: Any) -> Any:
    """A serialized value (as the list API returns it) → the field's plain cell."""
    if value is None:
        return None
    storage = spec.type.storage
    if storage is StorageKind.SYSTEM:
        return value
    if storage is StorageKind.DECIMAL and isinstance(value, str):
        value = Decimal(value)
    elif storage is StorageKind.DATE and isinstance(value, str):
        value = date.fromisoformat(value)
    elif storage is StorageKind.DATETIME and isinstance(value, str):
        value = datetime.fromisoformat(value)
    return spec.type.to_cell(spec, value)
