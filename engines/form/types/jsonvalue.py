"""`empty` for values kept in JSON columns: SQL NULL, JSON `null`, `[]` and `{}` are all empty.

Both backends agree on the text of those values (PostgreSQL prints jsonb canonically, SQLite
keeps the serialiser's text), so one comparison serves both and needs no JSON functions.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Text, cast, not_, or_
from sqlalchemy.sql.elements import ColumnElement

from engines.form.types.base import FieldSpec

EMPTY_JSON = ("null", "[]", "{}")


def json_empty(column: ColumnElement) -> ColumnElement:
    return or_(column.is_(None), cast(column, Text).in_(EMPTY_JSON))


class JsonValueFilter:
    """Mixin for a `FieldType` stored as JSON: a correct `empty` / `not_empty`."""

    def compile_filter(self, spec: FieldSpec, target: Any, op: str, value: Any) -> ColumnElement:
        from engines.form import operators

        if op not in ("empty", "not_empty"):
            return super().compile_filter(spec, target, op, value)  # type: ignore[misc]
        if op not in self.operators(spec):  # type: ignore[attr-defined]
            raise operators.FilterError("unknown_operator", f"Operator '{op}' does not apply to field '{spec.key}'.")
        clause = json_empty(target.column)
        return clause if op == "empty" else not_(clause)
