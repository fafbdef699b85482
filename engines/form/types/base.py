"""The field-type contract. A field type is one class, registered once in `FIELD_TYPES`.

Most behaviour follows from the type's `storage` kind (the column it lives in); a concrete
type overrides only what is special about it: its `Options`, `parse` (validation beyond the
JSON Schema), and sometimes cell conversion or operators. Types never open connections.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field as dc_field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, Callable, ClassVar

from pydantic import BaseModel, ConfigDict, ValidationError
from sqlalchemy import Column
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import TypeEngine

from engines.expr import types as et
from engines.form.definition import FieldDef


class StorageKind(StrEnum):
    NONE = "none"  # layout, buttons, related lists: no column
    TEXT = "text"  # a string column
    DECIMAL = "decimal"  # exact decimal (NUMERIC on PostgreSQL)
    INTEGER = "integer"
    BOOLEAN = "boolean"
    DATE = "date"
    DATETIME = "datetime"  # aware UTC
    TIME = "time"  # "HH:MM[:SS]" text, sortable
    JSON = "json"  # lists and small objects (multi-select, files, address, geo)
    REF = "ref"  # one id pointing at another table (link to one, member, department)
    REFS = "refs"  # a junction table of ids (link to many, members, departments)
    CHILD = "child"  # a child table of rows (subform)
    SYSTEM = "system"  # shows a system column (created_by, updated_at, …)


class FieldValueError(ValueError):
    """A value the field refuses, with the message in both languages."""

    def __init__(self, code: str, en: str, zh: str) -> None:
        super().__init__(en)
        self.code, self.en, self.zh = code, en, zh

    def message(self, locale: str = "en") -> str:
        return self.zh if locale.startswith("zh") else self.en


class NoOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")


@dataclass(frozen=True)
class FormRefs:
    """How a field reaches other tables: the record table of a form key in the same app, and
    the platform's user and department tables. Supplied by whoever builds the table plan."""

    table_of: Callable[[str], str]
    child_table: Callable[[str], str]  # field key → child/junction table of this form
    users_table: str = "users"
    departments_table: str = "departments"


@dataclass(frozen=True)
class FieldSpec:
    """A field definition bound to its type with its options parsed once (per form version)."""

    definition: FieldDef
    type: "FieldType"
    options: Any
    children: tuple["FieldSpec", ...] = ()
    extra: dict[str, Any] = dc_field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.definition.key

    @property
    def storage(self) -> StorageKind:
        """Where this field's values live: the type's storage, or for computed fields whose
        column follows their result (formula, lookup, rollup) the kind chosen at compile time."""
        return self.extra.get("storage") or self.type.storage

    def __hash__(self) -> int:
        return hash((self.definition.key, self.type.type))


class FieldType:
    type: ClassVar[str]
    label: ClassVar[dict[str, str]]  # {"zh-CN": …, "en": …}
    description: ClassVar[dict[str, str]]
    group: ClassVar[str]  # text, number, time, choice, contact, place, file, people, relation, computed, action, layout
    storage: ClassVar[StorageKind]
    computed: ClassVar[bool] = False  # derived by the platform; never accepted as input
    sortable: ClassVar[bool] = True
    searchable: ClassVar[bool] = False  # included in quick search
    can_be_unique: ClassVar[bool] = False

    Options: ClassVar[type[BaseModel]] = NoOptions

    # -- definition time ------------------------------------------------------------------

    def parse_options(self, options: dict[str, Any]) -> BaseModel:
        return self.Options.model_validate(options)

    def check_definition(self, spec: FieldSpec, form: Any) -> list[str]:
        """Problems with this field in the context of its form (unknown link targets …)."""
        return []

    def settings_schema(self) -> dict[str, Any]:
        return self.Options.model_json_schema()

    # -- storage --------------------------------------------------------------------------

    def sql_type(self, spec: FieldSpec) -> TypeEngine:
        from engines.form import columns

        return columns.for_storage(spec.storage, spec)

    def columns(self, spec: FieldSpec, refs: FormRefs) -> list[Column]:
        if spec.storage in (StorageKind.NONE, StorageKind.REFS, StorageKind.CHILD, StorageKind.SYSTEM):
            return []
        return [Column(spec.key, self.sql_type(spec), nullable=True)]

    def to_db(self, spec: FieldSpec, value: Any) -> Any:
        return value

    def from_db(self, spec: FieldSpec, value: Any) -> Any:
        from engines.form import columns

        return columns.from_db(spec.storage, spec, value)

    # -- values ---------------------------------------------------------------------------

    def expr_type(self, spec: FieldSpec) -> et.ExprType:
        from engines.form import columns

        return columns.expr_type_of(spec.storage)

    def input_schema(self, spec: FieldSpec) -> dict[str, Any]:
        from engines.form import columns

        return columns.input_schema_of(spec.storage)

    def parse(self, spec: FieldSpec, value: Any) -> Any:
        """JSON input → the Python value stored; raises FieldValueError. None means empty."""
        from engines.form import columns

        return columns.parse_storage(spec.storage, spec, value)

    def serialize(self, spec: FieldSpec, value: Any) -> Any:
        if isinstance(value, Decimal):
            return str(value)
        if isinstance(value, (date, datetime)):
            return value.isoformat()
        return value

    def is_empty(self, value: Any) -> bool:
        return value is None or value == "" or value == [] or value == {}

    # -- spreadsheets ---------------------------------------------------------------------

    def from_cell(self, spec: FieldSpec, cell: Any) -> Any:
        """A spreadsheet cell (str, int, float, bool, date, datetime or None) → stored value."""
        if cell is None:
            return None
        if isinstance(cell, str):
            cell = cell.strip()
            if cell == "":
                return None
        return self.parse(spec, cell)

    def to_cell(self, spec: FieldSpec, value: Any) -> Any:
        """Stored value → a plain cell value (str, number, bool, date, datetime or None)."""
        if value is None:
            return None
        out = self.serialize(spec, value)
        if isinstance(out, (list, dict)):
            return json.dumps(out, ensure_ascii=False)
        return out

    # -- querying -------------------------------------------------------------------------

    def operators(self, spec: FieldSpec) -> tuple[str, ...]:
        from engines.form import operators

        return operators.for_storage(spec.storage)

    def compile_filter(self, spec: FieldSpec, target: Any, op: str, value: Any) -> ColumnElement:
        from engines.form import operators

        return operators.compile(self, spec, target, op, value)

    def catalogue_entry(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "label": self.label,
            "description": self.description,
            "group": self.group,
            "storage": self.storage.value,
            "computed": self.computed,
            "sortable": self.sortable,
            "searchable": self.searchable,
            "settings_schema": self.settings_schema(),
        }


def options_error(exc: ValidationError) -> list[dict[str, str]]:
    return [{"path": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in exc.errors()]
