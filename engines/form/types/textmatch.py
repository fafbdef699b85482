"""Partial-match filters for text kept in a normalised form (phone numbers, ID cards, HTML).

`contains 1380` on a phone field takes a fragment, not a whole phone number, so the fragment is
compared as plain text instead of being validated like a value, ignoring case the same way on
both backends (SQLite's LIKE ignores ASCII case, PostgreSQL's does not). Whole-value operators
(`eq`, `in`…) still go through the field's `parse`, so `eq "138 1234 5678"` finds `13812345678`.
"""

from __future__ import annotations

from typing import Any, Callable

from sqlalchemy import not_, or_
from sqlalchemy.sql.elements import ColumnElement

from engines.form.columns import parse_text
from engines.form.types.base import FieldSpec, FieldValueError

PARTIAL_OPS = frozenset({"contains", "not_contains", "starts_with", "ends_with"})


class FragmentFilter:
    """Mixin for a `FieldType`: partial-match operands are plain-text fragments."""

    def fragment(self, spec: FieldSpec, text: str) -> str:
        """How a fragment is written in stored values (HTML escapes it, phones drop spaces)."""
        return text

    def compile_filter(self, spec: FieldSpec, target: Any, op: str, value: Any) -> ColumnElement:
        from engines.form import operators

        if op not in PARTIAL_OPS:
            return operators.compile(self, spec, target, op, value)
        if op not in self.operators(spec):  # type: ignore[attr-defined]
            raise operators.FilterError("unknown_operator", f"Operator '{op}' does not apply to field '{spec.key}'.")
        try:
            text = parse_text(value)
        except FieldValueError as exc:
            raise operators.FilterError("bad_value", f"Field '{spec.key}': {exc.en}") from None
        text = self.fragment(spec, (text or "").strip())
        if not text:
            raise operators.FilterError("bad_value", f"Field '{spec.key}': a value is required for this operator.")
        column = target.column
        build: dict[str, Callable[[], ColumnElement]] = {
            "contains": lambda: column.icontains(text, autoescape=True),
            "not_contains": lambda: column.icontains(text, autoescape=True),
            "starts_with": lambda: column.istartswith(text, autoescape=True),
            "ends_with": lambda: column.iendswith(text, autoescape=True),
        }
        clause = build[op]()
        return or_(column.is_(None), not_(clause)) if op == "not_contains" else clause
