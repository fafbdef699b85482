"""The SQL back end in queries: filters, measures, links through junction tables, bound
parameters, and the specific error that sends a caller back to Python."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
from sqlalchemy import Column, ForeignKey, Integer, MetaData, Table, Text, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from engines.expr import (
    USER,
    Context,
    Junction,
    JunctionValues,
    NoSqlForm,
    Schema,
    TableResolver,
    UserInfo,
    check,
    list_of,
    records,
)
from engines.expr.functions.examples import EXAMPLE_CONTEXT, EXAMPLE_SCHEMA
from tests.unit.expr.cases import RECORDS
from tests.unit.expr.sqlkit import FormTables

FILTERS = [
    'amount > 1000 AND status = "open"',
    "ISBLANK(discount) OR discount < 0.2",
    "SUM(items.subtotal) > 0",
    "COUNTIF(items.qty > 1) >= 1",
    '"vip" IN tags',
    "$record.owner_dept_id IN SUBDEPTS($user.dept)",
    'DATEDIF(signed_on, TODAY(), "m") >= 4',
    'REGEXMATCH(email, "@acme\\.")',
    "NOT vip",
    'customer.industry = "retail" OR ISBLANK(customer)',
]


@pytest.fixture
async def tables(db_engine) -> FormTables:
    built = FormTables(EXAMPLE_SCHEMA)
    await built.create(db_engine)
    await built.insert(db_engine, [{**RECORDS[i], "id": i} for i in sorted(RECORDS)])
    return built


async def test_filters_select_the_rows_python_accepts(db_engine, tables: FormTables) -> None:
    for text in FILTERS:
        formula = check(text, EXAMPLE_SCHEMA, expect="bool")
        wanted = [i for i in sorted(RECORDS) if formula.evaluate({**RECORDS[i], "id": i}, EXAMPLE_CONTEXT) is True]
        where = formula.to_sql(tables.resolver, EXAMPLE_CONTEXT, db_engine.dialect.name)
        query = select(tables.table.c.id).where(where).order_by(tables.table.c.id)
        async with db_engine.connect() as conn:
            found = list((await conn.execute(query)).scalars())
        assert found == wanted, text


async def test_a_measure_aggregates_inside_the_database(db_engine, tables: FormTables) -> None:
    formula = check("amount * qty - SUM(items.subtotal)", EXAMPLE_SCHEMA)
    expected = sum(
        (v for i in RECORDS if (v := formula.evaluate({**RECORDS[i], "id": i}, EXAMPLE_CONTEXT)) is not None),
        Decimal(0),
    )
    measure = func.sum(formula.to_sql(tables.resolver, EXAMPLE_CONTEXT, db_engine.dialect.name))
    async with db_engine.connect() as conn:
        total = (await conn.execute(select(measure))).scalar_one()
    assert abs(Decimal(str(total)) - expected) < Decimal("0.000001")


async def test_links_to_many_and_multi_person_fields_through_junction_tables(db_engine) -> None:
    meta = MetaData()
    deals = Table("deals", meta, Column("id", Integer, primary_key=True), Column("title", Text))
    people = Table("people", meta, Column("id", Integer, primary_key=True), Column("name", Text))
    deal_contacts = Table("deal_contacts", meta, Column("deal_id", ForeignKey("deals.id")),
                          Column("person_id", ForeignKey("people.id")))
    deal_members = Table("deal_members", meta, Column("deal_id", ForeignKey("deals.id")), Column("user_id", Integer))
    resolver = TableResolver(deals, {
        "contacts": Junction(deal_contacts, "deal_id", "person_id", people),
        "members": JunctionValues(deal_members, "deal_id", "user_id"),
    })
    schema = Schema({"title": "text", "contacts": records({"name": "text"}), "members": list_of(USER)})
    async with db_engine.begin() as conn:
        await conn.run_sync(meta.create_all)
        await conn.execute(insert(deals), [{"id": 1, "title": "A"}, {"id": 2, "title": "B"}])
        await conn.execute(insert(people), [{"id": 1, "name": "Ann"}, {"id": 2, "name": "Bob"}])
        await conn.execute(insert(deal_contacts), [{"deal_id": 1, "person_id": 2}, {"deal_id": 1, "person_id": 1}])
        await conn.execute(insert(deal_members), [{"deal_id": 1, "user_id": 7}, {"deal_id": 2, "user_id": 8}])
    ctx = Context(now=EXAMPLE_CONTEXT.now, user=UserInfo(id=7))
    formula = check('JOIN(contacts.name, ",") & "|" & COUNT(contacts) & "|" & ($user IN members)', schema)
    expr = formula.to_sql(resolver, ctx, db_engine.dialect.name)
    async with db_engine.connect() as conn:
        rows = dict((await conn.execute(select(deals.c.id, expr).order_by(deals.c.id))).all())
    assert rows == {1: "Ann,Bob|2|TRUE", 2: "|0|FALSE"}
    python = {1: {"contacts": [{"name": "Ann"}, {"name": "Bob"}], "members": [7]}, 2: {"contacts": [], "members": [8]}}
    assert {k: formula.evaluate(v, ctx) for k, v in python.items()} == rows


def test_user_values_are_bound_parameters_never_sql_text() -> None:
    tables = FormTables(EXAMPLE_SCHEMA)
    evil = "x'; DROP TABLE orders; --"
    formula = check(f'company = "{evil}" OR CONTAINS(email, "{evil}") OR TEXT(signed_on, "{evil[:5]}yyyy") = ""', EXAMPLE_SCHEMA)
    for name, dialect in (("sqlite", sqlite.dialect()), ("postgresql", postgresql.dialect())):
        sql = str(formula.to_sql(tables.resolver, EXAMPLE_CONTEXT, name).compile(dialect=dialect))
        assert "DROP" not in sql and evil[:5] not in sql


@pytest.mark.parametrize(
    "text, name",
    [
        ("items.qty", "formula"),
        ("REGEXMATCH(email, company)", "REGEXMATCH"),
        ("PRODUCT(items.qty)", "PRODUCT"),
        ('COUNT(SPLIT(company, " "))', "SPLIT"),
        ("USERNAME(owner)", "USERNAME"),
    ],
)
def test_parts_without_sql_raise_no_sql_form_naming_them(text: str, name: str) -> None:
    tables = FormTables(EXAMPLE_SCHEMA)
    with pytest.raises(NoSqlForm) as caught:
        check(text, EXAMPLE_SCHEMA).to_sql(tables.resolver, EXAMPLE_CONTEXT, "postgresql")
    assert name in caught.value.message_en and caught.value.message_zh


def test_an_unknown_database_is_refused_with_the_same_error() -> None:
    with pytest.raises(NoSqlForm):
        check("amount", EXAMPLE_SCHEMA).to_sql(FormTables(EXAMPLE_SCHEMA).resolver, EXAMPLE_CONTEXT, "mysql")


async def test_sqlite_regex_function_is_linear_time_on_hostile_data(db_engine, tables: FormTables) -> None:
    if db_engine.dialect.name != "sqlite":
        pytest.skip("the registered function is SQLite's")
    async with db_engine.begin() as conn:
        await conn.execute(tables.table.update().values(company="a" * 100_000 + "!"))
    formula = check('REGEXMATCH(company, "(a+)+$")', EXAMPLE_SCHEMA)
    expr = formula.to_sql(tables.resolver, EXAMPLE_CONTEXT, "sqlite")
    started = time.perf_counter()
    async with db_engine.connect() as conn:
        assert set((await conn.execute(select(expr))).scalars()) == {False}
    assert time.perf_counter() - started < 10
