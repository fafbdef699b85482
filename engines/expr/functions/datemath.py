"""Date arithmetic: adding units, month ends and working days."""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import case
from sqlalchemy.sql.elements import ColumnElement

from engines.expr import types as t
from engines.expr import values as v
from engines.expr.functions.base import Example as E
from engines.expr.functions.base import Function, Param
from engines.expr.functions.dates import _add_seconds, check_unit
from engines.expr.nodes import Call, Node
from engines.expr.sql.dialects import const

Col = ColumnElement[Any]
Kind = t.Kind
_MONTHS = {"m": 1, "q": 3, "y": 12}
_SECONDS = {"h": 3600, "mi": 60, "s": 1}


def add_days(value: date, days: Decimal) -> date | None:
    """Whole days for a date; fractions count for a datetime (as `date + n` does)."""
    try:
        if not isinstance(value, datetime):
            if abs(days) > 3_660_000:
                return None
            return value + timedelta(days=int(days))
        return _add_seconds(value, days * 86400)
    except OverflowError:
        return None


def add_months(value: date, months: Decimal) -> date | None:
    if abs(months) > 120_000:
        return None
    return v.add_months(value, int(months))


class DateAdd(Function):
    type = "DATEADD"
    family = "date"
    params = (Param("date", "temporal"), Param("amount", "number"), Param("unit", "text", literal=True))
    returns = "date | datetime"
    units = ("d", "w", "m", "q", "y", "h", "mi", "s")
    en = 'Adds days "d", weeks "w", months "m", quarters "q", years "y", hours "h", minutes "mi" or seconds "s"; month ends clamp (Jan 31 + 1 month = Feb 29).'
    zh = '加上天 "d"、周 "w"、月 "m"、季度 "q"、年 "y"、小时 "h"、分钟 "mi" 或秒 "s"；月末自动对齐（1 月 31 日加 1 个月为 2 月 29 日）。'
    examples = (E('DATEADD(signed_on, 1, "m")', date(2024, 2, 29)), E('DATEADD(signed_on, -2, "w")', date(2024, 1, 17)))

    def result_type(self, bindings: Any, args: list[Node], info: Any) -> t.ExprType:
        return t.DATE  # refined in check(): the unit and the argument decide

    def check(self, checker: Any, call: Call, args: list[Node]) -> Any:
        result, rows, info = super().check(checker, call, args)
        unit = (info or {}).get("unit")
        check_unit(self, checker, args[2], unit, self.units)
        base = checker.scalar_of(args[0])
        if str(unit).lower() in _SECONDS or base.kind is Kind.NULL:
            return t.DATETIME, rows, info
        return base, rows, info

    def evaluate(self, ev: Any, call: Call) -> Any:
        value, amount = ev.visit(call.args[0]), ev.visit(call.args[1])
        if value is None or amount is None:
            return None
        return self.shift(value, amount, str((call.info or {}).get("unit")).lower())

    @staticmethod
    def shift(value: date, amount: Decimal, unit: str) -> date | None:
        if unit in _SECONDS:
            return _add_seconds(v.as_datetime(value), amount * _SECONDS[unit])
        if unit in _MONTHS:
            return add_months(value, Decimal(int(amount)) * _MONTHS[unit])
        return add_days(value, amount * 7 if unit == "w" else amount)

    def to_sql(self, sc: Any, call: Call) -> Col:
        value, amount = sc.compile(call.args[0]), sc.compile(call.args[1])
        unit = str((call.info or {}).get("unit")).lower()
        kind = sc.kind_of(call.args[0])
        if unit in _SECONDS:
            return sc.d.add_seconds(sc.d.to_datetime(value) if kind is Kind.DATE else value, amount * _SECONDS[unit])
        if unit in _MONTHS:
            return sc.d.add_months(value, sc.d.trunc(amount, 0) * _MONTHS[unit], kind)
        return sc.d.add_days(value, amount * 7 if unit == "w" else amount, kind)


class EDate(Function):
    type = "EDATE"
    family = "date"
    params = (Param("date", "temporal"), Param("months", "number"))
    returns = "date | datetime"
    en = "The same day a number of months later or earlier, clamped to the month's end."
    zh = "若干个月之后（或之前）的同一天，月末自动对齐。"
    examples = (E("EDATE(signed_on, 1)", date(2024, 2, 29)), E("EDATE(due_on, -3)", date(2023, 12, 15)))

    def result_type(self, bindings: Any, args: list[Node], info: Any) -> t.ExprType:
        return t.DATE  # refined in check(): the same kind as the argument

    def check(self, checker: Any, call: Call, args: list[Node]) -> Any:
        _, rows, info = super().check(checker, call, args)
        base = checker.scalar_of(args[0])
        return (t.DATE if base.kind is Kind.NULL else base), rows, info

    def py(self, value: date, months: Decimal) -> date | None:
        return add_months(value, months)

    def sql_expr(self, sc: Any, call: Call, *cols: Col) -> Col:
        return sc.d.add_months(cols[0], cols[1], sc.kind_of(call.args[0]))


class EOMonth(Function):
    type = "EOMONTH"
    family = "date"
    params = (Param("date", "temporal"), Param("months", "number", optional=True))
    returns = "date"
    en = "The last day of the month, a number of months later (default 0)."
    zh = "若干个月之后（默认 0）那个月的最后一天。"
    examples = (E("EOMONTH(due_on)", date(2024, 3, 31)), E("EOMONTH(signed_on, 1)", date(2024, 2, 29)))

    def py(self, value: date, months: Decimal = Decimal(0)) -> date | None:
        first = add_months(v.as_date(value).replace(day=1), months)
        if first is None:
            return None
        return first.replace(day=calendar.monthrange(first.year, first.month)[1])

    def sql_expr(self, sc: Any, call: Call, *cols: Col) -> Col:
        return sc.d.end_of_month(cols[0], cols[1] if len(cols) > 1 else const("0"))


class NetworkDays(Function):
    type = "NETWORKDAYS"
    family = "date"
    params = (Param("start", "temporal"), Param("end", "temporal"))
    returns = "number"
    en = "Monday-to-Friday days from start to end, both included (negative when end is earlier)."
    zh = "从开始到结束（含首尾）的工作日（周一至周五）天数；结束更早时为负。"
    examples = (E("NETWORKDAYS(signed_on, due_on)", Decimal("33")),)

    def py(self, start: date, end: date) -> Decimal:
        return Decimal(v.networkdays(v.as_date(start), v.as_date(end)))

    def sql_expr(self, sc: Any, call: Call, *cols: Col) -> Col:
        a, b = sc.d.day_number(cols[0]), sc.d.day_number(cols[1])

        def before(day: Col) -> Col:  # weekdays in [day 0, day)
            return (day // 7) * 5 + sc.d.least([day % 7, const("5")])

        return case((a <= b, before(b + 1) - before(a)), else_=-(before(a + 1) - before(b)))


class ToDate(Function):
    type = "TODATE"
    family = "date"
    params = (Param("datetime", "temporal"),)
    returns = "date"
    en = "The date part of a date and time."
    zh = "取日期时间的日期部分。"
    examples = (E("TODATE(created)", date(2024, 2, 10)),)

    def py(self, value: date) -> date:
        return v.as_date(value)

    def sql_expr(self, sc: Any, call: Call, *cols: Col) -> Col:
        return sc.d.to_date(cols[0])


FUNCTIONS = (DateAdd, EDate, EOMonth, NetworkDays, ToDate)
