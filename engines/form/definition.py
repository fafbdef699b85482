"""The shape of a form definition (JSON), validated with Pydantic; `schemas/form.schema.json`
is generated from these models and checked in.

Type-specific settings live in each field's `options` and are validated by the field type's own
`Options` model, so adding a field type never touches this file.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

KEY_PATTERN = r"^[a-z][a-z0-9_]{0,47}$"
SYSTEM_COLUMNS = frozenset(
    {
        "id", "created_at", "created_by", "updated_at", "updated_by", "owner_id", "owner_dept_id",
        "version", "flow_status", "deleted_at", "parent_id", "position", "draft",
    }
)
RESERVED_KEYS = SYSTEM_COLUMNS | {"select", "from", "where", "order", "group", "table", "user", "limit", "offset"}


class I18nText(BaseModel):
    """A label in the builder's languages; at least one must be given."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    zh_CN: str | None = Field(None, alias="zh-CN", max_length=200)
    en: str | None = Field(None, max_length=200)

    @model_validator(mode="after")
    def _one_language(self) -> "I18nText":
        if not (self.zh_CN or self.en):
            raise ValueError("give the text in zh-CN or en")
        return self

    def text(self, locale: str = "zh-CN") -> str:
        preferred = self.zh_CN if locale.startswith("zh") else self.en
        return preferred or self.zh_CN or self.en or ""


class LongI18nText(I18nText):
    zh_CN: str | None = Field(None, alias="zh-CN", max_length=5000)
    en: str | None = Field(None, max_length=5000)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Rule(Strict):
    """A validation rule: the expression must be true, else the message is shown at the field."""

    expr: str = Field(min_length=1, max_length=4000)
    message: I18nText


class Default(Strict):
    """A default value: static, computed by a formula, or pulled from another form (data linkage)."""

    value: Any = None
    formula: str | None = Field(None, max_length=4000)
    linkage: "Linkage | None" = None

    @model_validator(mode="after")
    def _one_source(self) -> "Default":
        given = [self.value is not None, self.formula is not None, self.linkage is not None]
        if sum(given) > 1:
            raise ValueError("a default is a value, a formula or a linkage, not several")
        return self


class Linkage(Strict):
    """Fill this field from the first record of `form` where `match` holds, reading `field`.

    Example: pick a product, its list price fills in —
    `{"form": "products", "match": [{"field": "id", "equals": "product"}], "field": "list_price"}`.
    """

    form: str = Field(pattern=KEY_PATTERN)
    match: list["LinkageMatch"] = Field(min_length=1, max_length=5)
    field: str = Field(pattern=KEY_PATTERN)


class LinkageMatch(Strict):
    field: str = Field(pattern=r"^(id|[a-z][a-z0-9_]{0,47})$")
    equals: str = Field(pattern=KEY_PATTERN, description="a field of this form whose value must match")


class FieldLayout(Strict):
    span: int = Field(1, ge=1, le=4)


class FieldDef(Strict):
    key: str = Field(pattern=KEY_PATTERN)
    type: str = Field(min_length=1, max_length=40)
    label: I18nText
    description: LongI18nText | None = None
    placeholder: I18nText | None = None
    required: bool = False
    unique: bool = False
    read_only: bool = False
    hidden: bool = False
    default: Default | None = None
    visible_when: str | None = Field(None, max_length=4000)
    rules: list[Rule] = Field(default_factory=list, max_length=20)
    options: dict[str, Any] = Field(default_factory=dict)
    layout: FieldLayout = Field(default_factory=FieldLayout)
    fields: list["FieldDef"] | None = Field(None, description="the columns of a subform", max_length=100)

    @field_validator("key")
    @classmethod
    def _not_reserved(cls, key: str) -> str:
        if key in RESERVED_KEYS:
            raise ValueError(f"'{key}' is reserved for the platform's own columns")
        return key


class FormSettings(Strict):
    columns: int = Field(2, ge=1, le=4)
    title_field: str | None = Field(None, pattern=KEY_PATTERN)
    allow_drafts: bool = True


class FormDef(Strict):
    """A form: what the builder designs and publishes; published versions are immutable."""

    schema_version: Literal[1] = 1
    key: str = Field(pattern=KEY_PATTERN)
    label: I18nText
    description: LongI18nText | None = None
    fields: list[FieldDef] = Field(default_factory=list, max_length=300)
    settings: FormSettings = Field(default_factory=FormSettings)

    @model_validator(mode="after")
    def _unique_keys(self) -> "FormDef":
        seen: set[str] = set()
        for field in self.fields:
            if field.key in seen:
                raise ValueError(f"field key '{field.key}' is used twice")
            seen.add(field.key)
        return self

    def field(self, key: str) -> FieldDef | None:
        return next((f for f in self.fields if f.key == key), None)


Default.model_rebuild()
Linkage.model_rebuild()
FieldDef.model_rebuild()


def snake_key(label: str, taken: set[str] | None = None) -> str:
    """A field key proposed from a label (Excel headers, the designer); ASCII only."""
    base = re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_") or "field"
    if not base[0].isalpha():
        base = "f_" + base
    base = base[:40]
    taken = taken or set()
    key, n = base, 2
    while key in taken or key in RESERVED_KEYS:
        key, n = f"{base}_{n}", n + 1
    return key
