"""Dependencies: a calculated field is recomputed when, and only when, what it reads changes."""

from __future__ import annotations

import pytest

from engines.expr import ExprError, check, dependencies, evaluation_order, find_cycles
from engines.expr.functions.examples import EXAMPLE_SCHEMA
from engines.expr.types import Schema


def deps(text: str, schema: Schema = EXAMPLE_SCHEMA):
    return dependencies(check(text, schema))


def test_fields_links_and_subform_paths_are_listed() -> None:
    found = deps('IF(customer.industry = "retail", SUM(items.subtotal), amount) & company')
    assert found.fields == {("customer", "industry"), ("items", "subtotal"), ("amount",), ("company",)}
    assert found.links == {("customer",), ("items",)}
    assert found.roots == {"customer", "items", "amount", "company"}
    assert not found.volatile


def test_context_reads_are_listed_and_time_makes_a_formula_volatile() -> None:
    found = deps('DATEDIF(signed_on, TODAY(), "d") > 30 AND ISME(owner) AND $user.dept = dept')
    assert {"today", "user", "user.dept"} <= found.context
    assert found.volatile
    assert deps("$now > created").volatile
    assert "directory" in deps("USERNAME(owner)").context


def test_a_change_triggers_recompute_only_for_read_fields() -> None:
    found = deps("price * qty")
    assert found.reads({"qty"}) and found.reads({"price", "status"})
    assert not found.reads({"status", "company"})


def test_system_fields_through_record_are_dependencies_too() -> None:
    assert deps("$record.created_at < $now").fields == {("created_at",)}


def test_a_formula_object_caches_its_dependencies() -> None:
    formula = check("amount + qty", EXAMPLE_SCHEMA)
    assert formula.dependencies is formula.dependencies
    assert formula.dependencies.roots == {"amount", "qty"}


CALCULATED = Schema({"price": "number", "qty": "number", "total": "number", "tax": "number", "gross": "number",
                     "a": "number", "b": "number", "c": "number"})


def test_cycles_among_calculated_fields_are_reported_with_their_fields() -> None:
    formulas = {key: check(text, CALCULATED) for key, text in {
        "total": "price * qty", "tax": "total * 0.1", "gross": "total + tax",
        "a": "b + 1", "b": "c + 1", "c": "a + 1",
    }.items()}
    assert find_cycles(formulas) == [["a", "b", "c"]]
    with pytest.raises(ExprError) as caught:
        evaluation_order(formulas)
    assert caught.value.code == "cycle" and "a → b → c → a" in caught.value.message_en
    assert "循环" in caught.value.message_zh


def test_a_field_reading_itself_is_a_cycle() -> None:
    assert find_cycles({"total": check("total + 1", CALCULATED)}) == [["total"]]


def test_evaluation_order_puts_inputs_first() -> None:
    formulas = {key: check(text, CALCULATED) for key, text in {
        "gross": "total + tax", "tax": "total * 0.1", "total": "price * qty",
    }.items()}
    order = evaluation_order(formulas)
    assert order.index("total") < order.index("tax") < order.index("gross")
    assert find_cycles(formulas) == []


def test_dependencies_objects_work_without_formulas() -> None:
    assert find_cycles({"x": deps("amount"), "amount": deps("qty")}) == []
