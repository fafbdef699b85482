"""SECURITY.md item 1: formula text that tries to escape or exhaust the server gets the engine's own
error, in bounded time and memory."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest

from engines.expr import ExprError, ExprLimitError, Limits, Schema, check, records
from engines.expr.functions.examples import EXAMPLE_CONTEXT, EXAMPLE_RECORD, EXAMPLE_SCHEMA
from tests.unit.expr.sqlkit import FormTables

ESCAPES = [
    "__class__",
    "amount.__class__",
    "company.__class__.__mro__",
    '__import__("os").system("id")',
    "lambda: 1",
    "(lambda x: x)(1)",
    "exec('1')",
    "eval(\"1\")",
    "[x for x in ()]",
    "{}",
    "a[0]",
    "amount; DROP TABLE orders",
    "1 -- comment",
    "'single quoted'",
    "10**9",
    "1e400",
    "`id`",
    "@a",
    "$user.__dict__",
    "$__builtins__",
    "getattr(amount, 'x')",
    "open(\"/etc/passwd\")",
]


@pytest.mark.parametrize("text", ESCAPES)
def test_escape_attempts_are_refused_with_the_engines_own_error(text: str) -> None:
    with pytest.raises(ExprError):
        check(text, EXAMPLE_SCHEMA).evaluate(EXAMPLE_RECORD, EXAMPLE_CONTEXT)


def bounded(seconds: float = 5.0):
    """Run the body and assert it took less than `seconds`: generous, because the point is not
    hanging (an unbounded input takes minutes), and CI shares two cores with other workers."""

    class _Timer:
        def __enter__(self):
            self.start = time.perf_counter()
            return self

        def __exit__(self, *exc):
            assert time.perf_counter() - self.start < seconds
            return False

    return _Timer()


def test_two_hundred_thousand_terms_stop_at_the_length_limit() -> None:
    with bounded(), pytest.raises(ExprLimitError) as caught:
        check("+".join(["1"] * 200_000), EXAMPLE_SCHEMA)
    assert caught.value.code == "too_long"


def test_deep_nesting_stops_at_the_depth_limit() -> None:
    for text in ("(" * 5_000 + "1" + ")" * 5_000, "-" * 3000 + "1", "ABS(" * 1500 + "1" + ")" * 1500, "NOT " * 2000 + "TRUE"):
        with bounded(), pytest.raises(ExprLimitError) as caught:
            check(text, EXAMPLE_SCHEMA)
        assert caught.value.code in ("too_deep", "too_long")


def test_long_operator_chains_stop_at_the_depth_limit() -> None:
    with bounded(), pytest.raises(ExprLimitError) as caught:
        check("+".join(["amount"] * 500), EXAMPLE_SCHEMA)
    assert caught.value.code == "too_deep"


def test_too_many_parts_stop_at_the_node_limit() -> None:
    text = "SUM(" + ",".join(["1"] * 2500) + ")"
    with bounded(), pytest.raises(ExprLimitError) as caught:
        check(text, EXAMPLE_SCHEMA)
    assert caught.value.code == "too_many_nodes"


@pytest.mark.parametrize("text", ["POWER(10, 1000000000)", "9^9^9", "POWER(2, 999)", "EXP(1000000)", "10 ^ 38", "POWER(-8, 0.5)"])
def test_huge_powers_are_blank_at_once(text: str) -> None:
    with bounded():
        assert check(text, EXAMPLE_SCHEMA).evaluate({}, EXAMPLE_CONTEXT) is None


def test_catastrophic_regex_runs_in_linear_time() -> None:
    subject = "a" * 50_000 + "!"
    formula = check('REGEXMATCH(company, "(a+)+$")', EXAMPLE_SCHEMA)
    with bounded():
        assert formula.evaluate({"company": subject}, EXAMPLE_CONTEXT) is False
    assert formula.evaluate({"company": "aaa"}, EXAMPLE_CONTEXT) is True
    formula = check('REGEXMATCH(company, "^(a|aa)+$")', EXAMPLE_SCHEMA)
    with bounded():
        assert formula.evaluate({"company": subject}, EXAMPLE_CONTEXT) is False


def test_regex_from_record_data_that_re2_refuses_is_blank_not_an_error() -> None:
    formula = check("REGEXMATCH(email, company)", EXAMPLE_SCHEMA)
    assert formula.evaluate({"email": "x", "company": r"(a)\1"}, EXAMPLE_CONTEXT) is None
    assert formula.evaluate({"email": "x", "company": "x" * 5000}, EXAMPLE_CONTEXT) is None


def test_text_bombs_are_capped() -> None:
    with bounded():
        assert check('REPT(REPT("x", 1000), 1000)', EXAMPLE_SCHEMA).evaluate({}, EXAMPLE_CONTEXT) is None
    big = {"company": "x" * 90_000}
    with bounded(), pytest.raises(ExprLimitError):
        check("company & company", EXAMPLE_SCHEMA).evaluate(big, EXAMPLE_CONTEXT)


def test_evaluation_steps_are_bounded_over_huge_subforms() -> None:
    schema = Schema({"items": records({"qty": "number"})})
    rows = {"items": [{"qty": Decimal(i)} for i in range(50_000)]}
    formula = check("SUM(items.qty * 2) + COUNTIF(items.qty > AVERAGE(items.qty))", schema, limits=Limits(max_steps=100_000))
    with bounded(15), pytest.raises(ExprLimitError) as caught:
        formula.evaluate(rows, EXAMPLE_CONTEXT)
    assert caught.value.code == "too_many_steps"


def test_record_data_of_the_wrong_shape_is_blank_not_a_crash() -> None:
    strange = {
        "amount": "not a number", "qty": float("nan"), "signed_on": "2024-13-45", "created": 12,
        "vip": "yes", "tags": "vip", "items": "oops", "customer": 42, "company": 7,
    }
    for text in ("amount + qty", "signed_on + 1", "DATEDIF(signed_on, created, \"d\")", "IF(vip, 1, 2)",
                 'COUNT(tags)', "SUM(items.subtotal)", "customer.industry", "LEN(company)"):
        check(text, EXAMPLE_SCHEMA).evaluate(strange, EXAMPLE_CONTEXT)  # no exception


def test_sql_that_would_explode_is_refused_before_any_query() -> None:
    nested = "price"
    for _ in range(12):
        nested = f"ROUNDUP(MOD({nested}, 7), 1)"
    formula = check(nested, EXAMPLE_SCHEMA)
    tables = FormTables(EXAMPLE_SCHEMA)
    for dialect in ("sqlite", "postgresql"):
        with bounded(10), pytest.raises(ExprError) as caught:
            formula.to_sql(tables.resolver, EXAMPLE_CONTEXT, dialect)
        assert caught.value.code == "no_sql"
    assert formula.evaluate(EXAMPLE_RECORD, EXAMPLE_CONTEXT) is not None  # Python still can


def test_the_deepest_allowed_formula_still_evaluates_and_compiles() -> None:
    text = "amount" + " + 1" * 58
    formula = check(text, EXAMPLE_SCHEMA)
    assert formula.evaluate(EXAMPLE_RECORD, EXAMPLE_CONTEXT) == Decimal("1258.5")
    from sqlalchemy.dialects import postgresql, sqlite

    tables = FormTables(EXAMPLE_SCHEMA)
    for name, dialect in (("sqlite", sqlite.dialect()), ("postgresql", postgresql.dialect())):
        str(formula.to_sql(tables.resolver, EXAMPLE_CONTEXT, name).compile(dialect=dialect))
