"""Column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Integer
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeDecorator

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit identity.
IdType = BigInteger().with_variant(Integer(), "sqlite")
# Python None is stored as SQL NULL (not JSON null), so "empty" means one thing everywhere.
JsonType = JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")


class UTCDateTime(TypeDecorator):
    """Stores aware datetimes in UTC and always returns them aware, whatever the backend."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def bind_processor(self, dialect: Any) -> Any:
        # A bulk write stamps every row with the same moment (created_at, updated_at, history):
        # convert it once, not once per row. The last value is kept by identity; datetimes are
        # immutable, and the pair is replaced in one assignment, so threads cannot mix them up.
        process = super().bind_processor(dialect)
        if process is None:
            return None
        last: tuple[Any, Any] = (None, None)

        def convert(value: Any) -> Any:
            nonlocal last
            seen, converted = last
            if value is seen:
                return converted
            converted = process(value)
            last = (value, converted)
            return converted

        return convert

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)
