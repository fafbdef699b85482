"""System presenters: show a record's own system columns (who created it, when it last changed).

They have no column of their own (`system_column` names the one they show), are never accepted
as input, and filter on the system column: `parse` reads a filter operand, not a record value.
"""

from __future__ import annotations

from typing import Any, ClassVar

from engines.expr import types as et
from engines.form.columns import parse_ref
from engines.form.types.base import FieldSpec, FieldType, StorageKind
from engines.form.types.time import DateTimeField, DateTimeOptions


class SystemPresenter(FieldType):
    group = "system"
    storage = StorageKind.SYSTEM
    computed = True
    system_column: ClassVar[str]

    def input_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return {"readOnly": True}


class CreatedByField(SystemPresenter):
    type = "created_by"
    label = {"zh-CN": "创建人", "en": "Created by"}
    description = {"zh-CN": "提交这条记录的用户", "en": "The user who created the record"}
    system_column = "created_by"

    def parse(self, spec: FieldSpec, value: Any) -> Any:
        return None if value is None or value == "" else parse_ref(value)

    def expr_type(self, spec: FieldSpec) -> et.ExprType:
        return et.USER

    def operators(self, spec: FieldSpec) -> tuple[str, ...]:
        return ("eq", "ne", "in", "not_in", "empty", "not_empty")

    def to_cell(self, spec: FieldSpec, value: Any) -> Any:
        if isinstance(value, dict):
            return value.get("name") or value.get("id")
        return value


class UpdatedByField(CreatedByField):
    type = "updated_by"
    label = {"zh-CN": "修改人", "en": "Updated by"}
    description = {"zh-CN": "最后修改这条记录的用户", "en": "The user who last changed the record"}
    system_column = "updated_by"


class CreatedAtField(SystemPresenter):
    type = "created_at"
    label = {"zh-CN": "创建时间", "en": "Created at"}
    description = {"zh-CN": "记录的提交时间", "en": "When the record was created"}
    system_column = "created_at"
    Options = DateTimeOptions

    def parse(self, spec: FieldSpec, value: Any) -> Any:
        return DateTimeField().parse(spec, value)

    def expr_type(self, spec: FieldSpec) -> et.ExprType:
        return et.DATETIME

    def operators(self, spec: FieldSpec) -> tuple[str, ...]:
        from engines.form.operators import ORDERED_OPS

        return ORDERED_OPS

    def to_cell(self, spec: FieldSpec, value: Any) -> Any:
        return DateTimeField().to_cell(spec, value)


class UpdatedAtField(CreatedAtField):
    type = "updated_at"
    label = {"zh-CN": "修改时间", "en": "Updated at"}
    description = {"zh-CN": "记录最后一次修改的时间", "en": "When the record last changed"}
    system_column = "updated_at"
