"""Runtime values in Python: exact decimals, canonical text, calendar arithmetic and the coercion of
record data to the declared types. The SQL dialects mirror every rule here."""

from __future__ import annotations

import calendar
import decimal
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from engines.expr.types import ExprType, Kind

# Exact arithmetic for + - *; inexact results (division, roots, powers, logarithms) are rounded to
# SCALE decimal places, half away from zero, in both back ends.
DEC = decimal.Context(
    prec=100,
    rounding=ROUND_HALF_UP,
    Emax=999_999,
    Emin=-999_999,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)
SCALE = 10
QUANTUM = Decimal(1).scaleb(-SCALE)
# POWER, EXP and ^ give blank beyond this magnitude rather than building huge numbers.
MAX_MAGNITUDE = Decimal("1e38")
DecimalError = (decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow, ValueError, OverflowError)


def fix(value: Decimal) -> Decimal:
    """Round an inexact result to SCALE places (what `round(x, 10)` does in SQL)."""
    return value.quantize(QUANTUM, rounding=ROUND_HALF_UP, context=DEC)


def divide(a: Decimal, b: Decimal) -> Decimal | None:
    if b == 0:
        return None
    return fix(DEC.divide(a, b))


def excel_mod(a: Decimal, b: Decimal) -> Decimal | None:
    """MOD with the sign of the divisor, as in Excel: MOD(-7, 3) = 2."""
    if b == 0:
        return None
    r = DEC.remainder(a, b)
    if r != 0 and (r < 0) != (b < 0):
        r = DEC.add(r, b)
    return r


def within_magnitude(value: Decimal) -> Decimal | None:
    return value if abs(value) < MAX_MAGNITUDE else None


def number_text(value: Decimal) -> str:
    """Canonical text of a number: no exponent, no trailing zeros (`1.50` → `1.5`)."""
    if value == 0:
        return "0"
    text = format(value.normalize(DEC), "f")
    return text


def datetime_text(value: datetime) -> str:
    return f"{date_text(value.date())} {value.hour:02d}:{value.minute:02d}:{value.second:02d}"


def date_text(value: date) -> str:
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


def to_text(value: Any, kind: Kind) -> str | None:
    """How `&`, CONCAT and TEXT(x) show a value of the given kind."""
    if value is None:
        return None
    if kind is Kind.NUMBER:
        return number_text(value)
    if kind is Kind.BOOL:
        return "TRUE" if value else "FALSE"
    if kind is Kind.DATETIME:
        return datetime_text(value)
    if kind is Kind.DATE:
        return date_text(value)
    return str(value)


# -- calendar ---------------------------------------------------------------------------------------


def add_months(value: date, months: int) -> date | None:
    """Same day `months` later, clamped to the month's end (Jan 31 + 1 month = Feb 28/29)."""
    total = value.year * 12 + (value.month - 1) + months
    year, month = divmod(total, 12)
    if not 1 <= year <= 9999:
        return None
    day = min(value.day, calendar.monthrange(year, month + 1)[1])
    if isinstance(value, datetime):
        return value.replace(year=year, month=month + 1, day=day)
    return date(year, month + 1, day)


def make_date(year: Decimal, month: Decimal, day: Decimal) -> date | None:
    """DATE(y, m, d) with Excel's roll-over: month 13 is January of the next year, day 0 the last
    day of the previous month. Years outside 1..9999 give blank."""
    y, m, d = int(year), int(month), int(day)
    if not 1 <= y <= 9999 or abs(m) > 120_000 or abs(d) > 3_660_000:
        return None
    first = add_months(date(y, 1, 1), m - 1)
    if first is None:
        return None
    try:
        result = first + timedelta(days=d - 1)
    except OverflowError:
        return None
    return result


DAY_ZERO = date(1, 1, 1)  # a Monday: day numbers count from here


def day_number(value: date) -> int:
    return value.toordinal() - 1


def weekdays_before(day: int) -> int:
    """How many Monday-to-Friday days lie in [DAY_ZERO, DAY_ZERO + day)."""
    weeks, rest = divmod(day, 7)
    return weeks * 5 + min(rest, 5)


def networkdays(start: date, end: date) -> int:
    a, b = day_number(start), day_number(end)
    if a <= b:
        return weekdays_before(b + 1) - weekdays_before(a)
    return -(weekdays_before(a + 1) - weekdays_before(b))


def as_datetime(value: date) -> datetime:
    return value if isinstance(value, datetime) else datetime.combine(value, time())


def as_date(value: date) -> date:
    return value.date() if isinstance(value, datetime) else value


def whole_seconds(value: date) -> int:
    """Seconds since 1970 of the value truncated to the second (SQLite's strftime('%s'))."""
    delta = as_datetime(value).replace(microsecond=0) - datetime(1970, 1, 1)
    return delta.days * 86400 + delta.seconds


# -- record data → declared types -----------------------------------------------------------------


def coerce(value: Any, kind: Kind, tz: tzinfo | None = None) -> Any:
    """Read a stored value as the declared kind; anything that does not fit is blank, never an
    exception (record data may predate a type change)."""
    if value is None:
        return None
    try:
        if kind is Kind.NUMBER:
            if isinstance(value, bool):
                return None
            if isinstance(value, Decimal):
                return value if value.is_finite() else None
            if isinstance(value, int):
                return Decimal(value)
            if isinstance(value, (float, str)):
                result = Decimal(str(value).strip())
                return result if result.is_finite() else None
            return None
        if kind is Kind.TEXT:
            return value if isinstance(value, str) else None
        if kind is Kind.BOOL:
            return value if isinstance(value, bool) else None
        if kind is Kind.DATETIME:
            if isinstance(value, str):
                value = datetime.fromisoformat(value)
            if isinstance(value, datetime):
                return naive(value, tz)
            if isinstance(value, date):
                return as_datetime(value)
            return None
        if kind is Kind.DATE:
            if isinstance(value, str):
                value = date.fromisoformat(value[:10])
            if isinstance(value, datetime):
                return naive(value, tz).date()
            return value if isinstance(value, date) else None
        return value
    except (ValueError, decimal.InvalidOperation, TypeError):
        return None


def naive(value: datetime, tz: tzinfo | None) -> datetime:
    """Datetimes are compared as wall-clock times in the context's time zone."""
    if value.tzinfo is None:
        return value
    return value.astimezone(tz or timezone.utc).replace(tzinfo=None)


def coerce_to(value: Any, t: ExprType, tz: tzinfo | None = None) -> Any:
    if t.kind is Kind.LIST and t.item is not None:
        if not isinstance(value, (list, tuple)):
            return None if value is None else [coerce(value, t.item.kind, tz)]
        return [coerce(v, t.item.kind, tz) for v in value]
    return coerce(value, t.kind, tz)
