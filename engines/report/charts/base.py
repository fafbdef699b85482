"""The chart-type contract and what every chart shares: settings (colours, labels, legend, sort,
reference lines, colours by threshold, number formats) and the helpers that turn a result frame
into an ECharts option.

Options are built on the server (one place, in Python, tested against real queries); the page
hands them to ECharts as they are. ECharts formatters are functions, which JSON cannot carry, so
data labels arrive already formatted (`label.formatter` is the finished text) and `qq.format`
tells the page how to format axes and tooltips the same way.
"""

from __future__ import annotations

import statistics
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from engines.report.post import Frame

COLOR = r"^#[0-9a-fA-F]{6}$"
PALETTE = ("#5470c6", "#91cc75", "#fac858", "#ee6666", "#73c0de", "#3ba272", "#fc8452", "#9a60b4", "#ea7ccc")
CURRENCY = {"CNY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "HKD": "HK$"}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NumberFormat(Strict):
    style: Literal["number", "percent", "currency", "wan"] = "number"  # wan: 万 / 亿 units
    decimals: int | None = Field(None, ge=0, le=6)
    currency: str = Field("CNY", pattern=r"^[A-Z]{3}$")
    suffix: str = Field("", max_length=10)


class Legend(Strict):
    show: bool = True
    position: Literal["top", "bottom", "left", "right"] = "top"


class ReferenceLine(Strict):
    kind: Literal["target", "average", "median", "min", "max"]
    value: float | None = Field(None, description="for a target")
    measure: str | None = Field(None, description="the measure it refers to; default the first")
    label: str | None = Field(None, max_length=40)
    color: str = Field("#ee6666", pattern=COLOR)


class ColorThreshold(Strict):
    at: float
    color: str = Field(pattern=COLOR)


class ChartSettings(Strict):
    title: str | None = Field(None, max_length=100)
    colors: list[Annotated[str, Field(pattern=COLOR)]] = Field(default_factory=list, max_length=20)
    show_labels: bool = False
    legend: Legend = Field(default_factory=Legend)
    sort: Literal["none", "asc", "desc"] = "none"
    measures: list[str] = Field(default_factory=list, max_length=12, description="measures to plot; default: all")
    number_format: NumberFormat = Field(default_factory=NumberFormat)
    reference_lines: list[ReferenceLine] = Field(default_factory=list, max_length=5)
    thresholds: list[ColorThreshold] = Field(default_factory=list, max_length=10, description="a value at or above `at` takes `color`")


class ChartType:
    """A chart: one class, registered once in `CHART_TYPES`."""

    type: ClassVar[str]
    label: ClassVar[dict[str, str]]
    description: ClassVar[dict[str, str]]
    dimensions: ClassVar[tuple[int, int]] = (1, 1)  # (min, max) dimensions it needs
    measures: ClassVar[tuple[int, int]] = (1, 12)
    Settings: ClassVar[type[ChartSettings]] = ChartSettings

    def parse_settings(self, raw: dict[str, Any]) -> ChartSettings:
        return self.Settings.model_validate(raw)

    def check(self, dimensions: int, measures: int) -> list[tuple[str, str, str]]:
        """(path, en, zh) for a report shape this chart cannot show."""
        out = []
        for what, count, (low, high), zh in (("dimensions", dimensions, self.dimensions, "维度"),
                                            ("measures", measures, self.measures, "指标")):
            if not low <= count <= high:
                want = str(low) if low == high else f"{low}–{high}"
                out.append((what, f"A {self.type} chart needs {want} {what}, not {count}.",
                            f"{self.label['zh-CN']}需要 {want} 个{zh}，而不是 {count} 个。"))
        return out

    def option(self, frame: Frame, settings: Any) -> dict[str, Any]:
        raise NotImplementedError

    def catalogue_entry(self) -> dict[str, Any]:
        return {
            "type": self.type, "label": self.label, "description": self.description,
            "dimensions": {"min": self.dimensions[0], "max": self.dimensions[1]},
            "measures": {"min": self.measures[0], "max": self.measures[1]},
            "settings_schema": self.Settings.model_json_schema(),
        }


# -- formatting ---------------------------------------------------------------------------------------


def format_number(value: Any, fmt: NumberFormat) -> str:
    if value is None or value != value:
        return "-"
    number = float(value)
    decimals = fmt.decimals if fmt.decimals is not None else (0 if number.is_integer() and fmt.style != "percent" else 2)
    if fmt.style == "percent":
        text = f"{number * 100:,.{decimals if fmt.decimals is not None else 1}f}%"
    elif fmt.style == "wan":
        for size, unit in ((1e8, "亿"), (1e4, "万")):
            if abs(number) >= size:
                text = f"{number / size:,.{fmt.decimals if fmt.decimals is not None else 2}f}{unit}"
                break
        else:
            text = f"{number:,.{decimals}f}"
    elif fmt.style == "currency":
        symbol = CURRENCY.get(fmt.currency, fmt.currency + " ")
        text = f"{'-' if number < 0 else ''}{symbol}{abs(number):,.{fmt.decimals if fmt.decimals is not None else 2}f}"
    else:
        text = f"{number:,.{decimals}f}"
    return text + fmt.suffix


# -- frame access -------------------------------------------------------------------------------------


def plotted(frame: Frame, settings: Any) -> list[str]:
    """Measure keys to draw: those chosen, else every measure not derived by a post step."""
    if settings.measures:
        known = {c.key for c in frame.measures}
        return [m for m in settings.measures if m in known]
    own = [c.key for c in frame.measures if c.derived_from is None and c.kind == "number"]
    return own or [c.key for c in frame.measures if c.kind == "number"]


def ordered(frame: Frame, settings: Any, measure: str | None) -> Frame:
    if settings.sort == "none" or measure is None or frame.data.empty:
        return frame
    data = frame.data.sort_values(measure, ascending=settings.sort == "asc", kind="stable", na_position="last")
    return frame.with_data(data.reset_index(drop=True))


def values(frame: Frame, key: str) -> list[Any]:
    return [None if v is None or v != v else float(v) for v in frame.data[key].tolist()]


def names(frame: Frame, key: str) -> list[str]:
    return [frame.display(key, v) for v in frame.data[key].tolist()]


def colour_of(value: Any, settings: Any) -> str | None:
    found = None
    for t in sorted(settings.thresholds, key=lambda t: t.at):
        if value is not None and value >= t.at:
            found = t.color
    return found


def items(frame: Frame, key: str, settings: Any) -> list[dict[str, Any]]:
    """Data items with finished labels and threshold colours."""
    out = []
    for v in values(frame, key):
        item: dict[str, Any] = {"value": v}
        colour = colour_of(v, settings)
        if colour:
            item["itemStyle"] = {"color": colour}
        if settings.show_labels:
            item["label"] = {"show": True, "formatter": format_number(v, settings.number_format)}
        out.append(item)
    return out


def reference_lines(frame: Frame, settings: Any, measure: str, axis: str = "yAxis") -> dict[str, Any] | None:
    lines = [r for r in settings.reference_lines if (r.measure or measure) == measure]
    if not lines:
        return None
    data = [v for v in values(frame, measure) if v is not None]
    out = []
    for line in lines:
        if line.kind == "target":
            at = line.value
        elif not data:
            continue
        else:
            at = {"average": statistics.fmean, "median": statistics.median, "min": min, "max": max}[line.kind](data)
        if at is None:
            continue
        text = line.label or line.kind
        out.append({axis: at, "name": text, "lineStyle": {"color": line.color, "type": "dashed"},
                    "label": {"formatter": f"{text}: {format_number(at, settings.number_format)}"}})
    return {"symbol": "none", "silent": True, "data": out} if out else None


def base_option(frame: Frame, settings: Any) -> dict[str, Any]:
    option: dict[str, Any] = {
        "color": list(settings.colors or PALETTE),
        "tooltip": {"trigger": "axis"},
        "qq": {"format": settings.number_format.model_dump()},
    }
    if settings.title:
        option["title"] = {"text": settings.title}
    legend = settings.legend
    option["legend"] = {"show": legend.show, legend.position: 0}
    if legend.position in ("left", "right"):
        option["legend"]["orient"] = "vertical"
    return option


def label_of(frame: Frame, key: str) -> str:
    return frame.column(key).label or key


def series_split(frame: Frame, settings: Any) -> tuple[list[str], list[tuple[str, str, list[Any]]]]:
    """Categories along the first dimension, and series: one per measure, or — with a second
    dimension — one per value of it (for the first measure). Each series: (name, measure, values)."""
    dims = frame.dimensions
    measures = plotted(frame, settings)
    frame = ordered(frame, settings, measures[0] if measures else None)
    first = dims[0].key if dims else None
    if first is None:
        return [""], [(label_of(frame, m), m, values(frame, m)[:1]) for m in measures]
    categories = list(dict.fromkeys(frame.data[first].tolist()))
    category_names = [frame.display(first, c) for c in categories]
    if len(dims) < 2:
        return category_names, [(label_of(frame, m), m, values(frame, m)) for m in measures]
    second, measure = dims[1].key, measures[0]
    out = []
    for group in dict.fromkeys(frame.data[second].tolist()):
        part = frame.data[frame.data[second].isin([group]) if group is not None else frame.data[second].isna()]
        by_cat = {row[first]: row[measure] for row in part.to_dict("records")}
        out.append((frame.display(second, group), measure,
                    [None if by_cat.get(c) is None or by_cat.get(c) != by_cat.get(c) else float(by_cat[c]) for c in categories]))
    return category_names, out
