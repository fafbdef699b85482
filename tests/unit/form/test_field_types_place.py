"""Addresses are checked against China's real administrative divisions; locations against the globe."""

from __future__ import annotations

import pytest
from sqlalchemy import Column, Integer, MetaData, Table
from sqlalchemy.dialects import sqlite

from core.types import JsonType
from engines.form.data.divisions import divisions
from engines.form.definition import FieldDef
from engines.form.operators import FilterError, FilterTarget
from engines.form.types import FIELD_TYPES, FieldSpec, FieldValueError


def spec(type_key: str, **options) -> FieldSpec:
    field_type = FIELD_TYPES.get(type_key)
    field = FieldDef(key="f", type=type_key, label={"en": "F"}, options=options)
    return FieldSpec(field, field_type, field_type.parse_options(options))


def parse(type_key: str, value, **options):
    field = spec(type_key, **options)
    return field.type.parse(field, value)


NANSHAN = {"province": "广东省", "city": "深圳市", "district": "南山区", "code": "440305"}


def test_the_shipped_dataset_is_complete():
    levels = [sum(1 for d in divisions().by_code.values() if d.level == n) for n in range(4)]
    assert levels[0] == 31 and levels[1] > 330 and levels[2] > 2900 and levels[3] > 40000
    assert divisions().get("440305007").name == "粤海街道"


def test_address_by_names_gets_its_code():
    assert parse("address", {"province": "广东省", "city": "深圳市", "district": "南山区"}) == NANSHAN


@pytest.mark.parametrize("code", ["440305", 440305, "440305000000"])
def test_address_by_code_gets_its_names(code):
    assert parse("address", {"code": code}) == NANSHAN


def test_address_levels():
    assert parse("address", {"code": "440000"}, level="province") == {"province": "广东省", "code": "440000"}
    assert parse("address", {"code": "440300"}, level="city") == {"province": "广东省", "city": "深圳市", "code": "440300"}
    street = parse("address", {"code": "440305007", "detail": "科苑路 15 号"}, level="street")
    assert street == {**NANSHAN, "street": "粤海街道", "code": "440305007", "detail": "科苑路 15 号"}
    with pytest.raises(FieldValueError) as error:
        parse("address", {"code": "440300"})  # a city where a district is asked for
    assert error.value.code == "address_level"
    with pytest.raises(FieldValueError):
        parse("address", {"code": "440305007"}, level="district")


def test_cities_without_counties_keep_both_readings_of_their_code():
    assert parse("address", {"code": "441900"}, level="city")["city"] == "东莞市"
    assert parse("address", {"code": "441900"}, level="district") == {
        "province": "广东省", "city": "东莞市", "district": "东莞市", "code": "441900"}


@pytest.mark.parametrize(
    "value",
    [
        {"province": "广东省", "city": "深圳市", "district": "朝阳区"},  # not in Shenzhen
        {"province": "火星省", "city": "深圳市", "district": "南山区"},
        {"code": "999999"},
        {"code": "440305", "district": "福田区"},  # names disagree with the code
        {"province": "广东省", "city": "深圳市", "district": "南山区", "planet": "earth"},
        {"province": "广东省", "city": "深圳市", "district": "南山区", "detail": "x" * 201},
        ["广东省", "深圳市"],
    ],
)
def test_wrong_addresses_are_refused(value):
    with pytest.raises(FieldValueError):
        parse("address", value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("广东省/深圳市/南山区/科技园 1 号", {**NANSHAN, "detail": "科技园 1 号"}),
        ("广东省深圳市南山区科技园1号", {**NANSHAN, "detail": "科技园1号"}),
        ("广东 深圳 南山区", NANSHAN),
        ("北京市东城区东华门街道", {"province": "北京市", "city": "市辖区", "district": "东城区", "code": "110101",
                              "detail": "东华门街道"}),
        ("广东省东莞市虎门镇", {"province": "广东省", "city": "东莞市", "district": "东莞市", "code": "441900",
                         "detail": "虎门镇"}),
        ("河南省济源市", {"province": "河南省", "city": "省直辖县级行政区划", "district": "济源市", "code": "419001"}),
        ("新疆乌鲁木齐市天山区", {"province": "新疆维吾尔自治区", "city": "乌鲁木齐市", "district": "天山区", "code": "650102"}),
    ],
)
def test_addresses_written_as_text_are_understood(text, expected):
    field = spec("address")
    assert field.type.from_cell(field, text) == expected


def test_address_cells_round_trip():
    field = spec("address", level="street")
    value = field.type.parse(field, {"code": "440305007", "detail": "科苑路/15 号"})
    cell = field.type.to_cell(field, value)
    assert cell == "广东省/深圳市/南山区/粤海街道/科苑路/15 号"
    assert field.type.from_cell(field, cell) == value


def test_detail_line_can_be_switched_off():
    with pytest.raises(FieldValueError) as error:
        parse("address", {"code": "440305", "detail": "1 号"}, detail=False)
    assert error.value.code == "no_detail"


def test_within_filters_by_division_prefix():
    field = spec("address")
    table = Table("t", MetaData(), Column("id", Integer), Column("f", JsonType))
    target = FilterTarget(table.c.f, table.c.id)
    for division, prefix in (("440300", "4403"), ("广东省/深圳市", "4403"), ("广东省", "44"), ("441900", "441900")):
        compiled = field.type.compile_filter(field, target, "within", division).compile(dialect=sqlite.dialect())
        assert prefix in compiled.params.values()
    with pytest.raises(FilterError):
        field.type.compile_filter(field, target, "within", "Atlantis")


def test_location_is_checked_and_rounded():
    assert parse("location", {"lat": "31.2304", "lng": 121.4737, "label": " 人民广场 "}) == {
        "lat": 31.2304, "lng": 121.4737, "label": "人民广场"}
    assert parse("location", {"lat": 1.123456789, "lng": 2}) == {"lat": 1.1234568, "lng": 2.0}
    assert parse("location", "31.2304, 121.4737 人民广场") == {"lat": 31.2304, "lng": 121.4737, "label": "人民广场"}
    for bad in ({"lat": 91, "lng": 0}, {"lat": 0, "lng": -181}, {"lat": "nan", "lng": 0}, {"lat": True, "lng": 0},
                {"lat": 0}, {"lat": 0, "lng": 0, "alt": 5}, {"lat": 0, "lng": 0, "label": "x" * 201}, "somewhere"):
        with pytest.raises(FieldValueError):
            parse("location", bad)


def test_location_cells_round_trip_small_numbers():
    field = spec("location")
    value = field.type.parse(field, {"lat": 0.0000001, "lng": -0.5})
    cell = field.type.to_cell(field, value)
    assert cell == "0.0000001,-0.5"
    assert field.type.from_cell(field, cell) == value
