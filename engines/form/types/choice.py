"""Checkbox (yes/no), single select and multi select with coloured options."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from engines.expr import types as et
from engines.form.columns import bad, parse_boolean
from engines.form.types.base import FieldSpec, FieldType, StorageKind

COLOURS = ("default", "blue", "green", "gold", "orange", "red", "purple", "cyan", "magenta", "lime", "geekblue", "volcano")


class Choice(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    value: str = Field(min_length=1, max_length=100)
    label: dict[str, str] | None = Field(None, description="display text per language; defaults to the value")
    colour: Literal[COLOURS] = "default"  # type: ignore[valid-type]


class ChoiceOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    choices: list[Choice] = Field(min_length=1, max_length=500)
    display: Literal["dropdown", "radio", "tags", "checkboxes"] = "dropdown"
    allow_other: bool = Field(False, description="accept values outside the list")

    @model_validator(mode="after")
    def _unique(self) -> "ChoiceOptions":
        values = [c.value for c in self.choices]
        if len(values) != len(set(values)):
            raise ValueError("choice values must be unique")
        return self


def _lookup(spec: FieldSpec, value: Any) -> str:
    if not isinstance(value, str):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        else:
            raise bad("not_choice", "Expected one of the options.", "应为选项之一。")
    value = value.strip()
    options: ChoiceOptions = spec.options
    known = spec.extra.get("by_label")
    if known is None:  # built once per compiled field, not per value
        known = spec.extra["by_label"] = _by_label(options)
    if value in known:
        return known[value]
    if options.allow_other and 0 < len(value) <= 200:
        return value
    raise bad("not_choice", f"'{value[:50]}' is not one of the options.", f"“{value[:50]}”不是可选项。")


def _by_label(options: ChoiceOptions) -> dict[str, str]:
    """Accept an option by its value or by any of its labels (spreadsheets carry labels)."""
    mapping: dict[str, str] = {}
    for choice in options.choices:
        for label in (choice.label or {}).values():
            mapping.setdefault(label, choice.value)
    for choice in options.choices:
        mapping[choice.value] = choice.value
    return mapping


class SingleSelectField(FieldType):
    type = "single_select"
    label = {"zh-CN": "单选", "en": "Single select"}
    description = {"zh-CN": "从选项中选一个（下拉或单选按钮）", "en": "Pick one option (dropdown or radio buttons)"}
    group = "choice"
    storage = StorageKind.TEXT
    searchable = True
    Options = ChoiceOptions

    def parse(self, spec: FieldSpec, value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        return _lookup(spec, value)

    def operators(self, spec: FieldSpec) -> tuple[str, ...]:
        return ("eq", "ne", "in", "not_in", "empty", "not_empty")

    def input_schema(self, spec: FieldSpec) -> dict[str, Any]:
        if spec.options.allow_other:
            return {"type": ["string", "null"], "maxLength": 200}
        return {"enum": [c.value for c in spec.options.choices] + [None]}

    def to_cell(self, spec: FieldSpec, value: Any) -> Any:
        return value


class MultiSelectField(FieldType):
    type = "multi_select"
    label = {"zh-CN": "多选", "en": "Multi select"}
    description = {"zh-CN": "从选项中选多个（复选框或标签）", "en": "Pick several options (checkboxes or tags)"}
    group = "choice"
    storage = StorageKind.JSON
    sortable = False
    Options = ChoiceOptions

    def parse(self, spec: FieldSpec, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, str):
            value = [v for v in (p.strip() for p in value.replace("，", ",").replace("、", ",").split(",")) if v]
        if not isinstance(value, list):
            raise bad("not_list", "Expected a list of options.", "应为选项列表。")
        if len(value) > 500:
            raise bad("too_many", "Too many options.", "选项过多。")
        chosen = list(dict.fromkeys(_lookup(spec, v) for v in value))
        return chosen or None

    def expr_type(self, spec: FieldSpec) -> et.ExprType:
        return et.list_of(et.TEXT)

    def operators(self, spec: FieldSpec) -> tuple[str, ...]:
        return ("has_any", "has_all", "has_none", "empty", "not_empty")

    def input_schema(self, spec: FieldSpec) -> dict[str, Any]:
        item = {"type": "string"} if spec.options.allow_other else {"enum": [c.value for c in spec.options.choices]}
        return {"type": ["array", "null"], "items": item, "uniqueItems": True}

    def to_cell(self, spec: FieldSpec, value: Any) -> Any:
        return None if not value else ", ".join(value)


class CheckboxField(FieldType):
    type = "checkbox"
    label = {"zh-CN": "复选框", "en": "Checkbox"}
    description = {"zh-CN": "是 / 否", "en": "Yes or no"}
    group = "choice"
    storage = StorageKind.BOOLEAN

    def parse(self, spec: FieldSpec, value: Any) -> Any:
        return None if value is None else parse_boolean(value)

    def is_empty(self, value: Any) -> bool:
        return value is None
