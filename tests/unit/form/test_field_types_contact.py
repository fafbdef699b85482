"""Phones, e-mail addresses, links and ID card numbers are checked and stored in one form."""

from __future__ import annotations

import pytest
from sqlalchemy import Column, MetaData, Table, Text
from sqlalchemy.dialects import postgresql

from engines.form.definition import FieldDef
from engines.form.operators import FilterTarget
from engines.form.types import FIELD_TYPES, FieldSpec, FieldValueError
from engines.form.types.id_card import check_character


def spec(type_key: str, **options) -> FieldSpec:
    field_type = FIELD_TYPES.get(type_key)
    field = FieldDef(key="f", type=type_key, label={"en": "F"}, options=options)
    return FieldSpec(field, field_type, field_type.parse_options(options))


def parse(type_key: str, value, **options):
    field = spec(type_key, **options)
    return field.type.parse(field, value)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("008613812345678", "13812345678"),
        (13812345678, "13812345678"),
        (13812345678.0, "13812345678"),
        ("010-12345678", "010-12345678"),
        ("(010) 1234 5678", "010-12345678"),
        ("0755-12345678", "0755-12345678"),
        ("0551-1234567", "0551-1234567"),
        ("010-12345678-8001", "010-12345678-8001"),
        ("010 12345678 转 8001", "010-12345678-8001"),
        ("+86 10 1234 5678", "010-12345678"),
        ("+44 7911 123456", "+447911123456"),
        ("0044 7911 123456", "+447911123456"),
        ("+1 (415) 555-2671", "+14155552671"),
    ],
)
def test_phone_numbers_are_stored_normalised(typed, stored):
    assert parse("phone", typed) == stored


@pytest.mark.parametrize(
    "typed",
    ["12345678", "1381234567", "138123456789", "12812345678", "+0123456789", "+1234", "phone", "021-123456",
     "010-123456789", "13812345678 转 1", "+1 2345678901234567", "=HYPERLINK(\"x\")"],
)
def test_what_is_not_a_phone_number_is_refused(typed):
    with pytest.raises(FieldValueError) as error:
        parse("phone", typed)
    assert error.value.code == "not_phone" and error.value.zh


def test_phone_kinds_limit_what_is_accepted():
    assert parse("phone", "13812345678", kinds=["mobile"]) == "13812345678"
    for number in ("010-12345678", "+447911123456"):
        with pytest.raises(FieldValueError) as error:
            parse("phone", number, kinds=["mobile"])
        assert error.value.code == "phone_kind"


def test_phone_search_takes_fragments_as_typed():
    field = spec("phone")
    table = Table("t", MetaData(), Column("id", Text), Column("f", Text))
    target = FilterTarget(table.c.f, table.c.id)
    fragment = field.type.compile_filter(field, target, "contains", "1234 5678").compile(dialect=postgresql.dialect())
    assert "12345678" in fragment.params.values()
    whole = field.type.compile_filter(field, target, "eq", "138 1234 5678").compile(dialect=postgresql.dialect())
    assert "13812345678" in whole.params.values()


def test_email_is_checked_and_lower_cased():
    assert parse("email", " Alice.Wang@Example.COM ") == "alice.wang@example.com"
    assert parse("email", "张三@例子.中国") == "张三@例子.中国"
    for bad in ("alice", "alice@", "a@b", "a b@example.com", "alice@example..com", "<script>@x.com"):
        with pytest.raises(FieldValueError):
            parse("email", bad)


def test_email_domains_option_limits_addresses():
    assert parse("email", "bob@corp.cn", domains=["corp.cn"]) == "bob@corp.cn"
    with pytest.raises(FieldValueError) as error:
        parse("email", "bob@gmail.com", domains=["corp.cn"])
    assert error.value.code == "email_domain"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("https://Example.COM/a?b=1#c", "https://example.com/a?b=1#c"),
        ("http://example.com", "http://example.com/"),
        ("www.example.com/path", "https://www.example.com/path"),
        ("example.com:8080/x", "https://example.com:8080/x"),
        ("HTTPS://例子.中国/", "https://例子.中国/"),
    ],
)
def test_links_are_web_addresses(typed, stored):
    assert parse("url", typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "javascript:alert(1)", "JaVaScRiPt:alert(1)", "java\tscript:alert(1)", "\x01javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>", "file:///etc/passwd", "ftp://example.com/", "vbscript:msgbox",
        "//evil.example/", "https://user:secret@example.com/", "http://a.com\\@evil.example", "https://exa mple.com",
        "https://example.com:99999/", "mailto:a@example.com", "just words",
    ],
)
def test_links_other_than_http_are_refused(typed):
    with pytest.raises(FieldValueError) as error:
        parse("url", typed)
    assert error.value.code == "not_url"


def test_id_card_check_digit_birth_date_and_region_are_verified():
    assert parse("id_card", "11010519491231002x") == "11010519491231002X"
    assert parse("id_card", " 440305199003071236 ") == "440305199003071236"
    assert parse("id_card", 440305199003071236) == "440305199003071236"
    cases = {
        "110105194912310021": "id_card_check",  # one digit off
        "11010519491331002X": "id_card_birth",  # month 13
        "110105190002300021": "id_card_birth",  # 30 February
        "99010519491231002X": "id_card_region",
        "11010519491231002": "not_id_card",
        "1101051949123100XX": "not_id_card",
    }
    for number, code in cases.items():
        if code in ("id_card_birth", "id_card_region"):  # make the check digit right, so only the named check fails
            number = number[:17] + check_character(number[:17])
        with pytest.raises(FieldValueError) as error:
            parse("id_card", number)
        assert error.value.code == code, number


def test_id_card_mod_11_2_check_digits():
    # Published examples of GB 11643.
    assert check_character("11010519491231002") == "X"
    assert check_character("44052418800101001") == "4"


def test_contact_fields_can_be_unique_but_links_not():
    assert FIELD_TYPES.get("phone").can_be_unique and FIELD_TYPES.get("email").can_be_unique
    assert FIELD_TYPES.get("id_card").can_be_unique and not FIELD_TYPES.get("url").can_be_unique
