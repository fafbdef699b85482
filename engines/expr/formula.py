"""The engine's front door: `check()` a formula against a schema once, then evaluate it in Python
or compile it to SQL as often as needed."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Mapping

from engines.expr import nodes as n
from engines.expr.checker import Checker
from engines.expr.context import Context
from engines.expr.errors import ExprError, ExprLimitError, ExprTypeError, Position
from engines.expr.evaluator import Evaluator
from engines.expr.limits import DEFAULT_LIMITS, Limits
from engines.expr.parser import parse
from engines.expr.types import ExprType, Kind, Schema, parse_type, unify

if TYPE_CHECKING:
    from sqlalchemy.sql.elements import ColumnElement

    from engines.expr.deps import Dependencies
    from engines.expr.sql.resolver import SqlResolver


@dataclass(frozen=True, eq=False)
class Formula:
    """A checked formula: immutable, safe to cache per (text, schema) and share across threads."""

    text: str
    node: n.Node
    type: ExprType
    schema: Schema = field(repr=False)
    limits: Limits = field(default=DEFAULT_LIMITS, repr=False)

    def evaluate(self, record: Mapping[str, Any] | None, context: Context) -> Any:
        return evaluate(self, record, context)

    def to_sql(self, resolver: SqlResolver, context: Context, dialect: str, fold_constants: bool = True) -> ColumnElement[Any]:
        return to_sql(self, resolver, context, dialect, fold_constants=fold_constants)

    @cached_property
    def dependencies(self) -> Dependencies:
        from engines.expr.deps import dependencies

        return dependencies(self)


def check(
    text: str,
    schema: Schema,
    expect: ExprType | str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Formula:
    """Parse and type-check; `expect` ("bool" for filters and rules) pins the result type."""
    node = parse(text, limits)
    try:
        typed = Checker(text, schema).check(node)
    except RecursionError:
        raise ExprLimitError.of("too_deep", None, limit=limits.max_depth) from None
    assert typed.type is not None
    result = typed.type
    if expect is not None:
        want = parse_type(expect) if isinstance(expect, str) else expect
        fits = unify(want, result)
        if fits is None or (fits != want and not (want.kind is Kind.DATETIME and result.kind is Kind.DATE)):
            raise ExprTypeError.of(
                "result_type", Position.at(text, typed.start, typed.end), expected=str(want), got=str(result)
            )
        result = want if result.kind is Kind.NULL else result
    return Formula(text, typed, result, schema, limits)


def evaluate(formula: Formula, record: Mapping[str, Any] | None, context: Context) -> Any:
    """The formula's value for one record: Decimal, str, bool, date, datetime, an id, a list or None."""
    try:
        return Evaluator(record, context, formula.limits).visit(formula.node)
    except ExprError:
        raise
    except RecursionError:
        raise ExprLimitError.of("too_deep", None, limit=formula.limits.max_depth) from None
    except (ArithmeticError, ValueError, TypeError, KeyError, AttributeError, IndexError) as exc:
        # Record data of an unexpected shape must not surface as a Python traceback.
        raise ExprError.of("eval_failed", None, detail=type(exc).__name__) from None


def to_sql(
    formula: Formula,
    resolver: SqlResolver,
    context: Context,
    dialect: str,
    fold_constants: bool = True,
) -> ColumnElement[Any]:
    """A SQLAlchemy Core expression with the formula's value for each row of the resolver's table.

    Raises `NoSqlForm` when some part can only run in Python (the caller then evaluates per row).
    """
    from sqlalchemy import type_coerce

    from engines.expr.errors import NoSqlForm
    from engines.expr.sql.compiler import SqlCompiler, sql_nesting, sql_type, within_size

    compiler = SqlCompiler(resolver, context, dialect, formula.limits, fold_constants=fold_constants)
    try:
        expr = compiler.compile(formula.node)
    except RecursionError:
        raise ExprLimitError.of("too_deep", None, limit=formula.limits.max_depth) from None
    if not within_size(expr, formula.limits.max_sql_size):
        raise NoSqlForm.of("no_sql", None, name="formula", reason="its SQL would be too large")
    limit = compiler.d.max_nesting
    if limit is not None and sql_nesting(expr) > limit:
        raise NoSqlForm.of("no_sql", None, name="formula", reason="its SQL would be nested too deeply")
    try:  # a trial run of SQLAlchemy's compiler, so that no caller meets its RecursionError later
        expr.compile(dialect=compiler.d.sqlalchemy_dialect())
    except RecursionError:
        raise NoSqlForm.of("no_sql", None, name="formula", reason="its SQL would be nested too deeply") from None
    sa_type = sql_type(formula.type)
    return type_coerce(expr, sa_type) if sa_type is not None else expr
