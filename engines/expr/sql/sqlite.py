"""SQLite: REAL arithmetic, dates as ISO text, RE2 regular expressions through `qq_regexp`."""

from __future__ import annotations

from typing import Any, Sequence

from sqlalchemy import (
    REAL,
    Integer,
    String,
    and_,
    case,
    cast,
    func,
    null,
    select,
)
from sqlalchemy.sql.elements import ColumnElement

from engines.expr.sql.dialect_base import SCALE, Dialect, const
from engines.expr.sql.resolver import ListSource
from engines.expr.types import Kind

Col = ColumnElement[Any]


class Sqlite(Dialect):
    name = "sqlite"
    # SQLite's parser stack (YYSTACKDEPTH 100), in sql_nesting()'s tenths, less room for the query.
    max_nesting = 900

    def sqlalchemy_dialect(self) -> Any:
        from sqlalchemy.dialects.sqlite.aiosqlite import dialect

        return dialect()

    def divide(self, a: Col, b: Col) -> Col:
        return func.round(cast(a, REAL) / func.nullif(b, 0), SCALE)  # REAL: 7 / 2 is 3.5, not 3

    def round(self, x: Col, digits: Col | int) -> Col:
        if isinstance(digits, int):
            if digits >= 0:
                return func.round(x, const(str(digits)))
            return func.round(x / const(f"1e{-digits}")) * const(f"1e{-digits}")
        n = cast(digits, Integer)
        scale = func.pow(10, -n)
        return case((n >= 0, func.round(x, n)), else_=func.round(x / scale) * scale)

    def _scale(self, digits: Col | int) -> Col:
        return const(f"1e{digits}") if isinstance(digits, int) else func.pow(10, cast(digits, Integer))

    def trunc(self, x: Col, digits: Col | int) -> Col:
        scale = self._scale(digits)
        # Round away binary noise first: 1.1 * 100 is 110.00000000000001 in floating point.
        return func.trunc(func.round(x * scale, 9)) / scale

    def round_up(self, x: Col, digits: Col | int) -> Col:
        scale = self._scale(digits)
        scaled = func.round(x * scale, 9)
        return case((x >= 0, func.ceil(scaled)), else_=self.floor(scaled)) / scale

    def floor(self, x: Col) -> Col:
        # SQLAlchemy replaces SQLite's floor() with Python's math.floor, which fails on NULL.
        return -func.ceil(-x)

    def number_text(self, x: Col) -> Col:
        whole = cast(x, Integer)
        return case((x.is_(None), null()), (x == whole, cast(whole, String)), else_=func.printf(const("'%.15g'"), x))

    def fixed_text(self, x: Col, decimals: int, grouped: bool) -> Col:
        rounded = func.round(x, decimals)
        if not grouped:
            return func.printf(const(f"'%.{decimals}f'"), rounded)
        sign = case((rounded < 0, const("'-'")), else_=const("''"))
        whole = func.printf(const("'%,d'"), cast(func.abs(rounded), Integer))
        if not decimals:
            return sign.concat(whole)
        fraction = func.substr(func.printf(const(f"'%.{decimals}f'"), func.abs(rounded)), -(decimals + 1))
        return sign.concat(whole).concat(fraction)

    def as_integer(self, x: Col) -> Col:
        return cast(x, Integer)

    def position(self, haystack: Col, needle: Col) -> Col:
        return func.instr(haystack, needle)

    def repeat(self, x: Col, times: Col) -> Col:
        return func.replace(func.hex(func.zeroblob(cast(times, Integer))), const("'00'"), x)

    def regex(self, x: Col, pattern: Col) -> Col:
        # Registered by engines.expr.sql.sqlite_functions.install (RE2: linear time).
        return func.qq_regexp(pattern, x)

    def pad(self, x: Col, width: int) -> Col:
        return func.printf(const(f"'%0{width}d'"), x)

    def string_agg(self, value: Col, sep: Col, order_by: Sequence[Col], froms: Sequence[Any], wheres: Sequence[Col]) -> Col:
        # SQLite before 3.44 has no ORDER BY inside aggregates: aggregate an ordered subquery.
        inner = select(value.label("v")).select_from(*froms).where(*wheres).order_by(*order_by)
        inner = inner.correlate_except(*froms).subquery()
        return select(func.group_concat(inner.c.v, sep)).scalar_subquery()

    def median(self, x: Col) -> Col:
        return func.round(func.qq_median(x), SCALE)  # an aggregate of sqlite_functions.install

    def greatest(self, cols: Sequence[Col]) -> Col:
        return self._extreme(func.max, cols)

    def least(self, cols: Sequence[Col]) -> Col:
        return self._extreme(func.min, cols)

    def _extreme(self, fn: Any, cols: Sequence[Col]) -> Col:
        if len(cols) == 1:
            return cols[0]
        # SQLite's multi-argument max() is NULL if any argument is; fill each blank from the others.
        return fn(*[func.coalesce(c, *[o for j, o in enumerate(cols) if j != i]) for i, c in enumerate(cols)])

    def json_source(self, column: Col, item: Kind) -> ListSource:
        items = func.json_each(column).table_valued("value", "key")
        return ListSource(items.c.value, items, None, [items.c.key])

    _PARTS = {"year": "%Y", "month": "%m", "day": "%d", "hour": "%H", "minute": "%M", "second": "%S",
              "dow": "%w", "doy": "%j"}

    def part(self, name: str, x: Col) -> Col:
        if name == "isoweek":  # week of the Thursday of x's ISO week
            monday_offset = (cast(func.strftime(const("'%w'"), x), Integer) + 6) % 7
            thursday = func.date(x, func.printf(const("'-%d days'"), monday_offset), const("'+3 days'"))
            return (cast(func.strftime(const("'%j'"), thursday), Integer) - 1) // 7 + 1
        return cast(func.strftime(const(f"'{self._PARTS[name]}'"), x), Integer)

    def make_date(self, y: Col, m: Col, d: Col) -> Col:
        ok = and_(func.trunc(y).between(1, 9999), func.abs(m) <= 120_000, func.abs(d) <= 3_660_000)
        made = func.date(
            func.printf(const("'%04d-01-01'"), y),
            func.printf(const("'%+d months'"), func.trunc(m) - 1),
            func.printf(const("'%+d days'"), func.trunc(d) - 1),
        )
        return case((ok, self.valid(made)), else_=null())

    def _canonical(self, x: Col, *modifiers: Col) -> Col:
        return func.strftime(const("'%Y-%m-%d %H:%M:%f'"), x, *modifiers).concat(const("'000'"))

    # SQLite's date functions give NULL past the year 9999, so no range guards are needed here.
    def add_days(self, x: Col, n: Col, kind: Kind) -> Col:
        if kind is Kind.DATETIME:
            return self.valid(self._canonical(x, _modifier("'%+.6f days'", n)))
        return self.valid(func.date(x, _modifier("'%+d days'", func.trunc(n))))

    def add_months(self, x: Col, n: Col, kind: Kind) -> Col:
        # SQLite rolls Jan 31 + 1 month over to Mar 2; clamp the day to the target month's end.
        first = func.date(x, const("'start of month'"), _modifier("'%+d months'", func.trunc(n)))
        last_day = cast(func.strftime(const("'%d'"), first, const("'+1 months'"), const("'-1 days'")), Integer)
        day = func.min(cast(func.strftime(const("'%d'"), x), Integer), last_day)
        moved = func.date(first, func.printf(const("'+%d days'"), day - 1))
        if kind is Kind.DATETIME:
            moved = moved.concat(func.substr(x, 11))
        return self.valid(moved)

    def add_seconds(self, x: Col, n: Col) -> Col:
        return self.valid(self._canonical(x, _modifier("'%+.6f seconds'", n)))

    def to_date(self, x: Col) -> Col:
        return func.date(x)

    def valid(self, x: Col) -> Col:
        # SQLite's date functions already give NULL past year 9999; only year 0 slips through.
        # max() and nullif() rather than CASE: the argument appears once (SQL stays small).
        floor = const("'0000-12-31'")
        return func.nullif(func.max(x, floor), floor)

    def to_datetime(self, x: Col) -> Col:
        return self._canonical(x)

    def day_number(self, x: Col) -> Col:
        return cast(func.julianday(func.date(x)) - const("1721425.5"), Integer)

    def epoch_seconds(self, x: Col) -> Col:
        return cast(func.strftime(const("'%s'"), x), Integer)

    def days_between(self, a: Col, b: Col) -> Col:
        return cast(func.julianday(func.date(a)) - func.julianday(func.date(b)), Integer)

    def datetime_days_between(self, a: Col, b: Col) -> Col:
        return func.round(func.julianday(a) - func.julianday(b), SCALE)

    def end_of_month(self, x: Col, months: Col) -> Col:
        moved = func.date(
            x, const("'start of month'"), _modifier("'%+d months'", func.trunc(months) + 1), const("'-1 days'")
        )
        return self.valid(moved)

    def datetime_text(self, x: Col) -> Col:
        return func.strftime(const("'%Y-%m-%d %H:%M:%S'"), x)


def _modifier(fmt: str, n: Col) -> Col:
    """A date modifier such as '+3 months' that is NULL when n is (printf would write 0).

    `substr(n, 1, 0)` is '' for any value and NULL for NULL: cheaper for SQLite's parser than CASE.
    """
    return func.printf(const(fmt), n, type_=String).concat(func.substr(n, 1, 0))

