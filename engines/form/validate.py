"""Record input → stored values, checked field by field against a compiled form.

This is the record model of a published version: the same checks a generated Pydantic model
would make (unknown keys, types, required), plus each field type's own `parse`, with every
error naming its field path in both languages. Rules and visibility are evaluated by the
caller, which owns the expression context.
"""

from __future__ import annotations

from dataclasses import dataclass, field as dc_field
from typing import Any, Callable, Mapping
from weakref import WeakKeyDictionary

from engines.form.compiled import CompiledForm
from engines.form.types import FieldSpec, FieldValueError, StorageKind

SYSTEM_INPUT_KEYS = frozenset({"id", "version", "created_at", "created_by", "updated_at", "updated_by", "flow_status", "draft"})


@dataclass
class RecordInput:
    values: dict[str, Any] = dc_field(default_factory=dict)  # columns of the main table
    refs: dict[str, list[int]] = dc_field(default_factory=dict)  # junction fields
    children: dict[str, list[dict[str, Any]]] = dc_field(default_factory=dict)  # subform rows
    errors: list[dict[str, Any]] = dc_field(default_factory=list)  # 422
    refused: list[dict[str, Any]] = dc_field(default_factory=list)  # 403: read-only, computed, not writable

    def given(self) -> set[str]:
        return set(self.values) | set(self.refs) | set(self.children)


def _error(path: str, exc: FieldValueError, code: str | None = None) -> dict[str, Any]:
    return {"path": path, "message": exc.en, "message_zh": exc.zh, "code": code or exc.code}


def _required(path: str) -> dict[str, Any]:
    return {"path": path, "message": "This field is required.", "message_zh": "此项必填。", "code": "required"}


def validate_input(
    form: CompiledForm,
    data: Mapping[str, Any],
    *,
    partial: bool,
    writable: frozenset[str] | None = None,
    check_required: bool = True,
    ignore_keys: frozenset[str] = SYSTEM_INPUT_KEYS,
    server_filled: frozenset[str] = frozenset(),
) -> RecordInput:
    """Parse and check one record's input. `writable` (None: all) are the fields the caller may
    write; `server_filled` keys carry the form's own defaults and are exempt from that check."""
    result = RecordInput()
    table = _table_of(form)
    fields = table.fields
    for key, value in data.items():
        if key in ignore_keys:
            continue
        field = fields.get(key)
        if field is None:
            result.errors.append({"path": key, "message": "Unknown field.", "message_zh": "未知字段。", "code": "unknown_field"})
            continue
        if field.not_input:
            result.refused.append({"path": key, "message": "This field is computed and cannot be written.",
                                   "message_zh": "该字段为计算字段，不能写入。", "code": "computed"})
            continue
        if key not in server_filled and (field.read_only or (writable is not None and key not in writable)):
            result.refused.append({"path": key, "message": "This field is read-only for you.",
                                   "message_zh": "该字段对你只读。", "code": "read_only"})
            continue
        _parse_into(result, field.spec, key, value, field.storage, field.parse)
    if check_required and not partial:
        for spec in table.required:
            if _missing(result, spec):
                result.errors.append(_required(spec.key))
    return result


@dataclass(frozen=True)
class _Field:
    spec: FieldSpec
    storage: StorageKind
    parse: Callable[[FieldSpec, Any], Any]
    not_input: bool  # computed, or no column of its own: never written
    read_only: bool


@dataclass(frozen=True)
class _Table:
    """What validating needs of a compiled form, worked out once: a bulk call checks thousands
    of records against the same form."""

    fields: dict[str, _Field]
    required: tuple[FieldSpec, ...]  # checked when missing, in the form's order


_TABLES: WeakKeyDictionary[CompiledForm, _Table] = WeakKeyDictionary()


def _table_of(form: CompiledForm) -> _Table:
    table = _TABLES.get(form)
    if table is None:
        fields = {
            key: _Field(spec, spec.storage, spec.type.parse,
                        spec.type.computed or spec.storage in (StorageKind.NONE, StorageKind.SYSTEM),
                        spec.definition.read_only)
            for key, spec in form.specs.items()
        }
        # A field with a visibility rule is checked after the rule is evaluated (runtime).
        required = tuple(spec for spec in form.specs.values()
                         if spec.definition.required and not spec.definition.hidden and "visible_when" not in spec.extra)
        table = _TABLES[form] = _Table(fields, required)
    return table


def _missing(result: RecordInput, spec: FieldSpec) -> bool:
    storage = spec.storage
    if storage is StorageKind.REFS:
        return not result.refs.get(spec.key)
    if storage is StorageKind.CHILD:
        return not result.children.get(spec.key)
    return spec.type.is_empty(result.values.get(spec.key))


def _parse_into(result: RecordInput, spec: FieldSpec, path: str, value: Any, storage: StorageKind,
                parse: Callable[[FieldSpec, Any], Any]) -> None:
    try:
        parsed = None if value is None else parse(spec, value)
    except FieldValueError as exc:
        result.errors.append(_error(path, exc))
        return
    if storage is StorageKind.REFS:
        result.refs[spec.key] = parsed or []
    elif storage is StorageKind.CHILD:
        result.children[spec.key] = _rows(result, spec, path, parsed or [])
    else:
        result.values[spec.key] = parsed


def _rows(result: RecordInput, spec: FieldSpec, path: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    children = {c.key: c for c in spec.children}
    parsed_rows = []
    if len(rows) < spec.options.min_rows:
        result.errors.append({"path": path, "message": f"At least {spec.options.min_rows} rows.",
                              "message_zh": f"至少 {spec.options.min_rows} 行。", "code": "too_few_rows"})
    for index, row in enumerate(rows):
        parsed: dict[str, Any] = {}
        for key, value in row.items():
            if key == "id":
                continue
            child = children.get(key)
            row_path = f"{path}.{index}.{key}"
            if child is None:
                result.errors.append({"path": row_path, "message": "Unknown field.", "message_zh": "未知字段。",
                                      "code": "unknown_field"})
                continue
            if child.type.computed:
                continue
            try:
                parsed[key] = None if value is None else child.type.parse(child, value)
            except FieldValueError as exc:
                result.errors.append(_error(row_path, exc))
        for child in spec.children:
            if child.definition.required and child.type.is_empty(parsed.get(child.key)) and not child.type.computed:
                result.errors.append(_required(f"{path}.{index}.{child.key}"))
        parsed_rows.append(parsed)
    return parsed_rows
