"""Rows of the report's SELECT → a typed `Frame`: bucket starts as dates, ids as ints, measures as
floats, and the names of select options; people, departments and linked records are named by
the runtime, which can read the directory."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any, Sequence

import numpy as np
import pandas as pd

from engines.report.plan import Plan
from engines.report.post import Column, Frame
from engines.report.sql import Compiled, OutColumn

DATE_BUCKETS = ("day", "week", "month", "quarter", "year")


def _date(value: Any) -> Any:
    if value is None or isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(str(value)[:10])


def _moment(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value


def _number(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    number = float(value) if isinstance(value, (Decimal, float, int)) else float(str(value))
    return round(number, 10)


def converter(column: OutColumn) -> Any:
    if column.bucket in DATE_BUCKETS:
        return _date
    if column.bucket in ("hour", "day_of_week") or column.kind in ("user", "dept", "link", "users", "depts", "links"):
        return lambda v: None if v is None else int(v)
    if column.kind == "date":
        return _date
    if column.kind == "datetime":
        return _moment
    if column.kind == "bool":
        return lambda v: None if v is None else bool(v)
    if column.kind == "number":
        return _number
    return lambda v: v


def number_column(values: list[Any]) -> Any:
    """Measures as numbers: whole counts stay ints; anything else is a float rounded to 10 places
    (SQLite's binary sums: 0.30000000000000004 is 0.3), blank as NaN."""
    if all(type(v) is int for v in values):
        return values
    floats = np.array([np.nan if v is None else float(v) for v in values], dtype=float)
    return np.round(floats, 10)


def to_frame(rows: Sequence[Sequence[Any]], compiled: Compiled, plan: Plan, locale: str = "zh-CN") -> tuple[Frame, bool]:
    """The frame and whether rows were cut at the report's limit."""
    truncated = len(rows) > compiled.limit
    rows = rows[: compiled.limit]
    by_column = list(zip(*rows)) if rows else [() for _ in compiled.columns]
    data: dict[str, Any] = {}
    for column, values in zip(compiled.columns, by_column):
        if column.role == "measure" and column.kind == "number":
            data[column.key] = number_column(list(values))
        else:
            fn = converter(column)
            data[column.key] = pd.Series([fn(v) for v in values], dtype=object)
    aggs = {m.definition.key: m.definition.agg for m in plan.measures}
    columns = [Column(c.key, c.role, c.kind, c.label, c.bucket, aggs.get(c.key) if c.role == "measure" else None)
               for c in compiled.columns]
    frame = Frame(pd.DataFrame(data, columns=[c.key for c in compiled.columns]), columns, option_labels(compiled, locale), locale)
    return frame, truncated


def option_labels(compiled: Compiled, locale: str) -> dict[str, dict[Any, str]]:
    """Select options by their labels, yes/no for checkboxes."""
    out: dict[str, dict[Any, str]] = {}
    zh = locale.startswith("zh")
    for column in compiled.columns:
        ref = column.ref
        if column.role != "dimension" or ref is None:
            continue
        if ref.kind == "bool":
            out[column.key] = {True: "是" if zh else "Yes", False: "否" if zh else "No"}
        spec = ref.spec
        choices = getattr(spec.options, "choices", None) if spec is not None else None
        if choices:
            out[column.key] = {c.value: (c.label or {}).get("zh-CN" if zh else "en") or c.value for c in choices}
    return out
