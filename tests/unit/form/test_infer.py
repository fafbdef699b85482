"""Guessing field types from a sheet's columns (engines/form/infer.py): pure, no database."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from engines.form.compiled import compile_form
from engines.form.infer import infer_type, propose_form, propose_key


@pytest.mark.parametrize("values, expected", [
    (["是", "否", "是"], "checkbox"),
    (["yes", "No", "YES"], "checkbox"),
    ([True, False], "checkbox"),
    (["2024-05-31", "2024/6/1", "2024年7月2日"], "date"),
    ([date(2024, 1, 2), datetime(2024, 1, 3)], "date"),
    (["2024-05-31 09:30", "2024-06-01 18:00:05"], "datetime"),
    ([datetime(2024, 1, 3, 9, 30)], "datetime"),
    (["13800138000", "+86 139 0013 8000", "010-12345678"], "phone"),
    ([13800138000.0, 13900139000], "phone"),
    (["11010519491231002X", "440524188001010014"], "id_card"),
    (["a@example.com", "b.c@example.cn"], "email"),
    (["https://example.com/x", "http://qiqiao.dev"], "url"),
    ([1, 2, 30], "number"),
    (["1,234", "56"], "number"),
    (["¥1,000.50", "￥20"], "money"),
    ([12.5, 10.25, 3.10], "money"),
    (["重点、新客", "新客", "重点"], "multi_select"),
    (["制造", "金融", "制造", "教育"], "single_select"),
    (["甲", "乙", "丙"], "text"),
    (["x" * 150, "short"], "textarea"),
    (["line one\nline two"], "textarea"),
    (["0571", "0100"], "text"),
    ([], "text"),
])
def test_each_column_gets_the_type_its_values_fit(values, expected):
    assert infer_type("列", values)[0] == expected


def test_a_money_header_makes_plain_numbers_money_with_the_currency_seen():
    assert infer_type("合同金额", [100, 250])[:2] == ("money", {"currency": "CNY", "precision": 2})
    assert infer_type("price", ["$5", "$7.5"])[1]["currency"] == "USD"
    assert infer_type("重量", [1.5, 2.125])[:2] == ("number", {"precision": 3})


def test_one_value_that_does_not_fit_keeps_the_column_text():
    assert infer_type("手机", ["13800138000", "call me"])[0] == "text"
    assert infer_type("日期", ["2024-05-31", "soon"])[0] == "text"


def test_keys_come_from_the_glossary_ascii_headers_or_the_type():
    taken: set[str] = set()
    keys = []
    for header, field_type in [("客户名称", "text"), ("Signed On", "date"), ("奇怪的列", "text"), ("奇怪的列二", "text"),
                               ("id", "number"), ("金额", "money")]:
        keys.append(propose_key(header, field_type, taken))
        taken.add(keys[-1])
    assert keys == ["customer_name", "signed_on", "text", "text_2", "id_2", "amount"]


def test_a_realistic_sheet_becomes_a_definition_that_compiles():
    headers = ["客户名称", "金额", "签约日期", "行业", "手机", "备注", ""]
    rows = [[f"客户{i}", f"{1000 + i}.50", f"2024-03-{10 + i}", ["制造", "金融"][i % 2], f"1380013800{i}", None, "x"]
            for i in range(6)]
    definition, fields = propose_form("customers", "客户", headers, rows)
    assert [(f.key, f.type) for f in fields] == [
        ("customer_name", "text"), ("amount", "money"), ("signed_on", "date"), ("industry", "single_select"),
        ("mobile", "phone"), ("remarks", "text"),
    ]
    assert definition["settings"] == {"title_field": "customer_name"}
    assert definition["fields"][3]["options"]["choices"] == [{"value": "制造"}, {"value": "金融"}]
    compiled = compile_form("sales", definition)
    assert list(compiled.specs) == [f.key for f in fields]
