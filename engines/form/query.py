"""Structured list queries over a compiled form: nested AND/OR filters, multi-key sorts,
quick search and keyset cursors, compiled to SQLAlchemy Core.

Every field named must be readable by the caller (`readable`), so a hidden field cannot be
probed through a filter, a sort or a search; every value is a bound parameter.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, false, or_, true
from sqlalchemy.sql.elements import ColumnElement

from engines import expr
from engines.form.compiled import CompiledForm
from engines.form.computed import form_schema
from engines.form.operators import FilterError, FilterTarget
from engines.form.types import StorageKind

MAX_DEPTH = 5
MAX_CONDITIONS = 50
MAX_SORT_KEYS = 5
SORTABLE_SYSTEM = ("id", "created_at", "updated_at", "created_by", "updated_by", "owner_id", "version")
FILTERABLE_SYSTEM = SORTABLE_SYSTEM + ("owner_dept_id", "flow_status")


class QueryError(ValueError):
    def __init__(self, path: str, message: str, code: str = "invalid_query") -> None:
        super().__init__(message)
        self.path, self.message, self.code = path, message, code
        self.position: dict | None = None


@dataclass(frozen=True)
class SortKey:
    name: str
    descending: bool
    column: ColumnElement


def _visible(form: CompiledForm, key: str, readable: frozenset[str] | None, path: str) -> None:
    if readable is not None and key not in readable and key not in FILTERABLE_SYSTEM:
        # Said the same way as an unknown field, so a hidden field's existence does not leak.
        raise QueryError(path, f"Unknown field '{key}'.", "unknown_field")


@dataclass(frozen=True)
class ExprEnv:
    """What expression filters need: the evaluation context, the dialect and linked forms."""

    context: Any
    dialect: str
    linked: dict[str, CompiledForm]


def compile_filter(form: CompiledForm, node: Any, readable: frozenset[str] | None = None,
                   env: ExprEnv | None = None) -> ColumnElement:
    counter = [0]
    return _node(form, node, readable, "filter", 0, counter, env)


def resolver(form: CompiledForm, linked: dict[str, CompiledForm]) -> expr.TableResolver:
    """How formulas reach this form's links, subforms and to-many fields in SQL."""
    links: dict[str, Any] = {}
    for key, spec in form.specs.items():
        target = linked.get(getattr(spec.options, "form", "") or "")
        if spec.type.type == "link" and target is not None:
            links[key] = expr.LinkOne(target.table, key)
        elif spec.storage is StorageKind.CHILD:
            links[key] = expr.Children(form.children[key].table, "parent_id")
        elif spec.storage is StorageKind.REFS and target is not None:
            links[key] = expr.Junction(form.junctions[key], "record_id", "target_id", target.table)
        elif spec.storage is StorageKind.REFS:
            links[key] = expr.JunctionValues(form.junctions[key], "record_id", "target_id")
    return expr.TableResolver(form.table, links)


def _expression(form: CompiledForm, text: Any, readable: frozenset[str] | None, path: str,
                env: ExprEnv | None) -> ColumnElement:
    if env is None:
        raise QueryError(path, "Expression filters are not available here.")
    if not isinstance(text, str) or not text.strip():
        raise QueryError(path, "An expression filter is a non-empty formula.")
    visible = {k: s for k, s in form.specs.items() if readable is None or k in readable}
    try:
        formula = expr.check(text, form_schema(visible), expect="bool")
        return formula.to_sql(resolver(form, env.linked), env.context, env.dialect)
    except expr.NoSqlForm as exc:
        raise QueryError(path, exc.message("en"), "no_sql_form") from None
    except expr.ExprError as exc:
        error = QueryError(path, exc.message("en"), exc.code)
        error.position = exc.position.as_dict() if exc.position else None
        raise error from None


def _node(form, node, readable, path, depth, counter, env=None) -> ColumnElement:
    if depth > MAX_DEPTH:
        raise QueryError(path, f"Filters nest at most {MAX_DEPTH} levels.")
    if not isinstance(node, dict):
        raise QueryError(path, "A filter is an object.")
    for group in ("and", "or"):
        if group in node:
            if set(node) != {group} or not isinstance(node[group], list):
                raise QueryError(path, f"'{group}' takes a list of conditions and nothing beside it.")
            parts = [_node(form, child, readable, f"{path}.{group}.{i}", depth + 1, counter, env)
                     for i, child in enumerate(node[group])]
            if not parts:
                return true() if group == "and" else false()
            return and_(*parts) if group == "and" else or_(*parts)
    if "not" in node:
        from sqlalchemy import not_

        return not_(_node(form, node["not"], readable, f"{path}.not", depth + 1, counter, env))
    if "expr" in node:
        if set(node) != {"expr"}:
            raise QueryError(path, "An expression filter is {expr: formula} and nothing beside it.")
        counter[0] += 1
        return _expression(form, node["expr"], readable, f"{path}.expr", env)
    counter[0] += 1
    if counter[0] > MAX_CONDITIONS:
        raise QueryError(path, f"At most {MAX_CONDITIONS} conditions in one filter.")
    unknown = set(node) - {"field", "op", "value"}
    if unknown or "field" not in node or "op" not in node:
        raise QueryError(path, "A condition is {field, op, value}.")
    key, op = node["field"], node["op"]
    if not isinstance(key, str) or not isinstance(op, str):
        raise QueryError(path, "A condition's field and op are strings.")
    return condition(form, key, op, node.get("value"), readable, path)


def condition(form: CompiledForm, key: str, op: str, value: Any, readable: frozenset[str] | None, path: str) -> ColumnElement:
    table = form.table
    if key in FILTERABLE_SYSTEM:
        return _system_condition(table.c[key], key, op, value, path)
    spec = form.specs.get(key)
    if spec is None:
        raise QueryError(f"{path}.field", f"Unknown field '{key}'.", "unknown_field")
    _visible(form, key, readable, f"{path}.field")
    storage = spec.storage
    if storage in (StorageKind.NONE, StorageKind.CHILD) and op not in ("empty", "not_empty"):
        raise QueryError(f"{path}.op", f"Field '{key}' cannot be filtered with '{op}'.", "unknown_operator")
    if storage is StorageKind.CHILD:
        from sqlalchemy import exists, not_

        child = form.children[key].table
        has = exists().where(child.c.parent_id == table.c.id)
        return not_(has) if op == "empty" else has
    if storage is StorageKind.NONE:
        raise QueryError(f"{path}.field", f"Field '{key}' holds no data.", "unknown_field")
    if storage is StorageKind.SYSTEM:
        target = FilterTarget(column=table.c[spec.type.system_column], record_id=table.c.id)
        try:
            return spec.type.compile_filter(spec, target, op, value)
        except FilterError as exc:
            raise QueryError(f"{path}.value", str(exc), exc.code) from None
    target = FilterTarget(
        column=None if storage is StorageKind.REFS else table.c[key],
        record_id=table.c.id,
        junction=form.junctions.get(key),
    )
    try:
        return spec.type.compile_filter(spec, target, op, value)
    except FilterError as exc:
        raise QueryError(f"{path}.op" if exc.code == "unknown_operator" else f"{path}.value", str(exc), exc.code) from None


def _system_condition(column: ColumnElement, key: str, op: str, value: Any, path: str) -> ColumnElement:
    from engines.form.columns import parse_datetime, parse_integer

    parse = parse_datetime if key in ("created_at", "updated_at") else (str if key == "flow_status" else parse_integer)
    try:
        if op in ("empty", "not_empty"):
            return column.is_(None) if op == "empty" else column.is_not(None)
        if op in ("in", "not_in"):
            values = [parse(v) for v in (value if isinstance(value, list) else [value])][:500]
            return column.in_(values) if op == "in" else ~column.in_(values)
        if op == "between" and isinstance(value, list) and len(value) == 2:
            return column.between(parse(value[0]), parse(value[1]))
        parsed = parse(value)
    except (ValueError, TypeError) as exc:
        raise QueryError(f"{path}.value", f"Bad value for '{key}': {exc}") from None
    ops = {"eq": column.__eq__, "ne": column.__ne__, "gt": column.__gt__, "gte": column.__ge__,
           "lt": column.__lt__, "lte": column.__le__}
    if op not in ops:
        raise QueryError(f"{path}.op", f"Operator '{op}' does not apply to '{key}'.", "unknown_operator")
    return ops[op](parsed)


def compile_sort(form: CompiledForm, sort: list[str], readable: frozenset[str] | None = None) -> list[SortKey]:
    if len(sort) > MAX_SORT_KEYS:
        raise QueryError("sort", f"At most {MAX_SORT_KEYS} sort keys.")
    keys: list[SortKey] = []
    for index, item in enumerate(sort):
        descending = item.startswith("-")
        name = item.lstrip("-+")
        path = f"sort.{index}"
        if name in SORTABLE_SYSTEM:
            keys.append(SortKey(name, descending, form.table.c[name]))
            continue
        spec = form.specs.get(name)
        if spec is None:
            raise QueryError(path, f"Unknown field '{name}'.", "unknown_field")
        _visible(form, name, readable, path)
        if not spec.type.sortable or spec.storage in (StorageKind.REFS, StorageKind.CHILD, StorageKind.NONE, StorageKind.JSON):
            raise QueryError(path, f"Field '{name}' cannot be sorted.", "not_sortable")
        column_name = spec.type.system_column if spec.storage is StorageKind.SYSTEM else name
        keys.append(SortKey(name, descending, form.table.c[column_name]))
    if not any(k.name == "id" for k in keys):
        last_desc = keys[-1].descending if keys else True
        keys.append(SortKey("id", last_desc, form.table.c.id))
    return keys


def order_by(keys: list[SortKey]) -> list[ColumnElement]:
    """NULLs sort as the lowest value on both backends (first ascending, last descending), the
    order the sort indexes are built in; ids are never NULL."""
    out = []
    for k in keys:
        if k.name == "id":
            out.append(k.column.desc() if k.descending else k.column.asc())
        else:
            out.append(k.column.desc().nulls_last() if k.descending else k.column.asc().nulls_first())
    return out


def search_clause(form: CompiledForm, text: str, readable: frozenset[str] | None = None) -> ColumnElement:
    text = text.strip()[:200]
    columns = [
        form.table.c[s.key] for s in form.specs.values()
        if s.type.searchable and s.storage is StorageKind.TEXT and (readable is None or s.key in readable)
    ]
    if not text or not columns:
        return true() if not text else false()
    return or_(*(c.icontains(text, autoescape=True) for c in columns))


# -- keyset cursors -----------------------------------------------------------------------------


def _encode_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return {"d": str(value)}
    if isinstance(value, datetime):
        return {"t": value.isoformat()}
    if isinstance(value, date):
        return {"a": value.isoformat()}
    return value


def _decode_value(value: Any) -> Any:
    if isinstance(value, dict):
        if "d" in value:
            return Decimal(value["d"])
        if "t" in value:
            return datetime.fromisoformat(value["t"])
        if "a" in value:
            return date.fromisoformat(value["a"])
    return value


def make_cursor(keys: list[SortKey], row: dict[str, Any]) -> str:
    payload = [[k.name, _encode_value(row.get(k.name))] for k in keys]
    return base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode().rstrip("=")


def after_cursor(keys: list[SortKey], cursor: str) -> ColumnElement:
    """Rows strictly after the cursor in the sort order (NULLs lowest, as in `order_by`)."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode()))
        values = {name: _decode_value(value) for name, value in payload}
        if [name for name, _ in payload] != [k.name for k in keys]:
            raise ValueError("cursor was made for another sort")
    except (ValueError, TypeError):
        raise QueryError("cursor", "The cursor is not valid for this query.") from None
    clauses = []
    for index, key in enumerate(keys):
        equal_before = [_equal(k.column, values[k.name]) for k in keys[:index]]
        beyond = _beyond(key.column, values[key.name], key.descending)
        clauses.append(and_(*equal_before, beyond))
    return or_(*clauses)


def _equal(column: ColumnElement, value: Any) -> ColumnElement:
    return column.is_(None) if value is None else column == value


def _beyond(column: ColumnElement, value: Any, descending: bool) -> ColumnElement:
    if descending:  # ... then NULLs last
        return false() if value is None else or_(column < value, column.is_(None))
    return column.is_not(None) if value is None else column > value  # NULLs first, then ascending
