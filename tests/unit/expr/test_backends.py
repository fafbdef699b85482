"""Python evaluation and SQL on SQLite and PostgreSQL give the same results: the case table and
every catalogue example, with and without constant folding (so the SQL form of each function is
exercised on literal arguments too)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from engines.expr import Formula, NoSqlForm, check
from engines.expr import nodes as n
from engines.expr.functions import FUNCTIONS
from engines.expr.functions.examples import EXAMPLE_CONTEXT, EXAMPLE_SCHEMA
from tests.unit.expr.cases import RECORDS, TABLE
from tests.unit.expr.sqlkit import FormTables, same


def equal(got: Any, want: Any) -> bool:
    if isinstance(want, int) and not isinstance(want, bool) and isinstance(got, Decimal):
        want = Decimal(want)  # numbers in the table are written as ints where whole
    if isinstance(want, Decimal):
        return isinstance(got, Decimal) and got == want
    if isinstance(want, list):
        return got == want
    return type(got) is type(want) and got == want


def python_only(formula: Formula, fold: bool) -> bool:
    """May this formula refuse SQL? Only through a function without a SQL form, or, when constants
    are not folded, through a list that exists only in Python ($user.roles, SUBDEPTS(…))."""
    for node in n.walk(formula.node):
        if isinstance(node, n.Call) and node.fn is not None and not node.fn.sql:
            return True
        if not fold and node.const and node.type is not None and node.type.is_list:
            return True
    return False


def record(number: int) -> dict[str, Any]:
    return {**RECORDS[number], "id": number}


@pytest.fixture
async def tables(db_engine) -> FormTables:
    built = FormTables(EXAMPLE_SCHEMA)
    await built.create(db_engine)
    await built.insert(db_engine, [record(i) for i in sorted(RECORDS)])
    return built


async def run_both_ways(db_engine, tables: FormTables, cases: list[tuple[str, int, Any]]) -> list[str]:
    dialect = db_engine.dialect.name
    failures = []
    for text, number, want in cases:
        formula = check(text, EXAMPLE_SCHEMA)
        got = formula.evaluate(record(number), EXAMPLE_CONTEXT)
        if not equal(got, want):
            failures.append(f"python  {text!r} on #{number}: {got!r}, expected {want!r}")
        for fold in (True, False):
            try:
                sql = (await tables.values(db_engine, formula, EXAMPLE_CONTEXT, fold=fold))[number]
            except NoSqlForm:
                if not python_only(formula, fold):
                    failures.append(f"{dialect} {text!r}: no SQL form (fold={fold})")
                continue
            if not same(got, sql, dialect):
                failures.append(f"{dialect} {text!r} on #{number} (fold={fold}): {sql!r}, python {got!r}")
    return failures


@pytest.mark.parametrize("family", list(TABLE))
async def test_python_and_sql_agree_on_the_case_table(family: str, db_engine, tables: FormTables) -> None:
    failures = await run_both_ways(db_engine, tables, TABLE[family])
    assert not failures, "\n".join(failures)


async def test_every_catalogue_example_gives_its_result_both_ways(db_engine, tables: FormTables) -> None:
    cases = [(example.formula, 1, example.result) for fn in FUNCTIONS for example in fn.examples]
    failures = await run_both_ways(db_engine, tables, cases)
    assert not failures, "\n".join(failures)


def test_the_case_table_is_large() -> None:
    assert sum(len(cases) for cases in TABLE.values()) >= 200
