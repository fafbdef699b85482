"""Text functions in Python: character positions, formats, conversions, regular expressions."""

from __future__ import annotations

from decimal import Decimal

import pytest

from engines.expr import Schema, check
from engines.expr.functions.examples import EXAMPLE_CONTEXT
from tests.unit.expr.conftest import run

TXT = Schema({"s": "text", "x": "number", "d": "date", "t": "datetime", "b": "bool"})


def text(formula: str, **record) -> object:
    return check(formula, TXT).evaluate(record, EXAMPLE_CONTEXT)


def test_positions_count_characters_not_bytes() -> None:
    assert text("MID(s, 3, 2)", s="七巧板拼图") == "板拼"
    assert text("LEN(s)", s="七巧板") == 3
    assert text('SEARCH("板", s)', s="七巧板") == 3


def test_concatenation_writes_numbers_without_trailing_zeros_or_exponents() -> None:
    assert text('"x" & x', x=Decimal("1.50")) == "x1.5"
    assert text('"x" & x', x=Decimal("1E+3")) == "x1000"
    assert text('"x" & x', x=Decimal("-0.0")) == "x0"
    assert text('CONCAT(b, "/", d)', b=True) == "TRUE/"


@pytest.mark.parametrize(
    "fmt, value, expected",
    [("0", "2.5", "3"), ("0.000", "2", "2.000"), ("#,##0.00", "-1234567.891", "-1,234,567.89"),
     ("#,##0", "999.5", "1,000"), ("0%", "0.125", "13%"), ("0.0%", "-0.0004", "0.0%"), ("0.00", "-0.001", "0.00")],
)
def test_number_formats(fmt: str, value: str, expected: str) -> None:
    assert text(f'TEXT(x, "{fmt}")', x=Decimal(value)) == expected


def test_date_formats_use_yyyy_mm_dd_hh_mm_ss_tokens_and_keep_other_characters() -> None:
    from datetime import datetime

    at = datetime(2024, 3, 5, 7, 8, 9)
    assert text('TEXT(t, "yyyy/MM/dd HH:mm:ss")', t=at) == "2024/03/05 07:08:09"
    assert text('TEXT(t, "yy年MM月dd日 HH时")', t=at) == "24年03月05日 07时"
    assert text('TEXT(d, "dd.MM.yyyy HH:mm")', d=at.date()) == "05.03.2024 00:00"


def test_value_reads_plain_numbers_only() -> None:
    assert [text("VALUE(s)", s=v) for v in ("42", " -3.5 ", "+.5", "1.", "1,000", "1e3", "", "NaN")] == [
        Decimal(42), Decimal("-3.5"), Decimal("0.5"), Decimal(1), None, None, None, None
    ]


def test_regexmatch_uses_re2_syntax_and_finds_a_match_anywhere() -> None:
    assert text(r'REGEXMATCH(s, "\d{3}-\d{4}")', s="call 555-1234 now") is True
    assert text(r'REGEXMATCH(s, "^\d+$")', s="12a") is False
    assert text('REGEXMATCH(s, "(?i)^qi")', s="Qiqiao") is True


def test_split_and_join_round_trip() -> None:
    assert text('SPLIT(s, ",")', s="a,b,,c") == ["a", "b", "", "c"]
    assert text('SPLIT(s, "")', s="abc") == ["a", "b", "c"]
    assert text('JOIN(SPLIT(s, ","), ";")', s="a,b") == "a;b"


def test_join_skips_blank_items() -> None:
    rows = {"items": [{"product": "A"}, {"product": None}, {"product": "B"}]}
    assert run('JOIN(items.product, "+")', rows) == "A+B"


def test_substitute_replaces_every_occurrence_and_replace_works_by_position() -> None:
    assert text('SUBSTITUTE(s, "a", "o")', s="banana") == "bonono"
    assert text('REPLACE(s, 2, 3, "-")', s="banana") == "b-na"


def test_find_is_case_sensitive_and_search_is_not() -> None:
    assert text('FIND("A", s)', s="banana") == 0
    assert text('SEARCH("A", s)', s="banana") == 2
    assert text('SEARCH("", s, 3)', s="banana") == 3
