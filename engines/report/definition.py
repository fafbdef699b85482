"""The shape of a report and of a dashboard (JSON), validated with Pydantic.

A report is a dataset (a form, joined through link fields to others, filtered and limited to a
date range), dimensions and measures, post-processing steps and a chart. Fields are named by
path: `amount` on the base form, `customer.region` through a link field of the base form, or
`<join alias>.<field>` through a declared join (`contracts.amount`, `payments.paid`).
Chart settings are validated by the chart type's own `Settings` model, so a new chart type never
touches this file.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, model_validator

from engines.form.definition import KEY_PATTERN, I18nText, LongI18nText

PATH_PATTERN = r"^[a-z][a-z0-9_]{0,47}(\.[a-z][a-z0-9_]{0,47})?$"
OUTPUT_KEY = r"^[a-z][a-z0-9_]{0,47}$"
MAX_DIMENSIONS = 4
MAX_MEASURES = 12
MAX_JOINS = 6
MAX_ROWS = 10_000
DEFAULT_ROWS = 1_000

Bucket = Literal["day", "week", "month", "quarter", "year", "day_of_week", "hour"]
Aggregate = Literal["count", "count_distinct", "sum", "avg", "min", "max", "median"]
RELATIVE_RANGES = (
    "today", "yesterday", "this_week", "last_week", "this_month", "last_month", "this_quarter", "last_quarter",
    "this_year", "last_year", "last_7_days", "last_30_days", "last_90_days", "last_12_months", "year_to_date",
)
Relative = Literal[RELATIVE_RANGES]  # type: ignore[valid-type]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Join(Strict):
    """One more form joined into the dataset, from the base form or from an earlier join.

    Forward through a link field (`link`: a link or link-to-many field of the source form), or
    backward (`form` + `via`: the records of `form` whose link field `via` points at the source:
    customer → its contracts). Left joins keep source rows without a match; `inner` drops them.
    """

    alias: str = Field(pattern=KEY_PATTERN)
    source: str | None = Field(None, pattern=KEY_PATTERN, description="alias joined from; empty: the base form")
    link: str | None = Field(None, pattern=KEY_PATTERN)
    form: str | None = Field(None, pattern=KEY_PATTERN)
    via: str | None = Field(None, pattern=KEY_PATTERN)
    inner: bool = False
    filter: dict[str, Any] | None = Field(None, description="a records-API filter on the joined form")

    @model_validator(mode="after")
    def _one_way(self) -> "Join":
        if bool(self.link) == bool(self.form and self.via) or (self.form is None) != (self.via is None):
            raise ValueError("a join names either `link`, or `form` and `via`")
        return self


class DateRange(Strict):
    """Rows whose `field` (a date or datetime) falls in [start, end] (whole days), or in a period
    relative to today in the platform's time zone."""

    field: str = Field(pattern=PATH_PATTERN)
    relative: Relative | None = None  # type: ignore[valid-type]
    start: date | None = None
    end: date | None = None

    @model_validator(mode="after")
    def _given(self) -> "DateRange":
        if self.relative is None and self.start is None and self.end is None:
            raise ValueError("give `relative`, or `start` and/or `end`")
        if self.relative is not None and (self.start or self.end):
            raise ValueError("`relative` excludes `start` and `end`")
        if self.start and self.end and self.start > self.end:
            raise ValueError("`start` is after `end`")
        return self


class Where(Strict):
    """A condition on a field path, through joins too: a records-API operator (`eq`, `in`,
    `between`, `has_any`…), or — with `bucket`, `bin`, `part` or `dept_level` — "the field, so
    transformed, equals `value`" (a clicked bar of a drill-down, a dashboard's global filter)."""

    field: str = Field(pattern=PATH_PATTERN)
    op: str = Field("eq", pattern=r"^[a-z_]{2,20}$")
    value: Any = None
    bucket: Bucket | None = None
    bin: Bin | None = None
    part: Literal["province", "city", "district"] | None = None
    dept_level: int | None = Field(None, ge=1, le=10)

    @property
    def transformed(self) -> bool:
        return any(x is not None for x in (self.bucket, self.bin, self.part, self.dept_level))


class Dataset(Strict):
    form: str = Field(pattern=KEY_PATTERN)
    joins: list[Join] = Field(default_factory=list, max_length=MAX_JOINS)
    filter: dict[str, Any] | None = Field(None, description="a records-API filter on the base form (structured or {expr})")
    where: list[Where] = Field(default_factory=list, max_length=50)
    date_range: DateRange | None = None


class Bin(Strict):
    width: Decimal = Field(gt=0)
    origin: Decimal = Decimal(0)


class Dimension(Strict):
    field: str = Field(pattern=PATH_PATTERN)
    key: str | None = Field(None, pattern=OUTPUT_KEY, description="the output column; defaults to the field path")
    label: I18nText | None = None
    bucket: Bucket | None = None  # dates and datetimes
    bin: Bin | None = None  # numbers
    part: Literal["province", "city", "district"] | None = None  # addresses
    dept_level: int | None = Field(None, ge=1, le=10, description="departments rolled up to this level of the tree")

    @property
    def out(self) -> str:
        return self.key or self.field.replace(".", "__")


class Measure(Strict):
    """An aggregate of a field (`agg` + `field`), a count of records (`agg: count`, optionally
    `of` a join alias), or a calculated measure: `formula` in the expression language over the
    group's rows and the other measures (`SUM(paid) / SUM(amount)`, `won / total`)."""

    key: str = Field(pattern=OUTPUT_KEY)
    label: I18nText | None = None
    agg: Aggregate | None = None
    field: str | None = Field(None, pattern=PATH_PATTERN)
    of: str | None = Field(None, pattern=KEY_PATTERN)
    formula: str | None = Field(None, min_length=1, max_length=2000)

    @model_validator(mode="after")
    def _one_kind(self) -> "Measure":
        if (self.formula is None) == (self.agg is None):
            raise ValueError("a measure has either `agg` or `formula`")
        if self.formula is not None and (self.field or self.of):
            raise ValueError("a calculated measure names its fields in the formula")
        if self.agg not in (None, "count") and not self.field:
            raise ValueError(f"`{self.agg}` needs a `field`")
        if self.of and self.agg != "count":
            raise ValueError("`of` goes with `count`")
        return self


class Sort(Strict):
    key: str = Field(pattern=OUTPUT_KEY)
    descending: bool = False


# -- post-processing steps (pandas, engines/report/post.py) -------------------------------------------


class PivotStep(Strict):
    type: Literal["pivot"]
    columns: str = Field(pattern=OUTPUT_KEY, description="the dimension spread into columns")
    values: list[str] = Field(default_factory=list, max_length=MAX_MEASURES, description="measures; empty: all")


class PeriodOverPeriodStep(Strict):
    type: Literal["period_over_period"]
    measure: str = Field(pattern=OUTPUT_KEY)
    dimension: str = Field(pattern=OUTPUT_KEY, description="a date dimension bucketed by day/week/month/quarter/year")
    compare: Literal["previous", "year"] = "previous"  # MoM-style or YoY
    output: Literal["value", "percent", "both"] = "both"


class RunningTotalStep(Strict):
    type: Literal["running_total"]
    measure: str = Field(pattern=OUTPUT_KEY)
    by: list[str] = Field(default_factory=list, max_length=MAX_DIMENSIONS, description="restart for each of these")


class PercentOfTotalStep(Strict):
    type: Literal["percent_of_total"]
    measure: str = Field(pattern=OUTPUT_KEY)
    by: list[str] = Field(default_factory=list, max_length=MAX_DIMENSIONS, description="totals within each of these")


class RankStep(Strict):
    type: Literal["rank"]
    measure: str = Field(pattern=OUTPUT_KEY)
    descending: bool = True
    by: list[str] = Field(default_factory=list, max_length=MAX_DIMENSIONS)


class TopNStep(Strict):
    type: Literal["top_n"]
    dimension: str = Field(pattern=OUTPUT_KEY)
    measure: str = Field(pattern=OUTPUT_KEY)
    n: int = Field(ge=1, le=1000)
    others: bool = True
    others_label: I18nText | None = None


class Threshold(Strict):
    at: Decimal
    status: str = Field(pattern=OUTPUT_KEY, description="e.g. warning, good")


class TargetStep(Strict):
    type: Literal["target"]
    measure: str = Field(pattern=OUTPUT_KEY)
    value: Decimal | None = None
    values: dict[str, Decimal] | None = Field(None, description="a target per value of the first dimension")
    thresholds: list[Threshold] = Field(default_factory=list, max_length=10, description="by attainment, ascending")

    @model_validator(mode="after")
    def _given(self) -> "TargetStep":
        if (self.value is None) == (self.values is None):
            raise ValueError("give a target `value` or per-dimension `values`")
        return self


PostStep = Annotated[
    Union[PivotStep, PeriodOverPeriodStep, RunningTotalStep, PercentOfTotalStep, RankStep, TopNStep, TargetStep],
    Field(discriminator="type"),
]


class Chart(Strict):
    type: str = Field(min_length=1, max_length=40)
    settings: dict[str, Any] = Field(default_factory=dict)


class RecordPage(Strict):
    """Show this report on the page of each record its base form links to, scoped to that record's
    related rows: through `link` (a link field of the base form) — a customer's revenue by month on
    the customer's page, from a report on contracts linking to customers."""

    link: str = Field(pattern=KEY_PATTERN)
    position: int = Field(0, ge=0, le=100, description="order among the charts of the page")


class ReportDef(Strict):
    label: I18nText | None = None
    description: LongI18nText | None = None
    dataset: Dataset
    dimensions: list[Dimension] = Field(default_factory=list, max_length=MAX_DIMENSIONS)
    measures: list[Measure] = Field(min_length=1, max_length=MAX_MEASURES)
    post: list[PostStep] = Field(default_factory=list, max_length=10)
    sort: list[Sort] = Field(default_factory=list, max_length=5)
    limit: int = Field(DEFAULT_ROWS, ge=1, le=MAX_ROWS)
    drill: list[Dimension] = Field(default_factory=list, max_length=4, description="levels below the first dimension")
    chart: Chart = Field(default_factory=lambda: Chart(type="table"))
    record_page: RecordPage | None = None

    @model_validator(mode="after")
    def _unique_keys(self) -> "ReportDef":
        keys = [d.out for d in self.dimensions] + [m.key for m in self.measures]
        twice = sorted({k for k in keys if keys.count(k) > 1})
        if twice:
            raise ValueError(f"output keys used twice: {', '.join(twice)}")
        return self


# -- dashboards ---------------------------------------------------------------------------------------


class GridPos(Strict):
    x: int = Field(0, ge=0, le=48)
    y: int = Field(0, ge=0, le=10_000)
    w: int = Field(6, ge=1, le=48)
    h: int = Field(4, ge=1, le=100)


class Widget(Strict):
    """A cell of the grid: a saved report, a report defined in place (a KPI card is a report with
    the `kpi` chart), a record list of a form, or rich text (sanitized on save)."""

    id: str = Field(pattern=OUTPUT_KEY)
    kind: Literal["report", "records", "text"]
    title: I18nText | None = None
    report_id: int | None = Field(None, ge=1)
    report: ReportDef | None = None
    form: str | None = Field(None, pattern=KEY_PATTERN)
    filter: dict[str, Any] | None = None
    fields: list[str] = Field(default_factory=list, max_length=50)
    limit: int = Field(10, ge=1, le=200)
    html: str | None = Field(None, max_length=50_000)
    grid: GridPos = Field(default_factory=GridPos)

    @model_validator(mode="after")
    def _content(self) -> "Widget":
        wanted = {"report": (self.report_id is not None) != (self.report is not None),
                  "records": self.form is not None, "text": self.html is not None}
        if not wanted[self.kind]:
            raise ValueError({"report": "a report widget names `report_id` or holds a `report`",
                              "records": "a records widget names its `form`", "text": "a text widget holds `html`"}[self.kind])
        return self


class FilterTarget(Strict):
    widget: str = Field(pattern=OUTPUT_KEY)
    field: str = Field(pattern=PATH_PATTERN)


class GlobalFilter(Strict):
    """A filter shown above the dashboard and applied to the widgets it is wired to: `date_range`
    to a date field, `department` / `owner` (default targets: owner_dept_id / owner_id), or `select`
    (values of a select, member or any scalar field)."""

    key: str = Field(pattern=OUTPUT_KEY)
    kind: Literal["date_range", "department", "owner", "select"]
    label: I18nText | None = None
    targets: list[FilterTarget] = Field(default_factory=list, max_length=50)
    include_subdepartments: bool = True
    default: Any = None


class Share(Strict):
    everyone: bool = False  # everyone who may open the app
    roles: list[str] = Field(default_factory=list, max_length=100, description="app role keys")


class DashboardDef(Strict):
    label: I18nText | None = None
    widgets: list[Widget] = Field(default_factory=list, max_length=60)
    filters: list[GlobalFilter] = Field(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def _unique_ids(self) -> "DashboardDef":
        ids = [w.id for w in self.widgets]
        if len(ids) != len(set(ids)):
            raise ValueError("widget ids must be unique")
        known = set(ids)
        for f in self.filters:
            for target in f.targets:
                if target.widget not in known:
                    raise ValueError(f"filter '{f.key}' targets unknown widget '{target.widget}'")
        return self
