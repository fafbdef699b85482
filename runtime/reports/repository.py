"""The SQL of reports: saved reports and dashboards, the stamps the result cache keys on, and
running a report's SELECT under a time limit on either database."""

from __future__ import annotations

import asyncio
from typing import Any, Iterable

from sqlalchemy import delete, func, insert, literal, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

from core.errors import AppError, NotFound
from engines.form.compiled import CompiledForm
from runtime.permissions.gate import role_membership
from runtime.context import Principal
from runtime.tables import app_role_members, app_roles, departments, users


WORK_MEM = "32MB"  # PostgreSQL's memory per sort or hash of a report query (its default is 4MB)
_LIMITS = text("SELECT set_config('statement_timeout', :timeout, true), set_config('work_mem', :memory, true)")


class ReportTimeout(AppError):
    def __init__(self, seconds: float) -> None:
        super().__init__(
            "report_timeout", 504,
            f"The report ran longer than {seconds:g} s and was stopped. Narrow its date range or filters, or ask an "
            "administrator to raise the limit.",
            title="Report timed out",
            detail_zh=f"报表运行超过 {seconds:g} 秒，已被停止。请缩小日期范围或筛选条件，或请管理员调高时限。",
        )


async def fetch(conn: AsyncConnection, statement: Any, timeout: float) -> list[tuple[Any, ...]]:
    """Run a report's SELECT, cancelled after `timeout` seconds: PostgreSQL by its own
    `statement_timeout` (for this transaction only), SQLite by interrupting the connection."""
    if conn.dialect.name == "postgresql":
        # In a savepoint, so a cancelled report spoils only itself (a dashboard's other widgets run
        # on); with room to aggregate in memory, which the planner otherwise refuses for a GROUP BY
        # whose group count it overestimates (a sort spilled to disk instead of a hash).
        async with conn.begin_nested():
            await conn.execute(_LIMITS, {"timeout": str(max(1, int(timeout * 1000))), "memory": WORK_MEM})
            try:
                return [tuple(r) for r in (await conn.execute(statement)).all()]
            except DBAPIError as exc:
                if "statement timeout" in str(exc.orig) or getattr(exc.orig, "sqlstate", None) == "57014":
                    raise ReportTimeout(timeout) from None
                raise
    raw = await conn.get_raw_connection()
    driver = raw.driver_connection  # aiosqlite's connection: interrupt() is safe from any thread
    timer = asyncio.get_running_loop().call_later(timeout, lambda: asyncio.ensure_future(driver.interrupt()))
    try:
        return [tuple(r) for r in (await conn.execute(statement)).all()]
    except DBAPIError as exc:
        if "interrupted" in str(exc.orig):
            raise ReportTimeout(timeout) from None
        raise
    finally:
        timer.cancel()


async def stamps(conn: AsyncConnection, forms: Iterable[CompiledForm]) -> tuple[Any, ...]:
    """(form, greatest updated_at, greatest id) of each table, in one round trip."""
    # One aggregate per scalar subquery: SQLite answers a lone max() from the index, not from a scan.
    columns = []
    for form in sorted(forms, key=lambda f: f.key):
        table = form.table
        columns += [literal(form.key), select(func.max(table.c.updated_at)).scalar_subquery(),
                    select(func.max(table.c.id)).scalar_subquery()]
    tags = " ".join(sorted({form.tag for form in forms}))
    return tuple(map(str, (await conn.execute(select(*columns).prefix_with(tags))).one()))


async def user_names(conn: AsyncConnection, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = await conn.execute(select(users.c.id, users.c.display_name).where(users.c.id.in_(ids[:5000])))
    return {i: name for i, name in rows}


async def department_names(conn: AsyncConnection, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = await conn.execute(select(departments.c.id, departments.c.name).where(departments.c.id.in_(ids[:5000])))
    return {i: name for i, name in rows}


async def department_tree(conn: AsyncConnection) -> dict[int, int | None]:
    return {i: parent for i, parent in await conn.execute(select(departments.c.id, departments.c.parent_id))}


async def record_titles(conn: AsyncConnection, form: CompiledForm, title: str, ids: list[int], rows: Any) -> dict[int, str]:
    """Titles of linked records the viewer may see (`rows`: their row condition there)."""
    table = form.table
    query = select(table.c.id, table.c[title]).prefix_with(form.tag).where(table.c.id.in_(ids[:5000]), table.c.deleted_at.is_(None))
    if rows is not None:
        query = query.where(rows)
    return {i: str(t) for i, t in await conn.execute(query) if t is not None}


async def held_roles(conn: AsyncConnection, principal: Principal, app_id: int) -> set[str]:
    query = (select(app_roles.c.key).join(app_role_members, app_role_members.c.app_role_id == app_roles.c.id)
             .where(app_roles.c.app_id == app_id, role_membership(principal)))
    return {key for key, in await conn.execute(query)}


# -- saved definitions ---------------------------------------------------------------------------------


async def get(conn: AsyncConnection, table: Any, app_id: int, item_id: int, what: str, lock: bool = False) -> dict[str, Any]:
    query = select(table).where(table.c.id == item_id, table.c.app_id == app_id)
    if lock and conn.dialect.name == "postgresql":
        query = query.with_for_update()
    row = (await conn.execute(query)).mappings().first()
    if row is None:
        raise NotFound(what)
    return dict(row)


async def listed(conn: AsyncConnection, table: Any, app_id: int) -> list[dict[str, Any]]:
    rows = await conn.execute(select(table).where(table.c.app_id == app_id).order_by(table.c.id))
    return [dict(r) for r in rows.mappings()]


async def add(conn: AsyncConnection, table: Any, values: dict[str, Any]) -> dict[str, Any]:
    row = (await conn.execute(insert(table).values(**values).returning(*table.c))).mappings().one()
    return dict(row)


async def change(conn: AsyncConnection, table: Any, item_id: int, values: dict[str, Any]) -> dict[str, Any]:
    statement = (update(table).where(table.c.id == item_id)
                 .values(**values, version=table.c.version + 1).returning(*table.c))
    return dict((await conn.execute(statement)).mappings().one())


async def remove(conn: AsyncConnection, table: Any, item_id: int) -> None:
    await conn.execute(delete(table).where(table.c.id == item_id))



async def record_visible(conn: AsyncConnection, form: CompiledForm, record_id: int, rows: Any) -> bool:
    table = form.table
    query = select(table.c.id).prefix_with(form.tag).where(table.c.id == record_id, table.c.deleted_at.is_(None))
    if rows is not None:
        query = query.where(rows)
    return (await conn.execute(query)).first() is not None
