"""Functions the SQL compiler needs on SQLite connections, which SQLite lacks: call `install`
from the engine's "connect" event. Regular expressions use RE2, so they run in linear time."""

from __future__ import annotations

from typing import Any


def _regexp(pattern: Any, text: Any) -> int | None:
    from engines.expr.functions.formats import MAX_PATTERN, compiled, valid_pattern

    if pattern is None or text is None:
        return None
    pattern, text = str(pattern), str(text)
    if len(pattern) > MAX_PATTERN or valid_pattern(pattern) is not None:
        return None
    return 1 if compiled(pattern).search(text) is not None else 0


def _floor(value: Any) -> Any:
    import math

    return None if value is None else math.floor(value)


class _Median:
    """`qq_median(x)`: the aggregate SQLite lacks (PostgreSQL has percentile_cont). It keeps the
    group's values, as any exact median must."""

    def __init__(self) -> None:
        self.values: list[float] = []

    def step(self, value: Any) -> None:
        if value is not None:
            self.values.append(value)

    def finalize(self) -> Any:
        import statistics

        try:
            return statistics.median(self.values) if self.values else None
        except TypeError:  # text mixed into a number column: no median
            return None


def _create_aggregate(dbapi_connection: Any, name: str, arity: int, aggregate: type) -> None:
    if hasattr(dbapi_connection, "create_aggregate"):  # a plain sqlite3 connection
        dbapi_connection.create_aggregate(name, arity, aggregate)
        return
    # SQLAlchemy's aiosqlite adapter forwards only create_function; the sqlite3 connection lives in
    # aiosqlite's own thread, so the registration must run there too.
    from sqlalchemy.util.concurrency import await_

    driver = dbapi_connection.driver_connection
    await_(driver._execute(driver._conn.create_aggregate, name, arity, aggregate))


def install(dbapi_connection: Any) -> None:
    """Register `qq_regexp(pattern, text)` and the `qq_median(x)` aggregate on a sqlite3 (or
    SQLAlchemy aiosqlite adapter) connection, and replace what SQLAlchemy's dialect registers
    itself: its `regexp()` runs Python `re` (catastrophic backtracking) and its `floor()` fails on
    NULL."""
    dbapi_connection.create_function("qq_regexp", 2, _regexp, deterministic=True)
    dbapi_connection.create_function("regexp", 2, _regexp, deterministic=True)
    dbapi_connection.create_function("floor", 1, _floor, deterministic=True)
    _create_aggregate(dbapi_connection, "qq_median", 1, _Median)
