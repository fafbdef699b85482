"""Compile a typed formula to a SQLAlchemy Core expression for SQLite or PostgreSQL.

Parts that do not depend on the record (literals, `$user`, `TODAY()`, `SUBDEPTS($user.dept)`) are
computed once in Python and bound as parameters, so they give exactly the Python result. Lists
(subform columns, to-many links, list fields) become correlated scalar subqueries inside the
aggregate that consumes them. Whatever has no SQL form raises `NoSqlForm`.
"""

from __future__ import annotations

import operator
from contextlib import contextmanager
from typing import Any, Callable, Iterator, Sequence

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Numeric,
    String,
    and_,
    case,
    cast,
    func,
    literal,
    not_,
    null,
    or_,
    select,
    true,
)
from sqlalchemy.sql.elements import ColumnElement, Grouping
from sqlalchemy.types import TypeEngine

from engines.expr import nodes as n
from engines.expr.context import Context
from engines.expr.errors import NoSqlForm
from engines.expr.evaluator import Evaluator
from engines.expr.limits import DEFAULT_LIMITS, Limits
from engines.expr.sql.dialects import DIALECTS, Dialect, const
from engines.expr.sql.resolver import ListSource, SqlResolver
from engines.expr.types import ExprType, Kind

Col = ColumnElement[Any]
UNKNOWN = object()
_SQL_TYPES: dict[Kind, Callable[[], TypeEngine[Any]]] = {
    Kind.NUMBER: Numeric,
    Kind.TEXT: String,
    Kind.BOOL: Boolean,
    Kind.DATE: Date,
    Kind.DATETIME: DateTime,
}


def sql_type(t: ExprType) -> TypeEngine[Any] | None:
    factory = _SQL_TYPES.get(t.kind)
    return factory() if factory else None


class SqlCompiler:
    def __init__(
        self,
        resolver: SqlResolver,
        context: Context,
        dialect: str,
        limits: Limits = DEFAULT_LIMITS,
        fold_constants: bool = True,
    ) -> None:
        if dialect not in DIALECTS:
            raise NoSqlForm.of("no_sql", None, name="formula", reason=f"unsupported database {dialect!r}")
        self.root = resolver
        self.ctx = context
        self.d: Dialect = DIALECTS[dialect]
        self.limits = limits
        self.fold = fold_constants
        self.scopes: dict[tuple[str, ...], SqlResolver] = {}

    # -- entry ---------------------------------------------------------------------------------
    def compile(self, node: n.Node) -> Col:
        if node.rows is not None and node.rows not in self.scopes:
            raise NoSqlForm.of("no_sql", None, name="formula", reason="a list is not a single SQL value")
        if node.const and self.fold and not isinstance(node, (n.Number, n.Text, n.Bool, n.Null)):
            return self.literal(self.constant(node), node.type)
        return getattr(self, "_" + type(node).__name__.lower())(node)

    def constant(self, node: n.Node) -> Any:
        return Evaluator(None, self.ctx, self.limits).visit(node)

    def known(self, node: n.Node) -> Any:
        """The value of an argument fixed by the formula itself, else UNKNOWN."""
        if isinstance(node, (n.Number, n.Text, n.Bool)):
            return node.value
        if node.const and self.fold:
            return self.constant(node)
        return UNKNOWN

    def literal(self, value: Any, t: ExprType | None) -> Col:
        """A bound parameter of the formula's own type (never the column's)."""
        sa_type = sql_type(t) if t is not None else None
        if value is None:
            return cast(null(), sa_type) if sa_type is not None else null()
        if isinstance(value, list):
            raise NoSqlForm.of("no_sql", None, name="formula", reason="a list is not a single SQL value")
        if sa_type is None:  # user / dept ids: bind as the Python value is
            return literal(value)
        return literal(value, sa_type)

    # -- leaves --------------------------------------------------------------------------------
    def _number(self, node: n.Number) -> Col:
        return self.literal(node.value, node.type)

    def _text(self, node: n.Text) -> Col:
        return self.literal(node.value, node.type)

    def _bool(self, node: n.Bool) -> Col:
        return self.literal(node.value, node.type)

    def _null(self, node: n.Null) -> Col:
        return null()

    def _var(self, node: n.Var) -> Col:
        return self.literal(Evaluator(None, self.ctx, self.limits).visit(node), node.type)

    def _ref(self, node: n.Ref) -> Col:
        resolver, path = self.root, node.path
        if node.rows is not None:
            resolver, path = self.scopes[node.rows], path[len(node.rows) :]
            if not path:  # the row itself (COUNT(items)): any non-blank marker will do
                return const("1")
        return self.ref_column(resolver, path)

    def ref_column(self, resolver: SqlResolver, path: Sequence[str]) -> Col:
        if len(path) == 1:
            return resolver.column(path[0])
        rel = resolver.related(path[0])
        inner = self.ref_column(rel.table, path[1:])
        if rel.from_ is None:  # joined into the enclosing query already
            return inner
        return select(inner).select_from(rel.from_).where(rel.where).correlate_except(rel.from_).scalar_subquery()

    # -- operators -------------------------------------------------------------------------------
    def _unary(self, node: n.Unary) -> Col:
        operand = self.compile(node.operand)
        if node.op == "NOT":  # grouped: PostgreSQL reads `NOT x IS NULL` as `NOT (x IS NULL)`
            return Grouping(not_(operand))
        return -operand if node.op == "-" else operand

    def _binary(self, node: n.Binary) -> Col:
        op = node.op
        left, right = self.compile(node.left), self.compile(node.right)
        if op == "AND":
            return and_(left, right)
        if op == "OR":
            return or_(left, right)
        if op == "&":
            return self.concat([self.text_of(node.left, left), self.text_of(node.right, right)])
        lk, rk = self.kind_of(node.left), self.kind_of(node.right)
        if op in "+-*/%^":
            return self.arithmetic(op, left, right, lk, rk)
        operand = node.operand_type
        assert operand is not None
        return self.comparison(op, left, right, lk, rk, operand.kind)

    def arithmetic(self, op: str, left: Col, right: Col, lk: Kind, rk: Kind) -> Col:
        temporal = (Kind.DATE, Kind.DATETIME)
        if lk in temporal and rk in temporal:
            if lk is Kind.DATE and rk is Kind.DATE:
                return self.d.days_between(left, right)
            return self.d.datetime_days_between(left, right)
        if lk in temporal:
            return self.d.add_days(left, right if op == "+" else -right, lk)
        if rk in temporal:
            return self.d.add_days(right, left, rk)
        if op == "/":
            return self.d.divide(left, right)
        if op == "%":
            return self.d.mod(left, right)
        if op == "^":
            return self.power(left, right)
        return {"+": left + right, "-": left - right, "*": left * right}[op]

    def power(self, x: Col, y: Col) -> Col:
        """Mirrors evaluator.power: blank when undefined, |y| > 1000 or the result reaches 1e38."""
        undefined = or_(func_abs(y) > 1000, and_(x < 0, y != self.d.trunc(y, 0)), and_(x == 0, y < 0))
        huge = y * self.d.log10(func_abs(x)) >= 38
        zero = case((y == 0, const("1")), else_=const("0"))
        return case(
            (undefined, null()), (x == 0, zero), (huge, null()),
            else_=self.d.round(self.d.power_raw(x, y), 10),
        )

    def comparison(self, op: str, left: Col, right: Col, lk: Kind, rk: Kind, kind: Kind) -> Col:
        if kind is Kind.DATETIME:
            left = self.d.to_datetime(left) if lk is Kind.DATE else left
            right = self.d.to_datetime(right) if rk is Kind.DATE else right
        if kind is Kind.TEXT and op not in ("=", "<>"):
            left, right = self.d.ordered(left), self.d.ordered(right)
        return left.operate(_OPS[op], right)

    def _in(self, node: n.In) -> Col:
        value = self.compile(node.value)
        if node.items is not None:
            result = value.in_([self.compile(item) for item in node.items])
        else:
            assert node.container is not None
            container = node.container
            if container.const and self.fold:
                result = value.in_(list(self.constant(container) or []))
            else:
                values = self.subquery([container], lambda col: col)
                result = value.in_(values)
        return Grouping(not_(result)) if node.negated else result

    def _call(self, node: n.Call) -> Col:
        assert node.fn is not None
        return node.fn.to_sql(self, node)

    # -- helpers for functions ---------------------------------------------------------------------
    def kind_of(self, node: n.Node) -> Kind:
        assert node.type is not None
        return node.type.element.kind if node.type.is_list else node.type.kind

    def text_of(self, node: n.Node, col: Col) -> Col:
        """Canonical text of a compiled value, as `&` and CONCAT show it (blank as "")."""
        kind = self.kind_of(node)
        if kind is Kind.NUMBER:
            col = self.d.number_text(col)
        elif kind is Kind.BOOL:
            col = case((col, const("'TRUE'")), (not_(col), const("'FALSE'")), else_=null())
        elif kind is Kind.DATE:
            col = cast(col, String) if self.d.name == "postgresql" else col
        elif kind is Kind.DATETIME:
            col = self.d.datetime_text(col)
        elif kind is not Kind.TEXT:
            col = cast(col, String)
        return col

    def concat(self, parts: Sequence[Col]) -> Col:
        result: Col | None = None
        for part in parts:
            piece = _coalesce_text(part)
            result = piece if result is None else result.concat(piece)
        assert result is not None
        return result

    @contextmanager
    def row_scope(self, rows: tuple[str, ...]) -> Iterator[tuple[list[Any], list[Col], list[Col]]]:
        """Bind `rows` to a fresh alias of its table for the duration; yields (froms, wheres, order)."""
        resolver, froms, wheres, order = self.root, [], [], []
        for key in rows:
            rel = resolver.related(key)
            if rel.from_ is not None:  # rows already in the enclosing query add nothing to a subquery
                froms.append(rel.from_)
                wheres.append(rel.where)
            order = list(rel.order_by)
            resolver = rel.table
        saved = self.scopes.get(rows)
        self.scopes[rows] = resolver
        try:
            yield froms, wheres, order
        finally:
            if saved is None:
                del self.scopes[rows]
            else:
                self.scopes[rows] = saved

    def list_source(self, node: n.Node) -> ListSource:
        """A plain list field (`tags`, `customer.tags`) as rows of one column."""
        if not isinstance(node, n.Ref) or node.rows is not None:
            name = node.fn.name if isinstance(node, n.Call) and node.fn is not None else "formula"
            note = node.fn.sql_note if isinstance(node, n.Call) and node.fn is not None else None
            raise NoSqlForm.of("no_sql", None, name=name, reason=note or "this list is computed in Python only")
        resolver, froms, wheres = self.root, [], []
        for key in node.path[:-1]:
            rel = resolver.related(key)
            froms.append(rel.from_)
            wheres.append(rel.where)
            resolver = rel.table
        assert node.type is not None
        found = resolver.values(node.path[-1])
        if not isinstance(found, ListSource):
            found = self.d.json_source(found, node.type.element.kind)
        where = [*wheres, found.where] if found.where is not None else wheres
        from_ = _join_froms([*froms, found.from_]) if froms else found.from_
        return ListSource(found.value, from_, and_(*where) if where else None, found.order_by)

    def subquery(self, nodes: Sequence[n.Node], build: Callable[..., Col], ordered: bool = False) -> Any:
        """`SELECT build(values…) FROM <the list's rows>` correlated to the current row.

        All `nodes` must be lists over the same rows (SUMIF's values and tests) or one plain list.
        """
        first = nodes[0]
        if first.rows is None:
            source = self.list_source(first)
            stmt = select(build(source.value)).select_from(source.from_)
            if source.where is not None:
                stmt = stmt.where(source.where)
            if ordered:
                stmt = stmt.order_by(*source.order_by)
            return stmt.correlate_except(source.from_)
        with self.row_scope(first.rows) as (froms, wheres, order):
            if not froms:
                raise NoSqlForm.of("no_sql", None, name="formula", reason="a list of the group's rows is not a single SQL value")
            cols = [self.compile(node) for node in nodes]
            stmt = select(build(*cols)).select_from(*froms).where(*wheres)
            if ordered:
                stmt = stmt.order_by(*order)
            return stmt.correlate_except(*froms)

    def aggregate(self, nodes: Sequence[n.Node], build: Callable[..., Col], ordered: bool = False) -> Col:
        rows = nodes[0].rows
        if rows is not None and not ordered:
            with self.row_scope(rows) as (froms, _, _):
                if not froms:  # the rows of the enclosing GROUP BY: an aggregate of that SELECT
                    return build(*[self.compile(node) for node in nodes])
        return self.subquery(nodes, build, ordered).scalar_subquery()

    def ordered_source(self, node: n.Node) -> tuple[Col, list[Any], list[Col], list[Col]]:
        """(value, froms, wheres, order) of a list for JOIN, FIRST, LAST."""
        if node.rows is None:
            source = self.list_source(node)
            return source.value, [source.from_], [source.where] if source.where is not None else [], list(source.order_by)
        with self.row_scope(node.rows) as (froms, wheres, order):
            if not froms:
                raise NoSqlForm.of("no_sql", None, name="formula", reason="the group's rows have no order")
            return self.compile(node), froms, wheres, order


def within_size(expr: Any, budget: int) -> bool:
    """Does the expression, written out as SQL, stay under `budget` elements?

    Dialect primitives repeat their arguments (CASE WHEN x >= 0 THEN … x …), so nesting them
    can grow the SQL text exponentially even though the formula is short. Counting stops at the
    budget, so the check itself is bounded.
    """
    seen, stack = 0, [expr]
    while stack:
        seen += 1
        if seen > budget:
            return False
        stack.extend(stack.pop().get_children())
    return True


def sql_nesting(expr: Any) -> int:
    """How much of a SQL parser's stack the expression's text needs, in tenths of a level.

    Calibrated on SQLite 3.40 (YYSTACKDEPTH 100): nesting in a function's first argument costs 3.2
    levels, in a later argument or a CASE branch 5.5, the right side of an operator 2.2, a CAST 2.2.
    """
    from sqlalchemy.sql import elements, selectable
    from sqlalchemy.sql.functions import FunctionElement

    def edges(element: Any) -> list[tuple[int, Any]]:
        if isinstance(element, FunctionElement):
            return [(32 if i == 0 else 55, arg) for i, arg in enumerate(element.clauses.clauses)]
        if isinstance(element, elements.Case):
            out = [(55, part) for when in element.whens for part in when]
            if element.value is not None:
                out.append((55, element.value))
            if element.else_ is not None:
                out.append((43, element.else_))
            return out
        if isinstance(element, elements.Cast):
            return [(22, element.clause)]
        if isinstance(element, elements.BinaryExpression):
            return [(0, element.left), (22, element.right)]
        if isinstance(element, elements.Grouping):
            return [(10, element.element)]
        weight = 40 if isinstance(element, (selectable.ScalarSelect, selectable.Select)) else 0
        return [(weight, child) for child in element.get_children()]

    memo: dict[int, int] = {}
    stack: list[tuple[Any, bool]] = [(expr, False)]
    while stack:
        element, expanded = stack.pop()
        if id(element) in memo:
            continue
        children = edges(element)
        if not expanded:
            stack.append((element, True))
            stack.extend((child, False) for _, child in children if id(child) not in memo)
            continue
        memo[id(element)] = max((cost + memo.get(id(child), 0) for cost, child in children), default=0)
    return memo[id(expr)]


def func_abs(x: Col) -> Col:
    return func.abs(x)


def _coalesce_text(col: Col) -> Col:
    return func.coalesce(col, const("''"))


def _join_froms(froms: list[Any]) -> Any:
    # Several FROM items of one subquery; their WHERE conditions relate them.
    joined = froms[0]
    for item in froms[1:]:
        joined = joined.join(item, true())
    return joined


_OPS = {"=": operator.eq, "<>": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
