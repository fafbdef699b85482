"""Evaluating a published form's own expressions for values being typed into it: which fields
their visibility rules show, and what formula fields come to. The record form asks this while a
person edits (debounced), because the browser has no expression engine of its own.

No user text is evaluated: only the expressions the form's builder published, compiled by the
form engine. Values of fields the caller may not read are dropped before evaluation, and
answers are given only for fields they may read, so nothing stored is read and nothing hidden
is revealed. Linked records are not fetched (formulas reaching through links give null here;
the server computes them on save).
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from core.clock import Clock
from engines import expr
from engines.form.types import FieldSpec, FieldValueError, StorageKind
from runtime.context import Actor
from runtime.records.compute import context_for, for_expr
from runtime.records.service import open_form

MAX_ROWS = 500


def _parsed(spec: FieldSpec, value: Any) -> Any:
    """A typed value as the engine stores it, or None where it does not parse (yet)."""
    if value is None:
        return None
    try:
        if spec.storage is StorageKind.CHILD:
            rows = value if isinstance(value, list) else []
            children = {c.key: c for c in spec.children}
            out = []
            for row in rows[:MAX_ROWS]:
                if not isinstance(row, dict):
                    continue
                out.append({k: _parsed(children[k], v) for k, v in row.items() if k in children and not children[k].type.computed})
            return out
        return spec.type.parse(spec, value)
    except (FieldValueError, ValueError, TypeError):
        return None


def _json(spec: FieldSpec, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float, Decimal)) and spec.storage is StorageKind.DECIMAL:
        number = Decimal(str(value))
        precision = getattr(spec.options, "precision", None)
        if precision is not None:
            number = number.quantize(Decimal(1).scaleb(-precision), ROUND_HALF_UP)
        return str(number)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_json(spec, v) for v in value]
    if isinstance(value, (str, int, float, dict)):
        return value
    return str(value)


async def evaluate_form(conn: Any, clock: Clock, actor: Actor, qualified: str, values: dict[str, Any]) -> dict[str, Any]:
    app_key, form_key = qualified.split(".", 1)
    target = await open_form(conn, clock, actor, app_key, form_key, "view")  # every other action needs view
    form, readable = target.form, target.scope.readable

    def may_read(key: str) -> bool:
        return readable is None or key in readable

    record: dict[str, Any] = {}
    for key, value in values.items():
        spec = form.specs.get(key)
        if spec is None or not may_read(key) or spec.type.computed or spec.storage in (StorageKind.NONE, StorageKind.SYSTEM):
            continue
        parsed = _parsed(spec, value)
        if spec.storage is StorageKind.CHILD:
            record[key] = [{k: for_expr(v) for k, v in row.items()} for row in parsed or []]
        else:
            record[key] = for_expr(parsed)
    context = context_for(actor.principal, clock.now())

    computed: dict[str, Any] = {}
    for key in form.formula_order:
        spec = form.specs[key]
        formula = spec.extra.get("formula")
        try:
            result = formula.evaluate(record, context) if formula is not None else None
        except expr.ExprError:
            result = None
        record[key] = result
        if may_read(key):
            computed[key] = _json(spec, result)

    rows: dict[str, list[dict[str, Any]]] = {}
    for key, spec in form.specs.items():
        order = spec.extra.get("row_formulas") if spec.storage is StorageKind.CHILD else None
        if not order or not may_read(key) or not isinstance(record.get(key), list):
            continue
        children = {c.key: c for c in spec.children}
        out = []
        for row in record[key]:
            row = dict(row)
            answers = {}
            for child_key in order:
                try:
                    value = children[child_key].extra["formula"].evaluate(row, context)
                except expr.ExprError:
                    value = None
                row[child_key] = value
                answers[child_key] = _json(children[child_key], value)
            out.append(answers)
        rows[key] = out

    visible: dict[str, bool] = {}
    for key, spec in form.specs.items():
        rule = spec.extra.get("visible_when")
        if rule is None or not may_read(key):
            continue
        try:
            visible[key] = bool(rule.evaluate(record, context))
        except expr.ExprError:
            visible[key] = True  # as on save: a rule that cannot be evaluated hides nothing
    return {"visible": visible, "computed": computed, "rows": rows}
