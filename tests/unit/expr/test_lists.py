"""Subforms, links and list fields in Python: row-wise expressions, aggregates, link loaders."""

from __future__ import annotations

from decimal import Decimal

from engines.expr import Context, Schema, check, record, records
from engines.expr.functions.examples import EXAMPLE_CONTEXT
from tests.unit.expr.conftest import run

ORDER = Schema({
    "customer": record({"name": "text", "owner": record({"name": "text"})}),
    "items": records({"qty": "number", "price": "number", "product": record({"name": "text", "cost": "number"})}),
    "contacts": records({"name": "text"}),
})


def test_row_wise_expressions_over_a_subform() -> None:
    assert run("items.qty * items.price") == [Decimal(7), Decimal(12), Decimal(10)]
    assert run('IF(items.qty > 1, items.product, "-")') == ["Pen", "-", "Pad"]
    assert run("SUM(items.qty * items.price) / COUNT(items)") == Decimal("9.6666666667")


def test_an_aggregate_inside_a_row_expression_sees_all_rows() -> None:
    assert run("items.subtotal - AVERAGE(items.subtotal)") == [
        Decimal("-2.6666666667"), Decimal("2.3333333333"), Decimal("0.3333333333")
    ]


def test_countif_counts_true_tests_or_equal_values() -> None:
    assert run("COUNTIF(items.price >= 3.5)") == 2
    assert run("COUNTIF(items.qty, 5)") == 1
    assert run('COUNTIF(tags, "vip")', {"tags": ["vip", "vip", None]}) == 2


def test_linked_records_are_read_from_nested_mappings() -> None:
    rec = {"customer": {"name": "Acme", "owner": {"name": "Li"}}, "items": [], "contacts": []}
    assert check("customer.owner.name", ORDER).evaluate(rec, EXAMPLE_CONTEXT) == "Li"


def test_linked_records_stored_as_ids_are_loaded_through_the_callback() -> None:
    calls = []

    def load(path, value):
        calls.append((path, value))
        if path == ("customer",):
            return {"name": "Acme", "owner": 9}
        if path == ("customer", "owner"):
            return {"name": "Han"}
        if path == ("contacts",):
            return [{"name": f"c{i}"} for i in value]
        if path == ("items", "product"):
            return {"name": "P", "cost": Decimal(value)}
        return None

    ctx = Context(now=EXAMPLE_CONTEXT.now, links=load)
    rec = {"customer": 5, "contacts": [1, 2], "items": [{"qty": Decimal(2), "product": 3}]}
    assert check("customer.owner.name", ORDER).evaluate(rec, ctx) == "Han"
    assert check('JOIN(contacts.name, ",")', ORDER).evaluate(rec, ctx) == "c1,c2"
    assert check("SUM(items.qty * items.product.cost)", ORDER).evaluate(rec, ctx) == 6
    assert (("customer",), 5) in calls and (("contacts",), [1, 2]) in calls


def test_missing_links_are_blank_without_a_loader() -> None:
    assert check("customer.name", ORDER).evaluate({"customer": 5}, EXAMPLE_CONTEXT) is None
    assert check("COUNT(contacts)", ORDER).evaluate({"contacts": [1, 2]}, EXAMPLE_CONTEXT) == 0


def test_first_and_last_follow_row_order_and_include_blanks() -> None:
    rows = {"items": [{"product": None}, {"product": "B"}]}
    assert run("FIRST(items.product)", rows) is None
    assert run("LAST(items.product)", rows) == "B"


def test_membership_in_lists_follows_sql() -> None:
    assert run('"vip" IN tags') is True
    assert run('"x" IN tags', {"tags": ["a", None]}) is None
    assert run('"x" NOT IN tags', {"tags": []}) is True
    assert run("dept IN SUBDEPTS($user.dept)") is True
