"""PostgreSQL: exact NUMERIC arithmetic, native dates, `~` for regular expressions."""

from __future__ import annotations

from typing import Any, Sequence

from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
    Integer,
    Numeric,
    String,
    and_,
    case,
    cast,
    extract,
    func,
    null,
    select,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.sql.elements import ColumnElement

from engines.expr.sql.dialect_base import SCALE, Dialect, const
from engines.expr.sql.resolver import ListSource
from engines.expr.types import Kind

Col = ColumnElement[Any]


class Postgres(Dialect):
    name = "postgresql"

    def sqlalchemy_dialect(self) -> Any:
        from sqlalchemy.dialects.postgresql.asyncpg import dialect

        return dialect()

    def divide(self, a: Col, b: Col) -> Col:
        # Widen the dividend's scale so PostgreSQL keeps 20 decimals before rounding to 10
        # (it otherwise picks as few as 16 significant digits).
        return func.round(func.trunc(cast(a, Numeric), 20) / func.nullif(cast(b, Numeric), 0), SCALE)

    def _fmod(self, a: Col, b: Col) -> Col:
        return func.mod(cast(a, Numeric), cast(b, Numeric))

    @staticmethod
    def _digits(digits: Col | int) -> Col:
        return const(str(digits)) if isinstance(digits, int) else cast(func.trunc(digits), Integer)

    def round(self, x: Col, digits: Col | int) -> Col:
        return func.round(cast(x, Numeric), self._digits(digits))

    def trunc(self, x: Col, digits: Col | int) -> Col:
        return func.trunc(cast(x, Numeric), self._digits(digits))

    def floor(self, x: Col) -> Col:
        # floor(integer) resolves to floor(double precision): keep numbers exact.
        return func.floor(cast(x, Numeric))

    def round_up(self, x: Col, digits: Col | int) -> Col:
        down = self.trunc(x, digits)
        step = const(f"1e{-digits}::numeric") if isinstance(digits, int) else func.power(
            const("10::numeric"), -self._digits(digits)
        )
        return case((down == x, down), else_=down + func.sign(x) * step)

    def power_raw(self, x: Col, y: Col) -> Col:
        return func.power(cast(x, Numeric), cast(y, Numeric))

    def log10(self, x: Col) -> Col:
        return func.log(cast(x, Numeric))

    def number_text(self, x: Col) -> Col:
        return cast(func.trim_scale(cast(x, Numeric)), String)

    def fixed_text(self, x: Col, decimals: int, grouped: bool) -> Col:
        rounded = func.round(cast(x, Numeric), decimals)
        if not grouped:
            return cast(rounded, String)
        fraction = ("." + "0" * decimals) if decimals else ""
        return func.to_char(rounded, const(f"'FM999,999,999,999,999,999,999,999,990{fraction}'"))

    def position(self, haystack: Col, needle: Col) -> Col:
        return func.strpos(haystack, needle)

    def length(self, x: Col) -> Col:
        return func.char_length(x)

    def repeat(self, x: Col, times: Col) -> Col:
        return func.repeat(x, cast(func.trunc(times), Integer))

    def regex(self, x: Col, pattern: Col) -> Col:
        return x.op("~", is_comparison=True)(pattern)

    def ordered(self, x: Col) -> Col:
        return x.collate("C")

    def pad(self, x: Col, width: int) -> Col:
        return func.lpad(cast(x, String), width, const("'0'"))

    def string_agg(self, value: Col, sep: Col, order_by: Sequence[Col], froms: Sequence[Any], wheres: Sequence[Col]) -> Col:
        agg = func.string_agg(value, sep)
        if order_by:
            agg = agg.aggregate_order_by(*order_by)
        return select(agg).select_from(*froms).where(*wheres).correlate_except(*froms).scalar_subquery()

    def median(self, x: Col) -> Col:
        # percentile_cont interpolates in double precision: exact for values of up to 15 digits.
        return func.round(cast(func.percentile_cont(0.5).within_group(cast(x, Numeric)), Numeric), SCALE)

    def greatest(self, cols: Sequence[Col]) -> Col:
        return func.greatest(*cols) if len(cols) > 1 else cols[0]

    def least(self, cols: Sequence[Col]) -> Col:
        return func.least(*cols) if len(cols) > 1 else cols[0]

    def json_source(self, column: Col, item: Kind) -> ListSource:
        items = func.jsonb_array_elements_text(cast(column, JSONB)).table_valued("value", with_ordinality="ordinality")
        value: Col = items.c.value
        if item is Kind.NUMBER:
            value = cast(value, Numeric)
        return ListSource(value, items, None, [items.c.ordinality])

    _PARTS = {"year": "year", "month": "month", "day": "day", "hour": "hour", "minute": "minute",
              "second": "second", "dow": "dow", "doy": "doy", "isoweek": "week"}

    def part(self, name: str, x: Col) -> Col:
        if name in ("hour", "minute", "second"):  # PostgreSQL refuses time units on a date
            x = cast(x, DateTime)
        part = extract(self._PARTS[name], x)
        if name == "second":  # the only part with a fraction
            return cast(func.floor(part), Integer)
        # EXTRACT is NUMERIC already: casting it would make PostgreSQL cast it back on every row to
        # compare with a number, and rank the comparison last among a filter's conditions.
        return type_coerce(part, Numeric)

    def part_int(self, name: str, x: Col) -> Col:
        return cast(extract(self._PARTS[name], x), Integer) if name != "second" else self.part(name, x)

    def make_date(self, y: Col, m: Col, d: Col) -> Col:
        ok = and_(func.trunc(y).between(1, 9999), func.abs(m) <= 120_000, func.abs(d) <= 3_660_000)
        first = func.make_date(cast(func.trunc(y), Integer), 1, 1)
        months = func.make_interval(0, cast(func.trunc(m), Integer) - 1)
        days = func.make_interval(0, 0, 0, cast(func.trunc(d), Integer) - 1)
        return case((ok, self.valid(cast(first + months + days, Date))), else_=null())

    def add_days(self, x: Col, n: Col, kind: Kind) -> Col:
        if kind is Kind.DATETIME:
            return self.add_seconds(x, n * 86400)
        ok = func.abs(n) <= 3_660_000
        return case((ok, self.valid(x + cast(func.trunc(n), Integer))), else_=null())

    def add_months(self, x: Col, n: Col, kind: Kind) -> Col:
        moved = x + func.make_interval(0, cast(func.trunc(n), Integer))
        moved = cast(moved, Date) if kind is Kind.DATE else moved
        return case((func.abs(n) <= 120_000, self.valid(moved)), else_=null())

    def add_seconds(self, x: Col, n: Col) -> Col:
        ok = func.abs(n) <= 316_224_000_000
        return case((ok, self.valid(cast(x, DateTime) + func.make_interval(0, 0, 0, 0, 0, 0, n))), else_=null())

    def to_date(self, x: Col) -> Col:
        return cast(x, Date)

    def to_datetime(self, x: Col) -> Col:
        return cast(x, DateTime)

    def day_number(self, x: Col) -> Col:
        return type_coerce(cast(x, Date) - const("DATE '0001-01-01'"), Integer)

    def epoch_seconds(self, x: Col) -> Col:
        return cast(func.floor(extract("epoch", func.date_trunc("second", cast(x, DateTime)))), BigInteger)

    def days_between(self, a: Col, b: Col) -> Col:
        return type_coerce(cast(a, Date) - cast(b, Date), Integer)

    def datetime_days_between(self, a: Col, b: Col) -> Col:
        return self.divide(extract("epoch", cast(a, DateTime) - cast(b, DateTime)), const("86400"))

    def end_of_month(self, x: Col, months: Col) -> Col:
        start = func.date_trunc("month", cast(x, DateTime))
        moved = start + func.make_interval(0, cast(func.trunc(months), Integer) + 1) - const("INTERVAL '1 day'")
        return case((func.abs(months) <= 120_000, self.valid(cast(moved, Date))), else_=null())

    def datetime_text(self, x: Col) -> Col:
        return func.to_char(x, const("'YYYY-MM-DD HH24:MI:SS'"))
