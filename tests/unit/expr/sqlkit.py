"""Real tables for a formula schema, filled from Python records, so that every formula can be run
both ways: `Formula.evaluate(record)` and `SELECT formula.to_sql(...) FROM table WHERE id = …`."""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Mapping, Sequence

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    Numeric,
    Table,
    Text,
    event,
    insert,
    select,
)
from sqlalchemy.ext.asyncio import AsyncEngine

from core.types import JsonType
from engines.expr import Context, Formula, Kind, Schema, TableResolver
from engines.expr.sql.resolver import Children, LinkOne
from engines.expr.sql.sqlite_functions import install

_SCALAR_COLUMNS = {
    Kind.NUMBER: lambda: Numeric(asdecimal=True),
    Kind.TEXT: Text,
    Kind.BOOL: Boolean,
    Kind.DATE: Date,
    Kind.DATETIME: DateTime,
    Kind.USER: BigInteger,
    Kind.DEPT: BigInteger,
}
_SYSTEM = {"created_at": DateTime, "created_by": BigInteger, "updated_at": DateTime, "updated_by": BigInteger,
           "owner_id": BigInteger, "owner_dept_id": BigInteger, "flow_status": Text, "version": Integer}


class FormTables:
    """One table per (sub)schema: links become a foreign-key column named by the field key and a
    target table; subforms a child table with `parent_id` and `position`."""

    def __init__(self, schema: Schema, name: str = "orders") -> None:
        self.metadata = MetaData()
        self.schema = schema
        self.table, self.links = self._build(schema, name, parent=None)
        self.resolver = TableResolver(self.table, self.links)

    def _build(self, schema: Schema, name: str, parent: str | None) -> tuple[Table, dict[str, Any]]:
        columns: list[Column[Any]] = [Column("id", Integer, primary_key=True)]
        if parent:
            columns += [Column("parent_id", Integer, ForeignKey(f"{parent}.id"), index=True), Column("position", Integer)]
        else:
            columns += [Column(key, kind()) for key, kind in _SYSTEM.items()]
        links: dict[str, Any] = {}
        children: list[tuple[str, Schema]] = []
        for key in schema.keys():
            t = schema.get(key)
            assert t is not None
            if t.kind is Kind.RECORD:
                assert t.schema is not None
                target, nested = self._build(t.schema, f"{name}__{key}", parent=None)
                columns.append(Column(key, Integer, ForeignKey(target.c.id)))
                links[key] = LinkOne(target, fk=key, links=nested)
            elif t.kind is Kind.RECORDS:
                assert t.schema is not None
                children.append((key, t.schema))
            elif t.kind is Kind.LIST:
                columns.append(Column(key, JsonType))
            else:
                columns.append(Column(key, _SCALAR_COLUMNS[t.kind]()))
        table = Table(name, self.metadata, *columns)
        for key, child_schema in children:
            child, nested = self._build(child_schema, f"{name}__{key}", parent=name)
            links[key] = Children(child, parent_key="parent_id", links=nested)
        return table, links

    async def create(self, engine: AsyncEngine) -> None:
        if engine.dialect.name == "sqlite":
            event.listen(engine.sync_engine, "connect", lambda dbapi, _record: install(dbapi))
        async with engine.begin() as conn:
            await conn.run_sync(self.metadata.create_all)

    async def insert(self, engine: AsyncEngine, records: Sequence[Mapping[str, Any]]) -> list[int]:
        """Insert the records (ids 1, 2, …) with their linked records and subform rows."""
        ids = []
        async with engine.begin() as conn:
            for number, rec in enumerate(records, 1):
                ids.append(await self._insert(conn, self.table, self.links, self.schema, rec, {"id": number}))
        return ids

    async def _insert(self, conn: Any, table: Table, links: dict[str, Any], schema: Schema,
                      rec: Mapping[str, Any], extra: dict[str, Any]) -> int:
        row = dict(extra)
        later: list[tuple[str, list[Mapping[str, Any]]]] = []
        for key in table.c.keys():
            if key in row or key not in rec:
                continue
            spec = links.get(key)
            if isinstance(spec, LinkOne):
                if rec[key] is not None:
                    sub = schema.get(key).schema  # type: ignore[union-attr]
                    row[key] = await self._insert(conn, spec.target, dict(spec.links), sub, rec[key], {})
                continue
            row[key] = rec[key]
        for key, spec in links.items():
            if isinstance(spec, Children) and rec.get(key):
                later.append((key, list(rec[key])))
        result = await conn.execute(insert(table).values(**row).returning(table.c.id))
        new_id = result.scalar_one()
        for key, rows in later:
            spec = links[key]
            sub = schema.get(key).schema  # type: ignore[union-attr]
            for position, child in enumerate(rows):
                await self._insert(conn, spec.target, dict(spec.links), sub, child,
                                   {"parent_id": new_id, "position": position})
        return new_id

    async def values(self, engine: AsyncEngine, formula: Formula, context: Context, fold: bool = True) -> dict[int, Any]:
        """id → the formula's SQL value, for every record."""
        expr = formula.to_sql(self.resolver, context, engine.dialect.name, fold_constants=fold)
        async with engine.connect() as conn:
            result = await conn.execute(select(self.table.c.id, expr.label("v")).order_by(self.table.c.id))
            return {row.id: row.v for row in result}


def same(python: Any, sql: Any, dialect: str) -> bool:
    """Equal, allowing SQLite's binary floating point (numbers within 1e-6, relative)."""
    if python is None or sql is None:
        return python is None and sql is None
    if isinstance(python, bool) or isinstance(sql, bool):
        return bool(python) == bool(sql) and isinstance(sql, (bool, int))
    if isinstance(python, Decimal):
        if not isinstance(sql, (Decimal, int, float)):
            return False
        if dialect == "postgresql":
            return Decimal(sql) == python
        return math.isclose(float(python), float(sql), rel_tol=1e-9, abs_tol=1e-6)
    if isinstance(python, datetime) and isinstance(sql, datetime):
        return python == sql if dialect == "postgresql" else abs((python - sql).total_seconds()) < 0.002
    if isinstance(python, date) and isinstance(sql, date):
        return python == sql and isinstance(sql, datetime) == isinstance(python, datetime)
    return python == sql
