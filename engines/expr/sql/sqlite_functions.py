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


def install(dbapi_connection: Any) -> None:
    """Register `qq_regexp(pattern, text)` on a sqlite3 (or SQLAlchemy aiosqlite adapter)
    connection, and replace what SQLAlchemy's dialect registers itself: its `regexp()` runs
    Python `re` (catastrophic backtracking) and its `floor()` fails on NULL."""
    dbapi_connection.create_function("qq_regexp", 2, _regexp, deterministic=True)
    dbapi_connection.create_function("regexp", 2, _regexp, deterministic=True)
    dbapi_connection.create_function("floor", 1, _floor, deterministic=True)
