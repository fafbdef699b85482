"""The SQL of imports and exports: upload rows, and the two lookups an import makes over a record
table (ids by key value within the user's row scope; which records hold a unique value). Records
themselves are only ever written through the records service."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.elements import ColumnElement

from engines.form.compiled import CompiledForm
from runtime.tables.jobs import import_uploads

LOOKUP_CHUNK = 500


async def add_upload(conn: AsyncConnection, values: dict[str, Any]) -> int:
    return (await conn.execute(insert(import_uploads).values(**values).returning(import_uploads.c.id))).scalar_one()


async def upload(conn: AsyncConnection, upload_id: int) -> dict[str, Any] | None:
    row = (await conn.execute(select(import_uploads).where(import_uploads.c.id == upload_id))).mappings().first()
    return dict(row) if row else None


async def set_upload(conn: AsyncConnection, upload_id: int, **values: Any) -> None:
    await conn.execute(update(import_uploads).where(import_uploads.c.id == upload_id).values(**values))


async def take_expired(conn: AsyncConnection, now: datetime) -> list[dict[str, Any]]:
    """Deletes upload rows past their expiry (not while a job runs) and returns them."""
    rows = (
        await conn.execute(
            delete(import_uploads).where(import_uploads.c.expires_at < now, import_uploads.c.status != "running")
            .returning(import_uploads.c.file_key, import_uploads.c.report_key)
        )
    ).mappings().all()
    return [dict(r) for r in rows]


async def ids_by_value(conn: AsyncConnection, form: CompiledForm, key: str, values: list[Any],
                       row_filter: ColumnElement | None) -> dict[Any, list[int]]:
    """Live records the user may see whose `key` (a field, or "id") is one of `values`."""
    table = form.table
    column = table.c.id if key == "id" else table.c[key]
    out: dict[Any, list[int]] = {}
    distinct = list(dict.fromkeys(v for v in values if v is not None))
    for start in range(0, len(distinct), LOOKUP_CHUNK):
        query = select(column, table.c.id).prefix_with(form.tag).where(
            column.in_(distinct[start:start + LOOKUP_CHUNK]), table.c.deleted_at.is_(None))
        if row_filter is not None:
            query = query.where(row_filter)
        for value, record_id in await conn.execute(query.order_by(table.c.id)):
            out.setdefault(_normal(form, key, value), []).append(record_id)
    return out


async def holders(conn: AsyncConnection, form: CompiledForm, key: str, values: list[Any]) -> dict[Any, set[int]]:
    """Every live record (whoever may see it) holding one of `values` in the unique field `key`."""
    table = form.table
    out: dict[Any, set[int]] = {}
    distinct = list(dict.fromkeys(v for v in values if v is not None))
    for start in range(0, len(distinct), LOOKUP_CHUNK):
        query = select(table.c[key], table.c.id).prefix_with(form.tag).where(
            table.c[key].in_(distinct[start:start + LOOKUP_CHUNK]), table.c.deleted_at.is_(None))
        for value, record_id in await conn.execute(query):
            out.setdefault(_normal(form, key, value), set()).add(record_id)
    return out


def _normal(form: CompiledForm, key: str, value: Any) -> Any:
    if key == "id":
        return value
    spec = form.specs[key]
    return spec.type.from_db(spec, value)


async def release_interrupted(conn: AsyncConnection) -> list[dict[str, Any]]:
    """Uploads left "running" by a stopped process (their job is over, or gone): back to "ready" if
    the job never committed a batch, else "done" (some rows were imported; importing the file
    again would repeat them). Uploads of jobs still queued or running are left alone."""
    from runtime.tables.jobs import jobs

    rows = (
        await conn.execute(
            select(import_uploads.c.id, import_uploads.c.file_key, jobs.c.progress)
            .select_from(import_uploads.outerjoin(jobs, jobs.c.id == import_uploads.c.job_id))
            .where(import_uploads.c.status == "running",
                   or_(jobs.c.id.is_(None), jobs.c.status.not_in(("queued", "running"))))
        )
    ).mappings().all()
    for row in rows:
        await set_upload(conn, row["id"], status="done" if row["progress"] else "ready")
    return [dict(r) for r in rows if r["progress"]]
