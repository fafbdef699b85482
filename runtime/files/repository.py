"""SQL for the file store: the `files` table and which forms refer to each file (`file_refs`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from runtime.tables.files import file_refs, files


async def insert_file(conn: AsyncConnection, **values: Any) -> int:
    return (await conn.execute(insert(files).values(**values).returning(files.c.id))).scalar_one()


async def file_by_key(conn: AsyncConnection, key: str) -> dict[str, Any] | None:
    row = (await conn.execute(select(files).where(files.c.key == key))).mappings().first()
    return dict(row) if row else None


async def files_by_keys(conn: AsyncConnection, keys: list[str]) -> dict[str, dict[str, Any]]:
    if not keys:
        return {}
    rows = (await conn.execute(select(files).where(files.c.key.in_(keys)))).mappings()
    return {row["key"]: dict(row) for row in rows}


async def note_references(conn: AsyncConnection, file_ids: list[int], form_id: int) -> None:
    """Remember that records of `form_id` name these files (once per file and form)."""
    if not file_ids:
        return
    known = {r[0] for r in await conn.execute(
        select(file_refs.c.file_id).where(file_refs.c.form_id == form_id, file_refs.c.file_id.in_(file_ids)))}
    new = sorted(set(file_ids) - known)
    if new:
        await conn.execute(insert(file_refs), [{"file_id": f, "form_id": form_id} for f in new])


async def referring_forms(conn: AsyncConnection, file_id: int) -> list[int]:
    return [r[0] for r in await conn.execute(select(file_refs.c.form_id).where(file_refs.c.file_id == file_id))]
