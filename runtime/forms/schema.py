"""Applying a schema plan to the database, inside the publishing transaction.

A type change is first tried as a dry run that converts every stored value and lists those that
would not convert; applying it renames the old column to its preserved name, adds the new one
and writes the converted values, so the originals stay readable until an explicit purge.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, MetaData, Table, bindparam, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.schema import CreateColumn

from engines.form.plan import AddColumn, ChangeType, CreateIndex, CreateTable, DropIndex, Operation
from engines.form.types import FieldValueError

REPORT_LIMIT = 200
BATCH = 2000


def _quote(conn: AsyncConnection, name: str) -> str:
    return conn.dialect.identifier_preparer.quote(name)


async def convert(conn: AsyncConnection, op: ChangeType, source_column: str) -> tuple[list[tuple[int, Any]], list[dict]]:
    """Every row's converted value, and the rows whose value would not convert."""
    table = Table(op.table, MetaData(), Column("id"), Column(source_column, op.old.type.sql_type(op.old)))
    rows = await conn.execute(select(table.c.id, table.c[source_column]).where(table.c[source_column].is_not(None)))
    converted: list[tuple[int, Any]] = []
    failures: list[dict] = []
    for record_id, raw in rows:
        old_value = op.old.type.from_db(op.old, raw)
        try:
            cell = op.old.type.to_cell(op.old, old_value)
            new_value = op.new.type.from_cell(op.new, cell)
        except FieldValueError as exc:
            failures.append({"field": op.new.key, "record_id": record_id, "value": _plain(old_value), "message": exc.en,
                             "message_zh": exc.zh})
            continue
        converted.append((record_id, new_value))
    return converted, failures


def _plain(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


async def dry_run(conn: AsyncConnection, ops: list[Operation]) -> dict[str, Any]:
    report: dict[str, Any] = {"unconvertible": [], "unconvertible_count": 0}
    for op in ops:
        if isinstance(op, ChangeType):
            _, failures = await convert(conn, op, op.old.key)
            report["unconvertible_count"] += len(failures)
            report["unconvertible"] += failures[: max(0, REPORT_LIMIT - len(report["unconvertible"]))]
    return report


async def apply(conn: AsyncConnection, ops: list[Operation]) -> list[dict]:
    """Runs every operation; returns the unconvertible values kept in preserved columns."""
    kept: list[dict] = []
    for op in ops:
        if isinstance(op, CreateTable):
            await conn.run_sync(lambda sync, t=op.table: t.create(sync))
        elif isinstance(op, AddColumn):
            await _add_column(conn, op.table, op.column)
        elif isinstance(op, CreateIndex):
            if _for_this_dialect(op.index, conn.dialect.name):
                await conn.run_sync(lambda sync, i=op.index: i.create(sync))
        elif isinstance(op, DropIndex):
            await conn.execute(text(f"DROP INDEX IF EXISTS {_quote(conn, op.name)}"))
        elif isinstance(op, ChangeType):
            kept += await _change_type(conn, op)
    return kept


def _for_this_dialect(index: Any, dialect: str) -> bool:
    condition = getattr(index, "_ddl_if", None)
    wanted = getattr(condition, "dialect", None)
    return wanted is None or wanted == dialect or (isinstance(wanted, (list, tuple, set)) and dialect in wanted)


async def _add_column(conn: AsyncConnection, table: str, column: Column) -> None:
    ddl = CreateColumn(column).compile(dialect=conn.dialect)
    await conn.execute(text(f"ALTER TABLE {_quote(conn, table)} ADD COLUMN {ddl}"))


async def _change_type(conn: AsyncConnection, op: ChangeType) -> list[dict]:
    await conn.execute(
        text(f"ALTER TABLE {_quote(conn, op.table)} RENAME COLUMN {_quote(conn, op.old.key)} TO {_quote(conn, op.preserved)}")
    )
    for column in op.columns:
        await _add_column(conn, op.table, column._copy())
    converted, failures = await convert(conn, op, op.preserved)
    target = Table(op.table, MetaData(), Column("id"), *(c._copy() for c in op.columns))
    statement = update(target).where(target.c.id == bindparam("_id")).values({op.new.key: bindparam("_value")})
    for start in range(0, len(converted), BATCH):
        chunk = converted[start : start + BATCH]
        await conn.execute(statement, [{"_id": rid, "_value": op.new.type.to_db(op.new, v)} for rid, v in chunk])
    return failures
