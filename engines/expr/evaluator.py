"""Evaluate a typed formula against one record in Python.

Blank (None) flows through as SQL's NULL does: comparisons with blank are blank, AND/OR use
three-valued logic, and errors of data (division by zero, a bad date) give blank. Only resource
bounds raise, as `ExprLimitError`.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Mapping, Sequence

from engines.expr import nodes as n
from engines.expr import values as v
from engines.expr.context import Context
from engines.expr.errors import ExprLimitError
from engines.expr.limits import DEFAULT_LIMITS, Limits
from engines.expr.types import Kind


class Evaluator:
    def __init__(self, record: Mapping[str, Any] | None, context: Context, limits: Limits = DEFAULT_LIMITS) -> None:
        self.record: Mapping[str, Any] = record or {}
        self.ctx = context
        self.limits = limits
        self.steps = 0
        self.bound: dict[tuple[str, ...], Mapping[str, Any]] = {}  # row scopes: subform path → current row

    def step(self, count: int = 1) -> None:
        self.steps += count
        if self.steps > self.limits.max_steps:
            raise ExprLimitError.of("too_many_steps", None, limit=self.limits.max_steps)

    # -- dispatch ----------------------------------------------------------------------------------
    def visit(self, node: n.Node) -> Any:
        self.step()
        if node.rows is not None and node.rows not in self.bound:
            return [self.in_row(node.rows, row, node) for row in self.rows_of(node.rows)]
        return getattr(self, "_" + type(node).__name__.lower())(node)

    def in_row(self, rows: tuple[str, ...], row: Mapping[str, Any], node: n.Node) -> Any:
        self.bound[rows] = row
        try:
            return self.visit(node)
        finally:
            del self.bound[rows]

    def elements(self, node: n.Node) -> list[Any]:
        """The values of a list node: one per row of its subform, or the items of a plain list."""
        if node.rows is None:
            value = self.visit(node)
            return list(value) if isinstance(value, (list, tuple)) else []
        return [vals[0] for vals in self.per_row(node.rows, [node])]

    def per_row(self, rows: tuple[str, ...], nodes: Sequence[n.Node]) -> list[list[Any]]:
        """Evaluate several row-wise nodes side by side, once per row (SUMIF's values and tests)."""
        saved = self.bound.pop(rows, None)  # an aggregate always sees every row, even inside a row scope
        try:
            out = []
            for row in self.rows_of(rows):
                self.bound[rows] = row
                out.append([self.visit(node) for node in nodes])
                del self.bound[rows]
            return out
        finally:
            if saved is not None:
                self.bound[rows] = saved

    def rows_of(self, rows: tuple[str, ...]) -> list[Mapping[str, Any]]:
        holder: Any = self.record
        for i, key in enumerate(rows):
            holder = self.follow(holder, key, rows[: i + 1], many=i == len(rows) - 1)
            if holder is None:
                return []
        items = [row for row in holder if isinstance(row, Mapping)] if isinstance(holder, (list, tuple)) else []
        self.step(len(items))
        return items

    def follow(self, holder: Mapping[str, Any], key: str, path: tuple[str, ...], many: bool) -> Any:
        """The linked record (or rows) under `key`, asking the loader when only ids are stored."""
        value = holder.get(key) if isinstance(holder, Mapping) else None
        if value is None:
            return None
        loaded = isinstance(value, (list, tuple)) and all(isinstance(x, Mapping) for x in value) if many else isinstance(value, Mapping)
        if not loaded:
            if self.ctx.links is None:
                return None
            self.step()
            value = self.ctx.links(path, value)
        return value

    # -- leaves ------------------------------------------------------------------------------------
    def _number(self, node: n.Number) -> Decimal:
        return node.value

    def _text(self, node: n.Text) -> str:
        return node.value

    def _bool(self, node: n.Bool) -> bool:
        return node.value

    def _null(self, node: n.Null) -> None:
        return None

    def _var(self, node: n.Var) -> Any:
        if node.name == "now":
            return self.ctx.now
        if node.name == "today":
            return self.ctx.today
        if not node.path:
            return self.ctx.user.id
        return self.ctx.user.member(node.path[0])

    def _ref(self, node: n.Ref) -> Any:
        holder: Any = self.record
        path = node.path
        if node.rows is not None:  # inside a row scope: start from the current row
            holder, path = self.bound[node.rows], path[len(node.rows) :]
            if not path:
                return holder
        prefix = node.path[: len(node.path) - len(path)]
        for key in path[:-1]:
            prefix = (*prefix, key)
            holder = self.follow(holder, key, prefix, many=False)
            if holder is None:
                return None
        assert node.type is not None
        leaf = node.type.element if node.rows is not None else node.type
        if leaf.kind is Kind.RECORD:
            return self.follow(holder, path[-1], node.path, many=False) if isinstance(holder, Mapping) else None
        if leaf.kind is Kind.RECORDS:
            return self.follow(holder, path[-1], node.path, many=True) if isinstance(holder, Mapping) else None
        raw = holder.get(path[-1]) if isinstance(holder, Mapping) else None
        return v.coerce_to(raw, leaf, self.ctx.tz)

    # -- operators ---------------------------------------------------------------------------------
    def _unary(self, node: n.Unary) -> Any:
        value = self.visit(node.operand)
        if value is None:
            return None
        if node.op == "NOT":
            return not value
        return -value if node.op == "-" else value

    def _binary(self, node: n.Binary) -> Any:
        op = node.op
        if op in ("AND", "OR"):
            return self.logic(op, node.left, node.right)
        a, b = self.visit(node.left), self.visit(node.right)
        if op == "&":
            assert node.left.type is not None and node.right.type is not None
            lk, rk = self.scalar_kind(node.left), self.scalar_kind(node.right)
            return self.clip((v.to_text(a, lk) or "") + (v.to_text(b, rk) or ""))
        if a is None or b is None:
            return None
        operand = node.operand_type
        assert operand is not None
        if operand.kind is Kind.DATETIME:
            a = v.as_datetime(a) if isinstance(a, date) else a
            b = v.as_datetime(b) if isinstance(b, date) else b
        return arithmetic(op, a, b) if op in ARITHMETIC else compare(op, a, b)

    def scalar_kind(self, node: n.Node) -> Kind:
        assert node.type is not None
        return node.type.element.kind if node.type.is_list else node.type.kind

    def logic(self, op: str, left: n.Node, right: n.Node) -> bool | None:
        a = self.visit(left)
        if op == "AND" and a is False or op == "OR" and a is True:
            return a
        b = self.visit(right)
        if op == "AND":
            return False if b is False else None if a is None or b is None else True
        return True if b is True else None if a is None or b is None else False

    def _in(self, node: n.In) -> bool | None:
        value = self.visit(node.value)
        if node.items is not None:
            options = [self.visit(item) for item in node.items]
        else:
            assert node.container is not None
            options = self.elements(node.container)
        found = membership(value, options)
        if found is None or not node.negated:
            return found
        return not found

    def _call(self, node: n.Call) -> Any:
        assert node.fn is not None
        return node.fn.evaluate(self, node)

    def clip(self, text: str) -> str:
        if len(text) > self.limits.max_text:
            raise ExprLimitError.of("text_too_long", None, limit=self.limits.max_text)
        return text


ARITHMETIC = frozenset("+-*/%^")


def arithmetic(op: str, a: Any, b: Any) -> Any:
    try:
        if isinstance(a, date) or isinstance(b, date):
            return date_arithmetic(op, a, b)
        if op == "+":
            return v.DEC.add(a, b)
        if op == "-":
            return v.DEC.subtract(a, b)
        if op == "*":
            return v.DEC.multiply(a, b)
        if op == "/":
            return v.divide(a, b)
        if op == "%":
            return v.excel_mod(a, b)
        return power(a, b)
    except v.DecimalError:
        return None


def power(base: Decimal, exponent: Decimal) -> Decimal | None:
    """x^y: blank for complex or undefined results, exponents beyond ±1000 and results beyond 1e38."""
    if abs(exponent) > 1000 or (base < 0 and exponent != exponent.to_integral_value()) or (base == 0 and exponent < 0):
        return None
    if base == 0:
        return Decimal(1) if exponent == 0 else Decimal(0)
    # Cheap magnitude test before building the number: |x|^y ≥ 10^38 ⇔ y·log10|x| ≥ 38.
    if exponent * abs(base).log10(v.DEC) >= 38:
        return None
    return v.within_magnitude(v.fix(v.DEC.power(base, exponent)))


def date_arithmetic(op: str, a: Any, b: Any) -> Any:
    if isinstance(a, date) and isinstance(b, date):  # difference in days
        if isinstance(a, datetime) or isinstance(b, datetime):
            seconds = Decimal((v.as_datetime(a) - v.as_datetime(b)) // timedelta(microseconds=1)) / Decimal(1_000_000)
            return v.fix(v.DEC.divide(seconds, Decimal(86400)))
        return Decimal((a - b).days)
    if not isinstance(a, date):
        a, b = b, a
    days = b if op == "+" else -b
    try:
        if isinstance(a, datetime):
            micro = int((days * 86_400_000_000).to_integral_value())
            return a + timedelta(microseconds=micro)
        return a + timedelta(days=int(days))
    except OverflowError:
        return None


def compare(op: str, a: Any, b: Any) -> bool:
    if isinstance(a, datetime) != isinstance(b, datetime) and isinstance(a, date) and isinstance(b, date):
        a, b = v.as_datetime(a), v.as_datetime(b)
    if op == "=":
        return a == b
    if op == "<>":
        return a != b
    if op == "<":
        return a < b
    if op == "<=":
        return a <= b
    if op == ">":
        return a > b
    return a >= b


def membership(value: Any, options: list[Any]) -> bool | None:
    """SQL's IN: true when found; blank when not found but blanks were involved; else false."""
    if not options:
        return False
    if value is None:
        return None
    if isinstance(value, date):
        value = v.as_datetime(value)
        options = [v.as_datetime(o) if isinstance(o, date) else o for o in options]
    if any(o is not None and o == value for o in options):
        return True
    return None if any(o is None for o in options) else False
