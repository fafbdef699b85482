"""Links between forms: link to one record, link to many, and the subform (a child table)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import BigInteger, Column

from engines.expr import types as et
from engines.form.columns import bad, parse_ref, parse_refs
from engines.form.definition import KEY_PATTERN
from engines.form.types.base import FieldSpec, FieldType, FormRefs, StorageKind


class LinkOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    form: str = Field(pattern=KEY_PATTERN, description="the key of the linked form in the same app")
    display_field: str | None = Field(None, pattern=KEY_PATTERN, description="field shown for the linked record")


class LinkField(FieldType):
    type = "link"
    label = {"zh-CN": "关联记录", "en": "Link to record"}
    description = {"zh-CN": "关联另一个表单的一条记录", "en": "Points at one record of another form"}
    group = "relation"
    storage = StorageKind.REF
    Options = LinkOptions

    def check_definition(self, spec: FieldSpec, form: Any) -> list[str]:
        return [] if form.knows_form(spec.options.form) else [f"links to unknown form '{spec.options.form}'"]

    def columns(self, spec: FieldSpec, refs: FormRefs) -> list[Column]:
        # Integrity is the platform's: records are soft-deleted, and links may form cycles between
        # forms, so no database foreign key (see docs/architecture.md).
        return [Column(spec.key, BigInteger(), nullable=True, index=True)]

    def parse(self, spec: FieldSpec, value: Any) -> Any:
        return None if value is None or value == "" else parse_ref(value)

    def expr_type(self, spec: FieldSpec) -> et.ExprType:
        linked = spec.extra.get("linked_schema")
        return et.record(linked) if linked is not None else et.NUMBER

    def to_cell(self, spec: FieldSpec, value: Any) -> Any:
        if isinstance(value, dict):
            return value.get("title") or value.get("id")
        return value


class LinksField(LinkField):
    type = "links"
    label = {"zh-CN": "关联多条记录", "en": "Link to records"}
    description = {"zh-CN": "关联另一个表单的多条记录", "en": "Points at several records of another form"}
    storage = StorageKind.REFS
    sortable = False

    def columns(self, spec: FieldSpec, refs: FormRefs) -> list[Column]:
        return []

    def parse(self, spec: FieldSpec, value: Any) -> Any:
        return None if value is None else parse_refs(value) or None

    def from_cell(self, spec: FieldSpec, cell: Any) -> Any:
        if isinstance(cell, str):
            parts = [p.strip() for p in cell.replace("，", ",").replace("、", ",").split(",")]
            return self.parse(spec, [p for p in parts if p]) if any(parts) else None
        return super().from_cell(spec, cell)

    def expr_type(self, spec: FieldSpec) -> et.ExprType:
        linked = spec.extra.get("linked_schema")
        return et.records(linked) if linked is not None else et.list_of(et.NUMBER)

    def to_cell(self, spec: FieldSpec, value: Any) -> Any:
        if not value:
            return None
        return ", ".join(str(v.get("title") or v.get("id")) if isinstance(v, dict) else str(v) for v in value)


class SubformOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    min_rows: int = Field(0, ge=0, le=1000)
    max_rows: int = Field(500, ge=1, le=5000)


class SubformField(FieldType):
    """A child table of rows; its columns are the field's own `fields`."""

    type = "subform"
    label = {"zh-CN": "子表单", "en": "Subform"}
    description = {"zh-CN": "明细行，如报价单的产品明细", "en": "Rows of detail, such as the lines of a quote"}
    group = "relation"
    storage = StorageKind.CHILD
    sortable = False
    Options = SubformOptions

    def check_definition(self, spec: FieldSpec, form: Any) -> list[str]:
        problems = []
        if not spec.children:
            problems.append("a subform needs at least one field")
        for child in spec.children:
            if child.storage in (StorageKind.CHILD, StorageKind.REFS):
                problems.append(f"field '{child.key}': subforms hold scalar fields and links to one record only")
        return problems

    def parse(self, spec: FieldSpec, value: Any) -> Any:
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(row, dict) for row in value):
            raise bad("not_rows", "Expected a list of rows.", "应为明细行列表。")
        if len(value) > spec.options.max_rows:
            raise bad("too_many_rows", f"At most {spec.options.max_rows} rows.", f"最多 {spec.options.max_rows} 行。")
        return value  # rows are validated field by field by the record validator

    def expr_type(self, spec: FieldSpec) -> et.ExprType:
        return et.records({child.key: child.type.expr_type(child) for child in spec.children})

    def operators(self, spec: FieldSpec) -> tuple[str, ...]:
        return ("empty", "not_empty")

    def to_cell(self, spec: FieldSpec, value: Any) -> Any:
        return None if not value else f"{len(value)} rows"


def junction_columns() -> list[Any]:
    return [
        Column("record_id", BigInteger(), primary_key=True),
        Column("target_id", BigInteger(), primary_key=True),
        Column("position", BigInteger(), nullable=False, default=0),
    ]


__all__ = ["LinkField", "LinksField", "SubformField", "junction_columns"]
