"""Logic: conditions, choices and blanks. Conditions that are blank count as false, as in Excel;
AND, OR and NOT follow SQL's three-valued logic so both back ends agree."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import and_, case, func, not_, null, or_
from sqlalchemy.sql.elements import ColumnElement, Grouping

from engines.expr import types as t
from engines.expr.errors import ExprTypeError
from engines.expr.functions.base import Example as E
from engines.expr.functions.base import Function, Param, match, promote
from engines.expr.nodes import Call, Node

Col = ColumnElement[Any]


class If(Function):
    type = "IF"
    family = "logic"
    params = (Param("condition", "bool"), Param("value_if_true", "T"), Param("value_if_false", "T", optional=True))
    returns = "T"
    en = "Returns one value if the condition is true and another (or blank) otherwise."
    zh = "条件为真时返回第一个值，否则返回第二个值（省略则为空）。"
    examples = (E('IF(amount > 1000, "A", "B")', "A"), E("IF(vip, price * 0.9, price)", Decimal("17.991")))

    def evaluate(self, ev: Any, call: Call) -> Any:
        if ev.visit(call.args[0]) is True:
            return ev.visit(call.args[1])
        return ev.visit(call.args[2]) if len(call.args) > 2 else None

    def sql_expr(self, sc: Any, call: Call, *cols: Col) -> Col:
        return case((cols[0], cols[1]), else_=cols[2] if len(cols) > 2 else null())


class Ifs(Function):
    type = "IFS"
    family = "logic"
    params = (Param("condition1", "bool"), Param("value1", "T"))
    variadic = True
    returns = "T"
    en = "Checks conditions in order and returns the value of the first true one (blank if none)."
    zh = "依次判断条件，返回第一个为真的条件对应的值（都不满足则为空）。"
    examples = (E('IFS(amount > 5000, "L", amount > 1000, "M", TRUE, "S")', "M"),)

    def check(self, checker: Any, call: Call, args: list[Node]) -> Any:
        if len(args) < 2 or len(args) % 2:
            raise checker.error(ExprTypeError, "arg_count", call, name=self.name, expected="2, 4, 6…", got=len(args))
        return _pairs_check(self, checker, args, first_value=1, condition=lambda i: i % 2 == 0)

    def evaluate(self, ev: Any, call: Call) -> Any:
        for cond, value in zip(call.args[::2], call.args[1::2]):
            if ev.visit(cond) is True:
                return ev.visit(value)
        return None

    def sql_expr(self, sc: Any, call: Call, *cols: Col) -> Col:
        return case(*[(c, v) for c, v in zip(cols[::2], cols[1::2])], else_=null())


class Switch(Function):
    type = "SWITCH"
    family = "logic"
    params = (Param("expression", "scalar"), Param("case1", "scalar"), Param("value1", "T"), Param("default", "T", optional=True))
    variadic = True
    returns = "T"
    en = "Compares a value with each case and returns the matching result, or the default."
    zh = "将表达式依次与各个情况比较，返回匹配项的结果，否则返回默认值。"
    examples = (E('SWITCH(status, "open", "进行中", "won", "赢单", "其他")', "进行中"),)

    def check(self, checker: Any, call: Call, args: list[Node]) -> Any:
        if len(args) < 3:
            raise checker.error(ExprTypeError, "arg_count", call, name=self.name, expected="3+", got=len(args))
        subject = checker.scalar_of(args[0])
        pairs = len(args) - 1 - (len(args) - 1) % 2
        for case_arg in args[1:pairs:2]:
            option = checker.scalar_of(case_arg)
            if t.unify(subject, option) is None:
                raise checker.error(ExprTypeError, "branch_types", case_arg, name=self.name, left=str(subject), right=str(option))
        values = list(range(2, pairs + 1, 2)) + ([len(args) - 1] if (len(args) - 1) % 2 else [])
        return _values_check(self, checker, args, values)

    def evaluate(self, ev: Any, call: Call) -> Any:
        subject = ev.visit(call.args[0])
        args = call.args
        pairs = len(args) - 1 - (len(args) - 1) % 2
        for i in range(1, pairs, 2):
            option = ev.visit(args[i])
            if subject is not None and option is not None and subject == option:
                return ev.visit(args[i + 1])
        return ev.visit(args[-1]) if (len(args) - 1) % 2 else None

    def sql_expr(self, sc: Any, call: Call, *cols: Col) -> Col:
        pairs = len(cols) - 1 - (len(cols) - 1) % 2
        whens = [(cols[0] == cols[i], cols[i + 1]) for i in range(1, pairs, 2)]
        return case(*whens, else_=cols[-1] if (len(cols) - 1) % 2 else null())


class And(Function):
    type = "AND"
    family = "logic"
    params = (Param("condition", "bool"),)
    variadic = True
    returns = "bool"
    en = "True when every condition is true; false if any is false; otherwise blank."
    zh = "所有条件都为真时为真；任一为假则为假；否则为空。"
    examples = (E("AND(vip, amount > 1000)", True),)

    def evaluate(self, ev: Any, call: Call) -> Any:
        blank = False
        for arg in call.args:
            value = ev.visit(arg)
            if value is False:
                return False
            blank = blank or value is None
        return None if blank else True

    def sql_expr(self, sc: Any, call: Call, *cols: Col) -> Col:
        return and_(*cols)


class Or(Function):
    type = "OR"
    family = "logic"
    params = (Param("condition", "bool"),)
    variadic = True
    returns = "bool"
    en = "True when any condition is true; false if all are false; otherwise blank."
    zh = "任一条件为真时为真；全部为假时为假；否则为空。"
    examples = (E('OR(status = "won", amount > 5000)', False),)

    def evaluate(self, ev: Any, call: Call) -> Any:
        blank = False
        for arg in call.args:
            value = ev.visit(arg)
            if value is True:
                return True
            blank = blank or value is None
        return None if blank else False

    def sql_expr(self, sc: Any, call: Call, *cols: Col) -> Col:
        return or_(*cols)


class Not(Function):
    type = "NOT"
    family = "logic"
    params = (Param("condition", "bool"),)
    returns = "bool"
    en = "Reverses a condition; blank stays blank."
    zh = "对条件取反；空值仍为空。"
    examples = (E("NOT(vip)", False),)

    def py(self, value: bool) -> bool:
        return not value

    def sql_expr(self, sc: Any, call: Call, *cols: Col) -> Col:
        # Grouped: PostgreSQL reads `NOT x IS NULL` as `NOT (x IS NULL)`.
        return Grouping(not_(cols[0]))


class Xor(Function):
    type = "XOR"
    family = "logic"
    params = (Param("condition", "bool"),)
    variadic = True
    returns = "bool"
    en = "True when an odd number of the conditions are true; blank if any is blank."
    zh = "为真的条件个数为奇数时为真；任一条件为空则为空。"
    examples = (E("XOR(vip, amount > 1000)", False),)

    def py(self, *values: bool) -> bool:
        return sum(values) % 2 == 1

    def sql_expr(self, sc: Any, call: Call, *cols: Col) -> Col:
        ones = sum((case((c, 1), else_=0) for c in cols[1:]), case((cols[0], 1), else_=0))
        return case((or_(*[c.is_(None) for c in cols]), null()), else_=ones % 2 == 1)


class IsBlank(Function):
    type = "ISBLANK"
    family = "logic"
    params = (Param("value", "any"),)
    returns = "bool"
    null_propagates = False
    en = 'True when the value is blank: empty, "" or a list without items.'
    zh = "值为空时为真：空值、空文本或没有元素的列表。"
    examples = (E("ISBLANK(discount)", True), E("ISBLANK(items)", False))

    def py(self, value: Any) -> bool:
        return value is None or value == "" or (isinstance(value, (list, tuple)) and not value)

    def evaluate(self, ev: Any, call: Call) -> Any:
        arg = call.args[0]
        assert arg.type is not None
        if arg.type.is_list and arg.rows is not None:
            return not ev.elements(arg)
        return self.py(ev.visit(arg))

    def to_sql(self, sc: Any, call: Call) -> Col:
        arg = call.args[0]
        assert arg.type is not None
        if arg.type.is_list:
            return sc.aggregate([arg], lambda v: func.count()) == 0
        col = sc.compile(arg)
        if arg.type.kind is t.Kind.TEXT:
            return or_(col.is_(None), col == "")
        return col.is_(None)


class IsNotBlank(IsBlank):
    type = "ISNOTBLANK"
    en = "True when the value is not blank (the opposite of ISBLANK)."
    zh = "值不为空时为真（与 ISBLANK 相反）。"
    examples = (E("ISNOTBLANK(company)", True), E("ISNOTBLANK(discount)", False))

    def evaluate(self, ev: Any, call: Call) -> Any:
        return not super().evaluate(ev, call)

    def to_sql(self, sc: Any, call: Call) -> Col:
        return not_(super().to_sql(sc, call))


class IfError(Function):
    type = "IFERROR"
    family = "logic"
    params = (Param("value", "T"), Param("value_if_error", "T"))
    returns = "T"
    null_propagates = False
    en = "The value, or the fallback when it is blank or an error (errors are blank in Qiqiao)."
    zh = "返回值；若其为空或出错（七巧中错误即为空），返回备用值。"
    examples = (E("IFERROR(amount / 0, 0)", Decimal("0")),)

    def evaluate(self, ev: Any, call: Call) -> Any:
        value = ev.visit(call.args[0])
        return ev.visit(call.args[1]) if value is None else value

    def sql_expr(self, sc: Any, call: Call, *cols: Col) -> Col:
        return func.coalesce(*cols)


class Coalesce(IfError):
    type = "COALESCE"
    params = (Param("value", "T"),)
    variadic = True
    en = "The first value that is not blank."
    zh = "返回第一个非空的值。"
    examples = (E("COALESCE(discount, 0)", Decimal("0")),)

    def evaluate(self, ev: Any, call: Call) -> Any:
        for arg in call.args:
            value = ev.visit(arg)
            if value is not None:
                return value
        return None


class NullIf(Function):
    type = "NULLIF"
    family = "logic"
    params = (Param("value", "T"), Param("blank_when", "T"))
    returns = "T"
    null_propagates = False
    en = "Blank when the two values are equal, otherwise the first value."
    zh = "两个值相等时返回空，否则返回第一个值。"
    examples = (E('NULLIF(status, "open")', None),)

    def py(self, a: Any, b: Any) -> Any:
        return None if a is not None and b is not None and a == b else a

    def sql_expr(self, sc: Any, call: Call, *cols: Col) -> Col:
        return func.nullif(*cols)


class TrueFn(Function):
    type = "TRUE"
    family = "logic"
    returns = "bool"
    en = "The logical value TRUE."
    zh = "逻辑值 TRUE（真）。"
    examples = (E("TRUE()", True),)

    def py(self) -> bool:
        return True

    def sql_expr(self, sc: Any, call: Call, *cols: Col) -> Col:
        return sc.literal(self.py(), t.BOOL)


class FalseFn(TrueFn):
    type = "FALSE"
    en = "The logical value FALSE."
    zh = "逻辑值 FALSE（假）。"
    examples = (E("FALSE()", False),)

    def py(self) -> bool:
        return False


class Between(Function):
    type = "BETWEEN"
    family = "logic"
    params = (Param("value", "T"), Param("low", "T"), Param("high", "T"))
    returns = "bool"
    en = "True when low ≤ value ≤ high (numbers, text, dates)."
    zh = "当 下限 ≤ 值 ≤ 上限 时为真（数字、文本、日期）。"
    examples = (E("BETWEEN(amount, 1000, 2000)", True),)

    def check(self, checker: Any, call: Call, args: list[Node]) -> Any:
        result = super().check(checker, call, args)
        kind = args[0].type.element.kind if args[0].type else None
        common = [a.type.element.kind for a in args if a.type]
        if any(k not in t.ORDERED_KINDS and k is not t.Kind.NULL for k in common):
            raise checker.error(ExprTypeError, "operand_types", call, op="BETWEEN", left=str(kind), right=str(kind))
        return result

    null_propagates = False

    def py(self, value: Any, low: Any, high: Any) -> bool | None:
        # value >= low AND value <= high, in three-valued logic: one false side decides.
        above = None if value is None or low is None else low <= value
        below = None if value is None or high is None else value <= high
        if above is False or below is False:
            return False
        return None if above is None or below is None else True

    def sql_expr(self, sc: Any, call: Call, *cols: Col) -> Col:
        value, low, high = cols
        if sc.kind_of(call.args[0]) is t.Kind.TEXT:
            value, low, high = (sc.d.ordered(c) for c in cols)
        return and_(value >= low, value <= high)


def _pairs_check(fn: Function, checker: Any, args: list[Node], first_value: int, condition: Any) -> Any:
    for i, arg in enumerate(args):
        if condition(i) and match("bool", checker.scalar_of(arg), {}) is None:
            raise checker.error(
                ExprTypeError, "arg_type", arg, name=fn.name, index=i + 1, param="condition", expected="bool",
                got=str(arg.type),
            )
    return _values_check(fn, checker, args, list(range(first_value, len(args), 2)))


def _values_check(fn: Function, checker: Any, args: list[Node], positions: list[int]) -> Any:
    """IFS and SWITCH: every result position shares one type; rows of all arguments agree."""
    rows = None
    result: t.ExprType = t.NULL
    for i in positions:
        element = checker.scalar_of(args[i])
        unified = t.unify(result, element)
        if unified is None:
            raise checker.error(ExprTypeError, "branch_types", args[i], name=fn.name, left=str(result), right=str(element))
        result = unified
    for arg in args:
        rows = checker.merge_rows(rows, arg.rows, arg)
    params = [Param("v", "T") if i in positions else Param("c", "scalar") for i in range(len(args))]
    promote(args, params, result)
    return result, rows, None


FUNCTIONS = (If, Ifs, Switch, And, Or, Not, Xor, IsBlank, IsNotBlank, IfError, Coalesce, NullIf, TrueFn, FalseFn, Between)
