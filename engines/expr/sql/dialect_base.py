"""The SQL primitives whose spelling differs between PostgreSQL and SQLite: the interface.

Each primitive reproduces the Python rule in `values.py` exactly on PostgreSQL (exact numeric)
and as closely as binary floating point allows on SQLite. Dates live in SQLite as SQLAlchemy
stores them: 'YYYY-MM-DD' and 'YYYY-MM-DD HH:MM:SS.ffffff', so computed ones use the same text.
"""

from __future__ import annotations

from typing import Any, Sequence

from sqlalchemy import (
    Integer,
    Numeric,
    and_,
    case,
    cast,
    func,
    literal_column,
    null,
)
from sqlalchemy.sql.elements import ColumnElement

from engines.expr.sql.resolver import ListSource
from engines.expr.types import Kind

Col = ColumnElement[Any]
SCALE = 10


def const(sql: str) -> Col:
    """A constant of our own making (never user input) written into the SQL text."""
    return literal_column(sql)


class Dialect:
    name: str
    max_nesting: int | None = None  # the database parser's nesting budget, weighted by sql_nesting()

    def sqlalchemy_dialect(self) -> Any:
        """A SQLAlchemy dialect object, for compiling an expression without a connection."""
        raise NotImplementedError

    # -- numbers -----------------------------------------------------------------------------------
    def divide(self, a: Col, b: Col) -> Col:
        raise NotImplementedError

    def mod(self, a: Col, b: Col) -> Col:
        r = self._fmod(a, func.nullif(b, 0))
        return case((and_(r != 0, (r < 0) != (b < 0)), r + b), else_=r)

    def _fmod(self, a: Col, b: Col) -> Col:
        return func.mod(a, b)

    def round(self, x: Col, digits: Col | int) -> Col:
        raise NotImplementedError

    def trunc(self, x: Col, digits: Col | int) -> Col:
        raise NotImplementedError

    def round_up(self, x: Col, digits: Col | int) -> Col:
        raise NotImplementedError

    def power_raw(self, x: Col, y: Col) -> Col:
        return func.power(x, y)

    def log10(self, x: Col) -> Col:
        return func.log10(x)

    def floor(self, x: Col) -> Col:
        return func.floor(x)

    def number_text(self, x: Col) -> Col:
        raise NotImplementedError

    def fixed_text(self, x: Col, decimals: int, grouped: bool) -> Col:
        raise NotImplementedError

    def as_number(self, x: Col) -> Col:
        return cast(x, Numeric)

    def as_integer(self, x: Col) -> Col:
        return cast(func.trunc(x), Integer)

    # -- text --------------------------------------------------------------------------------------
    def length(self, x: Col) -> Col:
        return func.length(x)

    def position(self, haystack: Col, needle: Col) -> Col:
        raise NotImplementedError

    def repeat(self, x: Col, times: Col) -> Col:
        raise NotImplementedError

    def regex(self, x: Col, pattern: Col) -> Col:
        raise NotImplementedError

    def ordered(self, x: Col) -> Col:
        """Text compared for order by code point, as Python does."""
        return x

    def pad(self, x: Col, width: int) -> Col:
        raise NotImplementedError

    def string_agg(self, value: Col, sep: Col, order_by: Sequence[Col], froms: Sequence[Any], wheres: Sequence[Col]) -> Col:
        raise NotImplementedError

    def greatest(self, cols: Sequence[Col]) -> Col:
        raise NotImplementedError

    def least(self, cols: Sequence[Col]) -> Col:
        raise NotImplementedError

    def json_source(self, column: Col, item: Kind) -> ListSource:
        raise NotImplementedError

    def median(self, x: Col) -> Col:
        """The aggregate median of non-blank values (the mean of the middle two for an even count),
        rounded to 10 places; blank when there are none."""
        raise NotImplementedError

    # -- dates -------------------------------------------------------------------------------------
    def part(self, name: str, x: Col) -> Col:
        """year, month, day, hour, minute, second, dow (0 = Sunday), doy, isoweek."""
        raise NotImplementedError

    def part_int(self, name: str, x: Col) -> Col:
        """A part as an SQL integer, for integer division (`//`)."""
        return self.part(name, x)

    def make_date(self, y: Col, m: Col, d: Col) -> Col:
        raise NotImplementedError

    def add_days(self, x: Col, n: Col, kind: Kind) -> Col:
        raise NotImplementedError

    def add_months(self, x: Col, n: Col, kind: Kind) -> Col:
        raise NotImplementedError

    def add_seconds(self, x: Col, n: Col) -> Col:
        raise NotImplementedError

    def to_date(self, x: Col) -> Col:
        raise NotImplementedError

    def to_datetime(self, x: Col) -> Col:
        raise NotImplementedError

    def day_number(self, x: Col) -> Col:
        """Days since 0001-01-01 (a Monday)."""
        raise NotImplementedError

    def epoch_seconds(self, x: Col) -> Col:
        raise NotImplementedError

    def days_between(self, a: Col, b: Col) -> Col:
        raise NotImplementedError

    def datetime_days_between(self, a: Col, b: Col) -> Col:
        raise NotImplementedError

    def end_of_month(self, x: Col, months: Col) -> Col:
        raise NotImplementedError

    def datetime_text(self, x: Col) -> Col:
        raise NotImplementedError

    def valid(self, x: Col) -> Col:
        """Dates outside the years 1..9999 (which Python cannot hold) are blank."""
        return case((and_(x >= const("'0001-01-01'"), x < const("'10000-01-01'")), x), else_=null())


