"""Math on single numbers. Exact where decimals are exact; roots, logarithms, powers and division
are rounded to 10 decimal places (half away from zero) in both back ends. Undefined results
(square root of a negative, logarithm of zero) are blank."""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_UP, ROUND_UP, Decimal
from typing import Any

from sqlalchemy import and_, case, func, null
from sqlalchemy.sql.elements import ColumnElement

from engines.expr import values as v
from engines.expr.evaluator import power
from engines.expr.functions.base import Example as E
from engines.expr.functions.base import Function, Param
from engines.expr.nodes import Call
from engines.expr.sql.compiler import UNKNOWN
from engines.expr.sql.dialects import const

Col = ColumnElement[Any]
MAX_DIGITS = 30  # ROUND(x, 1000) is blank rather than a thousand-digit number


def _digits(value: Decimal | None) -> int | None:
    if value is None or abs(value) > MAX_DIGITS:
        return None
    return int(value)


def _quantize(x: Decimal, digits: Decimal | None, rounding: str) -> Decimal | None:
    n = _digits(Decimal(0) if digits is None else digits)
    if n is None:
        return None
    return x.quantize(Decimal(1).scaleb(-n), rounding=rounding, context=v.DEC)


def _digits_sql(sc: Any, call: Call, cols: tuple[Col, ...]) -> tuple[Col, Col | int | None]:
    """The digits as a Python int when the formula fixes them (simpler, faster SQL)."""
    if len(cols) == 1:
        return cols[0], 0
    known = sc.known(call.args[1])
    if known is UNKNOWN:
        return cols[0], cols[1]
    return cols[0], _digits(known)


class _Unary(Function):
    family = "math"
    params = (Param("number", "number"),)
    returns = "number"


class Abs(_Unary):
    type = "ABS"
    en = "The absolute value of a number."
    zh = "返回数字的绝对值。"
    examples = (E("ABS(-12.5)", Decimal("12.5")),)

    def py(self, x: Decimal) -> Decimal:
        return abs(x)

    def sql_expr(self, sc: Any, call: Call, *cols: Col) -> Col:
        return func.abs(cols[0])


class Round(Function):
    type = "ROUND"
    family = "math"
    params = (Param("number", "number"), Param("digits", "number", optional=True))
    returns = "number"
    rounding = ROUND_HALF_UP
    en = "Rounds to the given decimal places (default 0), halves away from zero; negative digits round left of the point."
    zh = "按指定小数位四舍五入（默认 0 位）；位数为负时对整数部分取整。"
    examples = (E("ROUND(amount / 7, 2)", Decimal("171.5")), E("ROUND(1250, -2)", Decimal("1300")))

    def py(self, x: Decimal, digits: Decimal | None = None) -> Decimal | None:
        return _quantize(x, digits, self.rounding)

    def sql_expr(self, sc: Any, call: Call, *cols: Col) -> Col:
        x, digits = _digits_sql(sc, call, cols)
        if digits is None:
            return sc.literal(None, call.type)
        if isinstance(digits, int):
            return self.rounded(sc, x, digits)
        return case((func.abs(digits) <= MAX_DIGITS, self.rounded(sc, x, digits)), else_=null())

    def rounded(self, sc: Any, x: Col, digits: Col | int) -> Col:
        return sc.d.round(x, digits)


class RoundUp(Round):
    type = "ROUNDUP"
    rounding = ROUND_UP
    en = "Rounds away from zero to the given decimal places (default 0)."
    zh = "按指定小数位向远离零的方向舍入（默认 0 位）。"
    examples = (E("ROUNDUP(3.141, 2)", Decimal("3.15")), E("ROUNDUP(-3.141, 1)", Decimal("-3.2")))

    def rounded(self, sc: Any, x: Col, digits: Col | int) -> Col:
        return sc.d.round_up(x, digits)


class RoundDown(Round):
    type = "ROUNDDOWN"
    rounding = ROUND_DOWN
    en = "Rounds toward zero to the given decimal places (default 0)."
    zh = "按指定小数位向零的方向舍去（默认 0 位）。"
    examples = (E("ROUNDDOWN(3.149, 2)", Decimal("3.14")), E("ROUNDDOWN(-3.19, 1)", Decimal("-3.1")))

    def rounded(self, sc: Any, x: Col, digits: Col | int) -> Col:
        return sc.d.trunc(x, digits)


class Trunc(RoundDown):
    type = "TRUNC"
    en = "Cuts off decimals beyond the given places (default 0), like ROUNDDOWN."
    zh = "截去指定小数位之后的部分（默认 0 位），同 ROUNDDOWN。"
    examples = (E("TRUNC(price)", Decimal("19")),)


class Int(_Unary):
    type = "INT"
    en = "Rounds down to the nearest integer (INT(-2.5) is -3)."
    zh = "向下取整到最接近的整数（INT(-2.5) 为 -3）。"
    examples = (E("INT(price)", Decimal("19")), E("INT(-2.5)", Decimal("-3")))

    def py(self, x: Decimal) -> Decimal:
        return x.to_integral_value(rounding=ROUND_FLOOR)

    def sql_expr(self, sc: Any, call: Call, *cols: Col) -> Col:
        return sc.d.floor(cols[0])


class Ceiling(Function):
    type = "CEILING"
    family = "math"
    params = (Param("number", "number"), Param("significance", "number", optional=True))
    returns = "number"
    rounding = ROUND_CEILING
    en = "Rounds up to the next integer, or to the next multiple of the significance."
    zh = "向上取整到整数，或到“基数”的整数倍。"
    examples = (E("CEILING(price)", Decimal("20")), E("CEILING(amount, 500)", Decimal("1500")))

    def py(self, x: Decimal, significance: Decimal | None = None) -> Decimal | None:
        if significance is None:
            return x.to_integral_value(rounding=self.rounding)
        quotient = v.divide(x, significance)
        return None if quotient is None else quotient.to_integral_value(rounding=self.rounding) * significance

    def sql_expr(self, sc: Any, call: Call, *cols: Col) -> Col:
        # ceil(x) = -floor(-x): one dialect function, which keeps PostgreSQL's numbers exact.
        fn = (lambda c: -sc.d.floor(-c)) if self.rounding == ROUND_CEILING else sc.d.floor
        if len(cols) == 1:
            return fn(cols[0])
        return fn(sc.d.divide(cols[0], cols[1])) * cols[1]


class Floor(Ceiling):
    type = "FLOOR"
    rounding = ROUND_FLOOR
    en = "Rounds down to the integer below, or to the multiple of the significance below."
    zh = "向下取整到整数，或到“基数”的整数倍。"
    examples = (E("FLOOR(price)", Decimal("19")), E("FLOOR(amount, 500)", Decimal("1000")))


class Mod(Function):
    type = "MOD"
    family = "math"
    params = (Param("number", "number"), Param("divisor", "number"))
    returns = "number"
    en = "The remainder after division, with the sign of the divisor (blank when dividing by 0)."
    zh = "求余数，符号与除数相同（除数为 0 时为空）。"
    examples = (E("MOD(17, 5)", Decimal("2")), E("MOD(-7, 3)", Decimal("2")))

    def py(self, a: Decimal, b: Decimal) -> Decimal | None:
        return v.excel_mod(a, b)

    def sql_expr(self, sc: Any, call: Call, *cols: Col) -> Col:
        return sc.d.mod(*cols)


class Power(Function):
    type = "POWER"
    family = "math"
    params = (Param("number", "number"), Param("power", "number"))
    returns = "number"
    en = "A number raised to a power (same as ^); blank if undefined or beyond ±1e38."
    zh = "求幂（同 ^）；无定义或超出 ±1e38 时为空。"
    examples = (E("POWER(2, 10)", Decimal("1024")), E("POWER(10, 1000000000)", None))

    def py(self, x: Decimal, y: Decimal) -> Decimal | None:
        return power(x, y)

    def sql_expr(self, sc: Any, call: Call, *cols: Col) -> Col:
        return sc.power(*cols)


class Sqrt(_Unary):
    type = "SQRT"
    en = "The square root (blank for negative numbers)."
    zh = "平方根（负数为空）。"
    examples = (E("SQRT(16)", Decimal("4")), E("SQRT(2)", Decimal("1.4142135624")))

    def py(self, x: Decimal) -> Decimal | None:
        return v.fix(x.sqrt(v.DEC)) if x >= 0 else None

    def sql_expr(self, sc: Any, call: Call, *cols: Col) -> Col:
        x = cols[0]
        return case((x >= 0, sc.d.round(func.sqrt(sc.d.as_number(x)), 10)), else_=null())


class Exp(_Unary):
    type = "EXP"
    en = "e raised to the number (blank above 87, where the result would pass 1e38)."
    zh = "e 的 n 次幂（n 大于 87 时为空）。"
    examples = (E("EXP(1)", Decimal("2.7182818285")),)

    def py(self, x: Decimal) -> Decimal | None:
        return v.fix(x.exp(v.DEC)) if x <= 87 else None

    def sql_expr(self, sc: Any, call: Call, *cols: Col) -> Col:
        x = cols[0]
        return case((x <= 87, sc.d.round(func.exp(sc.d.as_number(x)), 10)), else_=null())


class Ln(_Unary):
    type = "LN"
    en = "The natural logarithm (blank for zero or negative numbers)."
    zh = "自然对数（零或负数为空）。"
    examples = (E("LN(100)", Decimal("4.605170186")),)

    def py(self, x: Decimal) -> Decimal | None:
        return v.fix(x.ln(v.DEC)) if x > 0 else None

    def sql_expr(self, sc: Any, call: Call, *cols: Col) -> Col:
        x = cols[0]
        return case((x > 0, sc.d.round(func.ln(sc.d.as_number(x)), 10)), else_=null())


class Log10(_Unary):
    type = "LOG10"
    en = "The base-10 logarithm (blank for zero or negative numbers)."
    zh = "以 10 为底的对数（零或负数为空）。"
    examples = (E("LOG10(1000)", Decimal("3")),)

    def py(self, x: Decimal) -> Decimal | None:
        return v.fix(x.log10(v.DEC)) if x > 0 else None

    def sql_expr(self, sc: Any, call: Call, *cols: Col) -> Col:
        x = cols[0]
        return case((x > 0, sc.d.round(sc.d.log10(x), 10)), else_=null())


class Log(Function):
    type = "LOG"
    family = "math"
    params = (Param("number", "number"), Param("base", "number", optional=True))
    returns = "number"
    en = "The logarithm in the given base (default 10); blank when undefined."
    zh = "以指定底数（默认 10）求对数；无定义时为空。"
    examples = (E("LOG(8, 2)", Decimal("3")), E("LOG(100)", Decimal("2")))

    def py(self, x: Decimal, base: Decimal | None = None) -> Decimal | None:
        if base is None:
            base = Decimal(10)
        if x <= 0 or base <= 0 or base == 1:
            return None
        return v.fix(v.DEC.divide(x.ln(v.DEC), base.ln(v.DEC)))

    def sql_expr(self, sc: Any, call: Call, *cols: Col) -> Col:
        x = sc.d.as_number(cols[0])
        base = sc.d.as_number(cols[1]) if len(cols) > 1 else const("10")
        ok = and_(x > 0, base > 0, base != 1)
        return case((ok, sc.d.round(func.log(base, x), 10)), else_=null())


class Sign(_Unary):
    type = "SIGN"
    en = "1 for positive numbers, -1 for negative, 0 for zero."
    zh = "正数返回 1，负数返回 -1，零返回 0。"
    examples = (E("SIGN(-4.2)", Decimal("-1")),)

    def py(self, x: Decimal) -> Decimal:
        return Decimal((x > 0) - (x < 0))

    def sql_expr(self, sc: Any, call: Call, *cols: Col) -> Col:
        return func.sign(cols[0])


class Pi(Function):
    type = "PI"
    family = "math"
    returns = "number"
    en = "π to 10 decimal places."
    zh = "圆周率 π（10 位小数）。"
    examples = (E("ROUND(PI(), 4)", Decimal("3.1416")),)

    def py(self) -> Decimal:
        return Decimal("3.1415926536")

    def sql_expr(self, sc: Any, call: Call, *cols: Col) -> Col:
        return sc.d.round(func.pi(), 10)


FUNCTIONS = (Abs, Round, RoundUp, RoundDown, Trunc, Int, Ceiling, Floor, Mod, Power, Sqrt, Exp, Ln, Log10, Log, Sign, Pi)
