"""The tokenizer and parser: precedence as in Excel, positions in errors, no Python on user text."""

from __future__ import annotations

from decimal import Decimal

import pytest

from engines.expr import ExprSyntaxError, parse
from engines.expr import nodes as n
from tests.unit.expr.conftest import run


def test_excel_precedence_unary_minus_binds_tighter_than_power() -> None:
    assert run("-2 ^ 2") == 4
    assert run("2 ^ 3 ^ 2") == 64  # left to right, as Excel
    assert run("1 + 2 * 3 - 4 / 2") == 5
    assert run('1 + 2 & "x"') == "3x"  # & binds looser than arithmetic


def test_comparison_binds_looser_than_concatenation_and_not_looser_than_and() -> None:
    assert run('"a" & "b" = "ab"') is True
    assert run("NOT 1 > 2 AND 2 > 1") is True
    assert run("1 > 2 OR 2 > 1 AND FALSE") is False


def test_leading_equals_sign_from_excel_is_accepted() -> None:
    assert run("=1+1") == 2


def test_strings_escape_quotes_by_doubling() -> None:
    node = parse('"say ""hi"""')
    assert isinstance(node, n.Text) and node.value == 'say "hi"'


def test_keywords_and_functions_are_case_insensitive() -> None:
    assert run("if(true, 1, 2)") == 1
    assert run("1 in (1, 2) and not false") is True


def test_not_with_parentheses_is_the_function_and_without_is_the_operator() -> None:
    assert isinstance(parse("NOT(a)"), n.Call)
    assert isinstance(parse("NOT a"), n.Unary)


def test_not_in_is_one_operator() -> None:
    node = parse('status NOT IN ("a", "b")')
    assert isinstance(node, n.In) and node.negated and node.items is not None and len(node.items) == 2


def test_member_paths_and_context_variables() -> None:
    ref = parse("customer.industry")
    assert isinstance(ref, n.Ref) and ref.path == ("customer", "industry")
    var = parse("$user.dept")
    assert isinstance(var, n.Var) and var.name == "user" and var.path == ("dept",)


def test_numbers_are_exact_decimals() -> None:
    node = parse("0.1")
    assert isinstance(node, n.Number) and node.value == Decimal("0.1")
    assert run("0.1 + 0.2 = 0.3") is True


@pytest.mark.parametrize(
    "text, code, offset",
    [
        ("", "empty", 0),
        ("1 +", "unexpected_end", 3),
        ("(1 + 2", "unexpected_end", 6),
        ("1 + * 2", "unexpected_token", 4),
        ('"open', "unterminated_string", 0),
        ("1 # 2", "unexpected_char", 2),
        ("12abc", "bad_number", 0),
        ("IF(a，b)", "full_width_char", 4),
        ("“text”", "full_width_char", 0),
        ("$", "unexpected_char", 0),
        ("a AND", "unexpected_end", 5),
        ("f(1,)", "unexpected_token", 4),
        ("1 2", "unexpected_token", 2),
        ("10**9", "unexpected_token", 3),
    ],
)
def test_syntax_errors_name_their_position(text: str, code: str, offset: int) -> None:
    with pytest.raises(ExprSyntaxError) as caught:
        parse(text)
    assert caught.value.code == code
    assert caught.value.position is not None and caught.value.position.offset == offset
    assert caught.value.message_en and caught.value.message_zh


def test_positions_count_lines_and_columns_from_one() -> None:
    with pytest.raises(ExprSyntaxError) as caught:
        parse("IF(amount > 1,\n   \"a\",\n   ))")
    position = caught.value.position
    assert position is not None
    assert (position.line, position.column) == (3, 4)
    assert position.as_dict() == {"offset": position.offset, "line": 3, "column": 4}


def test_full_width_punctuation_gets_a_helpful_message() -> None:
    with pytest.raises(ExprSyntaxError) as caught:
        parse("SUM（1）")
    assert "（" in caught.value.message_zh and "(" in caught.value.message_en


def test_unicode_digits_are_not_numbers() -> None:
    with pytest.raises(ExprSyntaxError):
        parse("١٢")  # Arabic-Indic digits must never reach Decimal()
    with pytest.raises(ExprSyntaxError):
        parse("2²")
