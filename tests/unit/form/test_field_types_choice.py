"""Cascaders pick a path in a tree of options; ratings count stars."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from engines.form.definition import FieldDef
from engines.form.types import FIELD_TYPES, FieldSpec, FieldValueError

TREE = [
    {"value": "east", "label": {"zh-CN": "华东", "en": "East"}, "children": [
        {"value": "sh", "label": {"zh-CN": "上海"}},
        {"value": "js", "label": {"zh-CN": "江苏"}, "children": [{"value": "nj", "label": {"zh-CN": "南京"}}]},
    ]},
    {"value": "ab", "label": {"zh-CN": "A/B 测试"}, "children": [{"value": "a", "label": {"zh-CN": "甲"}}]},
]


def spec(type_key: str, **options) -> FieldSpec:
    field_type = FIELD_TYPES.get(type_key)
    field = FieldDef(key="f", type=type_key, label={"en": "F"}, options=options)
    return FieldSpec(field, field_type, field_type.parse_options(options))


def test_cascader_path_must_exist_in_the_tree():
    field = spec("cascader", tree=TREE)
    assert field.type.parse(field, ["east", "js", "nj"]) == ["east", "js", "nj"]
    for bad in (["east", "nj"], ["west"], "east", ["east", 1], [], ["a"] * 7):
        if bad == []:
            assert field.type.parse(field, bad) is None
            continue
        with pytest.raises(FieldValueError):
            field.type.parse(field, bad)


def test_cascader_needs_a_leaf_unless_told_otherwise():
    with pytest.raises(FieldValueError) as error:
        spec("cascader", tree=TREE).type.parse(spec("cascader", tree=TREE), ["east", "js"])
    assert error.value.code == "not_leaf"
    field = spec("cascader", tree=TREE, leaf_only=False)
    assert field.type.parse(field, ["east", "js"]) == ["east", "js"]


@pytest.mark.parametrize(
    ("cell", "path"),
    [("华东/江苏/南京", ["east", "js", "nj"]), ("east / js / nj", ["east", "js", "nj"]), ("East/上海", ["east", "sh"]),
     ("A/B 测试/甲", ["ab", "a"])],
)
def test_cascader_cells_use_labels_or_values(cell, path):
    field = spec("cascader", tree=TREE)
    assert field.type.from_cell(field, cell) == path


def test_cascader_cells_round_trip_and_survive_removed_options():
    field = spec("cascader", tree=TREE)
    assert field.type.to_cell(field, ["ab", "a"]) == "A/B 测试/甲"
    assert field.type.from_cell(field, "A/B 测试/甲") == ["ab", "a"]
    assert field.type.to_cell(field, ["gone", "x"]) == "gone/x"


@pytest.mark.parametrize(
    "tree",
    [
        [{"value": "a"}, {"value": "a"}],
        [{"value": "a/b"}],
        [{"value": "x", "colour": "red"}],
        [],
    ],
)
def test_cascader_options_are_checked(tree):
    with pytest.raises(ValidationError):
        FIELD_TYPES.get("cascader").parse_options({"tree": tree})


def test_cascader_tree_depth_is_bounded():
    node: dict = {"value": "leaf"}
    for depth in range(7):
        node = {"value": f"n{depth}", "children": [node]}
    with pytest.raises(ValidationError):
        FIELD_TYPES.get("cascader").parse_options({"tree": [node]})


def test_rating_counts_whole_stars_within_the_maximum():
    field = spec("rating", max=5)
    assert field.type.parse(field, 5) == 5
    assert field.type.parse(field, "3") == 3
    assert field.type.from_cell(field, "★★★☆☆") == 3
    assert field.type.from_cell(field, 4.0) == 4
    for bad in (0, 6, 2.5, "many", True):
        with pytest.raises(FieldValueError):
            field.type.parse(field, bad)
    assert field.type.input_schema(field)["maximum"] == 5


@pytest.mark.parametrize("top", [2, 11])
def test_rating_maximum_is_between_three_and_ten(top):
    with pytest.raises(ValidationError):
        FIELD_TYPES.get("rating").parse_options({"max": top})
