"""Date, date-time and time of day."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from engines.form.columns import bad, parse_date, parse_datetime, parse_time
from engines.form.types.base import FieldSpec, FieldType, StorageKind

_OFFSET = re.compile(r"(Z|[+-]\d{2}:?\d{2})$")


class DateOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    min: date | None = None
    max: date | None = None
    format: Literal["YYYY-MM-DD", "YYYY/MM/DD", "YYYY年MM月DD日", "YYYY-MM"] = "YYYY-MM-DD"


class DateField(FieldType):
    type = "date"
    label = {"zh-CN": "日期", "en": "Date"}
    description = {"zh-CN": "年月日", "en": "A calendar date"}
    group = "time"
    storage = StorageKind.DATE
    Options = DateOptions

    def parse(self, spec: FieldSpec, value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        day = parse_date(value)
        if spec.options.min and day < spec.options.min:
            raise bad("too_early", f"Not before {spec.options.min}.", f"不能早于 {spec.options.min}。")
        if spec.options.max and day > spec.options.max:
            raise bad("too_late", f"Not after {spec.options.max}.", f"不能晚于 {spec.options.max}。")
        return day

    def to_cell(self, spec: FieldSpec, value: Any) -> Any:
        return value


class DateTimeOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    timezone: str = "Asia/Shanghai"


class DateTimeField(FieldType):
    type = "datetime"
    label = {"zh-CN": "日期时间", "en": "Date and time"}
    description = {"zh-CN": "精确到分钟的时间点", "en": "A moment in time"}
    group = "time"
    storage = StorageKind.DATETIME
    Options = DateTimeOptions

    def parse(self, spec: FieldSpec, value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if (isinstance(value, datetime) and value.tzinfo) or (isinstance(value, str) and _OFFSET.search(value.strip())):
            return parse_datetime(value)
        # Naive input (spreadsheets, "2024-05-31 09:30") is wall-clock time in the field's zone.
        wall = parse_datetime(value).replace(tzinfo=None)
        return wall.replace(tzinfo=ZoneInfo(spec.options.timezone)).astimezone(timezone.utc)

    def to_cell(self, spec: FieldSpec, value: Any) -> Any:
        if value is None:
            return None
        return value.astimezone(ZoneInfo(spec.options.timezone)).replace(tzinfo=None)


class TimeField(FieldType):
    type = "time"
    label = {"zh-CN": "时间", "en": "Time"}
    description = {"zh-CN": "一天中的时刻，如 09:30", "en": "A time of day such as 09:30"}
    group = "time"
    storage = StorageKind.TIME

    def parse(self, spec: FieldSpec, value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        return parse_time(value)
