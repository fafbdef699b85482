"""SUM, AVERAGE, MEDIAN, MIN, MAX, PRODUCT, COUNT, COUNTIF and SUMIF over numbers, subform columns
(`items.subtotal`), to-many links and list fields. Blanks are skipped, as in Excel; in SQL each
list becomes a correlated subquery."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Callable

from sqlalchemy import and_, case, func, null
from sqlalchemy.sql.elements import ColumnElement

from engines.expr import types as t
from engines.expr import values as v
from engines.expr.errors import ExprTypeError
from engines.expr.evaluator import membership
from engines.expr.functions.base import Example as E
from engines.expr.functions.base import Function, Param, promote
from engines.expr.nodes import Call, Node

Col = ColumnElement[Any]


def gather(ev: Any, args: tuple[Node, ...]) -> list[Any]:
    """Every non-blank value of the arguments, lists flattened."""
    out: list[Any] = []
    for arg in args:
        assert arg.type is not None
        values = ev.elements(arg) if arg.type.is_list else [ev.visit(arg)]
        out.extend(x for x in values if x is not None)
    return out


def parts(sc: Any, args: tuple[Node, ...], scalar: Callable[[Col], Col], listed: Callable[[Col], Col]) -> list[Col]:
    """One SQL term per argument: `scalar(col)` for a value, a subquery of `listed(col)` for a list."""
    out = []
    for arg in args:
        assert arg.type is not None
        out.append(sc.aggregate([arg], listed) if arg.type.is_list else scalar(sc.compile(arg)))
    return out


def _total(terms: list[Col]) -> Col:
    result = terms[0]
    for term in terms[1:]:
        result = result + term
    return result


def _ones(col: Col) -> Col:
    return case((col.is_not(None), 1), else_=0)


class Sum(Function):
    type = "SUM"
    family = "math"
    params = (Param("number", "number|list<number>"),)
    variadic = True
    returns = "number"
    null_propagates = False
    en = "Adds numbers and whole columns of subforms or linked records; blanks count as nothing."
    zh = "求和，可对数字、子表单列或关联记录的列求和；空值不计。"
    examples = (E("SUM(items.subtotal)", Decimal("29")), E("SUM(qty, discount, 2)", Decimal("5")))

    def evaluate(self, ev: Any, call: Call) -> Any:
        total = Decimal(0)
        for x in gather(ev, call.args):
            total = v.DEC.add(total, x)
        return total

    def to_sql(self, sc: Any, call: Call) -> Col:
        return _total(parts(sc, call.args, lambda c: func.coalesce(c, 0), lambda c: func.coalesce(func.sum(c), 0)))


class Average(Function):
    type = "AVERAGE"
    family = "math"
    params = (Param("number", "number|list<number>"),)
    variadic = True
    returns = "number"
    null_propagates = False
    en = "The mean of the non-blank numbers (blank when there are none)."
    zh = "非空数字的平均值（没有数字时为空）。"
    examples = (E("AVERAGE(items.price)", Decimal("5.8333333333")),)

    def evaluate(self, ev: Any, call: Call) -> Any:
        values = gather(ev, call.args)
        if not values:
            return None
        total = Decimal(0)
        for x in values:
            total = v.DEC.add(total, x)
        return v.divide(total, Decimal(len(values)))

    def to_sql(self, sc: Any, call: Call) -> Col:
        total = _total(parts(sc, call.args, lambda c: func.coalesce(c, 0), lambda c: func.coalesce(func.sum(c), 0)))
        count = _total(parts(sc, call.args, _ones, func.count))
        return sc.d.divide(total, count)


class Median(Function):
    type = "MEDIAN"
    family = "math"
    params = (Param("numbers", "number|list<number>"),)
    returns = "number"
    null_propagates = False
    en = "The middle value of the non-blank numbers (the mean of the middle two for an even count)."
    zh = "非空数字的中位数（个数为偶数时取中间两个数的平均值）。"
    examples = (E("MEDIAN(items.price)", Decimal("3.5")), E("MEDIAN(items.qty)", Decimal("2")))

    def evaluate(self, ev: Any, call: Call) -> Any:
        values = sorted(gather(ev, call.args))
        if not values:
            return None
        middle = len(values) // 2
        if len(values) % 2:
            return values[middle]
        return v.divide(v.DEC.add(values[middle - 1], values[middle]), Decimal(2))

    def to_sql(self, sc: Any, call: Call) -> Col:
        arg = call.args[0]
        assert arg.type is not None
        return sc.aggregate([arg], sc.d.median) if arg.type.is_list else sc.compile(arg)


class Max(Function):
    type = "MAX"
    family = "math"
    params = (Param("value", "T|list<T>"),)
    variadic = True
    returns = "T"
    null_propagates = False
    pick = staticmethod(max)
    en = "The largest non-blank value: numbers, text (by code point) or dates."
    zh = "最大的非空值：数字、文本（按字符编码）或日期。"
    examples = (E("MAX(items.price)", Decimal("12")), E("MAX(signed_on, due_on)", date(2024, 3, 15)))

    def check(self, checker: Any, call: Call, args: list[Node]) -> Any:
        result, rows, info = super().check(checker, call, args)
        if result.kind not in t.ORDERED_KINDS and result.kind is not t.Kind.NULL:
            raise checker.error(ExprTypeError, "arg_type", call, name=self.name, index=1, param="value",
                                expected="number / text / date", got=str(result))
        return result, rows, info

    def evaluate(self, ev: Any, call: Call) -> Any:
        values = gather(ev, call.args)
        return self.pick(values) if values else None

    def to_sql(self, sc: Any, call: Call) -> Col:
        kind = sc.kind_of(call)
        ordered = sc.d.ordered if kind is t.Kind.TEXT else (lambda c: c)
        agg = func.max if self.pick is max else func.min
        cols = parts(sc, call.args, ordered, lambda c: agg(ordered(c)))
        return sc.d.greatest(cols) if self.pick is max else sc.d.least(cols)


class Min(Max):
    type = "MIN"
    pick = staticmethod(min)
    en = "The smallest non-blank value: numbers, text (by code point) or dates."
    zh = "最小的非空值：数字、文本（按字符编码）或日期。"
    examples = (E("MIN(items.qty)", Decimal("1")), E('MIN(company, "Beta")', "Acme Ltd"))


class Product(Function):
    type = "PRODUCT"
    family = "math"
    params = (Param("number", "number|list<number>"),)
    variadic = True
    returns = "number"
    null_propagates = False
    sql_note = "lists are multiplied in Python only; single values work in SQL"
    en = "Multiplies the non-blank numbers (0 when there are none)."
    zh = "将非空数字相乘（没有数字时为 0）。"
    examples = (E("PRODUCT(qty, price)", Decimal("59.97")),)

    def evaluate(self, ev: Any, call: Call) -> Any:
        values = gather(ev, call.args)
        if not values:
            return Decimal(0)
        result = Decimal(1)
        for x in values:
            result = v.DEC.multiply(result, x)
        return result

    def to_sql(self, sc: Any, call: Call) -> Col:
        if any(arg.type is not None and arg.type.is_list for arg in call.args):
            from engines.expr.functions.base import no_sql

            raise no_sql(self.name, self.sql_note or "")
        cols = [sc.compile(arg) for arg in call.args]
        product = func.coalesce(cols[0], 1)
        for c in cols[1:]:
            product = product * func.coalesce(c, 1)
        return case((and_(*[c.is_(None) for c in cols]), 0), else_=product)


class Count(Function):
    type = "COUNT"
    family = "math"
    params = (Param("value", "any"),)
    variadic = True
    returns = "number"
    null_propagates = False
    en = "How many values are not blank; for a subform, how many rows it has."
    zh = "统计非空值的个数；对子表单统计行数。"
    examples = (E("COUNT(items)", Decimal("3")), E("COUNT(tags)", Decimal("2")), E("COUNT(discount, qty)", Decimal("1")))

    def evaluate(self, ev: Any, call: Call) -> Any:
        return Decimal(len(gather(ev, call.args)))

    def to_sql(self, sc: Any, call: Call) -> Col:
        return _total(parts(sc, call.args, _ones, func.count))


class CountIf(Function):
    type = "COUNTIF"
    family = "math"
    params = (Param("list", "list"), Param("value", "scalar", optional=True))
    returns = "number"
    null_propagates = False
    en = "Counts the items equal to the value, or the TRUE tests: COUNTIF(items.qty > 1)."
    zh = "统计等于给定值的元素个数，或条件为真的行数：COUNTIF(items.qty > 1)。"
    examples = (E("COUNTIF(items.qty > 1)", Decimal("2")), E('COUNTIF(tags, "vip")', Decimal("1")))

    def check(self, checker: Any, call: Call, args: list[Node]) -> Any:
        self.check_count(checker, call, args)
        element = args[0].type.element if args[0].type and args[0].type.is_list else None
        if element is None:
            raise checker.error(ExprTypeError, "arg_type", args[0], name=self.name, index=1, param="list",
                                expected="list", got=str(args[0].type))
        want = checker.scalar_of(args[1]) if len(args) > 1 else t.BOOL
        if t.unify(element, want) is None:
            raise checker.error(ExprTypeError, "arg_type", args[-1], name=self.name, index=len(args), param="value",
                                expected=str(element), got=str(want))
        if len(args) > 1 and args[1].rows is not None and args[1].rows == args[0].rows:
            raise checker.error(ExprTypeError, "mixed_rows", args[1], left=".".join(args[0].rows), right=".".join(args[1].rows))
        promote(args, [Param("l", "T|list<T>"), Param("v", "T")], t.unify(element, want))
        return t.NUMBER, None, None

    def evaluate(self, ev: Any, call: Call) -> Any:
        items = ev.elements(call.args[0])
        if len(call.args) == 1:
            return Decimal(sum(1 for x in items if x is True))
        target = ev.visit(call.args[1])
        return Decimal(sum(1 for x in items if membership(x, [target]) is True))

    def to_sql(self, sc: Any, call: Call) -> Col:
        if len(call.args) == 1:
            return sc.aggregate([call.args[0]], lambda c: func.count(case((c, 1), else_=null())))
        target = sc.compile(call.args[1])
        return sc.aggregate([call.args[0]], lambda c: func.count(case((c == target, 1), else_=null())))


class SumIf(Function):
    type = "SUMIF"
    family = "math"
    params = (Param("values", "list<number>"), Param("tests", "list<bool>"))
    returns = "number"
    null_propagates = False
    en = "Adds the values of the rows whose test is TRUE: SUMIF(items.subtotal, items.qty > 1)."
    zh = "对条件为真的行求和：SUMIF(items.subtotal, items.qty > 1)。"
    examples = (E("SUMIF(items.subtotal, items.qty > 1)", Decimal("17")),)

    def check(self, checker: Any, call: Call, args: list[Node]) -> Any:
        result, _, info = super().check(checker, call, args)
        return result, same_rows(self, checker, args), info

    def evaluate(self, ev: Any, call: Call) -> Any:
        total = Decimal(0)
        for value, test in ev.per_row(call.args[0].rows, call.args):
            if test is True and value is not None:
                total = v.DEC.add(total, value)
        return total

    def to_sql(self, sc: Any, call: Call) -> Col:
        return sc.aggregate(list(call.args), lambda c, test: func.coalesce(func.sum(case((test, c), else_=null())), 0))


def same_rows(fn: Function, checker: Any, args: list[Node]) -> None:
    """Row-wise pairs (values and tests) must come from the rows of one subform."""
    rows = args[0].rows
    for arg in args:
        if arg.rows is None or arg.rows != rows:
            left = ".".join(rows) if rows else str(args[0].type)
            right = ".".join(arg.rows) if arg.rows else str(arg.type)
            raise checker.error(ExprTypeError, "mixed_rows", arg, left=left, right=right)


FUNCTIONS = (Sum, Average, Median, Max, Min, Product, Count, CountIf, SumIf)
