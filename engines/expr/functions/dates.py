"""Dates and times. "Today" and "now" come from the evaluation context, never the clock;
impossible dates (year 0, past 9999) are blank; month arithmetic clamps to the month's end."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, case, func, null
from sqlalchemy.sql.elements import ColumnElement

from engines.expr import types as t
from engines.expr import values as v
from engines.expr.errors import ExprTypeError
from engines.expr.functions.base import Example as E
from engines.expr.functions.base import Function, Param
from engines.expr.nodes import Call, Node
from engines.expr.sql.dialects import const

Col = ColumnElement[Any]
Kind = t.Kind
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


class Today(Function):
    type = "TODAY"
    family = "date"
    returns = "date"
    reads = "today"
    uses = ("today",)
    en = "Today's date (from the context the formula runs in; the same as $today)."
    zh = "今天的日期（取自公式运行的上下文，同 $today）。"
    examples = (E("TODAY()", date(2024, 6, 15)),)

    def evaluate(self, ev: Any, call: Call) -> Any:
        return getattr(ev.ctx, self.reads)

    def to_sql(self, sc: Any, call: Call) -> Col:
        return sc.literal(getattr(sc.ctx, self.reads), call.type)


class Now(Today):
    type = "NOW"
    returns = "datetime"
    reads = "now"
    uses = ("now",)
    en = "The current date and time (from the context; the same as $now)."
    zh = "当前日期时间（取自上下文，同 $now）。"
    examples = (E("NOW()", datetime(2024, 6, 15, 10, 0)),)


class DateFn(Function):
    type = "DATE"
    family = "date"
    params = (Param("year", "number"), Param("month", "number"), Param("day", "number"))
    returns = "date"
    en = "A date from year, month and day; months and days roll over as in Excel (month 13 = next January)."
    zh = "由年、月、日组成日期；月和日超出范围时顺延（同 Excel，13 月即次年 1 月）。"
    examples = (E("DATE(2024, 2, 30)", date(2024, 3, 1)), E("DATE(2024, 13, 1)", date(2025, 1, 1)))

    def py(self, y: Decimal, m: Decimal, d: Decimal) -> date | None:
        return v.make_date(y, m, d)

    def sql_expr(self, sc: Any, call: Call, *cols: Col) -> Col:
        return sc.d.make_date(*cols)


class DateTimeFn(Function):
    type = "DATETIME"
    family = "date"
    params = (Param("year", "number"), Param("month", "number"), Param("day", "number"),
              Param("hour", "number", optional=True), Param("minute", "number", optional=True),
              Param("second", "number", optional=True))
    returns = "datetime"
    en = "A date and time from its parts; parts roll over like DATE."
    zh = "由年、月、日、时、分、秒组成日期时间；超出范围时顺延。"
    examples = (E("DATETIME(2024, 6, 1, 9, 30)", datetime(2024, 6, 1, 9, 30)),)

    def py(self, y: Decimal, m: Decimal, d: Decimal, hh: Decimal = Decimal(0), mi: Decimal = Decimal(0),
           ss: Decimal = Decimal(0)) -> datetime | None:
        day = v.make_date(y, m, d)
        if day is None:
            return None
        seconds = hh * 3600 + mi * 60 + ss
        return _add_seconds(v.as_datetime(day), seconds)

    def sql_expr(self, sc: Any, call: Call, *cols: Col) -> Col:
        day = sc.d.to_datetime(sc.d.make_date(*cols[:3]))
        seconds = const("0")
        for col, factor in zip(cols[3:], (3600, 60, 1)):
            seconds = seconds + col * factor
        return sc.d.add_seconds(day, seconds) if len(cols) > 3 else day


def _add_seconds(value: datetime, seconds: Decimal) -> datetime | None:
    if abs(seconds) > 316_224_000_000:
        return None
    try:
        result = value + timedelta(microseconds=int((seconds * 1_000_000).to_integral_value()))
    except OverflowError:
        return None
    return result


class DateValue(Function):
    type = "DATEVALUE"
    family = "date"
    params = (Param("text", "text"),)
    returns = "date"
    en = 'The date written as "YYYY-MM-DD" in a text; blank if it is not a real date.'
    zh = '将 "YYYY-MM-DD" 格式的文本转换为日期；不是有效日期时为空。'
    examples = (E('DATEVALUE("2024-02-29")', date(2024, 2, 29)), E('DATEVALUE("2023-02-29")', None))

    def py(self, text: str) -> date | None:
        if not _ISO_DATE.match(text):
            return None
        try:
            value = date.fromisoformat(text)
        except ValueError:
            return None
        return value

    def sql_expr(self, sc: Any, call: Call, *cols: Col) -> Col:
        text = cols[0]
        y, m, d = (sc.d.as_number(func.substr(text, start, size)) for start, size in ((1, 4), (6, 2), (9, 2)))
        made = sc.d.make_date(y, m, d)
        real = and_(sc.d.part("month", made) == m, sc.d.part("day", made) == d)
        shape = sc.d.regex(text, const(f"'{_ISO_DATE.pattern}'"))
        return case((and_(shape, real), made), else_=null())


class _Part(Function):
    family = "date"
    params = (Param("date", "temporal"),)
    returns = "number"
    part = "year"

    def py(self, value: date) -> Decimal:
        return Decimal(getattr(value, self.part, 0))

    def sql_expr(self, sc: Any, call: Call, *cols: Col) -> Col:
        return sc.d.part(self.part, cols[0])


class Year(_Part):
    type = "YEAR"
    en = "The year of a date."
    zh = "日期的年份。"
    examples = (E("YEAR(signed_on)", Decimal("2024")),)


class Month(_Part):
    type = "MONTH"
    part = "month"
    en = "The month of a date, 1 to 12."
    zh = "日期的月份（1–12）。"
    examples = (E("MONTH(signed_on)", Decimal("1")),)


class Day(_Part):
    type = "DAY"
    part = "day"
    en = "The day of the month, 1 to 31."
    zh = "日期是当月的第几天（1–31）。"
    examples = (E("DAY(signed_on)", Decimal("31")),)


class Hour(_Part):
    type = "HOUR"
    part = "hour"
    en = "The hour, 0 to 23 (0 for a date)."
    zh = "小时（0–23，日期为 0）。"
    examples = (E("HOUR(created)", Decimal("9")),)


class Minute(_Part):
    type = "MINUTE"
    part = "minute"
    en = "The minute, 0 to 59."
    zh = "分钟（0–59）。"
    examples = (E("MINUTE(created)", Decimal("30")),)


class Second(_Part):
    type = "SECOND"
    part = "second"
    en = "The second, 0 to 59."
    zh = "秒（0–59）。"
    examples = (E("SECOND(created)", Decimal("0")),)


class Quarter(_Part):
    type = "QUARTER"
    en = "The quarter of the year, 1 to 4."
    zh = "日期所在的季度（1–4）。"
    examples = (E("QUARTER(due_on)", Decimal("1")),)

    def py(self, value: date) -> Decimal:
        return Decimal((value.month + 2) // 3)

    def sql_expr(self, sc: Any, call: Call, *cols: Col) -> Col:
        return (sc.d.part_int("month", cols[0]) + 2) // 3


class WeekDay(Function):
    type = "WEEKDAY"
    family = "date"
    params = (Param("date", "temporal"), Param("type", "number", optional=True, literal=True))
    returns = "number"
    en = "Day of the week: type 1 (default) Sunday=1…Saturday=7; type 2 Monday=1…Sunday=7; type 3 Monday=0…Sunday=6."
    zh = "星期几：类型 1（默认）周日=1…周六=7；类型 2 周一=1…周日=7；类型 3 周一=0…周日=6。"
    examples = (E("WEEKDAY(signed_on)", Decimal("4")), E("WEEKDAY(signed_on, 2)", Decimal("3")))
    kinds = (1, 2, 3)

    def check(self, checker: Any, call: Call, args: list[Node]) -> Any:
        result, rows, info = super().check(checker, call, args)
        kind = (info or {}).get("type")
        if kind is not None and kind not in self.kinds:
            raise checker.error(ExprTypeError, "bad_unit", args[1], name=self.name, unit=str(kind),
                                allowed=", ".join(map(str, self.kinds)))
        return result, rows, info

    def evaluate(self, ev: Any, call: Call) -> Any:
        value = ev.visit(call.args[0])
        if value is None:
            return None
        dow = (value.weekday() + 1) % 7  # 0 = Sunday
        return Decimal(self.shift(dow, int((call.info or {}).get("type") or 1)))

    @staticmethod
    def shift(dow: Any, kind: int) -> Any:
        return dow + 1 if kind == 1 else (dow + 6) % 7 + 1 if kind == 2 else (dow + 6) % 7

    def to_sql(self, sc: Any, call: Call) -> Col:
        dow = sc.d.part("dow", sc.compile(call.args[0]))
        return self.shift(dow, int((call.info or {}).get("type") or 1))


class WeekNum(WeekDay):
    type = "WEEKNUM"
    params = (Param("date", "temporal"), Param("type", "number", optional=True, literal=True))
    en = "Week of the year, the week of 1 January being week 1; weeks start on Sunday (type 1) or Monday (type 2)."
    zh = "一年中的第几周，1 月 1 日所在周为第 1 周；每周从周日（类型 1）或周一（类型 2）开始。"
    examples = (E("WEEKNUM(due_on)", Decimal("11")), E("WEEKNUM(due_on, 2)", Decimal("11")))
    kinds = (1, 2)

    def evaluate(self, ev: Any, call: Call) -> Any:
        value = ev.visit(call.args[0])
        if value is None:
            return None
        jan1 = (date(value.year, 1, 1).weekday() + 1) % 7  # 0 = Sunday
        offset = jan1 if int((call.info or {}).get("type") or 1) == 1 else (jan1 + 6) % 7
        doy = value.timetuple().tm_yday
        return Decimal((doy - 1 + offset) // 7 + 1)

    def to_sql(self, sc: Any, call: Call) -> Col:
        x = sc.compile(call.args[0])
        doy, dow = sc.d.part_int("doy", x), sc.d.part_int("dow", x)
        jan1 = ((dow - doy + 1) % 7 + 7) % 7
        offset = jan1 if int((call.info or {}).get("type") or 1) == 1 else (jan1 + 6) % 7
        return (doy - 1 + offset) // 7 + 1


class IsoWeekNum(_Part):
    type = "ISOWEEKNUM"
    part = "isoweek"
    en = "The ISO 8601 week number (weeks start on Monday; week 1 holds the year's first Thursday)."
    zh = "ISO 8601 周数（每周从周一开始，包含当年第一个周四的周为第 1 周）。"
    examples = (E("ISOWEEKNUM(signed_on)", Decimal("5")),)

    def py(self, value: date) -> Decimal:
        return Decimal(value.isocalendar()[1])


class DateDif(Function):
    type = "DATEDIF"
    family = "date"
    params = (Param("start", "temporal"), Param("end", "temporal"), Param("unit", "text", literal=True))
    returns = "number"
    units = ("d", "w", "m", "y", "h", "mi", "s")
    en = 'Whole days "d", weeks "w", months "m", years "y", hours "h", minutes "mi" or seconds "s" from start to end; blank if start is later.'
    zh = '从开始到结束经过的整天 "d"、周 "w"、月 "m"、年 "y"、小时 "h"、分钟 "mi" 或秒 "s"；开始晚于结束时为空。'
    examples = (E('DATEDIF(signed_on, TODAY(), "d")', Decimal("136")), E('DATEDIF(signed_on, TODAY(), "m")', Decimal("4")))

    def check(self, checker: Any, call: Call, args: list[Node]) -> Any:
        result, rows, info = super().check(checker, call, args)
        check_unit(self, checker, args[2], (info or {}).get("unit"), self.units)
        return result, rows, info

    def evaluate(self, ev: Any, call: Call) -> Any:
        start, end = ev.visit(call.args[0]), ev.visit(call.args[1])
        unit = str((call.info or {}).get("unit")).lower()
        if start is None or end is None:
            return None
        if unit in ("h", "mi", "s"):
            seconds = v.whole_seconds(end) - v.whole_seconds(start)
            return None if seconds < 0 else Decimal(seconds // {"h": 3600, "mi": 60, "s": 1}[unit])
        a, b = v.as_date(start), v.as_date(end)
        if a > b:
            return None
        if unit in ("d", "w"):
            return Decimal((b - a).days // (7 if unit == "w" else 1))
        months = (b.year - a.year) * 12 + b.month - a.month - (1 if b.day < a.day else 0)
        return Decimal(months // 12 if unit == "y" else months)

    def to_sql(self, sc: Any, call: Call) -> Col:
        d = sc.d
        start, end = sc.compile(call.args[0]), sc.compile(call.args[1])
        unit = str((call.info or {}).get("unit")).lower()
        if unit in ("h", "mi", "s"):
            seconds = d.epoch_seconds(end) - d.epoch_seconds(start)
            return case((seconds < 0, null()), else_=seconds // {"h": 3600, "mi": 60, "s": 1}[unit])
        a, b = d.to_date(start), d.to_date(end)
        if unit in ("d", "w"):
            days = d.days_between(b, a)
            return case((days < 0, null()), else_=days // 7 if unit == "w" else days)
        months = ((d.part_int("year", b) - d.part_int("year", a)) * 12 + d.part_int("month", b)
                  - d.part_int("month", a) - case((d.part_int("day", b) < d.part_int("day", a), 1), else_=0))
        return case((d.days_between(b, a) < 0, null()), else_=months // 12 if unit == "y" else months)


def check_unit(fn: Function, checker: Any, node: Node, unit: Any, allowed: tuple[str, ...]) -> None:
    if not isinstance(unit, str) or unit.lower() not in allowed:
        raise checker.error(ExprTypeError, "bad_unit", node, name=fn.name, unit=str(unit), allowed=", ".join(allowed))


class Days(Function):
    type = "DAYS"
    family = "date"
    params = (Param("end", "temporal"), Param("start", "temporal"))
    returns = "number"
    en = "Days from start to end (negative when end is earlier); times of day are ignored."
    zh = "从开始日期到结束日期的天数（结束更早时为负）；忽略时间部分。"
    examples = (E("DAYS(due_on, signed_on)", Decimal("44")), E("DAYS(signed_on, due_on)", Decimal("-44")))

    def py(self, end: date, start: date) -> Decimal:
        return Decimal((v.as_date(end) - v.as_date(start)).days)

    def sql_expr(self, sc: Any, call: Call, *cols: Col) -> Col:
        return sc.d.days_between(sc.d.to_date(cols[0]), sc.d.to_date(cols[1]))


FUNCTIONS = (Today, Now, DateFn, DateTimeFn, DateValue, Year, Month, Day, Hour, Minute, Second, Quarter, WeekDay,
               WeekNum, IsoWeekNum, DateDif, Days)
