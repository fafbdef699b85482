"""What each storage kind means: its column type, its expression type, its JSON input schema
and the generic parsing of input into stored values. Field types inherit these defaults."""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import BigInteger, Boolean, Date, Numeric, String, Text
from sqlalchemy.types import TypeDecorator, TypeEngine

from core.types import JsonType, UTCDateTime
from engines.expr import types as et
from engines.form.types.base import FieldValueError, StorageKind

MAX_TEXT = 20_000
MAX_REFS = 1_000
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$")
_DATE_SEPARATORS = re.compile(r"[./年月]")


class ExactDecimal(TypeDecorator):
    """NUMERIC, exact on PostgreSQL. SQLite has no decimal type: values are stored as 8-byte
    floats (exact to 15 significant digits) and come back as Decimal rounded to the field."""

    impl = Numeric(asdecimal=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Any) -> TypeEngine:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(Numeric(asdecimal=False))
        return dialect.type_descriptor(Numeric(asdecimal=True))

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        if value is None:
            return None
        return float(value) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        if value is None:
            return None
        return value if isinstance(value, Decimal) else Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def for_storage(storage: StorageKind, spec: Any = None) -> TypeEngine:
    return {
        StorageKind.TEXT: Text(),
        StorageKind.DECIMAL: ExactDecimal(),
        StorageKind.INTEGER: BigInteger(),
        StorageKind.BOOLEAN: Boolean(),
        StorageKind.DATE: Date(),
        StorageKind.DATETIME: UTCDateTime(),
        StorageKind.TIME: String(8),
        StorageKind.JSON: JsonType,
        StorageKind.REF: BigInteger(),
    }[storage]


def from_db(storage: StorageKind, spec: Any, value: Any) -> Any:
    if value is None:
        return None
    if storage is StorageKind.DATE and isinstance(value, str):
        return date.fromisoformat(value[:10])
    if storage is StorageKind.BOOLEAN:
        return bool(value)
    return value


def expr_type_of(storage: StorageKind) -> et.ExprType:
    return {
        StorageKind.TEXT: et.TEXT,
        StorageKind.DECIMAL: et.NUMBER,
        StorageKind.INTEGER: et.NUMBER,
        StorageKind.BOOLEAN: et.BOOL,
        StorageKind.DATE: et.DATE,
        StorageKind.DATETIME: et.DATETIME,
        StorageKind.TIME: et.TEXT,
        StorageKind.JSON: et.TEXT,
        StorageKind.REF: et.NUMBER,
        StorageKind.REFS: et.list_of(et.NUMBER),
        StorageKind.SYSTEM: et.TEXT,
        StorageKind.NONE: et.NULL,
    }.get(storage, et.TEXT)


def input_schema_of(storage: StorageKind) -> dict[str, Any]:
    base: dict[str, Any] = {
        StorageKind.TEXT: {"type": "string"},
        StorageKind.DECIMAL: {"type": ["number", "string"], "description": "a decimal; send strings to keep every digit"},
        StorageKind.INTEGER: {"type": "integer"},
        StorageKind.BOOLEAN: {"type": "boolean"},
        StorageKind.DATE: {"type": "string", "format": "date"},
        StorageKind.DATETIME: {"type": "string", "format": "date-time"},
        StorageKind.TIME: {"type": "string", "pattern": _TIME.pattern},
        StorageKind.JSON: {},
        StorageKind.REF: {"type": "integer", "minimum": 1},
        StorageKind.REFS: {"type": "array", "items": {"type": "integer", "minimum": 1}, "maxItems": MAX_REFS},
        StorageKind.CHILD: {"type": "array", "items": {"type": "object"}},
    }.get(storage, {})
    if "type" in base:
        types = base["type"] if isinstance(base["type"], list) else [base["type"]]
        base = {**base, "type": [*types, "null"]}
    return base


def bad(code: str, en: str, zh: str) -> FieldValueError:
    return FieldValueError(code, en, zh)


def parse_storage(storage: StorageKind, spec: Any, value: Any) -> Any:
    if value is None:
        return None
    parser = _PARSERS.get(storage)
    if parser is None:
        raise bad("not_writable", "This field cannot be written.", "该字段不可写入。")
    return parser(value)


def parse_text(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise bad("not_text", "Expected text.", "应为文本。")
    text = value if isinstance(value, str) else format_number(value)
    if len(text) > MAX_TEXT:
        raise bad("too_long", f"At most {MAX_TEXT} characters.", f"最多 {MAX_TEXT} 个字符。")
    if "\x00" in text:
        raise bad("bad_character", "Text may not contain NUL characters.", "文本不能包含空字符。")
    return text


def format_number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_TOO_LARGE = Decimal(10) ** 24


def parse_decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise bad("not_number", "Expected a number.", "应为数字。")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise bad("not_number", "Expected a finite number.", "应为有限的数字。")
        value = repr(value)
    if isinstance(value, str):
        value = value.strip().replace(",", "").replace("，", "").replace("¥", "").replace("￥", "")
        if len(value) > 60:
            raise bad("not_number", "Expected a number.", "应为数字。")
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise bad("not_number", "Expected a number.", "应为数字。") from None
    if not number.is_finite():
        raise bad("not_number", "Expected a finite number.", "应为有限的数字。")
    if abs(number) >= _TOO_LARGE:
        raise bad("out_of_range", "The number is too large.", "数字过大。")
    return number


def parse_integer(value: Any) -> int:
    number = parse_decimal(value)
    if number != number.to_integral_value():
        raise bad("not_integer", "Expected a whole number.", "应为整数。")
    return int(number)


def parse_boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("true", "yes", "y", "1", "是", "对", "✓", "√"):
            return True
        if lowered in ("false", "no", "n", "0", "否", "错", "✗", "×", ""):
            return False
    raise bad("not_boolean", "Expected yes or no.", "应为是或否。")


def parse_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip().rstrip("日")
        text = _DATE_SEPARATORS.sub("-", text)
        try:
            parts = [int(p) for p in text[:10].split("-")]
            if len(parts) == 3 and len(text) <= 10:
                return date(*parts)
            return datetime.fromisoformat(value.strip()).date()
        except ValueError:
            pass
    raise bad("not_date", "Expected a date like 2024-05-31.", "应为日期，例如 2024-05-31。")


def parse_datetime(value: Any) -> datetime:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("/", "-"))
        except ValueError:
            raise bad("not_datetime", "Expected a date and time like 2024-05-31T09:30:00+08:00.",
                      "应为日期时间，例如 2024-05-31T09:30:00+08:00。") from None
    else:
        raise bad("not_datetime", "Expected a date and time.", "应为日期时间。")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def parse_time(value: Any) -> str:
    if isinstance(value, time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, datetime):
        return value.strftime("%H:%M:%S")
    if isinstance(value, str):
        match = _TIME.match(value.strip())
        if match:
            return f"{int(match[1]):02d}:{match[2]}:{match[3] or '00'}"
    raise bad("not_time", "Expected a time like 09:30.", "应为时间，例如 09:30。")


def parse_ref(value: Any) -> int:
    if isinstance(value, dict) and "id" in value:
        value = value["id"]
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise bad("not_id", "Expected a record id.", "应为记录 ID。")
    try:
        ref = int(value)
    except ValueError:
        raise bad("not_id", "Expected a record id.", "应为记录 ID。") from None
    if ref < 1:
        raise bad("not_id", "Expected a record id.", "应为记录 ID。")
    return ref


def parse_refs(value: Any) -> list[int]:
    if not isinstance(value, list):
        value = [value]
    if len(value) > MAX_REFS:
        raise bad("too_many", f"At most {MAX_REFS} items.", f"最多 {MAX_REFS} 项。")
    return list(dict.fromkeys(parse_ref(v) for v in value))


def parse_json(value: Any) -> Any:
    return value


_PARSERS = {
    StorageKind.TEXT: parse_text,
    StorageKind.DECIMAL: parse_decimal,
    StorageKind.INTEGER: parse_integer,
    StorageKind.BOOLEAN: parse_boolean,
    StorageKind.DATE: parse_date,
    StorageKind.DATETIME: parse_datetime,
    StorageKind.TIME: parse_time,
    StorageKind.JSON: parse_json,
    StorageKind.REF: parse_ref,
    StorageKind.REFS: parse_refs,
}
