"""Schema change as a pure plan: `plan(old, new, retired) → [operations]`.

Publishing applies the plan in one transaction. Nothing here loses data: a removed field's
column stays (retired) until an explicit purge, and a type change keeps the old column under a
preserved name beside the converted one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from sqlalchemy import Column, Index, Table

from engines.form.compiled import CompiledForm, identifier
from engines.form.types import FieldSpec, StorageKind


@dataclass(frozen=True)
class CreateTable:
    table: Table

    def describe(self) -> dict[str, Any]:
        return {"op": "create_table", "table": self.table.name}


@dataclass(frozen=True)
class AddColumn:
    table: str
    column: Column
    field: str

    def describe(self) -> dict[str, Any]:
        return {"op": "add_column", "table": self.table, "column": self.column.name, "field": self.field}


@dataclass(frozen=True)
class CreateIndex:
    index: Index

    def describe(self) -> dict[str, Any]:
        return {"op": "create_index", "index": self.index.name}


@dataclass(frozen=True)
class DropIndex:
    table: str
    name: str

    def describe(self) -> dict[str, Any]:
        return {"op": "drop_index", "index": self.name}


@dataclass(frozen=True)
class ChangeType:
    """Rename the old column to `preserved`, add the new one, convert every value."""

    table: str
    old: FieldSpec
    new: FieldSpec
    preserved: str
    columns: tuple[Column, ...]

    def describe(self) -> dict[str, Any]:
        return {
            "op": "change_type", "field": self.new.key, "from": self.old.type.type, "to": self.new.type.type,
            "preserved_column": self.preserved,
        }


@dataclass(frozen=True)
class RetireField:
    field: str
    type: str

    def describe(self) -> dict[str, Any]:
        return {"op": "retire_field", "field": self.field, "type": self.type, "data": "kept until purged"}


@dataclass(frozen=True)
class RestoreField:
    field: str

    def describe(self) -> dict[str, Any]:
        return {"op": "restore_field", "field": self.field}


Operation = CreateTable | AddColumn | CreateIndex | DropIndex | ChangeType | RetireField | RestoreField


class PlanError(ValueError):
    def __init__(self, errors: list[dict[str, str]]) -> None:
        super().__init__("; ".join(e["message"] for e in errors))
        self.errors = errors


def _column_signature(spec: FieldSpec, form: CompiledForm) -> tuple:
    return tuple((c.name, repr(c.type)) for c in spec.type.columns(spec, form.refs))


def same_storage(old: FieldSpec, new: FieldSpec, old_form: CompiledForm, new_form: CompiledForm) -> bool:
    return old.type.type == new.type.type or (
        old.storage is new.storage and _column_signature(old, old_form) == _column_signature(new, new_form)
    )


def plan(
    old: CompiledForm | None,
    new: CompiledForm,
    retired: Mapping[str, Any] | None = None,
    retired_forms: Mapping[str, CompiledForm] | None = None,
) -> list[Operation]:
    """`retired` maps retired field keys to the compiled form version they were last live in."""
    if old is None:
        return [CreateTable(t) for t in new.tables]  # creating a table creates its indexes
    retired = retired or {}
    retired_forms = retired_forms or {}
    ops: list[Operation] = []
    errors: list[dict[str, str]] = []
    existing_tables = {t.name for t in old.tables} | {
        t.name for form in retired_forms.values() for t in form.tables
    }
    for key, spec in new.specs.items():
        before = old.specs.get(key)
        source_form = old
        if before is None and key in retired:
            source_form = retired_forms[key]
            before = source_form.specs.get(key)
            ops.append(RestoreField(key))
        if before is None:
            ops += _add_field(new, spec, existing_tables)
            continue
        if same_storage(before, spec, source_form, new):
            if spec.storage is StorageKind.CHILD:
                ops += _child_changes(source_form, new, before, spec, errors)
            continue
        movable = {StorageKind.CHILD, StorageKind.REFS, StorageKind.NONE, StorageKind.SYSTEM}
        if before.storage in movable or spec.storage in movable:
            errors.append({
                "path": f"fields.{key}.type",
                "message": f"cannot change '{key}' from {before.type.type} to {spec.type.type}; add a new field instead",
            })
            continue
        preserved = identifier(f"{key}__v{old.version}")
        ops.append(ChangeType(new.table_name, before, spec, preserved, tuple(spec.type.columns(spec, new.refs))))
    for key, spec in old.specs.items():
        if key not in new.specs and spec.storage is not StorageKind.NONE:
            ops.append(RetireField(key, spec.type.type))
    old_indexes = {i.name for i in old.table.indexes}
    new_indexes = {i.name: i for i in new.table.indexes}
    for name, index in new_indexes.items():
        if name not in old_indexes:
            ops.append(CreateIndex(index))
    for name in old_indexes - set(new_indexes):
        ops.append(DropIndex(old.table_name, name))
    if errors:
        raise PlanError(errors)
    return ops


def _add_field(new: CompiledForm, spec: FieldSpec, existing_tables: set[str]) -> list[Operation]:
    storage = spec.storage
    if storage is StorageKind.REFS:
        table = new.junctions[spec.key]
        if table.name in existing_tables:
            return []
        return [CreateTable(table)]
    if storage is StorageKind.CHILD:
        table = new.children[spec.key].table
        if table.name in existing_tables:
            return []
        return [CreateTable(table)]
    return [AddColumn(new.table_name, column, spec.key) for column in spec.type.columns(spec, new.refs)]


def _child_changes(
    old: CompiledForm, new: CompiledForm, before: FieldSpec, spec: FieldSpec, errors: list[dict[str, str]]
) -> list[Operation]:
    ops: list[Operation] = []
    old_children = {c.key: c for c in before.children}
    table = new.children[spec.key].table
    for child in spec.children:
        previous = old_children.get(child.key)
        if previous is None:
            ops += [AddColumn(table.name, c, f"{spec.key}.{child.key}") for c in child.type.columns(child, new.refs)]
        elif not same_storage(previous, child, old, new):
            errors.append({
                "path": f"fields.{spec.key}.fields.{child.key}.type",
                "message": f"cannot change subform column '{child.key}' type; add a new column instead",
            })
    return ops


def summary(ops: list[Operation]) -> list[dict[str, Any]]:
    return [op.describe() for op in ops]
