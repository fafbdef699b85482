"""List functions over subform rows, to-many links and list fields: conditional aggregates,
distinct counts, first and last items, membership."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import and_, case, distinct, func, null, select
from sqlalchemy.sql.elements import ColumnElement

from engines.expr import types as t
from engines.expr import values as v
from engines.expr.errors import ExprTypeError
from engines.expr.evaluator import membership
from engines.expr.functions.aggregates import gather, parts, same_rows
from engines.expr.functions.base import Example as E
from engines.expr.functions.base import Function, Param
from engines.expr.nodes import Call, Node

Col = ColumnElement[Any]


class AverageIf(Function):
    type = "AVERAGEIF"
    family = "list"
    params = (Param("values", "list<number>"), Param("tests", "list<bool>"))
    returns = "number"
    null_propagates = False
    en = "The mean of the values whose row passes the test (blank when none does)."
    zh = "对满足条件的行求平均值（没有满足的行时为空）。"
    examples = (E("AVERAGEIF(items.price, items.qty >= 2)", Decimal("2.75")),)

    def check(self, checker: Any, call: Call, args: list[Node]) -> Any:
        result, _, info = super().check(checker, call, args)
        same_rows(self, checker, args)
        return result, None, info

    def picked(self, ev: Any, call: Call) -> list[Any]:
        return [val for val, test in ev.per_row(call.args[0].rows, call.args) if test is True and val is not None]

    def evaluate(self, ev: Any, call: Call) -> Any:
        values = self.picked(ev, call)
        if not values:
            return None
        total = Decimal(0)
        for x in values:
            total = v.DEC.add(total, x)
        return v.divide(total, Decimal(len(values)))

    def to_sql(self, sc: Any, call: Call) -> Col:
        def build(c: Col, test: Col) -> Col:
            return func.sum(case((test, c), else_=null()))

        def count(c: Col, test: Col) -> Col:
            return func.count(case((test, c), else_=null()))

        return sc.d.divide(sc.aggregate(list(call.args), build), sc.aggregate(list(call.args), count))


class MaxIf(AverageIf):
    type = "MAXIF"
    params = (Param("values", "list<T>"), Param("tests", "list<bool>"))
    returns = "T"
    en = "The largest value among the rows that pass the test."
    zh = "满足条件的行中的最大值。"
    examples = (E("MAXIF(items.price, items.qty >= 2)", Decimal("3.5")),)
    pick = staticmethod(max)

    def evaluate(self, ev: Any, call: Call) -> Any:
        values = self.picked(ev, call)
        return self.pick(values) if values else None

    def to_sql(self, sc: Any, call: Call) -> Col:
        ordered = sc.d.ordered if sc.kind_of(call) is t.Kind.TEXT else (lambda c: c)
        agg = func.max if self.pick is max else func.min
        return sc.aggregate(list(call.args), lambda c, test: agg(ordered(case((test, c), else_=null()))))


class MinIf(MaxIf):
    type = "MINIF"
    en = "The smallest value among the rows that pass the test."
    zh = "满足条件的行中的最小值。"
    examples = (E('MINIF(items.product, items.price > 3)', "Ink"),)
    pick = staticmethod(min)


class SumProduct(Function):
    type = "SUMPRODUCT"
    family = "list"
    params = (Param("list1", "list<number>"), Param("list2", "list<number>"))
    variadic = True
    returns = "number"
    null_propagates = False
    en = "Multiplies the lists row by row and adds the products: SUMPRODUCT(items.qty, items.price)."
    zh = "逐行相乘后求和：SUMPRODUCT(items.qty, items.price)。"
    examples = (E("SUMPRODUCT(items.qty, items.price)", Decimal("29")),)

    def check(self, checker: Any, call: Call, args: list[Node]) -> Any:
        result, _, info = super().check(checker, call, args)
        same_rows(self, checker, args)
        return result, None, info

    def evaluate(self, ev: Any, call: Call) -> Any:
        total = Decimal(0)
        for row in ev.per_row(call.args[0].rows, call.args):
            if all(x is not None for x in row):
                product = Decimal(1)
                for x in row:
                    product = v.DEC.multiply(product, x)
                total = v.DEC.add(total, product)
        return total

    def to_sql(self, sc: Any, call: Call) -> Col:
        def build(*cols: Col) -> Col:
            product = cols[0]
            for c in cols[1:]:
                product = product * c
            return func.coalesce(func.sum(product), 0)

        return sc.aggregate(list(call.args), build)


class CountA(Function):
    type = "COUNTA"
    family = "list"
    params = (Param("value", "any"),)
    variadic = True
    returns = "number"
    null_propagates = False
    en = 'Counts values that are neither blank nor empty text "".'
    zh = "统计既不为空也不是空文本的值的个数。"
    examples = (E("COUNTA(items.product)", Decimal("3")), E('COUNTA(company, "", discount)', Decimal("1")))

    def evaluate(self, ev: Any, call: Call) -> Any:
        return Decimal(sum(1 for x in gather(ev, call.args) if x != ""))

    def to_sql(self, sc: Any, call: Call) -> Col:
        total: Col | None = None
        for arg in call.args:
            text = arg.type is not None and arg.type.element.kind is t.Kind.TEXT

            def filled(c: Col, text: bool = text) -> Col:
                return case((and_(c.is_not(None), c != ""), 1), else_=null()) if text else c

            term = parts(sc, (arg,), lambda c: case((filled(c).is_not(None), 1), else_=0), lambda c: func.count(filled(c)))[0]
            total = term if total is None else total + term
        assert total is not None
        return total


class CountUnique(Function):
    type = "COUNTUNIQUE"
    family = "list"
    params = (Param("list", "list"),)
    returns = "number"
    null_propagates = False
    en = "How many different non-blank values the list holds."
    zh = "列表中不同的非空值的个数。"
    examples = (E("COUNTUNIQUE(items.price)", Decimal("3")),)

    def evaluate(self, ev: Any, call: Call) -> Any:
        return Decimal(len({x for x in ev.elements(call.args[0]) if x is not None}))

    def to_sql(self, sc: Any, call: Call) -> Col:
        return sc.aggregate([call.args[0]], lambda c: func.count(distinct(c)))


class First(Function):
    type = "FIRST"
    family = "list"
    params = (Param("list", "list<T>"),)
    returns = "T"
    null_propagates = False
    descending = False
    en = "The first item of a list, in row order (blank for an empty list)."
    zh = "列表的第一个元素（按行顺序；空列表为空）。"
    examples = (E("FIRST(items.product)", "Pen"),)

    def evaluate(self, ev: Any, call: Call) -> Any:
        items = ev.elements(call.args[0])
        return (items[-1] if self.descending else items[0]) if items else None

    def to_sql(self, sc: Any, call: Call) -> Col:
        value, froms, wheres, order = sc.ordered_source(call.args[0])
        order = [o.desc() for o in order] if self.descending else order
        stmt = select(value).select_from(*froms).where(*wheres).order_by(*order).limit(1)
        return stmt.correlate_except(*froms).scalar_subquery()


class Last(First):
    type = "LAST"
    descending = True
    en = "The last item of a list, in row order (blank for an empty list)."
    zh = "列表的最后一个元素（按行顺序；空列表为空）。"
    examples = (E("LAST(items.product)", "Pad"), E("LAST(tags)", "north"))


class Includes(Function):
    type = "INCLUDES"
    family = "list"
    params = (Param("list", "list<T>"), Param("value", "T"))
    returns = "bool"
    null_propagates = False
    en = "True when the list contains the value (the same as value IN list)."
    zh = "列表包含该值时为真（等同于 值 IN 列表）。"
    examples = (E('INCLUDES(tags, "vip")', True), E('INCLUDES($user.roles, "admin")', False))

    def check(self, checker: Any, call: Call, args: list[Node]) -> Any:
        result, rows, info = super().check(checker, call, args)
        if rows is not None and args[0].rows == rows:
            raise checker.error(ExprTypeError, "mixed_rows", args[1], left=".".join(rows), right=".".join(rows))
        return result, rows, info

    def evaluate(self, ev: Any, call: Call) -> Any:
        return membership(ev.visit(call.args[1]), ev.elements(call.args[0]))

    def to_sql(self, sc: Any, call: Call) -> Col:
        value = sc.compile(call.args[1])
        container = call.args[0]
        if container.const and sc.fold:
            return value.in_(list(sc.constant(container) or []))
        return value.in_(sc.subquery([container], lambda c: c))


FUNCTIONS = (AverageIf, MaxIf, MinIf, SumProduct, CountA, CountUnique, First, Last, Includes)
