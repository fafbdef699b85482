"""SQL for the file store: the `files` table only."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from runtime.tables.files import files


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
