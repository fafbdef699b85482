"""The SQL dialects the compiler knows, by SQLAlchemy dialect name."""

from __future__ import annotations

from engines.expr.sql.dialect_base import SCALE, Dialect, const
from engines.expr.sql.postgres import Postgres
from engines.expr.sql.sqlite import Sqlite

DIALECTS: dict[str, Dialect] = {"postgresql": Postgres(), "sqlite": Sqlite()}

__all__ = ["DIALECTS", "SCALE", "Dialect", "Postgres", "Sqlite", "const"]
