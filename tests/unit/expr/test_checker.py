"""The type checker: result types, and errors that name the position in both languages."""

from __future__ import annotations

import pytest

from engines.expr import ExprError, ExprTypeError, Schema, check, record, records
from engines.expr.functions.examples import EXAMPLE_SCHEMA


def type_of(text: str, schema: Schema = EXAMPLE_SCHEMA) -> str:
    return str(check(text, schema).type)


def error_of(text: str, schema: Schema = EXAMPLE_SCHEMA, **kw) -> ExprError:
    with pytest.raises(ExprError) as caught:
        check(text, schema, **kw)
    return caught.value


@pytest.mark.parametrize(
    "text, expected",
    [
        ("amount * 2", "number"),
        ('IF(amount > 1, "A", "B")', "text"),
        ("IF(vip, signed_on, created)", "datetime"),
        ("IF(vip, 1, NULL)", "number"),
        ("signed_on + 1", "date"),
        ("due_on - signed_on", "number"),
        ('DATEADD(signed_on, 1, "m")', "date"),
        ('DATEADD(signed_on, 1, "h")', "datetime"),
        ("items.subtotal", "list<number>"),
        ("items.qty * items.price", "list<number>"),
        ("SUM(items.qty * items.price)", "number"),
        ("customer.industry", "text"),
        ("tags", "list<text>"),
        ("$user", "user"),
        ("$user.roles", "list<text>"),
        ("$record.created_at", "datetime"),
        ("$record.amount", "number"),
        ("SUBDEPTS($user.dept)", "list<dept>"),
        ("MAX(signed_on, created)", "datetime"),
        ("owner = 7", "bool"),
        ("NULL", "null"),
    ],
)
def test_result_types(text: str, expected: str) -> None:
    assert type_of(text) == expected


def test_adding_a_number_to_text_is_refused_with_the_position_in_both_languages() -> None:
    err = error_of("amount + company")
    assert isinstance(err, ExprTypeError) and err.code == "operand_types"
    assert err.position is not None and (err.position.offset, err.position.line, err.position.column) == (0, 1, 1)
    assert "number" in err.message_en and "text" in err.message_en
    assert "运算符" in err.message_zh
    assert err.as_dict("zh-CN")["message"] == err.message_zh


def test_the_position_points_at_the_offending_part_on_later_lines() -> None:
    err = error_of('IF(vip,\n  amount,\n  UPPER(amount))')
    assert err.code == "arg_type"
    assert err.position is not None and (err.position.line, err.position.column) == (3, 9)


def test_unknown_field_suggests_a_close_key() -> None:
    err = error_of("amout * 2")
    assert err.code == "unknown_field" and "amount" in err.message_en and "amount" in err.message_zh


def test_unknown_function_suggests_a_close_name() -> None:
    err = error_of("SUMM(1, 2)")
    assert err.code == "unknown_function" and "SUM" in err.message_en
    assert err.position is not None and err.position.end == 4


@pytest.mark.parametrize(
    "text, code",
    [
        ("LEFT()", "arg_count"),
        ("IF(vip)", "arg_count"),
        ("ROUND(1, 2, 3)", "arg_count"),
        ('IFS(vip, 1, amount)', "arg_count"),
        ("UPPER(amount)", "arg_type"),
        ('IF(vip, 1, "x")', "arg_type"),
        ('IFS(vip, 1, TRUE, "x")', "branch_types"),
        ("amount > company", "operand_types"),
        ("vip < TRUE", "operand_types"),
        ("-company", "operand_type"),
        ("NOT amount", "operand_type"),
        ('tags & "x"', "list_not_allowed"),
        ("tags + 1", "list_not_allowed"),
        ("company.name", "not_a_record"),
        ("customer.nope", "unknown_field"),
        ("$record", "record_needs_field"),
        ("$user.salary", "unknown_member"),
        ("$tomorrow", "unknown_variable"),
        ('DATEDIF(signed_on, due_on, status)', "literal_required"),
        ('DATEDIF(signed_on, due_on, "fortnight")', "bad_unit"),
        ('DATEADD(signed_on, 1, "x")', "bad_unit"),
        ("WEEKDAY(signed_on, 9)", "bad_unit"),
        ('TEXT(amount, "yyyy")', "bad_format"),
        ('TEXT(company, "0.00")', "bad_format"),
        (r'REGEXMATCH(email, "(a)\1")', "bad_pattern"),
        ('REGEXMATCH(email, "(")', "bad_pattern"),
        ("SUMIF(items.subtotal, items2.qty > 1)", "unknown_field"),
        ("amount IN tags", "operand_types"),
    ],
)
def test_type_errors(text: str, code: str) -> None:
    assert error_of(text).code == code


def test_lists_from_two_subforms_cannot_be_combined_row_by_row() -> None:
    schema = Schema({"a": records({"x": "number"}), "b": records({"y": "number"})})
    assert error_of("SUM(a.x * b.y)", schema).code == "mixed_rows"
    assert error_of("SUMIF(a.x, b.y > 1)", schema).code == "mixed_rows"
    assert type_of("SUM(a.x) + SUM(b.y)", schema) == "number"


def test_only_one_to_many_hop_per_path() -> None:
    schema = Schema({"orders": records({"lines": records({"qty": "number"})})})
    assert error_of("SUM(orders.lines.qty)", schema).code == "nested_list"


def test_link_inside_a_subform_row_is_a_row_wise_list() -> None:
    schema = Schema({"items": records({"product": record({"price": "number"}), "qty": "number"})})
    assert type_of("SUM(items.product.price * items.qty)", schema) == "number"


def test_expect_pins_the_result_type_for_filters_and_rules() -> None:
    assert str(check("amount > 1", EXAMPLE_SCHEMA, expect="bool").type) == "bool"
    assert str(check("NULL", EXAMPLE_SCHEMA, expect="bool").type) == "bool"
    assert str(check("signed_on", EXAMPLE_SCHEMA, expect="datetime").type) == "date"
    err = error_of("amount", expect="bool")
    assert err.code == "result_type" and "bool" in err.message_en


def test_schema_from_the_http_shape() -> None:
    schema = Schema.from_json([
        {"key": "amount", "type": "number"},
        {"key": "tags", "type": "list<text>"},
        {"key": "customer", "type": "record", "fields": [{"key": "industry", "type": "text"}]},
        {"key": "items", "type": "records", "fields": [{"key": "qty", "type": "number"}]},
    ])
    assert type_of("SUM(items.qty) + amount", schema) == "number"
    assert type_of("customer.industry", schema) == "text"
    with pytest.raises(ValueError):
        Schema.from_json([{"key": "x", "type": "money"}])
