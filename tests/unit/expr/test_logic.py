"""Logic functions and operators in Python: three-valued logic, lazy branches, blanks."""

from __future__ import annotations

import itertools

import pytest

from engines.expr import Limits, Schema, check
from engines.expr.functions.examples import EXAMPLE_CONTEXT
from tests.unit.expr.conftest import run

BOOLS = Schema({"a": "bool", "b": "bool", "n": "number", "s": "text"})
VALUES = (True, False, None)


def kleene_and(a, b):
    if a is False or b is False:
        return False
    return None if a is None or b is None else True


def kleene_or(a, b):
    if a is True or b is True:
        return True
    return None if a is None or b is None else False


@pytest.mark.parametrize("a, b", list(itertools.product(VALUES, VALUES)))
def test_and_or_not_follow_sql_three_valued_logic(a, b) -> None:
    record = {"a": a, "b": b}
    assert check("a AND b", BOOLS).evaluate(record, EXAMPLE_CONTEXT) is kleene_and(a, b)
    assert check("AND(a, b)", BOOLS).evaluate(record, EXAMPLE_CONTEXT) is kleene_and(a, b)
    assert check("a OR b", BOOLS).evaluate(record, EXAMPLE_CONTEXT) is kleene_or(a, b)
    assert check("OR(a, b)", BOOLS).evaluate(record, EXAMPLE_CONTEXT) is kleene_or(a, b)
    assert check("NOT a", BOOLS).evaluate(record, EXAMPLE_CONTEXT) is (None if a is None else not a)


def test_a_blank_condition_counts_as_false_in_if() -> None:
    assert check('IF(a, "yes", "no")', BOOLS).evaluate({}, EXAMPLE_CONTEXT) == "no"
    assert check('IF(n > 1, "yes", "no")', BOOLS).evaluate({}, EXAMPLE_CONTEXT) == "no"


def test_if_evaluates_only_the_branch_it_takes() -> None:
    # The untaken branch would blow the step budget if it ran.
    heavy = "SUM(" + ",".join(["n"] * 300) + ")"
    formula = check(f"IF(TRUE, 1, {heavy} + {heavy})", BOOLS, limits=Limits(max_steps=50))
    assert formula.evaluate({"n": 1}, EXAMPLE_CONTEXT) == 1


def test_switch_compares_in_order_and_falls_back_to_the_default() -> None:
    assert run('SWITCH(qty, 1, "one", 3, "three", "many")') == "three"
    assert run('SWITCH(discount, 1, "one", "none")') == "none"  # blank never matches


def test_isblank_treats_empty_text_and_empty_lists_as_blank() -> None:
    assert check("ISBLANK(s)", BOOLS).evaluate({"s": ""}, EXAMPLE_CONTEXT) is True
    assert check("ISBLANK(s)", BOOLS).evaluate({"s": " "}, EXAMPLE_CONTEXT) is False
    assert run("ISBLANK(tags)", {"tags": []}) is True


def test_iferror_catches_the_blank_that_errors_become() -> None:
    assert run("IFERROR(1 / 0, -1)") == -1
    assert run('IFERROR(DATEVALUE("2023-02-30"), TODAY())') == EXAMPLE_CONTEXT.today


def test_comparison_with_blank_is_blank_not_false() -> None:
    assert run("discount = 0") is None
    assert run("discount <> 0") is None
    assert run("NOT (discount = 0)") is None
