"""Layout pieces of a form: sections, tabs and static descriptions. They hold no data.

A section or a tab starts a group: the fields after it, up to the next one, belong to it.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from engines.expr import types as et
from engines.form.types.base import FieldSpec, FieldType, StorageKind
from engines.form.types.rich_text import sanitize_html


class LayoutPiece(FieldType):
    group = "layout"
    storage = StorageKind.NONE
    sortable = False

    def expr_type(self, spec: FieldSpec) -> et.ExprType:
        return et.NULL

    def input_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return {"type": "null"}

    def operators(self, spec: FieldSpec) -> tuple[str, ...]:
        return ()

    def to_cell(self, spec: FieldSpec, value: Any) -> Any:
        return None


class SectionOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    collapsible: bool = False
    collapsed: bool = Field(False, description="start folded (when collapsible)")
    columns: int | None = Field(None, ge=1, le=4, description="columns inside the section; the form's by default")


class SectionField(LayoutPiece):
    type = "section"
    label = {"zh-CN": "分组标题", "en": "Section"}
    description = {"zh-CN": "带标题的分隔线，把后面的字段归为一组", "en": "A divider with a title that groups the fields after it"}
    Options = SectionOptions


class TabOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    icon: str | None = Field(None, pattern=r"^[a-z][a-z0-9-]{0,40}$")


class TabField(LayoutPiece):
    type = "tab"
    label = {"zh-CN": "标签页", "en": "Tab"}
    description = {"zh-CN": "把后面的字段放进一个标签页", "en": "Puts the fields after it on a tab of their own"}
    Options = TabOptions


class DescriptionOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    content: dict[Literal["zh-CN", "en"], str] = Field(default_factory=dict, description="HTML per language, sanitised on save")
    tone: Literal["plain", "info", "warning"] = "plain"

    @field_validator("content")
    @classmethod
    def _sanitised(cls, content: dict[str, str]) -> dict[str, str]:
        if any(len(text) > 20_000 for text in content.values()):
            raise ValueError("at most 20000 characters per language")
        return {lang: sanitize_html(text) for lang, text in content.items()}


class DescriptionField(LayoutPiece):
    type = "description"
    label = {"zh-CN": "说明文字", "en": "Description"}
    description = {"zh-CN": "表单中的静态说明，可带格式", "en": "Static, formatted text shown in the form"}
    Options = DescriptionOptions
