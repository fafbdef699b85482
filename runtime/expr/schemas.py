"""Request and response bodies of /api/expr.

A check names its fields inline today; a `"form": "<app>.<form>"` alternative can be added later
as another optional member without breaking clients that send `fields`.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from engines.expr import TYPE_NAMES
from runtime.identity.schemas import Strict

ExprTypeName = Literal[TYPE_NAMES]  # type: ignore[valid-type]
MAX_FIELDS = 500
MAX_NESTING = 4


class FieldSpec(Strict):
    key: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
    type: ExprTypeName
    fields: list[FieldSpec] = Field(default_factory=list, max_length=MAX_FIELDS)

    @field_validator("fields")
    @classmethod
    def unique_keys(cls, fields: list[FieldSpec]) -> list[FieldSpec]:
        keys = [f.key for f in fields]
        if len(keys) != len(set(keys)):
            raise ValueError("field keys must be unique")
        return fields

    @model_validator(mode="after")
    def nested_only_for_records(self) -> FieldSpec:
        if self.fields and self.type not in ("record", "records"):
            raise ValueError("only record and records fields have nested fields")
        return self

    def as_json(self) -> dict[str, Any]:
        return {"key": self.key, "type": self.type, "fields": [f.as_json() for f in self.fields]}


class DraftRef(Strict):
    """A form definition the designer is editing and has not saved, in one of its apps."""

    app: str = Field(pattern=r"^[a-z][a-z0-9_]{0,19}$")
    definition: dict[str, Any]


class CheckIn(Strict):
    formula: str = Field(max_length=20_000)
    fields: list[FieldSpec] = Field(default_factory=list, max_length=MAX_FIELDS)
    # Or the fields of a form, "<app>.<form>": its draft for its designers, else its live version.
    form: str | None = Field(None, pattern=r"^[a-z][a-z0-9_]{0,19}\.[a-z][a-z0-9_]{0,47}$")
    # Or the fields of an unsaved draft (its app's designers only): what the designer shows right now.
    draft: DraftRef | None = None
    # The type the place of use requires, e.g. "bool" for filters, rules and conditions.
    expect: ExprTypeName | None = None

    @field_validator("fields")
    @classmethod
    def shallow(cls, fields: list[FieldSpec]) -> list[FieldSpec]:
        def depth(specs: list[FieldSpec]) -> int:
            return 1 + max((depth(s.fields) for s in specs if s.fields), default=0)

        if fields and depth(fields) > MAX_NESTING:
            raise ValueError(f"fields nest more than {MAX_NESTING} levels")
        return FieldSpec.unique_keys(fields)


class Dependencies(BaseModel):
    fields: list[str]
    context: list[str]
    volatile: bool


class CheckOut(BaseModel):
    ok: Literal[True] = True
    type: str
    dependencies: Dependencies


class FunctionCatalogue(BaseModel):
    items: list[dict[str, Any]]
    families: list[str]
    types: list[str]


class EvaluateIn(Strict):
    """Values being typed into a published form, to evaluate its visibility rules and formulas."""

    form: str = Field(pattern=r"^[a-z][a-z0-9_]{0,19}\.[a-z][a-z0-9_]{0,47}$")
    values: dict[str, Any] = Field(default_factory=dict, max_length=300)


class EvaluateOut(BaseModel):
    visible: dict[str, bool]
    computed: dict[str, Any]
    rows: dict[str, list[dict[str, Any]]]
