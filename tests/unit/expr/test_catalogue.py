"""The function catalogue the formula editor shows: one contract test over every function."""

from __future__ import annotations

import json

import pytest

from engines.expr import NoSqlForm, catalogue, check
from engines.expr.functions import FAMILIES, FUNCTIONS
from engines.expr.functions.examples import EXAMPLE_CONTEXT, EXAMPLE_SCHEMA
from tests.unit.expr.sqlkit import FormTables


def test_at_least_eighty_functions_in_every_family() -> None:
    entries = catalogue()
    assert len(entries) >= 80
    assert {e["family"] for e in entries} == set(FAMILIES)
    assert len({e["name"] for e in entries}) == len(entries)
    json.dumps(entries, ensure_ascii=False)  # served as JSON as is


@pytest.mark.parametrize("name", FUNCTIONS.keys())
def test_every_function_is_documented_in_both_languages_with_examples(name: str) -> None:
    entry = next(e for e in catalogue() if e["name"] == name)
    assert entry["signature"].startswith(name + "(")
    assert entry["description"]["en"] and entry["description"]["zh-CN"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in entry["description"]["zh-CN"])
    assert entry["examples"], "every function needs an example"
    assert entry["returns"]
    assert isinstance(entry["sql"], bool)
    if not entry["sql"]:
        assert entry["sql_note"], "python-only functions say why"
    for example in entry["examples"]:
        assert name in example["formula"] or name in ("TRUE", "FALSE")
        check(example["formula"], EXAMPLE_SCHEMA)


@pytest.mark.parametrize("name", [fn.name for fn in FUNCTIONS if not fn.sql])
def test_python_only_functions_refuse_sql_on_record_data_with_their_own_error(name: str) -> None:
    arg = {"SPLIT": 'company, " "', "SUBDEPTS": "dept", "DEPTHEAD": "dept", "USERNAME": "owner", "DEPTNAME": "dept"}[name]
    text = f"COUNT({name}({arg}))" if name in ("SPLIT", "SUBDEPTS") else f"ISBLANK({name}({arg}))"
    formula = check(text, EXAMPLE_SCHEMA)
    tables = FormTables(EXAMPLE_SCHEMA)
    for dialect in ("sqlite", "postgresql"):
        with pytest.raises(NoSqlForm) as caught:
            formula.to_sql(tables.resolver, EXAMPLE_CONTEXT, dialect)
        assert caught.value.code == "no_sql" and name in caught.value.message_en


def test_directory_functions_run_in_sql_when_their_argument_is_known_before_the_query() -> None:
    tables = FormTables(EXAMPLE_SCHEMA)
    formula = check("owner = DEPTHEAD($user.dept) OR dept IN SUBDEPTS($user.dept)", EXAMPLE_SCHEMA)
    formula.to_sql(tables.resolver, EXAMPLE_CONTEXT, "postgresql")  # no NoSqlForm
