"""`expr`: an 11-function formula over 100 000 records, evaluated in Python and compiled to a SQL
filter, each beside the hand-written SQL for the same predicate in the same run.

Target (2 cores): the compiled filter within 1.2× of the hand-written SQL on SQLite and PostgreSQL.
"""

from __future__ import annotations

import os
import statistics
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, Column, Date, Integer, MetaData, Numeric, Table, Text, func, insert, select, text

from bench.harness import Context, Figure, benchmark
from core.db import create_engine
from engines.expr import Context as ExprContext
from engines.expr import Schema, TableResolver, check

SCALE = int(os.environ.get("QIQIAO_BENCH_SCALE", "1"))  # 0: a quick smoke run
ROWS = 100_000 if SCALE else 2_000
REPEATS = 5
FORMULA = (
    "AND(ROUND(amount * (1 - COALESCE(discount, 0)), 2) > 500, YEAR(signed_on) >= 2024, "
    'LEFT(UPPER(stage), 1) <> "L", CONTAINS(LOWER(email), "example"), ABS(qty - 3) <= 10, NOT(ISBLANK(company)))'
)
HAND_WRITTEN = {
    "postgresql": (
        "round(amount * (1 - coalesce(discount, 0)), 2) > 500 AND extract(year FROM signed_on) >= 2024"
        " AND left(upper(stage), 1) <> 'L' AND strpos(lower(email), 'example') > 0 AND abs(qty - 3) <= 10"
        " AND NOT (company IS NULL OR company = '')"
    ),
    "sqlite": (
        "round(amount * (1 - coalesce(discount, 0)), 2) > 500 AND CAST(strftime('%Y', signed_on) AS INTEGER) >= 2024"
        " AND substr(upper(stage), 1, 1) <> 'L' AND instr(lower(email), 'example') > 0 AND abs(qty - 3) <= 10"
        " AND NOT (company IS NULL OR company = '')"
    ),
}
SCHEMA = Schema({"amount": "number", "discount": "number", "qty": "number", "stage": "text", "email": "text",
                 "company": "text", "signed_on": "date", "won": "bool"})
STAGES = ["lead", "qualified", "proposal", "won", "lost"]

metadata = MetaData()
deals = Table(
    "expr_deals", metadata,
    Column("id", Integer, primary_key=True), Column("amount", Numeric), Column("discount", Numeric),
    Column("qty", Numeric), Column("stage", Text), Column("email", Text), Column("company", Text),
    Column("signed_on", Date), Column("won", Boolean),
)


def _row(i: int) -> dict[str, Any]:
    return {
        "id": i + 1,
        "amount": Decimal((i * 37) % 2000) + Decimal("0.25"),
        "discount": None if i % 7 == 0 else Decimal(i % 30) / 100,
        "qty": Decimal(i % 20),
        "stage": STAGES[i % 5],
        "email": f"buyer{i}@{'example' if i % 3 else 'other'}.com",
        "company": "" if i % 11 == 0 else f"Company {i % 500}",
        "signed_on": date(2022, 1, 1) + timedelta(days=i % 1000),
        "won": i % 5 == 3,
    }


async def _median(conn: Any, query: Any) -> tuple[float, int]:
    await conn.execute(query)  # warm caches and plans
    times, count = [], 0
    for _ in range(REPEATS):
        started = time.perf_counter()
        count = (await conn.execute(query)).scalar_one()
        times.append(time.perf_counter() - started)
    return statistics.median(times), count


async def _one_backend(backend: str, url: str) -> list[Figure]:
    engine = create_engine(url)
    rows = [_row(i) for i in range(ROWS)]
    try:
        async with engine.begin() as conn:
            await conn.run_sync(metadata.create_all)
            for start in range(0, ROWS, 10_000):
                await conn.execute(insert(deals), rows[start : start + 10_000])
        async with engine.connect() as conn:
            await conn.execute(text("ANALYZE"))
        formula = check(FORMULA, SCHEMA, expect="bool")
        context = ExprContext(now=datetime(2024, 6, 15))
        where = formula.to_sql(TableResolver(deals), context, backend)
        compiled = select(func.count()).select_from(deals).where(where)
        raw = select(func.count()).select_from(deals).where(text(HAND_WRITTEN[backend]))
        async with engine.connect() as conn:
            raw_time, raw_count = await _median(conn, raw)
            sql_time, sql_count = await _median(conn, compiled)
        started = time.perf_counter()
        py_count = sum(1 for row in rows if formula.evaluate(row, context) is True)
        py_time = time.perf_counter() - started
        if not raw_count == sql_count == py_count:
            raise AssertionError(f"{backend}: counts differ: raw {raw_count}, sql {sql_count}, python {py_count}")
        notes = {"rows": ROWS, "matches": sql_count}
        return [
            Figure("expr-filter-sql", sql_time, "s", raw_time, "hand-written SQL", backend, "≤ 1.2×", notes),
            Figure("expr-eval-python", py_time, "s", raw_time, "hand-written SQL", backend, None,
                   {**notes, "per_record_us": round(py_time / ROWS * 1e6, 2)}),
        ]
    finally:
        await engine.dispose()


@benchmark("expr")
async def run(ctx: Context) -> list[Figure]:
    figures: list[Figure] = []
    for backend, database in ctx.database_urls.items():
        async with database() as url:
            figures.extend(await _one_backend(backend, url))
    return figures
