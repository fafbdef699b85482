"""The contract of a formula function: signature and type rule, Python evaluation, SQL form and
the bilingual documentation the formula editor shows.

A function is one class with its name as its registry key (`type`). Most declare `params`,
`returns`, `py()` and `sql_expr()` and inherit the rest: the generic type rule checks arguments
against the declared patterns and lets a scalar function run row by row over a subform column
(`ROUND(items.price, 2)` is a list with one value per row).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from engines.expr import types as t
from engines.expr.errors import ExprTypeError, NoSqlForm
from engines.expr.nodes import Bool, Call, Node, Null, Number, Text, Unary
from engines.expr.types import ExprType, Kind
from engines.expr.values import DecimalError

if TYPE_CHECKING:
    from sqlalchemy.sql.elements import ColumnElement

    from engines.expr.checker import Checker
    from engines.expr.evaluator import Evaluator
    from engines.expr.sql.compiler import SqlCompiler


@dataclass(frozen=True)
class Param:
    name: str
    # "number", "text", "bool", "date", "datetime", "user", "dept", "temporal" (date or datetime),
    # "scalar", "T" (a type variable shared by params and the result), "list", "list<number>",
    # "list<T>", "records", or alternatives joined by "|".
    accepts: str
    optional: bool = False
    literal: bool = False  # must be written as a literal (the SQL form needs it at compile time)


@dataclass(frozen=True)
class Example:
    formula: str
    result: Any  # the value the formula gives for the example record (see functions/examples.py)


class Function:
    type: ClassVar[str]  # the function's name, upper case: the registry key
    family: ClassVar[str]
    params: ClassVar[tuple[Param, ...]] = ()
    variadic: ClassVar[bool] = False  # the last parameter may repeat
    returns: ClassVar[str]
    en: ClassVar[str]
    zh: ClassVar[str]
    examples: ClassVar[tuple[Example, ...]] = ()
    sql: ClassVar[bool] = True  # has a SQL form for record-dependent arguments
    sql_note: ClassVar[str | None] = None  # why not, or when not
    null_propagates: ClassVar[bool] = True  # a blank argument gives a blank result
    uses: ClassVar[tuple[str, ...]] = ()  # context the result depends on: "today", "now", "user", "directory"

    @property
    def name(self) -> str:
        return self.type

    def signature(self) -> str:
        parts = []
        for p in self.params:
            parts.append(f"[{p.name}]" if p.optional else p.name)
        if self.variadic:
            parts.append("…")
        return f"{self.name}({', '.join(parts)})"

    # -- type rule ---------------------------------------------------------------------------------
    def check(self, checker: Checker, call: Call, args: list[Node]) -> tuple[ExprType, tuple[str, ...] | None, Any]:
        """Type the call; returns (result type, row source or None, per-call info)."""
        self.check_count(checker, call, args)
        bindings: dict[str, ExprType] = {}
        rows: tuple[str, ...] | None = None
        info: dict[str, Any] = {}
        for index, (param, arg) in enumerate(zip(self.param_list(len(args)), args), 1):
            assert arg.type is not None
            if param.literal:
                info[param.name] = literal_value(checker, self, index, arg)
            matched = match(param.accepts, arg.type, bindings)
            if matched is None and arg.rows is not None and arg.type.is_list:
                matched = match(param.accepts, arg.type.element, bindings)
                if matched is not None:
                    rows = checker.merge_rows(rows, arg.rows, arg)
            if matched is None:
                raise checker.error(
                    ExprTypeError, "arg_type", arg, name=self.name, index=index, param=param.name,
                    expected=param.accepts.replace("|", " / "), got=str(arg.type),
                )
        promote(args, self.param_list(len(args)), bindings.get("T"))
        result = self.result_type(bindings, args, info)
        return result, rows, info or None

    def result_type(self, bindings: dict[str, ExprType], args: list[Node], info: dict[str, Any]) -> ExprType:
        return parse_pattern(self.returns, bindings)

    def check_count(self, checker: Checker, call: Call, args: list[Node]) -> None:
        required = sum(1 for p in self.params if not p.optional)
        if len(args) < required or (not self.variadic and len(args) > len(self.params)):
            if self.variadic:
                expected = f"{required}+"
            elif required == len(self.params):
                expected = str(required)
            else:
                expected = f"{required}–{len(self.params)}"
            raise checker.error(ExprTypeError, "arg_count", call, name=self.name, expected=expected, got=len(args))

    def param_list(self, count: int) -> list[Param]:
        params = list(self.params)
        while self.variadic and len(params) < count:
            params.append(self.params[-1])
        return params[:count]

    # -- Python ------------------------------------------------------------------------------------
    def evaluate(self, ev: Evaluator, call: Call) -> Any:
        values = [ev.visit(arg) for arg in call.args]
        if self.null_propagates and any(v is None for v in values):
            return None
        try:
            return self.py(*values)
        except DecimalError:  # arithmetic a formula cannot do (huge, undefined) is blank
            return None

    def py(self, *values: Any) -> Any:
        raise NotImplementedError(self.name)

    # -- SQL ---------------------------------------------------------------------------------------
    def to_sql(self, sc: SqlCompiler, call: Call) -> ColumnElement[Any]:
        if not self.sql:
            raise no_sql(self.name, self.sql_note or "no SQL form")
        return self.sql_expr(sc, call, *[sc.compile(arg) for arg in call.args])

    def sql_expr(self, sc: SqlCompiler, call: Call, *cols: ColumnElement[Any]) -> ColumnElement[Any]:
        raise NotImplementedError(self.name)

    # -- catalogue ---------------------------------------------------------------------------------
    def describe(self) -> dict[str, Any]:
        from engines.expr.functions.examples import show

        return {
            "name": self.name,
            "family": self.family,
            "signature": self.signature(),
            "params": [{"name": p.name, "type": p.accepts, "optional": p.optional} for p in self.params],
            "variadic": self.variadic,
            "returns": self.returns,
            "description": {"zh-CN": self.zh, "en": self.en},
            "examples": [{"formula": e.formula, "result": show(e.result)} for e in self.examples],
            "sql": self.sql,
            "sql_note": self.sql_note,
        }


class ToDatetime(Function):
    """Internal: a date used where a datetime is expected (midnight). Not in the catalogue."""

    type = "TODATETIME"
    family = "date"
    params = (Param("date", "temporal"),)
    returns = "datetime"
    en = zh = ""

    def py(self, value: Any) -> Any:
        from engines.expr.values import as_datetime

        return as_datetime(value)

    def sql_expr(self, sc: SqlCompiler, call: Call, *cols: ColumnElement[Any]) -> ColumnElement[Any]:
        return sc.d.to_datetime(cols[0])


def promote(args: list[Node], params: list[Param], target: ExprType | None) -> None:
    """Where the type variable settled on datetime, wrap date arguments so both back ends agree."""
    if target is None or target.kind is not Kind.DATETIME:
        return
    for i, (param, arg) in enumerate(zip(params, args)):
        if "T" in param.accepts.split("|") and arg.type is not None and arg.type.element.kind is Kind.DATE:
            args[i] = to_datetime(arg)


def to_datetime(arg: Node) -> Node:
    assert arg.type is not None
    result = t.list_of(t.DATETIME) if arg.type.is_list else t.DATETIME
    return Call(
        name="TODATETIME", args=(arg,), fn=ToDatetime(), type=result, rows=arg.rows, const=arg.const,
        start=arg.start, end=arg.end,
    )


def no_sql(name: str, reason: str) -> NoSqlForm:
    return NoSqlForm.of("no_sql", None, name=name, reason=reason)


def literal_value(checker: Checker, fn: Function, index: int, node: Node) -> Any:
    if isinstance(node, (Number, Text, Bool)):
        return node.value
    if isinstance(node, Unary) and node.op == "-" and isinstance(node.operand, Number):
        return -node.operand.value
    if isinstance(node, Null):
        return None
    raise checker.error(ExprTypeError, "literal_required", node, name=fn.name, index=index)


_KIND_NAMES = {k.value: k for k in Kind}


def match(pattern: str, got: ExprType, bindings: dict[str, ExprType]) -> ExprType | None:
    """The type `got` takes as `pattern` (binding the type variable T), or None if it does not fit."""
    for alt in pattern.split("|"):
        found = _match_one(alt.strip(), got, bindings)
        if found is not None:
            return found
    return None


def _match_one(alt: str, got: ExprType, bindings: dict[str, ExprType]) -> ExprType | None:
    if alt == "any":
        return got
    if alt == "list":
        return got if got.is_list or got.kind is Kind.NULL else None
    if alt == "records":
        return got if got.kind is Kind.RECORDS else None
    if alt.startswith("list<"):
        if got.kind is not Kind.LIST or got.item is None:
            return None
        inner = _match_one(alt[5:-1], got.item, bindings)
        return t.list_of(inner) if inner is not None else None
    if not got.is_scalar:
        return None
    if alt == "scalar":
        return got
    if alt == "T":
        bound = bindings.get("T")
        unified = t.unify(bound, got) if bound is not None else got
        if unified is None:
            return None
        bindings["T"] = unified
        return unified
    if alt == "temporal":
        return got if got.kind in (Kind.DATE, Kind.DATETIME, Kind.NULL) else None
    kind = _KIND_NAMES.get(alt)
    if kind is None:
        raise ValueError(f"bad type pattern {alt!r}")
    if kind in (Kind.USER, Kind.DEPT) and got.kind in (Kind.NUMBER, Kind.TEXT):
        return got  # an id written as a literal
    return got if got.kind in (kind, Kind.NULL) else None


def parse_pattern(pattern: str, bindings: dict[str, ExprType]) -> ExprType:
    if pattern == "T":
        return bindings.get("T", t.NULL)
    if pattern.startswith("list<"):
        return t.list_of(parse_pattern(pattern[5:-1], bindings))
    return t.parse_type(pattern)
