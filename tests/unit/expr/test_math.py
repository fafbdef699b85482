"""Numbers in Python: exact decimals, Excel's rounding, blank for undefined results."""

from __future__ import annotations

from decimal import Decimal

import pytest

from engines.expr import Schema, check
from engines.expr.functions.examples import EXAMPLE_CONTEXT
from tests.unit.expr.conftest import run

NUM = Schema({"x": "number", "y": "number"})


def calc(text: str, **values) -> object:
    return check(text, NUM).evaluate({k: Decimal(str(v)) for k, v in values.items()}, EXAMPLE_CONTEXT)


def test_decimal_arithmetic_is_exact() -> None:
    assert run("0.1 + 0.2") == Decimal("0.3")
    assert calc("x * y", x="123456789.123456789", y="987654321.987654321") == Decimal(
        "121932631356500531.347203169112635269"
    )


def test_division_rounds_to_ten_places_half_away_from_zero() -> None:
    assert run("1 / 3") == Decimal("0.3333333333")
    assert run("2 / 3") == Decimal("0.6666666667")
    assert run("-2 / 3") == Decimal("-0.6666666667")
    assert run("1 / 0") is None


@pytest.mark.parametrize(
    "text, expected",
    [("ROUND(2.5)", "3"), ("ROUND(-2.5)", "-3"), ("ROUND(2.45, 1)", "2.5"), ("ROUND(2.44999, 1)", "2.4"),
     ("ROUNDUP(0.001, 2)", "0.01"), ("ROUNDDOWN(-0.019, 2)", "-0.01"), ("ROUND(123456, -3)", "123000"),
     ("INT(-0.5)", "-1"), ("TRUNC(-0.5)", "0"), ("CEILING(-1.5)", "-1"), ("FLOOR(-1.5)", "-2")],
)
def test_rounding_follows_excel(text: str, expected: str) -> None:
    assert run(text) == Decimal(expected)


def test_mod_takes_the_sign_of_the_divisor() -> None:
    assert [calc("MOD(x, y)", x=a, y=b) for a, b in ((7, 3), (-7, 3), (7, -3), (-7, -3))] == [1, 2, -2, -1]
    assert calc("x % y", x="5.5", y=2) == Decimal("1.5")


def test_undefined_results_are_blank() -> None:
    assert [calc(t, x=-4) for t in ("SQRT(x)", "LN(x)", "LOG10(x)", "LOG(x, 2)", "x ^ 0.5")] == [None] * 5
    assert calc("0 ^ x", x=-1) is None
    assert calc("x ^ 0", x=0) == 1


def test_sums_and_averages_skip_blanks() -> None:
    assert calc("SUM(x, y)", x=2) == 2
    assert calc("AVERAGE(x, y)", x=2) == 2
    assert check("AVERAGE(x, y)", NUM).evaluate({}, EXAMPLE_CONTEXT) is None
    assert check("SUM(x, y)", NUM).evaluate({}, EXAMPLE_CONTEXT) == 0


def test_blank_arguments_make_single_number_functions_blank() -> None:
    assert check("ROUND(x, 2)", NUM).evaluate({}, EXAMPLE_CONTEXT) is None
    assert check("ABS(x) + 1", NUM).evaluate({}, EXAMPLE_CONTEXT) is None


def test_record_numbers_of_any_python_kind_are_read_exactly() -> None:
    assert check("x + y", NUM).evaluate({"x": 1, "y": 0.1}, EXAMPLE_CONTEXT) == Decimal("1.1")
    assert check("x + 1", NUM).evaluate({"x": "2.5"}, EXAMPLE_CONTEXT) == Decimal("3.5")
    assert check("x + 1", NUM).evaluate({"x": True}, EXAMPLE_CONTEXT) is None
