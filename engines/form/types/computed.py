"""Computed fields: formula, lookup, rollup and auto-number. Their values are derived by the
platform and stored in typed columns (so they filter, sort and chart like any field); their
storage is chosen when the form compiles (see engines/form/computed.py)."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from engines.expr import types as et
from engines.form.columns import expr_type_of, parse_storage
from engines.form.definition import KEY_PATTERN
from engines.form.types.base import FieldSpec, FieldType, StorageKind


class _Computed(FieldType):
    group = "computed"
    storage = StorageKind.TEXT  # replaced per field by the compiled result kind
    computed = True

    def parse(self, spec: FieldSpec, value: Any) -> Any:
        return parse_storage(spec.storage, spec, value)

    def expr_type(self, spec: FieldSpec) -> et.ExprType:
        return spec.extra.get("expr_type") or expr_type_of(spec.storage)

    def from_db(self, spec: FieldSpec, value: Any) -> Any:
        value = super().from_db(spec, value)
        precision = getattr(spec.options, "precision", None)
        if value is not None and spec.storage is StorageKind.DECIMAL and precision is not None:
            return Decimal(value).quantize(Decimal(1).scaleb(-precision), ROUND_HALF_UP)
        return value


class FormulaOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    expression: str = Field(min_length=1, max_length=4000)
    precision: int | None = Field(None, ge=0, le=8, description="round numeric results to this many decimals")


class FormulaField(_Computed):
    type = "formula"
    label = {"zh-CN": "公式", "en": "Formula"}
    description = {"zh-CN": "按公式从其他字段计算，输入变化时自动重算", "en": "Computed from other fields; recomputed when they change"}
    Options = FormulaOptions


class LookupOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    link: str = Field(pattern=KEY_PATTERN, description="a link field of this form")
    field: str = Field(pattern=KEY_PATTERN, description="the field of the linked record to show")


class LookupField(_Computed):
    type = "lookup"
    label = {"zh-CN": "查找引用", "en": "Lookup"}
    description = {"zh-CN": "显示关联记录的某个字段", "en": "Shows a field of the linked record"}
    Options = LookupOptions

    # A looked-up value reads, prints and exports exactly like the field it comes from.
    def from_db(self, spec: FieldSpec, value: Any) -> Any:
        target = spec.extra.get("target_spec")
        if target is None or spec.storage is StorageKind.JSON:
            return super().from_db(spec, value)
        return target.type.from_db(target, value)

    def serialize(self, spec: FieldSpec, value: Any) -> Any:
        target = spec.extra.get("target_spec")
        return super().serialize(spec, value) if target is None or spec.storage is StorageKind.JSON else target.type.serialize(target, value)

    def to_cell(self, spec: FieldSpec, value: Any) -> Any:
        target = spec.extra.get("target_spec")
        return super().to_cell(spec, value) if target is None or spec.storage is StorageKind.JSON else target.type.to_cell(target, value)


class ReverseSource(BaseModel):
    model_config = ConfigDict(extra="forbid")
    form: str = Field(pattern=KEY_PATTERN, description="a form whose records link here")
    via: str = Field(pattern=KEY_PATTERN, description="its link field that points at this form")


class RollupOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    source: str | ReverseSource = Field(description="a subform or link-to-many field of this form, or {form, via}")
    field: str | None = Field(None, pattern=KEY_PATTERN, description="the field to aggregate; none for count")
    function: Literal["count", "sum", "avg", "min", "max"] = "sum"
    precision: int = Field(2, ge=0, le=8)


class RollupField(_Computed):
    type = "rollup"
    label = {"zh-CN": "汇总", "en": "Rollup"}
    description = {"zh-CN": "对子表单行或关联记录计数、求和、平均、最大、最小", "en": "Count, sum, average, min or max over rows or linked records"}
    Options = RollupOptions


_TOKEN = re.compile(r"\{(YYYY|YY|MM|DD|0+)\}")


class AutoNumberOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    pattern: str = Field("{0000}", min_length=1, max_length=60,
                         description="e.g. HT-{YYYY}{MM}{DD}-{0000}; the counter restarts with the smallest date part")

    @field_validator("pattern")
    @classmethod
    def _one_counter(cls, pattern: str) -> str:
        counters = [t for t in _TOKEN.findall(pattern) if t.startswith("0")]
        if len(counters) != 1:
            raise ValueError("the pattern needs exactly one counter such as {0000}")
        if "{" in _TOKEN.sub("", pattern) or "}" in _TOKEN.sub("", pattern):
            raise ValueError("unknown placeholder; use {YYYY}, {YY}, {MM}, {DD} and one {000…}")
        return pattern


def autonumber_period(pattern: str, day: Any) -> str:
    """The counter's period key: it restarts daily, monthly, yearly or never, per the pattern."""
    tokens = set(_TOKEN.findall(pattern))
    if "DD" in tokens:
        return day.strftime("%Y%m%d")
    if "MM" in tokens:
        return day.strftime("%Y%m")
    if tokens & {"YYYY", "YY"}:
        return day.strftime("%Y")
    return "all"


def autonumber_format(pattern: str, day: Any, counter: int) -> str:
    def replace(match: re.Match) -> str:
        token = match.group(1)
        return {"YYYY": f"{day:%Y}", "YY": f"{day:%y}", "MM": f"{day:%m}", "DD": f"{day:%d}"}.get(
            token, str(counter).zfill(len(token))
        )

    return _TOKEN.sub(replace, pattern)


class AutoNumberField(_Computed):
    type = "autonumber"
    label = {"zh-CN": "流水号", "en": "Auto number"}
    description = {"zh-CN": "按规则自动编号，如 HT-20240531-0001，不跳号", "en": "Numbered by a pattern such as HT-20240531-0001, without gaps"}
    Options = AutoNumberOptions
    searchable = True
    can_be_unique = True
