"""Date ranges relative to today, and the names of date buckets, in the platform's time zone."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta

WEEKDAYS = {"en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"), "zh": ("周一", "周二", "周三", "周四", "周五", "周六", "周日")}


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def bucket_start(day: date, bucket: str) -> date:
    """The first day of the bucket holding `day` (weeks start on Monday)."""
    if bucket == "week":
        return day - timedelta(days=day.weekday())
    if bucket == "month":
        return day.replace(day=1)
    if bucket == "quarter":
        return quarter_start(day)
    if bucket == "year":
        return date(day.year, 1, 1)
    return day


def step(bucket: str, count: int = 1) -> relativedelta:
    return {"day": relativedelta(days=count), "week": relativedelta(weeks=count), "month": relativedelta(months=count),
            "quarter": relativedelta(months=3 * count), "year": relativedelta(years=count)}[bucket]


def relative_range(name: str, today: date) -> tuple[date, date]:
    """[start, end) of a named period around `today`."""
    if name == "today":
        return today, today + timedelta(days=1)
    if name == "yesterday":
        return today - timedelta(days=1), today
    if name.startswith("last_") and name.endswith("_days"):
        days = int(name[5:-5])
        return today - timedelta(days=days - 1), today + timedelta(days=1)
    if name == "last_12_months":
        return today.replace(day=1) - relativedelta(months=11), today + timedelta(days=1)
    if name == "year_to_date":
        return date(today.year, 1, 1), today + timedelta(days=1)
    period = name.split("_", 1)[1]
    start = bucket_start(today, period)
    if name.startswith("last_"):
        start -= step(period)
    return start, start + step(period)


def bucket_label(value: Any, bucket: str | None, locale: str) -> str:
    """How a bucket is named on an axis: 2024-03, 2024-Q1, 2024-W10, 周一, 09:00."""
    if value is None:
        return "(空)" if locale.startswith("zh") else "(blank)"
    if bucket == "day_of_week":
        return WEEKDAYS["zh" if locale.startswith("zh") else "en"][int(value) - 1]
    if bucket == "hour":
        return f"{int(value):02d}:00"
    if not isinstance(value, (date, datetime)):
        return str(value)
    if bucket == "month":
        return f"{value.year}-{value.month:02d}"
    if bucket == "quarter":
        return f"{value.year}-Q{(value.month - 1) // 3 + 1}"
    if bucket == "year":
        return str(value.year)
    if bucket == "week":
        year, week, _ = value.isocalendar()
        return f"{year}-W{week:02d}"
    return value.isoformat()
