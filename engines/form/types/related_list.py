"""Related list: the records of another form that link to this record, shown read-only on it.

On a customer, "contacts where contact.customer = this customer", with extra conditions, chosen
columns and an order. The runtime reads them through the same permission gate as any list.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from engines.form.definition import KEY_PATTERN
from engines.form.types.base import FieldSpec
from engines.form.types.layout import LayoutPiece

SYSTEM_SORTS = {"id", "created_at", "updated_at"}


class Condition(BaseModel):
    model_config = ConfigDict(extra="forbid")
    field: str = Field(pattern=KEY_PATTERN)
    op: str = Field(pattern=r"^[a-z_]{1,20}$")
    value: Any = None


class SortKey(BaseModel):
    model_config = ConfigDict(extra="forbid")
    field: str = Field(pattern=r"^(id|[a-z][a-z0-9_]{0,47})$")
    descending: bool = False


class RelatedListOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    form: str = Field(pattern=KEY_PATTERN, description="the form whose records are listed")
    match_field: str = Field(pattern=KEY_PATTERN, description="a link field of that form pointing at this form")
    filter: list[Condition] = Field(default_factory=list, max_length=20, description="further conditions, all must hold")
    columns: list[str] = Field(min_length=1, max_length=20)
    sort: list[SortKey] = Field(default_factory=lambda: [SortKey(field="id", descending=True)], max_length=3)
    page_size: int = Field(10, ge=1, le=100)
    allow_create: bool = Field(False, description="show a button to add a record there, linked to this one")


class RelatedListField(LayoutPiece):
    type = "related_list"
    label = {"zh-CN": "关联列表", "en": "Related list"}
    description = {"zh-CN": "只读显示另一个表单中关联到本记录的数据", "en": "A read-only list of another form's records that link to this one"}
    group = "relation"
    Options = RelatedListOptions

    def check_definition(self, spec: FieldSpec, form: Any) -> list[str]:
        from engines.form.types import FIELD_TYPES  # the registry imports this module

        options: RelatedListOptions = spec.options
        target = getattr(form, "forms", {}).get(options.form)
        if target is None:
            return [f"lists unknown form '{options.form}'"]
        fields = {f.key: f for f in target.fields}
        problems = []
        match = fields.get(options.match_field)
        if match is None or match.type not in ("link", "links"):
            problems.append(f"'{options.match_field}' is not a link field of form '{options.form}'")
        for key in options.columns:
            if key not in fields:
                problems.append(f"column '{key}' is not a field of form '{options.form}'")
        for key in (s.field for s in options.sort):
            if key not in fields and key not in SYSTEM_SORTS:
                problems.append(f"cannot sort by unknown field '{key}'")
        for condition in options.filter:
            field = fields.get(condition.field)
            if field is None or field.type not in FIELD_TYPES:
                problems.append(f"filter on unknown field '{condition.field}'")
                continue
            field_type = FIELD_TYPES.get(field.type)
            try:
                target_spec = FieldSpec(field, field_type, field_type.parse_options(field.options))
            except ValueError:
                continue  # the target form reports its own broken options
            if condition.op not in field_type.operators(target_spec):
                problems.append(f"operator '{condition.op}' does not apply to field '{condition.field}'")
        return problems
