"""Filter operators per storage kind, compiled to SQLAlchemy Core with bound parameters only.

Every operator name comes from a fixed table and every value is parsed by the field type
first, so no user text ever reaches SQL except as a bound parameter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, Text, cast, exists, false, func, not_, or_, select, true
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import Boolean

from engines.form.types.base import FieldValueError, StorageKind

EMPTY = ("empty", "not_empty")
TEXT_OPS = ("eq", "ne", "contains", "not_contains", "starts_with", "ends_with", "in", "not_in", *EMPTY)
ORDERED_OPS = ("eq", "ne", "gt", "gte", "lt", "lte", "between", "in", "not_in", *EMPTY)
LIST_OPS = ("has_any", "has_all", "has_none", *EMPTY)
MAX_IN = 500

_BY_STORAGE = {
    StorageKind.TEXT: TEXT_OPS,
    StorageKind.DECIMAL: ORDERED_OPS,
    StorageKind.INTEGER: ORDERED_OPS,
    StorageKind.DATE: ORDERED_OPS,
    StorageKind.DATETIME: ORDERED_OPS,
    StorageKind.TIME: ORDERED_OPS,
    StorageKind.BOOLEAN: ("eq", "ne", *EMPTY),
    StorageKind.JSON: EMPTY,
    StorageKind.REF: ("eq", "ne", "in", "not_in", *EMPTY),
    StorageKind.REFS: LIST_OPS,
    StorageKind.SYSTEM: ORDERED_OPS,
}


class FilterError(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class FilterTarget:
    """Where a field's values are: a column of the record table, or a junction table."""

    column: ColumnElement | None
    record_id: ColumnElement
    junction: Table | None = None


def for_storage(storage: StorageKind) -> tuple[str, ...]:
    return _BY_STORAGE.get(storage, ())


def compile(field_type: Any, spec: Any, target: FilterTarget, op: str, value: Any) -> ColumnElement:
    if op not in field_type.operators(spec):
        raise FilterError("unknown_operator", f"Operator '{op}' does not apply to field '{spec.key}'.")
    if op in EMPTY:
        return _empty(spec, target, op == "empty")
    if target.junction is not None:
        return _junction(field_type, spec, target, op, value)
    column = target.column
    if op in ("in", "not_in"):
        values = _parse_list(field_type, spec, value)
        clause = column.in_(values)
        return or_(column.is_(None), not_(clause)) if op == "not_in" else clause
    if op == "between":
        if not isinstance(value, (list, tuple)) or len(value) != 2:
            raise FilterError("bad_value", "'between' takes [low, high].")
        low, high = (_parse(field_type, spec, v) for v in value)
        return column.between(low, high)
    if op in ("has_any", "has_all", "has_none"):
        values = [str(v) for v in _as_list(value)]
        clause = JsonHasAny(column, values) if op != "has_all" else JsonHasAll(column, values)
        return or_(column.is_(None), not_(clause)) if op == "has_none" else clause
    if op in ("contains", "not_contains", "starts_with", "ends_with"):
        # A fragment is not a whole value ("1380" of a phone number): matched as text, not parsed;
        # case-insensitive on both databases.
        if not isinstance(value, (str, int, float)) or isinstance(value, bool) or not str(value).strip():
            raise FilterError("bad_value", f"Field '{spec.key}': '{op}' takes a piece of text.")
        text = str(value).strip()[:200]
        clause = {
            "contains": lambda: column.icontains(text, autoescape=True),
            "not_contains": lambda: column.icontains(text, autoescape=True),
            "starts_with": lambda: column.istartswith(text, autoescape=True),
            "ends_with": lambda: column.iendswith(text, autoescape=True),
        }[op]()
        return or_(column.is_(None), not_(clause)) if op == "not_contains" else clause
    parsed = _parse(field_type, spec, value)
    if op == "ne":
        return or_(column.is_(None), column != parsed)
    return {
        "eq": lambda: column == parsed,
        "gt": lambda: column > parsed,
        "gte": lambda: column >= parsed,
        "lt": lambda: column < parsed,
        "lte": lambda: column <= parsed,
    }[op]()


def _empty(spec: Any, target: FilterTarget, empty: bool) -> ColumnElement:
    if target.junction is not None:
        j = target.junction
        has = exists().where(j.c.record_id == target.record_id)
        return not_(has) if empty else has
    column = target.column
    if spec.storage is StorageKind.TEXT:
        clause = or_(column.is_(None), column == "")
    elif spec.storage is StorageKind.JSON:
        clause = or_(column.is_(None), cast(column, Text).in_(["null", "[]", "{}"]))
    else:
        clause = column.is_(None)
    return clause if empty else not_(clause)


def _junction(field_type: Any, spec: Any, target: FilterTarget, op: str, value: Any) -> ColumnElement:
    j = target.junction
    ids = _parse_list(field_type, spec, value)
    if not ids:
        return true() if op == "has_none" else false()
    any_match = exists().where(j.c.record_id == target.record_id, j.c.target_id.in_(ids))
    if op == "has_any":
        return any_match
    if op == "has_none":
        return not_(any_match)
    matched = (
        select(func.count(func.distinct(j.c.target_id)))
        .where(j.c.record_id == target.record_id, j.c.target_id.in_(ids))
        .scalar_subquery()
    )
    return matched == len(set(ids))


def _as_list(value: Any) -> list[Any]:
    values = value if isinstance(value, (list, tuple)) else [value]
    if len(values) > MAX_IN:
        raise FilterError("bad_value", f"At most {MAX_IN} values in a list filter.")
    return list(values)


def _parse(field_type: Any, spec: Any, value: Any) -> Any:
    try:
        parsed = field_type.parse(spec, value) if spec.storage is not StorageKind.REFS else value
    except FieldValueError as exc:
        raise FilterError("bad_value", f"Field '{spec.key}': {exc.en}") from None
    if parsed is None:
        raise FilterError("bad_value", f"Field '{spec.key}': a value is required for this operator.")
    return parsed


def _parse_list(field_type: Any, spec: Any, value: Any) -> list[Any]:
    from engines.form.columns import parse_ref

    values = _as_list(value)
    try:
        if spec.storage in (StorageKind.REF, StorageKind.REFS):
            return [parse_ref(v) for v in values]
    except FieldValueError as exc:
        raise FilterError("bad_value", f"Field '{spec.key}': {exc.en}") from None
    return [_parse(field_type, spec, v) for v in values]


# -- JSON array predicates, one construct per dialect ------------------------------------------


class JsonHasAny(ColumnElement):
    inherit_cache = False
    type = Boolean()

    def __init__(self, column: ColumnElement, values: list[str]) -> None:
        self.column, self.values = column, values


class JsonHasAll(JsonHasAny):
    inherit_cache = False


def _sqlite_each(column: ColumnElement):
    return func.json_each(column).table_valued("value")


@compiles(JsonHasAny, "sqlite")
def _any_sqlite(element: JsonHasAny, compiler: Any, **kw: Any) -> str:
    each = _sqlite_each(element.column)
    return compiler.process(exists().select_from(each).where(each.c.value.in_(element.values)), **kw)


@compiles(JsonHasAll, "sqlite")
def _all_sqlite(element: JsonHasAll, compiler: Any, **kw: Any) -> str:
    each = _sqlite_each(element.column)
    counted = select(func.count(func.distinct(each.c.value))).where(each.c.value.in_(element.values)).scalar_subquery()
    return compiler.process(counted == len(set(element.values)), **kw)


@compiles(JsonHasAny, "postgresql")
def _any_pg(element: JsonHasAny, compiler: Any, **kw: Any) -> str:
    return compiler.process(_pg_array_op(element, "?|"), **kw)


@compiles(JsonHasAll, "postgresql")
def _all_pg(element: JsonHasAll, compiler: Any, **kw: Any) -> str:
    return compiler.process(_pg_array_op(element, "?&"), **kw)


def _pg_array_op(element: JsonHasAny, op: str) -> ColumnElement:
    from sqlalchemy import cast
    from sqlalchemy.dialects.postgresql import ARRAY, JSONB
    from sqlalchemy.types import Text

    return cast(element.column, JSONB).op(op, return_type=Boolean())(cast(element.values, ARRAY(Text())))
