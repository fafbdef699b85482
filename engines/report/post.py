"""What SQL does badly, done on the aggregated result with pandas: pivots, period over period,
running totals, percent of total, rank, top-N with "others", targets and thresholds.

A `Frame` is the result as a DataFrame plus its column descriptions; each step returns a new one
and adds columns named after the measure (`amount_prev`, `amount_change_pct`, `amount_rank`…).
Percentages are fractions (0.25 is 25%): number formats show them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Callable

import pandas as pd

from engines.report.dates import step
from engines.report.definition import (
    PercentOfTotalStep,
    PeriodOverPeriodStep,
    PivotStep,
    RankStep,
    RunningTotalStep,
    TargetStep,
    TopNStep,
)

ADDITIVE = ("count", "sum")


@dataclass(frozen=True)
class Column:
    key: str
    role: str  # dimension | measure
    kind: str = "number"
    label: str = ""
    bucket: str | None = None
    agg: str | None = None  # the measure's aggregate: how an "others" row combines it
    derived_from: str | None = None


@dataclass
class Frame:
    data: pd.DataFrame
    columns: list[Column]
    labels: dict[str, dict[Any, str]] = field(default_factory=dict)  # dimension → raw value → display name
    locale: str = "zh-CN"

    @property
    def dimensions(self) -> list[Column]:
        return [c for c in self.columns if c.role == "dimension"]

    @property
    def measures(self) -> list[Column]:
        return [c for c in self.columns if c.role == "measure"]

    def column(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(key)

    def with_data(self, data: pd.DataFrame, added: list[Column] = ()) -> Frame:
        return replace(self, data=data, columns=[*self.columns, *added])

    def display(self, key: str, value: Any) -> str:
        """The name of a dimension value on an axis or in a legend."""
        from engines.report.dates import bucket_label

        names = self.labels.get(key, {})
        if value in names:
            return names[value]
        column = self.column(key)
        if column.bucket or isinstance(value, (date, datetime)) or value is None:
            return bucket_label(value, column.bucket, self.locale)
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    def records(self) -> list[dict[str, Any]]:
        """Rows as JSON-ready dicts (no NaN, no Decimal)."""
        keys = list(self.data.columns)
        columns = [_json_column(self.data[k].tolist()) for k in keys]
        return [dict(zip(keys, values)) for values in zip(*columns)]


def _json_column(values: list[Any]) -> list[Any]:
    """A column's values for JSON: plain ints, floats (NaN as null), strings and bools pass as they
    are; anything else (dates, Decimals, pandas' missing values) is converted one by one."""
    plain = (int, float, str, bool)
    if all(v is None or type(v) in plain for v in values):
        return [None if v != v else v for v in values]  # NaN is the only value unequal to itself
    return [_json_value(v) for v in values]


def _json_value(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return _json_value(value.item())
    return value


def _added(frame: Frame, key: str, source: str, label_suffix: str) -> Column:
    base = frame.column(source)
    return Column(key, "measure", "number", f"{base.label}{label_suffix}", derived_from=source)


# -- steps ---------------------------------------------------------------------------------------------


def pivot(frame: Frame, s: PivotStep, locale: str) -> Frame:
    """One dimension spread into columns: a column per (measure, value), a row per other dimensions."""
    values = s.values or [c.key for c in frame.measures]
    index = [c.key for c in frame.dimensions if c.key != s.columns]
    spread = list(dict.fromkeys(frame.data[s.columns].tolist()))

    def key_of(measure: str, item: Any) -> str:
        return f"{measure}:{item}" if len(values) > 1 else str(item)

    rows: dict[tuple[Any, ...], dict[str, Any]] = {}
    for record in frame.data.to_dict("records"):
        row = rows.setdefault(tuple(record[k] for k in index), {k: record[k] for k in index})
        for measure in values:
            row[key_of(measure, record[s.columns])] = record[measure]
    keys = [key_of(m, item) for m in values for item in spread]
    out = pd.DataFrame(list(rows.values()), columns=[*index, *keys])
    columns: list[Column] = [c for c in frame.dimensions if c.key != s.columns]
    for measure in values:
        base = frame.column(measure)
        for item in spread:
            name = frame.display(s.columns, item)
            columns.append(Column(key_of(measure, item), "measure", "number",
                                  name if len(values) == 1 else f"{name} · {base.label}", agg=base.agg, derived_from=measure))
    return Frame(out, columns, frame.labels, frame.locale)


def period_over_period(frame: Frame, s: PeriodOverPeriodStep, locale: str) -> Frame:
    dim = frame.column(s.dimension)
    if dim.bucket not in ("day", "week", "month", "quarter", "year"):
        raise ValueError(f"'{s.dimension}' is not a date dimension bucketed by day, week, month, quarter or year")
    others = [c.key for c in frame.dimensions if c.key != s.dimension]
    shift = step("year") if s.compare == "year" else step(dim.bucket)
    data = frame.data.copy()
    lookup = data[[*others, s.dimension, s.measure]].copy()
    lookup[s.dimension] = lookup[s.dimension].map(lambda d: d + shift if isinstance(d, date) else None)
    lookup = lookup.rename(columns={s.measure: "__prev"})
    merged = data.merge(lookup, on=[*others, s.dimension], how="left", sort=False)
    prev = pd.to_numeric(merged["__prev"], errors="coerce")
    current = pd.to_numeric(merged[s.measure], errors="coerce")
    added = [_added(frame, f"{s.measure}_prev", s.measure, " (上期)" if locale.startswith("zh") else " (previous)")]
    data[f"{s.measure}_prev"] = prev.values
    if s.output in ("value", "both"):
        data[f"{s.measure}_change"] = (current - prev).values
        added.append(_added(frame, f"{s.measure}_change", s.measure, " 变化" if locale.startswith("zh") else " change"))
    if s.output in ("percent", "both"):
        data[f"{s.measure}_change_pct"] = ((current - prev) / prev.where(prev != 0)).values
        added.append(_added(frame, f"{s.measure}_change_pct", s.measure, " 变化率" if locale.startswith("zh") else " change %"))
    return frame.with_data(data, added)


def _groups(data: pd.DataFrame, by: list[str]) -> Any:
    return data.groupby(by, dropna=False, sort=False) if by else None


def running_total(frame: Frame, s: RunningTotalStep, locale: str) -> Frame:
    data = frame.data.copy()
    values = pd.to_numeric(data[s.measure], errors="coerce").fillna(0)
    grouped = values.groupby([data[k] for k in s.by], dropna=False, sort=False) if s.by else None
    data[f"{s.measure}_running"] = (grouped.cumsum() if grouped is not None else values.cumsum()).values
    return frame.with_data(data, [_added(frame, f"{s.measure}_running", s.measure, " 累计" if locale.startswith("zh") else " running total")])


def percent_of_total(frame: Frame, s: PercentOfTotalStep, locale: str) -> Frame:
    data = frame.data.copy()
    values = pd.to_numeric(data[s.measure], errors="coerce")
    if s.by:
        totals = values.groupby([data[k] for k in s.by], dropna=False, sort=False).transform("sum")
    else:
        totals = pd.Series(values.sum(), index=values.index)
    data[f"{s.measure}_pct"] = (values / totals.where(totals != 0)).values
    return frame.with_data(data, [_added(frame, f"{s.measure}_pct", s.measure, " 占比" if locale.startswith("zh") else " % of total")])


def rank(frame: Frame, s: RankStep, locale: str) -> Frame:
    data = frame.data.copy()
    values = pd.to_numeric(data[s.measure], errors="coerce")
    if s.by:
        ranks = values.groupby([data[k] for k in s.by], dropna=False, sort=False).rank(method="min", ascending=not s.descending)
    else:
        ranks = values.rank(method="min", ascending=not s.descending)
    data[f"{s.measure}_rank"] = ranks.astype("Int64").values
    return frame.with_data(data, [_added(frame, f"{s.measure}_rank", s.measure, " 排名" if locale.startswith("zh") else " rank")])


OTHERS = "__others__"


def top_n(frame: Frame, s: TopNStep, locale: str) -> Frame:
    data = frame.data
    totals = pd.to_numeric(data[s.measure], errors="coerce").groupby(data[s.dimension], dropna=False, sort=False).sum()
    keep = list(totals.sort_values(ascending=False, kind="stable").index[: s.n])
    kept = data[data[s.dimension].isin(keep)]
    rest = data[~data[s.dimension].isin(keep)]
    if not s.others or rest.empty:
        return frame.with_data(kept.reset_index(drop=True))
    others = [c.key for c in frame.dimensions if c.key != s.dimension]
    combine: dict[str, Callable[[pd.Series], Any]] = {}
    for m in frame.measures:
        if m.agg in ADDITIVE:
            combine[m.key] = lambda col: pd.to_numeric(col, errors="coerce").sum()
        elif m.agg in ("min", "max"):
            combine[m.key] = (lambda col: col.min()) if m.agg == "min" else (lambda col: col.max())
        else:
            combine[m.key] = lambda col: None  # an average of averages would be wrong
    groups = rest.groupby(others, dropna=False, sort=False) if others else [((), rest)]
    rows = []
    for key, part in groups:
        row = dict(zip(others, key if isinstance(key, tuple) else (key,)))
        row[s.dimension] = OTHERS
        row.update({k: fn(part[k]) for k, fn in combine.items()})
        rows.append(row)
    out = pd.concat([kept, pd.DataFrame(rows, columns=data.columns)], ignore_index=True)
    labels = {**frame.labels, s.dimension: {**frame.labels.get(s.dimension, {}),
                                            OTHERS: s.others_label.text(locale) if s.others_label else ("其他" if locale.startswith("zh") else "Others")}}
    return replace(frame.with_data(out), labels=labels)


def target(frame: Frame, s: TargetStep, locale: str) -> Frame:
    data = frame.data.copy()
    first = frame.dimensions[0].key if frame.dimensions else None
    if s.values is not None and first is not None:
        goals = data[first].map(lambda v: float(s.values[str(v)]) if s.values and str(v) in s.values else None)
    else:
        goals = pd.Series(float(s.value) if s.value is not None else None, index=data.index)
    goals = pd.to_numeric(goals, errors="coerce")
    values = pd.to_numeric(data[s.measure], errors="coerce")
    attainment = values / goals.where(goals != 0)
    data[f"{s.measure}_target"] = goals.values
    data[f"{s.measure}_attainment"] = attainment.values
    thresholds = sorted(s.thresholds, key=lambda t: t.at)
    data[f"{s.measure}_status"] = [status(a, thresholds) for a in attainment]
    zh = locale.startswith("zh")
    added = [_added(frame, f"{s.measure}_target", s.measure, " 目标" if zh else " target"),
             _added(frame, f"{s.measure}_attainment", s.measure, " 达成率" if zh else " attainment"),
             Column(f"{s.measure}_status", "measure", "text", f"{frame.column(s.measure).label} {'状态' if zh else 'status'}",
                    derived_from=s.measure)]
    return frame.with_data(data, added)


def status(attainment: Any, thresholds: list[Any]) -> str | None:
    if attainment is None or attainment != attainment:
        return None
    found = None
    for t in thresholds:
        if attainment >= float(t.at):
            found = t.status
    return found


STEPS: dict[str, Callable[[Frame, Any, str], Frame]] = {
    "pivot": pivot, "period_over_period": period_over_period, "running_total": running_total,
    "percent_of_total": percent_of_total, "rank": rank, "top_n": top_n, "target": target,
}


def apply(frame: Frame, steps: list[Any], locale: str = "zh-CN") -> Frame:
    for s in steps:
        frame = STEPS[s.type](frame, s, locale)
    return frame
