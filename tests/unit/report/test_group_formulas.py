"""The expression language over the rows of a group (`Schema(rows=…)`): what report measures are
written in. Field names are the lists of the group's values; aggregates fold them; in SQL those
aggregates become aggregates of the enclosing GROUP BY, with the same results as in Python."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy import Column, Integer, MetaData, Numeric, String, Table, func, insert, select

from engines import expr
from engines.expr.sql.sqlite_functions import install

ROWS = expr.Schema({"amount": "number", "stage": "text", "owner": "user"}, system={})
SCHEMA = expr.Schema({"total": "number"}, system={}, rows=ROWS)
CONTEXT = expr.Context(now=datetime(2025, 1, 1, tzinfo=timezone.utc))
DATA = [("a", Decimal(10), "won"), ("a", Decimal(30), "lost"), ("a", Decimal(5), "won"), ("b", Decimal(7), "won"),
        ("b", None, "lost")]


def test_bare_names_are_the_groups_lists_and_scalars_stay_scalars():
    assert str(expr.check("amount", SCHEMA).type) == "list<number>"
    assert expr.check("SUM(amount) / total", SCHEMA).type == expr.NUMBER
    with pytest.raises(expr.ExprTypeError) as caught:
        expr.check("SUM(amont)", SCHEMA)
    assert "amont" in caught.value.message("en") and "$rows" not in caught.value.message("en")
    assert "amount" in caught.value.message("en")  # the suggestion
    assert SCHEMA.keys() == ["total"]


def test_median_is_the_middle_value_in_python():
    rows = [{"amount": Decimal(v)} for v in (3, 1, 4, 1, 5, 9)]
    assert expr.check("MEDIAN(amount)", SCHEMA).evaluate({"$rows": rows}, CONTEXT) == Decimal("3.5")
    assert expr.check("MEDIAN(amount)", SCHEMA).evaluate({"$rows": rows[:5]}, CONTEXT) == Decimal(3)
    assert expr.check("MEDIAN(amount)", SCHEMA).evaluate({"$rows": []}, CONTEXT) is None


class GroupRows:
    """A resolver over a table's columns as they are inside the GROUP BY."""

    def __init__(self, table: Table) -> None:
        self.table = table

    def column(self, key: str):
        return self.table.c[key]

    def related(self, key: str) -> expr.Related:
        raise KeyError(key)

    def values(self, key: str):
        raise expr.NoSqlForm.of("no_sql", None, name=key, reason="no lists")


class Measures:
    def __init__(self, table: Table) -> None:
        self.table = table

    def column(self, key: str):
        return func.sum(self.table.c.amount)  # `total`

    def related(self, key: str) -> expr.Related:
        return expr.Related(GroupRows(self.table), None, None)

    def values(self, key: str):
        raise expr.NoSqlForm.of("no_sql", None, name=key, reason="no lists")


FORMULAS = ["SUM(amount) / total", "MEDIAN(amount)", 'COUNTIF(stage = "won")', 'SUMIF(amount, stage = "won")',
            "AVERAGE(amount * 2)", "MAX(amount) - MIN(amount)", "COUNT(amount)", "ROUND(SUM(amount) / 3, 2)"]


async def test_aggregates_over_the_group_compile_inline_and_agree_with_python(db_engine):
    metadata = MetaData()
    table = Table("groups_demo", metadata, Column("id", Integer, primary_key=True), Column("team", String(5)),
                  Column("amount", Numeric(12, 2)), Column("stage", String(10)), Column("owner", Integer))
    if db_engine.dialect.name == "sqlite":
        from sqlalchemy import event

        event.listen(db_engine.sync_engine, "connect", lambda dbapi, _record: install(dbapi))
    async with db_engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
        await conn.execute(insert(table), [{"team": t, "amount": a, "stage": s} for t, a, s in DATA])
    formulas = [expr.check(text, SCHEMA) for text in FORMULAS]
    columns = [f.to_sql(Measures(table), CONTEXT, db_engine.dialect.name).label(f"f{i}") for i, f in enumerate(formulas)]
    statement = select(table.c.team, *columns).group_by(table.c.team).order_by(table.c.team)
    assert "\nFROM groups_demo GROUP BY" in str(statement) and "(SELECT" not in str(statement)  # one GROUP BY
    async with db_engine.connect() as conn:
        got = {row[0]: row[1:] for row in await conn.execute(statement)}
    for team in ("a", "b"):
        rows = [{"amount": a, "stage": s} for t, a, s in DATA if t == team]
        total = sum(r["amount"] or 0 for r in rows)
        for i, formula in enumerate(formulas):
            want = formula.evaluate({"$rows": rows, "total": total}, CONTEXT)
            value = got[team][i]
            assert (value is None and want is None) or abs(float(value) - float(want)) < 1e-9, (FORMULAS[i], team, value, want)


def test_lists_that_only_python_has_are_refused_in_a_group():
    formula = expr.check("JOIN(stage, \",\")", SCHEMA)
    with pytest.raises(expr.NoSqlForm):
        formula.to_sql(Measures(Table("t", MetaData(), Column("stage", String))), CONTEXT, "postgresql")
