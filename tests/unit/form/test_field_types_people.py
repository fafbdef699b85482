"""Member and department fields hold directory ids; system presenters show a record's own columns."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from engines.expr import types as et
from engines.form.compiled import compile_form
from engines.form.definition import FieldDef
from engines.form.types import FIELD_TYPES, FieldSpec, FieldValueError, StorageKind


def spec(type_key: str, **options) -> FieldSpec:
    field_type = FIELD_TYPES.get(type_key)
    field = FieldDef(key="f", type=type_key, label={"en": "F"}, options=options)
    return FieldSpec(field, field_type, field_type.parse_options(options))


def make_form(*fields: tuple[str, str]) -> dict:
    return {"key": "tasks", "label": {"en": "Tasks"},
            "fields": [{"key": key, "type": type_key, "label": {"en": key}} for key, type_key in fields]}


def test_one_person_is_an_indexed_id_column_and_many_a_junction_table():
    form = compile_form("crm", make_form(("owner", "member"), ("helpers", "members"), ("dept", "department"),
                                         ("depts", "departments")))
    assert {"owner", "dept"} <= set(form.table.c.keys())
    assert not {"helpers", "depts"} & set(form.table.c.keys())
    assert set(form.junctions) == {"helpers", "depts"}
    assert any(index.columns.keys() == ["owner"] for index in form.table.indexes)


def test_expression_types_are_users_and_departments():
    assert spec("member").type.expr_type(spec("member")) == et.USER
    assert spec("members").type.expr_type(spec("members")) == et.list_of(et.USER)
    assert spec("department").type.expr_type(spec("department")) == et.DEPT
    assert spec("departments").type.expr_type(spec("departments")) == et.list_of(et.DEPT)


def test_people_values_are_ids():
    member, members = spec("member"), spec("members", max_count=2)
    assert member.type.parse(member, "7") == 7
    assert member.type.parse(member, {"id": 7, "name": "Ann"}) == 7
    assert members.type.parse(members, [7, "8", 7]) == [7, 8]
    assert members.type.parse(members, "7，8") == [7, 8]
    with pytest.raises(FieldValueError):
        members.type.parse(members, [1, 2, 3])
    for bad in (0, -1, "ann", True, 1.5):
        with pytest.raises(FieldValueError):
            member.type.parse(member, bad)


def test_operators_compare_one_and_intersect_many():
    member, members = spec("member"), spec("members")
    assert {"eq", "in", "ne", "not_in", "empty"} <= set(member.type.operators(member))
    assert {"has_any", "has_all", "has_none", "empty"} <= set(members.type.operators(members))


def test_people_cells_show_names_when_the_records_layer_gives_them():
    member, members = spec("member"), spec("members")
    assert member.type.to_cell(member, {"id": 7, "name": "Ann"}) == "Ann"
    assert member.type.to_cell(member, 7) == 7
    assert members.type.to_cell(members, [{"id": 7, "name": "Ann"}, 8]) == "Ann, 8"


@pytest.mark.parametrize("type_key", ["created_by", "created_at", "updated_by", "updated_at"])
def test_system_presenters_show_system_columns_and_take_no_input(type_key):
    field_type = FIELD_TYPES.get(type_key)
    assert field_type.computed and field_type.storage is StorageKind.SYSTEM
    assert field_type.system_column == type_key
    form = compile_form("crm", {"key": "tasks", "label": {"en": "T"},
                                "fields": [{"key": "shown", "type": type_key, "label": {"en": "x"}}]})
    assert "shown" not in form.table.c and form.stored_specs() == []


def test_time_presenters_export_local_wall_time():
    field = spec("created_at", timezone="Asia/Shanghai")
    moment = datetime(2024, 5, 31, 1, 30, tzinfo=timezone.utc)
    assert field.type.to_cell(field, moment) == datetime(2024, 5, 31, 9, 30)
    assert field.type.parse(field, "2024-05-31 09:30") == moment
