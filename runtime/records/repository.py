"""The only place that builds SQL over record tables (main, junction and subform tables)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Iterable
from weakref import WeakKeyDictionary

from pydantic_core import PydanticSerializationError, to_json
from sqlalchemy import Insert, Table, Text, bindparam, cast, delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.elements import ColumnElement

from engines.form.compiled import CompiledForm
from runtime.tables import record_history

# One INSERT … RETURNING per compiled form, built once: creating a record is the hottest write.
_INSERT_RETURNING: WeakKeyDictionary[Table, Insert] = WeakKeyDictionary()
# History rows carry every written value as JSON; it is serialized here, by pydantic-core (a third
# of json.dumps's cost on a bulk call's ten thousand rows), and bound as text.
_INSERT_HISTORY = {
    "sqlite": insert(record_history).values(changes=bindparam("changes", type_=Text())),
    "postgresql": insert(record_history).values(changes=cast(bindparam("changes", type_=Text()), JSONB)),
}


def _json_text(value: Any) -> str:
    try:
        return to_json(value).decode()
    except PydanticSerializationError:  # e.g. a lone surrogate, which json.dumps escapes
        return json.dumps(value)


def _insert_returning(form: CompiledForm) -> Insert:
    statement = _INSERT_RETURNING.get(form.table)
    if statement is None:
        statement = insert(form.table).prefix_with(form.tag).returning(*form.table.c)
        _INSERT_RETURNING[form.table] = statement
    return statement


async def insert_records(conn: AsyncConnection, form: CompiledForm, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Inserts rows in the order given. One row comes back as stored; several come back as their
    ids only (`{"id": …}` each, in order): nobody reads a bulk insert's rows back, and reading
    thousands of them costs more than writing them."""
    if len(rows) == 1:
        result = await conn.execute(_insert_returning(form), rows[0])
        return [dict(result.mappings().one())]
    # One statement serves every row, compiled for the first row's columns: a field only later
    # rows give would be dropped silently, so every row names every column any row has.
    keys = set().union(*rows)
    if any(len(row) != len(keys) for row in rows):
        rows = [{key: row.get(key) for key in keys} for row in rows]
    statement = insert(form.table).prefix_with(form.tag)
    if conn.dialect.name == "sqlite":
        # SQLAlchemy can only keep parameter order on SQLite by sending one statement per row;
        # batched multi-row INSERTs under the writer lock assign ascending ids in input order.
        result = await conn.execute(statement.returning(form.table.c.id), rows)
        return [{"id": record_id} for record_id in sorted(result.scalars())]
    result = await conn.execute(statement.returning(form.table.c.id, sort_by_parameter_order=True), rows)
    return [{"id": record_id} for record_id in result.scalars()]


async def set_refs(conn: AsyncConnection, form: CompiledForm, key: str, record_id: int, ids: list[int], replace: bool) -> None:
    junction = form.junctions[key]
    if replace:
        await conn.execute(delete(junction).prefix_with(form.tag).where(junction.c.record_id == record_id))
    if ids:
        await conn.execute(insert(junction).prefix_with(form.tag), [{"record_id": record_id, "target_id": t, "position": i} for i, t in enumerate(ids)])


async def set_children(conn: AsyncConnection, form: CompiledForm, key: str, record_id: int, rows: list[dict], replace: bool) -> None:
    child = form.children[key].table
    if replace:
        await conn.execute(delete(child).prefix_with(form.tag).where(child.c.parent_id == record_id))
    if rows:
        await conn.execute(insert(child).prefix_with(form.tag), [{**row, "parent_id": record_id, "position": i} for i, row in enumerate(rows)])


async def fetch_rows(conn: AsyncConnection, form: CompiledForm, where: Iterable[ColumnElement], order: list | None = None,
                     limit: int | None = None, offset: int | None = None) -> list[dict[str, Any]]:
    query = select(form.table).prefix_with(form.tag).where(*where)
    if order:
        query = query.order_by(*order)
    if limit is not None:
        query = query.limit(limit)
    if offset:
        query = query.offset(offset)
    return [dict(r) for r in (await conn.execute(query)).mappings()]


async def count_rows(conn: AsyncConnection, form: CompiledForm, where: Iterable[ColumnElement]) -> int:
    return (await conn.execute(select(func.count()).prefix_with(form.tag).select_from(form.table).where(*where))).scalar_one()


async def refs_of(conn: AsyncConnection, form: CompiledForm, key: str, record_ids: list[int]) -> dict[int, list[int]]:
    junction = form.junctions[key]
    out: dict[int, list[int]] = {rid: [] for rid in record_ids}
    if not record_ids:
        return out
    rows = await conn.execute(
        select(junction.c.record_id, junction.c.target_id).prefix_with(form.tag)
        .where(junction.c.record_id.in_(record_ids)).order_by(junction.c.record_id, junction.c.position)
    )
    for record_id, target_id in rows:
        out[record_id].append(target_id)
    return out


async def children_of(conn: AsyncConnection, form: CompiledForm, key: str, record_ids: list[int]) -> dict[int, list[dict]]:
    child = form.children[key].table
    out: dict[int, list[dict]] = {rid: [] for rid in record_ids}
    if not record_ids:
        return out
    rows = await conn.execute(
        select(child).prefix_with(form.tag).where(child.c.parent_id.in_(record_ids)).order_by(child.c.parent_id, child.c.position)
    )
    for row in rows.mappings():
        out[row["parent_id"]].append(dict(row))
    return out


async def child_values_of(conn: AsyncConnection, form: CompiledForm, key: str,
                          record_ids: list[int]) -> dict[int, list[dict]]:
    """Subform rows as field values only (no id, parent or position), e.g. for recomputing."""
    rows = await children_of(conn, form, key, record_ids)
    return {rid: [{c: v for c, v in r.items() if c not in ("id", "parent_id", "position")} for r in items]
            for rid, items in rows.items()}


async def update_record(conn: AsyncConnection, form: CompiledForm, record_id: int, version: int | None,
                        values: dict[str, Any]) -> int | None:
    """Bumps the version; returns the new version, or None when the id/version did not match."""
    table = form.table
    conditions = [table.c.id == record_id, table.c.deleted_at.is_(None)]
    if version is not None:
        conditions.append(table.c.version == version)
    result = await conn.execute(
        update(table).prefix_with(form.tag).where(*conditions).values(**values, version=table.c.version + 1).returning(table.c.version)
    )
    return result.scalar()


async def set_deleted(conn: AsyncConnection, form: CompiledForm, ids: list[int], at: datetime | None, actor_id: int | None) -> list[int]:
    table = form.table
    condition = table.c.deleted_at.is_(None) if at is not None else table.c.deleted_at.is_not(None)
    result = await conn.execute(
        update(table).prefix_with(form.tag).where(table.c.id.in_(ids), condition)
        .values(deleted_at=at, updated_at=at or func.now(), updated_by=actor_id, version=table.c.version + 1)
        .returning(table.c.id)
    )
    return [r[0] for r in result]


async def purge(conn: AsyncConnection, form: CompiledForm, ids: list[int]) -> list[int]:
    table = form.table
    result = await conn.execute(
        delete(table).prefix_with(form.tag).where(table.c.id.in_(ids), table.c.deleted_at.is_not(None)).returning(table.c.id)
    )
    purged = [r[0] for r in result]
    if purged:
        for junction in form.junctions.values():
            await conn.execute(delete(junction).prefix_with(form.tag).where(junction.c.record_id.in_(purged)))
        for child in form.children.values():
            await conn.execute(delete(child.table).prefix_with(form.tag).where(child.table.c.parent_id.in_(purged)))
    return purged


async def add_history(conn: AsyncConnection, entries: list[dict[str, Any]]) -> None:
    if entries:
        rows = [{**entry, "changes": _json_text(entry["changes"])} for entry in entries]
        await conn.execute(_INSERT_HISTORY[conn.dialect.name], rows)


async def history(conn: AsyncConnection, form_id: int, record_id: int, limit: int = 200) -> list[dict[str, Any]]:
    rows = await conn.execute(
        select(record_history).where(record_history.c.form_id == form_id, record_history.c.record_id == record_id)
        .order_by(record_history.c.id.desc()).limit(limit)
    )
    return [dict(r) for r in rows.mappings()]


async def existing_values(conn: AsyncConnection, form: CompiledForm, key: str, values: list[Any],
                          exclude_id: int | None = None) -> set[Any]:
    table = form.table
    query = select(table.c[key]).prefix_with(form.tag).where(table.c[key].in_(values), table.c.deleted_at.is_(None))
    if exclude_id is not None:
        query = query.where(table.c.id != exclude_id)
    return {r[0] for r in await conn.execute(query)}


async def titles(conn: AsyncConnection, target: CompiledForm, ids: set[int], where: Any = None,
                 readable: frozenset[str] | None = None) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    title_key = target.definition.settings.title_field or next(
        (s.key for s in target.specs.values() if s.type.type == "text"), None
    )
    if title_key and readable is not None and title_key not in readable:
        title_key = None
    columns = [target.table.c.id] + ([target.table.c[title_key]] if title_key else [])
    query = select(*columns).prefix_with(target.tag).where(target.table.c.id.in_(sorted(ids)), target.table.c.deleted_at.is_(None))
    if where is not None:
        query = query.where(where)
    rows = await conn.execute(query)
    return {r[0]: {"id": r[0], "title": (str(r[1]) if title_key and r[1] is not None else f"#{r[0]}")} for r in rows}
